/* simulation/<c>.json: how the realizations were made (normal scores,
 * tails, variogram, neighbourhood, lattice) and what they say: per tier,
 * the area above it across realizations, in all and per land-use class. */
#ifndef SM_SIM_SUMMARY_H
#define SM_SIM_SUMMARY_H

#include "simulate/job.h"
#include "simulate/simulate.h"

/* Writes the file and fills res->area_mean. */
int sm_sim_write_json(const sm_sim_job *j, sm_simulate_result *res);

#endif
