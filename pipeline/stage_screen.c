/* The screen stage's entry in the stage table. */
#include "error.h"
#include "log.h"
#include "screen.h"
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg)
{
    return cfg->screening.present && cfg->screening.sites;
}

int sm_stage_screen_inputs(const sm_config *cfg, char **paths)
{
    if (!enabled(cfg))
        return 0;
    paths[0] = strdup(cfg->screening.sites);
    return 1;
}

int sm_stage_screen_outputs(const sm_config *cfg, char **paths)
{
    if (!enabled(cfg))
        return 0;
    const char *names[] = {"sites_screened.gpkg", "sites_screened.csv"};
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(cfg->output) + strlen(names[i]) + 2;
        paths[i] = malloc(n);
        snprintf(paths[i], n, "%s/%s", cfg->output, names[i]);
    }
    return 2;
}

int sm_stage_screen_run(const sm_config *cfg, json_object *rec)
{
    if (!enabled(cfg)) {
        sm_log(SM_LOG_INFO, "screen: no 'screening.sites' in the config (or --sites); skipped");
        return SM_OK;
    }
    sm_screen_summary s;
    int rc = sm_screen(cfg, NULL, &s);
    json_object_object_add(rec, "sites", json_object_new_string(cfg->screening.sites));
    json_object_object_add(rec, "screened", json_object_new_int64(s.sites));
    json_object_object_add(rec, "rejected", json_object_new_int64(s.rejected));
    json_object *per = json_object_new_object();
    static const char *const names[] = {"", "high", "medium", "low", "very low"};
    for (int p = 1; p <= 4; p++)
        json_object_object_add(per, names[p], json_object_new_int64(s.per_priority[p]));
    json_object_object_add(rec, "priority", per);
    if (rc == SM_OK)
        sm_log(SM_LOG_INFO, "screen: %ld sites: %ld high, %ld medium, %ld low, %ld very low "
                            "priority",
               s.sites, s.per_priority[1], s.per_priority[2], s.per_priority[3],
               s.per_priority[4]);
    return rc;
}
