/* The cells of a point or polygon on the analysis grid, and values read
 * over them: a point's cell; a polygon's cells whose centres lie inside it
 * (rasterised by GDAL), or, for one smaller than a cell, the cell of a point
 * on its surface. */
#ifndef SM_CELLS_H
#define SM_CELLS_H

#include "grid/grid.h"

#include <gdal.h>
#include <ogr_api.h>

typedef struct {
    int x0, y0, w, h, n; /* the window of cells, and how many belong */
    unsigned char *mask; /* w x h: 1 for the geometry's cells; free it */
} sm_cells;

void sm_cells_of(const sm_grid *g, OGRGeometryH geom, sm_cells *c);

/* Band values of the window into buf (w x h), NAN for nodata. */
int sm_cells_read(GDALDatasetH ds, int band, const sm_cells *c, double *buf);

/* Mean and maximum of buf over the mask (NAN cells skipped). */
void sm_cells_mean_max(const sm_cells *c, const double *buf, double *mean, double *max);

#endif
