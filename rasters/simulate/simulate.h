/* The simulate stage: sequential Gaussian simulation of each kriged
 * contaminant (geostat/sgsim.h), conditioned on the samples through their
 * normal scores (geostat/nscore.h), reduced tile by tile as the
 * realizations are made. Under <out>/simulation/:
 *   <c>_etype.tif      the mean of the realizations (E-type)
 *   <c>_q05.tif, _q95  their 5th and 95th percentiles
 *   <c>_p<k>.tif       the share of realizations above guideline tier k, with
 *                      classify's land-use and pH rules
 *   <c>.json           the normal-score table and variogram, and per tier the
 *                      area above it across realizations (mean and percentiles),
 *                      in all and per land-use class.
 * docs/simulation.md explains the method and how to read the odds. */
#ifndef SM_SIMULATE_H
#define SM_SIMULATE_H

#include "config/config.h"
#include "core/limits.h"
#include "guideline/thresholds.h"
#include "modelfit/modelfit.h"
#include "stage/paths.h"
#include "stage/stage.h"

typedef struct {
    const char *name;
    int n; /* samples */
    sm_modelfit vg; /* of the normal scores */
    int nmax;
    double radius;
    int lattice, tile;
    double zmin, zmax; /* the back-transform's bounds */
    long cells;        /* cells simulated */
    int ntiers;
    double area_mean[SM_MAX_TIERS]; /* m2 above each tier, mean over realizations */
    double seconds;
} sm_simulate_result;

typedef struct {
    sm_simulate_result per[SM_MAX_CONTAMINANTS];
    int n;
} sm_simulate_summary;

int sm_simulate(const sm_stage_ctx *ctx, sm_simulate_summary *out);

/* The contaminants simulated: simulation.contaminants, or every kriged one. */
int sm_simulate_names(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS]);

/* Adds the files the stage writes for cfg to paths. */
int sm_simulate_outputs(const sm_config *cfg, sm_paths *paths);

#endif
