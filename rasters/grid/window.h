/* Reads rasters that lie on the analysis grid window by window, as doubles
 * with NAN for nodata: the input side of raster-algebra kernels (classify,
 * hotspots). One reader per thread; GDAL datasets are not shared. */
#ifndef SM_WINDOW_H
#define SM_WINDOW_H

#include "grid/grid.h"

#include <gdal.h>
#include <ogr_srs_api.h>

typedef struct {
    const char *path;
    GDALDatasetH ds;
    int has_nodata;
    double nodata;
    double *buf; /* tile x tile values of the last read */
} sm_window;

/* Opens path for windows of at most tile x tile cells; SM_ENOINPUT names the
 * file when it cannot be opened. */
int sm_window_open(sm_window *w, const char *path, int tile);

/* Band b (from 1) of the w x h cells from column x0, row y0 into w->buf. */
int sm_window_read(sm_window *win, int band, int x0, int y0, int w, int h);

void sm_window_close(sm_window *w);

/* Warps src (any CRS) onto grid g as a VRT file at dst, with GDAL's
 * resampling (near, bilinear ...) and, unless NULL, a nodata value for cells
 * the source does not cover. Nothing is computed until windows are read.
 * label names the input in messages. */
int sm_warp_to_grid(GDALDatasetH src, const sm_grid *g, OGRSpatialReferenceH srs,
                    const char *resampling, const char *dst_nodata, const char *dst,
                    const char *label);

#endif
