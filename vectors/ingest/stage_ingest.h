/* The ingest stage as the registry sees it (stage/stage.h). */
#ifndef SM_STAGE_INGEST_H
#define SM_STAGE_INGEST_H

#include "stage/stage.h"

extern const sm_stage sm_stage_ingest;

#endif
