/* The stage registry: every stage soilmap has, in run order. To add a
 * stage, define its sm_stage next to its body and list it here. */
#ifndef SM_REGISTRY_H
#define SM_REGISTRY_H

#include "stage/stage.h"

/* The stages in run order, NULL-terminated. */
const sm_stage *const *sm_registry(void);

/* The stage called name, or NULL. */
const sm_stage *sm_registry_find(const char *name);

/* NULL-terminated names of the stages, in run order. */
const char *const *sm_stage_names(void);

#endif
