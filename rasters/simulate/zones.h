/* The hotspots of the run (hotspots.gpkg) as blocks of grid cells, and what
 * the realizations say about each: the probability that its mean exceeds
 * the guideline, the spatial UCL95 of its mean (the 95th percentile of the
 * block mean over realizations, as agencies use a UCL95 for an exposure
 * unit) and the distribution of its area above the guideline.
 *
 * Sums over cells are kept in 128-bit fixed point (2^-32), so that adding
 * the tiles in any order, on any thread, gives the same bits. */
#ifndef SM_SIM_ZONES_H
#define SM_SIM_ZONES_H

#include "simulate/job.h"

struct json_object;

typedef __int128 sm_fixed;

struct sm_sim_zones {
    int n;        /* hotspots */
    long *id;     /* per hotspot: its id field */
    long ncells;  /* cells in all hotspots */
    long *cell;   /* their grid indices, ascending ... */
    int *zone;    /* ... and hotspot */
    /* per hotspot and realization (index z * nreal + r), summed over its cells */
    sm_fixed *sum;   /* the value */
    sm_fixed *ratio; /* value / the cell's guideline value (cells that have one) */
    long *above;     /* cells above the guideline */
    long *cells, *judged; /* per hotspot: cells, and those with a guideline value */
};

/* The hotspots of hotspots.gpkg, when the run has a hotspots section and the
 * file exists (else z->n is 0). */
int sm_sim_zones_load(const sm_sim_job *j, sm_sim_zones *z);
void sm_sim_zones_free(sm_sim_zones *z);

/* Empty accumulators shaped like z's (per thread); NULL for memory. */
sm_sim_zones *sm_sim_zones_partial(const sm_sim_zones *z, int nreal);
/* into += from (the accumulators only). */
void sm_sim_zones_add(sm_sim_zones *into, const sm_sim_zones *from, int nreal);

/* Adds the realizations of the tile's hotspot cells: vals[c * nreal + r] for
 * cell c = row * w + col of the tile at (x0, y0); tv(c) the guideline value
 * of the hotspot tier there (NAN: none). */
void sm_sim_zones_accumulate(const sm_sim_job *j, const sm_sim_zones *z, sm_sim_zones *acc,
                             int x0, int y0, int w, int h, const float *vals,
                             double (*tv)(const void *ctx, long c), const void *ctx);

/* The hotspots' fields in hotspots.gpkg and their entries in <c>.json. */
int sm_sim_zones_write(const sm_sim_job *j, const sm_sim_zones *z, struct json_object *out);

#endif
