/* The interpolate stage: for each contaminant, the empirical variogram and
 * its fitted model (kriging), the surfaces as Cloud Optimized GeoTIFFs, and
 * cross-validation. Outputs under <out>/surfaces/ and <out>/variogram/, the
 * per-sample cross-validation in layer cv_<c> of <out>/samples.gpkg. */
#ifndef SM_INTERPOLATE_H
#define SM_INTERPOLATE_H

#include "config/config.h"
#include "core/limits.h"
#include "geostat/crossval.h"
#include "geostat/vgfit.h"
#include "modelfit/modelfit.h"
#include "grid/grid.h"
#include "stage/paths.h"
#include "stage/stage.h"

#include <stddef.h>

typedef struct {
    const char *name;
    int n;        /* samples with a value */
    int constant; /* every value equal: a flat surface, variance 0 */
    sm_modelfit vg; /* kriging: the variogram model */
    int cv_done;
    sm_cv cv;            /* summary figures (arrays freed) */
    long nodata_cells;   /* cells with too few neighbours */
    long singular_cells; /* cells solved with the singular-system fallback */
    double seconds;
} sm_interp_result;

typedef struct {
    sm_grid grid;
    sm_interp_result per[SM_MAX_CONTAMINANTS];
    int n;
} sm_interp_summary;

int sm_interpolate(const sm_stage_ctx *ctx, sm_interp_summary *out);

/* Adds the files the stage writes for cfg to paths. */
int sm_interpolate_outputs(const sm_config *cfg, sm_paths *paths);

#endif
