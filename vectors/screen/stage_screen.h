/* The screen stage as the registry sees it (stage/stage.h). */
#ifndef SM_STAGE_SCREEN_H
#define SM_STAGE_SCREEN_H

#include "stage/stage.h"

extern const sm_stage sm_stage_screen;

#endif
