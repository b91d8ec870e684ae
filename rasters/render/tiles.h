/* XYZ tile pyramids for web maps: a raster warped by GDAL into Web Mercator
 * tile by tile (256 px), coloured with a colour ramp and written as PNG with
 * transparent nodata, in parallel (one source dataset per thread). Every
 * tile over the raster's extent is written, transparent ones too, so a
 * viewer never asks for a missing file. A legend (legend.json, legend.png)
 * beside the pyramid comes from the same ramp. */
#ifndef SM_TILES_H
#define SM_TILES_H

#include "render/colormap.h"

typedef struct {
    const char *src; /* the raster (any CRS) */
    int band;
    const char *dir; /* the pyramid: DIR/{z}/{x}/{y}.png */
    const sm_colormap *colors;
    int nearest; /* classes: nearest neighbour; else bilinear */
    int zmin, zmax;
    int part, parts; /* this process renders tiles i with i % parts == part
                      * (MPI ranks); parts 0 counts as 1. Part 0 also
                      * writes the legend. */
} sm_tiles_spec;

typedef struct {
    long written, empty; /* this part's tiles; empty: fully transparent */
} sm_tiles_result;

/* Zoom levels for a raster: zmax where a tile pixel is no larger than a
 * cell, zmin where one tile covers the whole extent. */
int sm_tiles_zoom_range(const char *src, int *zmin, int *zmax);

int sm_tiles_render(const sm_tiles_spec *spec, sm_tiles_result *out);

/* For a raster in a local CRS, which Web Mercator cannot hold: the band as
 * one PNG on its own grid (a pixel a cell, north up), DIR/image.png, with
 * the legend beside it; bounds: its extent in the raster's units (xmin,
 * ymin, xmax, ymax), where a viewer puts the image. zmin, zmax and the
 * parts are not used. */
int sm_tiles_image(const sm_tiles_spec *spec, double bounds[4]);

#endif
