/* From a contaminant's samples to what SGS conditions on: the values, their
 * declustering weights, the normal-score table with its tails, the scores,
 * and the variogram model of the scores. */
#ifndef SM_SIM_SCORES_H
#define SM_SIM_SCORES_H

#include "simulate/job.h"
#include "simulate/simulate.h"

/* Fills j's pts, weights, ns, scores and tree, and res's n, vg, zmin, zmax. */
int sm_sim_scores(sm_sim_job *j, sm_simulate_result *res);

#endif
