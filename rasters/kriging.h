/* Ordinary kriging at a point, with a local neighbourhood (the nmax nearest
 * within maxdist) or the global one. The system is solved through a Cholesky
 * factorisation of the neighbours' covariance matrix C, in the form
 *   y = L^-1 c0, u = L^-1 1, v = L^-1 z
 *   prediction = y.v + (1 - y.u) (v.u) / (u.u)
 *   variance   = C(0) - y.y + (1 - y.u)^2 / (u.u)
 * so that a cell whose neighbour set equals the previous cell's reuses the
 * factorisation and costs one triangular solve. */
#ifndef SM_KRIGING_H
#define SM_KRIGING_H

#include "kdtree.h"
#include "vgmodel.h"

typedef struct {
    sm_vgm model;
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;
    int nmax;       /* <= 0: global neighbourhood */
    int nmin;       /* fewer neighbours within maxdist: no prediction */
    double maxdist; /* HUGE_VAL: unlimited */
    double sill;
    /* global neighbourhood: one factorisation for every location */
    double *L, *u, *v;
    double uu, vu;
    int global_singular;
} sm_kriging;

typedef struct {
    sm_neighbour *nb;
    int *ids;        /* neighbour indices, ascending: the cache key */
    int *prev_ids;
    int k, prev_k;
    double *C, *prevC; /* covariance matrices, k x k */
    double *L, *u, *v, *yv, *zv;
    double uu, vu;
    int valid;       /* L, u, v hold the factorisation of prev_ids */
    int singular;    /* the current factorisation needed the fallback */
    long singular_cells;
} sm_kriging_scratch;

typedef struct {
    double pred;     /* on the scale of z */
    double var;      /* kriging variance, clamped at 0 */
    double lagrange; /* (1 - 1'C^-1 c0) / 1'C^-1 1, for the lognormal back-transform */
    int neighbours;
} sm_kriging_result;

/* Prepares the kriging; for the global neighbourhood this factors C once. */
int sm_kriging_init(sm_kriging *k, const sm_vgm *model, int n, const double *x, const double *y,
                    const double *z, const sm_kdtree *tree, int nmax, int nmin, double maxdist);
void sm_kriging_free(sm_kriging *k);

sm_kriging_scratch *sm_kriging_scratch_new(const sm_kriging *k);
void sm_kriging_scratch_free(sm_kriging_scratch *s);

/* 0 and *r filled, or 1 when there are fewer than nmin neighbours. A
 * singular system (coincident points) is solved with a nugget of 1e-10 of
 * the sill added and counted in scratch->singular_cells. exclude (or -1)
 * leaves one sample out, for cross-validation. */
int sm_kriging_predict(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0,
                       int exclude, sm_kriging_result *r);

/* Cholesky factorisation of the n x n matrix A (row-major) into L; returns 0,
 * or -1 when a pivot is not positive (singular within round-off). */
int sm_cholesky(const double *A, double *L, int n);
/* Solves L y = b in place. */
void sm_forward_solve(const double *L, int n, double *b);

#endif
