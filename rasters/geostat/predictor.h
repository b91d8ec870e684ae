/* One predictor for every place that interpolates samples (gstat's single
 * dispatcher): the surfaces, cross-validation and the soil pH grid build an
 * sm_predictor from the method, the samples, their k-d tree and the
 * neighbourhood, give each thread an sm_predictor_scratch, and ask for
 * predictions one location at a time. It is a thin dispatch: kriging keeps
 * its scratch reuse, factor updates and global neighbourhood (kriging.h),
 * IDW its exact neighbour search (idw.h, nsearch.h).
 *
 * Room to grow: a drift (universal kriging, kriging with external drift)
 * adds its per-sample covariate columns to sm_predictor_setup, whose
 * callers name their fields, so zero stays "no drift", and the location's
 * covariate values come to a predict call that takes them, this one staying
 * for predictions without; conditional simulation reads the kriging weights
 * from sm_predictor_result, which callers read by field. The scratch is
 * opaque, so whatever those need per thread stays inside. */
#ifndef SM_PREDICTOR_H
#define SM_PREDICTOR_H

#include "geostat/idw.h"
#include "geostat/kdtree.h"
#include "geostat/kriging.h"
#include "geostat/vgmodel.h"

typedef enum { SM_PREDICTOR_KRIGING = 1, SM_PREDICTOR_IDW } sm_predictor_method;

/* What a predictor is built from. The arrays and the tree are the caller's:
 * they are not copied and must outlive the predictor. */
typedef struct {
    sm_predictor_method method;
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;   /* over x, y */
    int nmax;                /* <= 0 or >= n: every sample */
    int nmin;                /* fewer neighbours within maxdist: no prediction */
    double maxdist;          /* HUGE_VAL: unlimited */
    sm_vgm model;            /* kriging */
    double power, smoothing; /* IDW */
} sm_predictor_setup;

typedef struct {
    sm_predictor_method method;
    sm_kriging kr; /* kriging */
    sm_idw idw;    /* IDW */
} sm_predictor;

/* Per thread: the neighbour search and, for kriging, the factor it reuses. */
typedef struct sm_predictor_scratch sm_predictor_scratch;

typedef struct {
    double pred;     /* on the scale of z; NAN when there is no prediction */
    double var;      /* kriging variance, clamped at 0; NAN for IDW */
    double lagrange; /* kriging's (1 - 1'C^-1 c0) / 1'C^-1 1 for the lognormal
                      * back-transform; NAN for IDW */
    int neighbours;  /* kriging: the neighbours found; IDW: -1, as sm_idw_predict
                      * does not report them */
} sm_predictor_result;

/* What a thread's scratch counted, for the run's warnings and for tuning. */
typedef struct {
    long singular;          /* kriging systems that needed the added nugget or failed */
    long rebuilds, updates; /* kriging factors rebuilt and updated */
} sm_predictor_counts;

/* SM_OK, or the status of a kriging that cannot be set up (a model without
 * a sill, a global neighbourhood too large, out of memory). For the global
 * neighbourhood this factors the covariance matrix once. */
int sm_predictor_init(sm_predictor *p, const sm_predictor_setup *s);
/* Also safe on a zeroed predictor that was never set up. */
void sm_predictor_free(sm_predictor *p);

/* A scratch for one thread, or NULL when out of memory, with the error set
 * on the calling thread (see sm_predictor_failure). Free it with
 * sm_predictor_scratch_free, which, like reset and block, accepts NULL, so
 * that a thread without a scratch can go on until its caller reports. */
sm_predictor_scratch *sm_predictor_scratch_new(const sm_predictor *p);
void sm_predictor_scratch_free(sm_predictor_scratch *s);

/* Forgets the search block and the factor, so that the next prediction
 * starts afresh: call it where results must not depend on what was computed
 * before (each tile, each cross-validation sample), which keeps them
 * independent of the thread count. */
void sm_predictor_scratch_reset(sm_predictor_scratch *s);

/* The locations that follow are all within reach of (cx, cy): one tree
 * search serves them (nsearch.h). Ignored by the global kriging
 * neighbourhood, which needs no search. A location outside the current
 * block's reach must not be predicted until the next block or reset. */
void sm_predictor_block(sm_predictor_scratch *s, double cx, double cy, double reach);

/* Predicts at (x, y) leaving out sample `exclude` (or -1):
 *  0: *r filled;
 *  1: no prediction (r->pred and r->var NAN): fewer than nmin neighbours,
 *     or a kriging system singular even with the added nugget;
 *  a negative sm_status: an error, not a missing value (out of memory, a
 *     NULL scratch), set on the calling thread: stop and report it. */
int sm_predictor_predict(const sm_predictor *p, sm_predictor_scratch *s, double x, double y,
                         int exclude, sm_predictor_result *r);

/* Zero for IDW and for a NULL scratch. */
sm_predictor_counts sm_predictor_scratch_counts(const sm_predictor_scratch *s);

/* The first error among the threads that share a predictor. The error
 * channel is per thread (core/error.h), so a thread that fails keeps its
 * status and message here and the caller reports them after the parallel
 * region. Zero it before the region. */
typedef struct {
    int status; /* SM_OK until a thread fails */
    char message[2048];
} sm_predictor_failure;

/* Keeps the calling thread's error, unless a thread's is kept already. */
void sm_predictor_failure_keep(sm_predictor_failure *f);
/* SM_OK, or the kept status, its message set again on the calling thread. */
int sm_predictor_failure_report(const sm_predictor_failure *f);

#endif
