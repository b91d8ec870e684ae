/* Pollution sources (smelters, roads, mine tailings, rivers): point, line and
 * polygon layers copied into one layer in the working CRS, each feature with
 * its type and the attributes the config names (e.g. emissions). */
#ifndef SM_SOURCES_H
#define SM_SOURCES_H

#include "config/config.h"
#include "core/progress.h"
#include "features/rejects.h"

#include <ogr_api.h>

typedef struct {
    long read, kept, rejected;
} sm_source_counts;

/* Creates layer "sources" in dataset ds (a GDALDatasetH) and copies every
 * configured source into it. */
int sm_sources_copy(const sm_config *cfg, OGRSpatialReferenceH work, void *ds, sm_rejects *rejects,
                    sm_source_counts *counts, sm_progress_task *progress);

/* Checks that every source opens and has the named fields (for validate). */
int sm_sources_check(const sm_config *cfg);

#endif
