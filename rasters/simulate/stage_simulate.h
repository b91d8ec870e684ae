#ifndef SM_STAGE_SIMULATE_H
#define SM_STAGE_SIMULATE_H

#include "stage/stage.h"

extern const sm_stage sm_stage_simulate;

#endif
