/* The analysis grid: a north-up raster in the working CRS whose cell edges
 * fall on the origin plus multiples of the resolution (origin 0, 0 unless
 * grid.origin or grid.like set it), so grids of reruns and of different jobs
 * with the same resolution line up cell for cell. */
#ifndef SM_GRID_H
#define SM_GRID_H

#include "config/config.h"

typedef struct sm_mask sm_mask; /* mask.h */

typedef struct {
    double xmin, ymin, xmax, ymax; /* outer cell edges */
    double res;
    long ncols, nrows;
    const sm_mask *mask; /* the study area; NULL: every cell */
} sm_grid;

/* From the config: its explicit extent, or bbox (xmin, ymin, xmax, ymax of the
 * samples) grown by the buffer. Fails on an empty or absurdly large grid. */
int sm_grid_make(const sm_grid_config *cfg, const double *bbox, sm_grid *out);

/* The edge of the computation tiles: `configured` if above 0, else 256,
 * halved (to no less than 64) while the grid has fewer than 16 tiles, so
 * that a small grid still keeps every thread busy. It depends on the grid
 * only, never on the thread or rank count: results depend on the tiling. */
int sm_grid_tile(const sm_grid *g, int configured);

/* The grid as run.json records it: extent, resolution, columns, rows. */
struct json_object;
struct json_object *sm_grid_json(const sm_grid *g);

#endif
