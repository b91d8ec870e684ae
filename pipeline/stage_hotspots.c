/* The hotspots stage's entry in the stage table. */
#include "error.h"
#include "hotspots.h"
#include "log.h"
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_stage_hotspots_inputs(const sm_config *cfg, char **paths)
{
    (void)cfg, (void)paths;
    return 0; /* its inputs are earlier stages' outputs, covered by their keys */
}

int sm_stage_hotspots_outputs(const sm_config *cfg, char **paths)
{
    if (!cfg->hotspots.present)
        return 0;
    size_t n = strlen(cfg->output) + 20;
    paths[0] = malloc(n);
    snprintf(paths[0], n, "%s/hotspots.gpkg", cfg->output);
    return 1;
}

static json_object *stats_json(const sm_sample_stats_result *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int(r->samples));
    json_object_object_add(o, "hot_spots", json_object_new_int(r->hot));
    json_object_object_add(o, "cold_spots", json_object_new_int(r->cold));
    if (r->distance > 0)
        json_object_object_add(o, "distance_band_m", json_object_new_double(r->distance));
    return o;
}

int sm_stage_hotspots_run(const sm_config *cfg, json_object *rec)
{
    if (!cfg->hotspots.present) {
        sm_log(SM_LOG_INFO, "hotspots: no 'hotspots' section in the config; skipped");
        return SM_OK;
    }
    sm_hotspots_summary s;
    int rc = sm_hotspots(cfg, &s);
    json_object_object_add(rec, "areas_found", json_object_new_int64(s.found));
    json_object_object_add(rec, "areas_removed_small", json_object_new_int64(s.removed));
    json_object_object_add(rec, "hotspots", json_object_new_int64(s.kept));
    json_object_object_add(rec, "area_ha", json_object_new_double(s.area_ha));
    json_object *per = json_object_new_object();
    for (int i = 0; i < s.n_stats; i++)
        if (s.stats[i].name)
            json_object_object_add(per, s.stats[i].name, stats_json(&s.stats[i]));
    json_object_object_add(rec, "sample_statistics", per);
    return rc;
}
