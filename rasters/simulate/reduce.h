/* The surface kernel of the simulate stage: a tile's cells in every
 * realization (the lattice given), back-transformed and reduced to the
 * E-type, the 5th and 95th percentiles and the share above each tier, while
 * the cells above each tier are counted per realization for the areas. */
#ifndef SM_SIM_REDUCE_H
#define SM_SIM_REDUCE_H

#include "simulate/job.h"

#include <stddef.h>

void *sm_sim_scratch_new(void *job);
void sm_sim_scratch_free(void *job, void *scratch);
int sm_sim_tile(void *job, void *scratch, int x0, int y0, int w, int h, double *out, size_t plane);

/* Sorts n values ascending, for sm_sim_quantile. */
void sm_sim_sort(double *v, int n);
/* The p-quantile of n sorted values, interpolated as R's type 7. */
double sm_sim_quantile(const double *sorted, int n, double p);

#endif
