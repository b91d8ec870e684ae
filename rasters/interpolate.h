/* The interpolate stage: for each contaminant, the empirical variogram and
 * its fitted model (kriging), the surfaces as Cloud Optimized GeoTIFFs, and
 * cross-validation. Outputs under <out>/surfaces/ and <out>/variogram/, the
 * per-sample cross-validation in layer cv_<c> of <out>/samples.gpkg. */
#ifndef SM_INTERPOLATE_H
#define SM_INTERPOLATE_H

#include "config.h"
#include "crossval.h"
#include "grid.h"
#include "vgfit.h"

#include <stddef.h>

typedef struct {
    const char *name;
    int n;               /* samples with a value */
    int constant;        /* every value equal: a flat surface, variance 0 */
    sm_vgm model;        /* kriging */
    int fitted;          /* the model came from a fit */
    sm_fit_result fit;
    int fit_fallback;    /* the fit failed; the starting model was used */
    int cv_done;
    sm_cv cv;            /* summary figures (arrays freed) */
    long nodata_cells;   /* cells with too few neighbours */
    long singular_cells; /* cells solved with the singular-system fallback */
    double seconds;
} sm_interp_result;

typedef struct {
    sm_grid grid;
    sm_interp_result per[64];
    int n;
} sm_interp_summary;

int sm_interpolate(const sm_config *cfg, sm_interp_summary *out);

/* The analysis grid of the run (the samples' extent needs samples.gpkg). */
int sm_interpolate_grid(const sm_config *cfg, sm_grid *g);

/* The contaminants the stage interpolates, in order (at most 64). */
int sm_interpolate_names(const sm_config *cfg, const char **names);

/* The surfaces of a contaminant: the concentration (mg/kg, or log-scale
 * when back_transform is none), and for kriging the prediction and variance
 * on the kriging scale (log when transformed). NULL-able outputs. */
void sm_interpolate_paths(const sm_config *cfg, const char *name, char *conc, char *mean,
                          char *var, size_t size);

/* A model as JSON: [{model, psill, range[, kappa][, anis_angle, anis_ratio]}]. */
struct json_object;
struct json_object *sm_vgm_json(const sm_vgm *m);

/* Files the stage writes for cfg (caller frees each); returns the count. */
int sm_interpolate_outputs(const sm_config *cfg, char **paths, int max);

#endif
