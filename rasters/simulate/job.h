/* What the simulate stage's modules share about one contaminant: the
 * samples and their normal scores, the SGS set-up, the lattices of every
 * realization, the guideline values, and the areas counted per
 * realization. simulate.c owns it; scores.c fills the scores, reduce.c
 * reduces the realizations tile by tile, zones.c sums them per hotspot,
 * summary.c writes <c>.json. */
#ifndef SM_SIM_JOB_H
#define SM_SIM_JOB_H

#include "config/config.h"
#include "core/limits.h"
#include "geostat/kdtree.h"
#include "geostat/nscore.h"
#include "geostat/sgsim.h"
#include "grid/points.h"
#include "guideline/thresholds.h"
#include "stage/stage.h"

typedef struct sm_sim_zones sm_sim_zones; /* zones.h */

/* The rasters every contaminant gets (etype, q05, q95), before one per tier. */
enum { SM_SIM_FIXED_BANDS = 3 };

typedef struct {
    const sm_stage_ctx *ctx;
    const sm_config *cfg;
    const sm_simulation_config *sc;
    const sm_interp_config *ic;
    const char *name;
    int nreal;
    sm_points pts;   /* the values */
    double flat;     /* NAN unless every value is equal: then every realization is it */
    double *weights; /* declustering weights, NULL: none */
    double *scores;  /* the values' normal scores */
    sm_nscore ns;
    sm_kdtree tree;
    sm_sgs sgs;
    float *coarse; /* the lattice: node n's realization r at n * nreal + r */
    int tile;
    /* guideline values; without a thresholds section, no tiers */
    int has_gl, ntiers, nclasses;
    sm_threshold_table table; /* the tier names of gl point into it */
    sm_guideline gl;
    char landuse[SM_PATH_SIZE], ph[SM_PATH_SIZE]; /* ph "": ph_value */
    double ph_value;
    /* cells above tier t in realization r, in all (k = 0) and on land-use
     * class k - 1: area[(r * ntiers + t) * (nclasses + 1) + k] */
    long *area;
    long cells; /* cells simulated */
    /* the run's hotspots, and their sums over cells per realization */
    sm_sim_zones *zones;
    int hotspot_tier; /* the tier that makes a hotspot */
} sm_sim_job;

#endif
