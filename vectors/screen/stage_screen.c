/* The screen stage's descriptor. */
#include "core/error.h"
#include "core/log.h"
#include "screen/screen.h"
#include "screen/stage_screen.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg)
{
    return cfg->screening.present && cfg->screening.sites;
}

static int inputs(const sm_config *cfg, sm_paths *paths)
{
    return sm_paths_add(paths, "%s", cfg->screening.sites);
}

static int outputs(const sm_config *cfg, sm_paths *paths)
{
    char gpkg[SM_PATH_SIZE], csv[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SITES);
    sm_product_path(csv, sizeof csv, cfg, SM_PRODUCT_SITES_CSV);
    int rc = sm_paths_add(paths, "%s", gpkg);
    return rc == SM_OK ? sm_paths_add(paths, "%s", csv) : rc;
}

static int run(const sm_config *cfg, json_object *rec)
{
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

const sm_stage sm_stage_screen = {
    .name = "screen",
    .enabled = enabled,
    .skip_note = "no 'screening.sites' in the config (or --sites)",
    .inputs = inputs,
    .outputs = outputs,
    .run = run,
};
