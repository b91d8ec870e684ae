/* Cross-validation of an interpolation on its own samples: leave-one-out or
 * k-fold (folds drawn with a seeded generator), for kriging and IDW alike,
 * with per-sample residuals and z-scores and the usual summary figures. */
#ifndef SM_CROSSVAL_H
#define SM_CROSSVAL_H

#include "geostat/vgmodel.h"

typedef struct {
    int n;
    const double *x, *y, *z;
    int kriging;             /* else IDW */
    sm_vgm model;            /* kriging */
    double power, smoothing; /* IDW */
    int nmax, nmin;
    double maxdist;
    int folds; /* 1: leave-one-out; k > 1: k-fold */
    unsigned seed;
} sm_cv_setup;

typedef struct {
    double *pred, *var; /* NAN where no prediction (too few neighbours) */
    int *fold;
    double mean_error, mae, rmse;
    double msdr; /* mean squared deviation ratio: mean(zscore^2); NAN for IDW */
    double r2;   /* 1 - SS_residual / SS_total */
    long used;   /* samples with a prediction */
} sm_cv;

/* SM_OK and *out filled (sm_cv_free it), or a status and *out empty. */
int sm_crossval(const sm_cv_setup *s, sm_cv *out);
void sm_cv_free(sm_cv *cv);

#endif
