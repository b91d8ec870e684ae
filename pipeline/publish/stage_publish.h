/* The publish stage as the registry sees it (stage/stage.h). */
#ifndef SM_STAGE_PUBLISH_H
#define SM_STAGE_PUBLISH_H

#include "stage/stage.h"

extern const sm_stage sm_stage_publish;

#endif
