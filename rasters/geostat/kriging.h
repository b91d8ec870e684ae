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

#include "geostat/kdtree.h"
#include "geostat/nsearch.h"
#include "geostat/vgmodel.h"

typedef struct {
    sm_vgm model;
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;
    int nmax;       /* <= 0: global neighbourhood */
    int nmin;       /* fewer neighbours within maxdist: no prediction */
    double maxdist; /* HUGE_VAL: unlimited */
    double sill;
    int isotropic;
    /* global neighbourhood: one factorisation for every location */
    double *L, *rd, *u, *v; /* rd: 1 / the diagonal of L */
    double uu, vu;
    int global_singular;
} sm_kriging;

/* Per-thread state: the neighbour search buffers and the Cholesky factor of
 * the current neighbour set's covariance matrix. When the set changes by a few
 * samples (as it does from one cell to the next), the factor is updated: a
 * sample leaving is a row deletion with a rank-1 update, a sample joining a new
 * last row; otherwise it is rebuilt. */
typedef struct {
    int cap;
    sm_nsearch ns; /* the neighbour search */
    int *ids;      /* the wanted set, ascending */
    int *key;      /* the factored set, ascending */
    int *slot;     /* sample index of each row of L */
    int k;         /* size of the factored set */
    double *L;     /* cap x cap, row-major, lower triangle */
    double *rd;    /* 1 / L's diagonal: solves multiply, off the divider */
    double *C;     /* scratch for a rebuild */
    double *u, *v, *yv, *work;
    double *h; /* distances, for the covariances of one row or cell */
    double uu, vu;
    int valid;    /* L holds the factor of key */
    int updates;  /* incremental changes since the last rebuild */
    int singular; /* the factor needed the singular-system fallback */
    long singular_cells;
    long rebuilds, updated; /* counters for tuning */
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

/* A scratch for one thread, sized for the neighbourhood (a local one's
 * factor holds nmax, or with only maxdist every sample, squared, twice), or
 * NULL when out of memory, with the error set (SM_EINTERNAL) on the calling
 * thread: the error channel is per thread, so a caller that makes scratches
 * inside a parallel region must carry sm_error_message() out of it. */
sm_kriging_scratch *sm_kriging_scratch_new(const sm_kriging *k);
/* Safe on NULL. */
void sm_kriging_scratch_free(sm_kriging_scratch *s);

/* Forgets the factorisation and the search block, so that the next
 * prediction starts afresh. Call it where results must not depend on what was
 * computed before (each tile, each cross-validation sample), which keeps them
 * thread-count independent. Does nothing on NULL. */
void sm_kriging_scratch_reset(sm_kriging_scratch *s);

/* 0 and *r filled, or 1 when there is no prediction: fewer than nmin
 * neighbours, or a system singular even with the added nugget (counted in
 * scratch->singular_cells). A singular system (coincident points) is solved
 * with a nugget of 1e-10 of the sill added, and counted too. exclude (or -1)
 * leaves one sample out, for cross-validation.
 * -1 is an error, not a missing value: out of memory (the factor grows
 * when leave-one-out in a global neighbourhood first needs a local one) or a
 * NULL scratch, with the error set on the calling thread; the caller stops
 * and reports it rather than writing a nodata cell. */
int sm_kriging_predict(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0,
                       int exclude, sm_kriging_result *r);

/* Cholesky factorisation of the n x n matrix A (row-major, row stride ld)
 * into L (same stride); returns 0, -1 when a pivot is not positive
 * (singular within round-off), or -2 when out of memory (n > 128 needs a
 * column of scratch). */
int sm_kriging_cholesky(const double *A, double *L, int n, int ld);
/* rd[i] = 1 / L[i][i] for rows from..n-1. */
void sm_kriging_reciprocal_diagonal(const double *L, int from, int n, int ld, double *rd);
/* Solves L y = b in place (row stride ld), rd from sm_kriging_reciprocal_diagonal. */
void sm_kriging_forward_solve(const double *L, const double *rd, int n, int ld, double *b);

#endif
