/* The hotspots stage's descriptor. */
#include "core/error.h"
#include "core/log.h"
#include "hotspots/hotspots.h"
#include "hotspots/stage_hotspots.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg) { return cfg->hotspots.present; }

/* Its inputs are earlier stages' outputs, covered by their keys. */
static int outputs(const sm_config *cfg, sm_paths *paths)
{
    return sm_products_add(paths, cfg, SM_PRODUCT_HOTSPOTS);
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

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    sm_hotspots_summary s;
    int rc = sm_hotspots(ctx, &s);
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

const sm_stage sm_stage_hotspots = {
    .name = "hotspots",
    .needs_grid = 1,
    .args = "CONFIG",
    .summary = "exceedance areas as polygons and Gi* on the samples:\n"
               "<output>/hotspots.gpkg",
    .help = "Delineates hotspots: connected cells where a contaminant exceeds the tier in\n"
            "'hotspots' (by its predicted value, or with probability >= the level set),\n"
            "polygonised by GDAL, areas under min_area_ha removed. Each hotspot gets its\n"
            "contaminants, tier, concentrations, ratios, probability, land use, samples and\n"
            "nearest pollution source. Getis-Ord Gi* (and local Moran's I) on the samples with\n"
            "Benjamini-Hochberg q-values. Writes <output>/hotspots.gpkg, layers hotspots and\n"
            "sample_statistics. See docs/classification.md.\n",
    .enabled = enabled,
    .skip_note = "no 'hotspots' section in the config",
    .outputs = outputs,
    .run = run,
};
