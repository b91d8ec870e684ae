/* The remediate stage's entry in the stage table. */
#include "error.h"
#include "log.h"
#include "remediate.h"
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg)
{
    return cfg->remediation.present && cfg->hotspots.present;
}

static char *output_file(const sm_config *cfg, const char *name)
{
    size_t n = strlen(cfg->output) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", cfg->output, name);
    return p;
}

/* The store is an input: a changed catalogue or an import changes the
 * recommendations. */
int sm_stage_remediate_inputs(const sm_config *cfg, char **paths)
{
    if (!enabled(cfg))
        return 0;
    paths[0] = strdup(cfg->remediation.store);
    return 1;
}

int sm_stage_remediate_outputs(const sm_config *cfg, char **paths)
{
    if (!enabled(cfg))
        return 0;
    paths[0] = output_file(cfg, "recommendations.csv");
    return 1;
}

int sm_stage_remediate_modifies(const sm_config *cfg, char **paths)
{
    if (!enabled(cfg))
        return 0;
    paths[0] = output_file(cfg, "hotspots.gpkg"); /* tables recommendations, action_plans */
    return 1;
}

int sm_stage_remediate_run(const sm_config *cfg, json_object *rec)
{
    if (!enabled(cfg)) {
        sm_log(SM_LOG_INFO, "remediate: needs the 'remediation' and 'hotspots' sections; "
                            "skipped");
        return SM_OK;
    }
    sm_remediate_summary s;
    int rc = sm_remediate(cfg, &s);
    json_object_object_add(rec, "hotspots", json_object_new_int64(s.hotspots));
    json_object_object_add(rec, "recommendations", json_object_new_int64(s.recommendations));
    json_object_object_add(rec, "partial_cover", json_object_new_int64(s.partial));
    json_object_object_add(rec, "cases_linked", json_object_new_int64(s.cases_linked));
    if (rc == SM_OK)
        sm_log(SM_LOG_INFO, "remediate: %ld recommendations for %ld hotspots (%ld partial "
                            "cover), %ld case studies linked",
               s.recommendations, s.hotspots, s.partial, s.cases_linked);
    return rc;
}
