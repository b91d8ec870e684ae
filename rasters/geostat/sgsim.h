/* Sequential Gaussian simulation on a grid (the core of GSLIB's sgsim and
 * gstat's krige(nsim =)): nodes visited along a random path, each drawn from
 * its simple-kriging distribution given the nearest data and the nearest
 * nodes simulated before it, all in normal scores (nscore.h) with mean 0.
 *
 * Every realization follows the same random path, as in gstat: a node's
 * neighbours, and so its kriging weights, are the same in all of them, and
 * are solved once. Realization r of the node is then
 *     base + sum_j w_j v_j(r) + sd * g(seed, r, cell)
 * (base: the data's part), a few operations per realization instead of a
 * kriging system. The realizations differ by their Gaussian draws, which a
 * counter-based generator keys by seed, realization and cell.
 *
 * Two levels, so that a national grid is simulated in parallel tiles and
 * the result does not depend on who computes what:
 *   1. the coarse lattice (every `spacing`-th column and row) is simulated
 *      first, over the whole grid;
 *   2. each tile (block) of the grid then fills its other cells, conditioned
 *      on the data, on the lattice nodes (its own and its neighbours') and on
 *      its own cells simulated before; never on another block's fine cells,
 *      so blocks are independent given the lattice.
 * With one block covering the grid this is plain SGS along a lattice-first
 * path, as GSLIB's multiple-grid option does. */
#ifndef SM_SGSIM_H
#define SM_SGSIM_H

#include "geostat/kdtree.h"
#include "geostat/vgmodel.h"

#include <stdint.h>

enum { SM_SGS_MAXNB = 256 };

typedef struct sm_sgs_offsets sm_sgs_offsets;
typedef struct sm_sgs_covtab sm_sgs_covtab;

typedef struct {
    /* conditioning data, in normal scores, and their index */
    int n;
    const double *x, *y, *z;
    const sm_kdtree *tree;
    sm_vgm model;  /* of the normal scores (sill about 1) */
    int nmax;      /* nearest conditioning values, data and simulated nodes together */
    double radius; /* HUGE_VAL: no limit */
    /* the grid: nodes at cell centres, row 0 at the top */
    long ncols, nrows;
    double xmin, ymax, res;
    int spacing; /* of the coarse lattice, in cells (>= 1) */
    /* cells to simulate (NULL: all); the others are NAN and condition nothing */
    int (*active)(const void *ctx, long col, long row);
    const void *active_ctx;
    uint64_t seed;
    /* set by sm_sgs_init */
    long ccols, crows; /* the lattice */
    long reach;        /* cells a fine node's search for simulated nodes looks */
    sm_sgs_offsets *coarse_off, *fine_off;
    sm_sgs_covtab *covtab; /* covariances between cells by offset */
    double sill;
} sm_sgs;

/* Checks the settings and prepares the searches: SM_EDATA with a message
 * for nmax out of 1..SM_SGS_MAXNB, no grid or no radius; SM_EINTERNAL for
 * memory. */
int sm_sgs_init(sm_sgs *s);
void sm_sgs_free(sm_sgs *s);

/* Realizations 0 .. nreal - 1 of the lattice into out[node * nreal + r],
 * node = crow * ccols + ccol (lattice node (ccol, crow) is grid cell
 * (ccol * spacing, crow * spacing)). */
int sm_sgs_coarse(const sm_sgs *s, int nreal, float *out);

/* Per-thread work space for blocks of up to tile x tile cells. */
typedef struct sm_sgs_work sm_sgs_work;
sm_sgs_work *sm_sgs_work_new(const sm_sgs *s, int tile);
void sm_sgs_work_free(sm_sgs_work *w);

/* The bytes a work space for tile takes (to size tiles by memory). */
double sm_sgs_work_bytes(const sm_sgs *s, int tile);

/* Realizations 0 .. nreal - 1 of the block of w x h cells from column x0,
 * row y0, into out[(j * w + i) * nreal + r], given the lattice of
 * sm_sgs_coarse with the same nreal. */
int sm_sgs_block(const sm_sgs *s, sm_sgs_work *work, const float *coarse, int nreal, long x0,
                 long y0, int w, int h, float *out);

/* The whole grid as one block, into out[(row * ncols + col) * nreal + r]
 * (tests). */
int sm_sgs_realizations(const sm_sgs *s, int nreal, float *out);

/* The generator: a uniform number in (0, 1] from (seed, a, b, c) (1 once
 * in 2^53); exposed for tests. */
double sm_sgs_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

#endif
