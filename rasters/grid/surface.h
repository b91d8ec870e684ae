/* Renders a raster surface cell by cell: the grid is cut into tiles that
 * OpenMP threads compute in parallel (dynamic schedule, scratch per thread);
 * finished tiles are written in a fixed order by one thread, so memory is
 * bounded by the tiles in flight and the files do not depend on the thread
 * count. The tiles go to a part file; the Cloud Optimized GeoTIFF is then
 * built from the parts through a VRT, written under a temporary name and
 * renamed when complete. Which tiles this process computes, and which parts
 * there are, is the current share (share.h): all of them, an MPI rank's, a
 * --tile-range slice's, or none when slices are assembled. */
#ifndef SM_SURFACE_H
#define SM_SURFACE_H

#include "grid/grid.h"
#include "grid/share.h"
#include "grid/tally.h"

#include <gdal.h>
#include <ogr_srs_api.h>

typedef struct {
    void *(*scratch_new)(void *ctx); /* once per thread */
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
    /* Instead of cell (raster algebra on other grids): the values of the
     * w x h cells from column x0, row y0, band b's cell (i, j) into
     * out[b * plane + j * w + i]; NAN for none. Returns 0, or an sm_status
     * that stops the render. */
    int (*tile)(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out, size_t plane);
    void *ctx;
    /* May be NULL: what the kernel counts while computing (under its own
     * locks). After the render it holds the whole grid's totals, whichever
     * processes computed the tiles (see share.h). */
    sm_tally *tally;
} sm_surface_kernel;

enum { SM_SURFACE_MAXFILES = 8, SM_SURFACE_MAXBANDS = 16 };

typedef struct {
    const char *path;
    GDALDataType type; /* GDT_Float32, GDT_Float64, GDT_Byte ... */
    double nodata;
    int nbands; /* 0 counts as 1; the kernel's bands run through the files in order */
} sm_surface_file;

typedef struct {
    int nfiles;
    sm_surface_file files[SM_SURFACE_MAXFILES]; /* one COG each */
    char **cog_options;                         /* extra COG creation options (KEY=VALUE) */
    int tile;                                   /* tile edge in cells; 0: 256 */
    const sm_share *share; /* the tiles this process computes; NULL: all (share.h) */
    /* May be NULL: called with each file's finished staging dataset before
     * it is copied to the COG, to add colour tables, category names and band
     * descriptions. */
    void (*describe)(void *ctx, int file, GDALDatasetH ds);
    void *describe_ctx;
} sm_surface_spec;

int sm_surface_render(const sm_grid *g, OGRSpatialReferenceH srs, const sm_surface_spec *spec,
                      const sm_surface_kernel *k, GDALProgressFunc progress, void *progress_arg);

#endif
