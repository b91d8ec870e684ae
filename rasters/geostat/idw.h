/* Inverse distance weighting over the nearest samples (true distance, never
 * "first found"): weights 1 / (d^2 + s^2)^(p/2) with power p and smoothing s.
 * Without smoothing it is exact at a sample: a cell on a sample takes its value. */
#ifndef SM_IDW_H
#define SM_IDW_H

#include "geostat/kdtree.h"
#include "geostat/nsearch.h"

typedef struct {
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;
    double power, smoothing;
    int nmax; /* <= 0: all samples */
    int nmin;
    double maxdist; /* HUGE_VAL: unlimited */
} sm_idw;

/* A per-thread neighbour search for w (sm_nsearch_free it). */
int sm_idw_search_init(const sm_idw *w, sm_nsearch *s);

/* 0 and *pred set, or 1 when fewer than nmin samples are within maxdist.
 * exclude (or -1) leaves one sample out, for cross-validation. The weights
 * are summed in sample order, so the result does not depend on the search. */
int sm_idw_predict(const sm_idw *w, sm_nsearch *s, double x0, double y0, int exclude, double *pred);

#endif
