/* Sequential Gaussian simulation of one realization on a grid (the core of
 * GSLIB's sgsim and gstat's krige(nsim =)): nodes visited along a random
 * path, each drawn from its simple-kriging distribution given the nearest
 * data and the nearest nodes simulated before it, all in normal scores
 * (nscore.h) with mean 0.
 *
 * Realization r of seed s is a pure function of (s, r): the path and every
 * Gaussian draw come from a counter-based generator keyed by seed,
 * realization and node, never from a shared stream, so realizations can be
 * computed on any thread or process in any order and come out the same. */
#ifndef SM_SGSIM_H
#define SM_SGSIM_H

#include "geostat/kdtree.h"
#include "geostat/vgmodel.h"

#include <stdint.h>

typedef struct {
    /* conditioning data, in normal scores, and their index */
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;
    sm_vgm model; /* of the normal scores (sill about 1) */
    int ndata;    /* nearest data used at a node */
    int nsim;     /* nearest previously simulated nodes used at a node */
    double radius;
    /* the grid: nodes at cell centres, row 0 at the top */
    long ncols, nrows;
    double xmin, ymax, res;
    uint64_t seed;
} sm_sgs;

/* Realization r into out[row * ncols + col] (normal scores). SM_EDATA with
 * a message for a grid or neighbourhood it cannot do (nsim + ndata above
 * SM_SGS_MAXNB, a radius that leaves no search window). */
enum { SM_SGS_MAXNB = 256 };
int sm_sgs_realization(const sm_sgs *s, long r, double *out);

/* The generator: a uniform number in (0, 1) from (seed, a, b, c); exposed
 * for tests. */
double sm_sgs_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

#endif
