/* Stage orchestration: runs stages in order, skips those whose inputs,
 * config and outputs are unchanged since the last run (unless forced), and
 * keeps <out>/run.json up to date after every stage. */
#ifndef SM_RUN_H
#define SM_RUN_H

#include "config.h"

typedef struct {
    int force; /* redo stages even when their outputs are current */
} sm_run_options;

/* Runs one stage by name, or every stage soilmap has when stage is NULL. */
int sm_run(const sm_config *cfg, const char *stage, const sm_run_options *opt);

/* NULL-terminated names of the stages this build has, in run order. */
const char *const *sm_stage_names(void);

#endif
