/* The guideline values of a run (thresholds section): the table as the
 * config adjusts it, and one contaminant's values per land-use class. */
#ifndef SM_GUIDELINE_PROJECT_H
#define SM_GUIDELINE_PROJECT_H

#include "config/config.h"
#include "guideline/thresholds.h"

/* thresholds.table, checked against thresholds.classes, with
 * thresholds.overrides applied (each logged as `stage: ...`; stage NULL:
 * silently). On failure nothing is left to free. */
int sm_guideline_load_table(const sm_config *cfg, const char *stage, sm_threshold_table *t);

/* The values of contaminant name per project class, in the unit of its
 * values; SM_ECONFIG when they depend on pH and the config gives none. */
int sm_guideline_for(const sm_config *cfg, const sm_threshold_table *t, const char *name,
                     sm_guideline *g);

#endif
