/* Outputs that would overwrite inputs: with `output: .` beside the samples,
 * ingest's samples.gpkg would replace the lab's own samples.gpkg. */
#ifndef SM_OVERLAP_H
#define SM_OVERLAP_H

#include "config/config.h"

/* SM_ECANTCREAT (73) naming the file and both stages when an enabled stage
 * would write a file (or into a folder) that a stage reads and no earlier
 * stage wrote; checked before anything runs, and by validate. */
int sm_overlap_check(const sm_config *cfg);

#endif
