/* Soil pH on the analysis grid, for guideline values that depend on it
 * (GB 15618): a pH raster warped onto the grid (bilinear), or pH measured
 * on the samples interpolated by IDW (power 2, 16 nearest). Written to
 * <out>/classes/ph.tif. */
#ifndef SM_PHGRID_H
#define SM_PHGRID_H

#include "config/config.h"
#include "grid/grid.h"
#include "stage/stage.h"

typedef struct {
    int samples, skipped; /* samples with a pH; text values that were not numbers */
} sm_ph_summary;

/* SM_EDATA when the raster leaves cells of the grid without pH. */
int sm_ph_grid_make(const sm_stage_ctx *ctx, const char *path, sm_ph_summary *s);

#endif
