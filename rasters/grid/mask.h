/* The study area (grid.mask): the cells of the analysis grid whose centres
 * lie inside the mask's polygons. Cells outside are no data in every surface
 * and every product made from them, so maps and hotspots stop at the border.
 * Held as one bit per cell, rasterised by GDAL in strips so that memory
 * stays bounded for national grids (10^9 cells: 125 MB). */
#ifndef SM_MASK_H
#define SM_MASK_H

#include "grid/grid.h"

#include <ogr_srs_api.h>
#include <stdint.h>

struct sm_mask {
    long ncols, nrows;
    long inside; /* cells inside */
    uint8_t *bits;
};

/* Rasterises the polygons of path (layer NULL: the first) onto g, in the
 * working CRS srs. Fails, naming the file, when it cannot be read or
 * transformed, holds no polygon, or covers no cell of the grid. */
int sm_mask_load(const sm_grid *g, OGRSpatialReferenceH srs, const char *path, const char *layer,
                 sm_mask **out);

static inline int sm_mask_has(const sm_mask *m, long col, long row)
{
    size_t i = (size_t)row * (size_t)m->ncols + (size_t)col;
    return (m->bits[i >> 3] >> (i & 7)) & 1;
}

void sm_mask_free(sm_mask *m);

#endif
