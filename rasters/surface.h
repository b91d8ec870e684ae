/* Renders a raster surface cell by cell: the grid is cut into tiles that
 * OpenMP threads compute in parallel (dynamic schedule, scratch per thread);
 * finished tiles are written in a fixed order by one thread, so memory is
 * bounded by the tiles in flight and the files do not depend on the thread
 * count. The result is a Cloud Optimized GeoTIFF per band, written under a
 * temporary name and renamed when complete. */
#ifndef SM_SURFACE_H
#define SM_SURFACE_H

#include "grid.h"

#include <gdal.h>
#include <ogr_srs_api.h>

typedef struct {
    void *(*scratch_new)(void *ctx);   /* once per thread */
    void (*scratch_free)(void *ctx, void *scratch);
    /* Before each tile (may be NULL): state carried from cell to cell must be
     * reset here, so that a tile's values do not depend on which thread
     * computed which tiles before it. */
    void (*tile_begin)(void *ctx, void *scratch);
    /* Before each block of cells within a tile (may be NULL): the cells that
     * follow are all within reach of (cx, cy). */
    void (*block_begin)(void *ctx, void *scratch, double cx, double cy, double reach);
    /* Values of the cell centred at (x, y) into out[0..nbands); NAN for none. */
    void (*cell)(void *ctx, void *scratch, double x, double y, double *out);
    void *ctx;
} sm_surface_kernel;

enum { SM_SURFACE_MAXBANDS = 8 };

typedef struct {
    int nbands;
    const char *paths[SM_SURFACE_MAXBANDS]; /* one single-band COG per band */
    GDALDataType type;                      /* GDT_Float32 (default) or GDT_Float64 */
    double nodata;
    char **cog_options;                     /* extra COG creation options (KEY=VALUE) */
    int tile;                               /* tile edge in cells; 0: 256 */
} sm_surface_spec;

int sm_surface_render(const sm_grid *g, OGRSpatialReferenceH srs, const sm_surface_spec *spec,
                      const sm_surface_kernel *k, GDALProgressFunc progress, void *progress_arg);

#endif
