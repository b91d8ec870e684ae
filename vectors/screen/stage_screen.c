/* The screen stage's descriptor. */
#include "core/error.h"
#include "core/log.h"
#include "screen/screen.h"
#include "screen/stage_screen.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <gdal.h>
#include <string.h>
#include <unistd.h>

static int enabled(const sm_config *cfg) { return cfg->screening.present && cfg->screening.sites; }

/* The registry opens as a vector data set, with the configured layer. */
static int check(const sm_config *cfg)
{
    const sm_screening_config *sc = &cfg->screening;
    if (access(sc->sites, F_OK) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: screening.sites: no such file", sc->sites);
    GDALDatasetH ds = GDALOpenEx(sc->sites, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return sm_error_set(SM_EDATA, "%s: screening.sites: not a vector format GDAL can read",
                            sc->sites);
    int rc = SM_OK;
    if (sc->layer && !GDALDatasetGetLayerByName(ds, sc->layer))
        rc = sm_error_set(SM_EDATA, "%s: screening.layer: no layer '%s'", sc->sites, sc->layer);
    GDALClose(ds);
    return rc;
}

static int inputs(const sm_config *cfg, sm_paths *paths)
{
    return sm_paths_add(paths, "%s", cfg->screening.sites);
}

static int outputs(const sm_config *cfg, sm_paths *paths)
{
    int rc = sm_products_add(paths, cfg, SM_PRODUCT_SITES);
    return rc == SM_OK ? sm_products_add(paths, cfg, SM_PRODUCT_SITES_CSV) : rc;
}

/* {"outside_grid": 2, "no_land_use": 0, ...}: why the sites not assessed are. */
static json_object *not_assessed_json(const sm_screen_summary *s)
{
    static const char *const keys[SM_SCREEN_N_WHY] = {"outside_grid", "no_land_use",
                                                      "no_prediction", "no_guideline"};
    json_object *o = json_object_new_object();
    for (int w = 0; w < SM_SCREEN_N_WHY; w++)
        json_object_object_add(o, keys[w], json_object_new_int64(s->not_assessed[w]));
    return o;
}

/* Where the sites' land-use classes came from, and the unknown values. */
static json_object *landuse_json(const sm_config *cfg, const sm_screen_summary *s)
{
    json_object *o = json_object_new_object();
    const char *col = cfg->screening.landuse;
    json_object_object_add(o, "column", col ? json_object_new_string(col) : NULL);
    json_object_object_add(o, "column_missing", json_object_new_boolean(s->lu_column_missing));
    json_object_object_add(o, "from_site", json_object_new_int64(s->lu_from_site));
    json_object_object_add(o, "from_map", json_object_new_int64(s->lu_from_map));
    json_object_object_add(o, "none", json_object_new_int64(s->lu_none));
    json_object_object_add(o, "unknown", json_object_new_int64(s->lu_unknown));
    json_object_object_add(o, "missing", json_object_new_int64(s->lu_missing));
    json_object *ex = json_object_new_array();
    for (int i = 0; i < s->n_examples; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "site_id", json_object_new_string(s->example_id[i]));
        json_object_object_add(e, "value", json_object_new_string(s->example_value[i]));
        json_object_array_add(ex, e);
    }
    json_object_object_add(o, "unknown_examples", ex);
    return o;
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_screen_summary s;
    int rc = sm_screen(ctx, NULL, &s);
    json_object_object_add(rec, "sites", json_object_new_string(cfg->screening.sites));
    json_object_object_add(rec, "screened", json_object_new_int64(s.sites));
    json_object_object_add(rec, "rejected", json_object_new_int64(s.rejected));
    json_object *per = json_object_new_object();
    for (int p = 1; p <= SM_SCREEN_NOT_ASSESSED; p++)
        json_object_object_add(per, sm_screen_priority_name(p),
                               json_object_new_int64(s.per_priority[p]));
    json_object_object_add(rec, "priority", per);
    json_object_object_add(rec, "not_assessed", not_assessed_json(&s));
    json_object_object_add(rec, "landuse", landuse_json(cfg, &s));
    if (rc == SM_OK)
        sm_log(SM_LOG_RESULT,
               "screen: %ld sites: %ld high, %ld medium, %ld low, %ld very low "
               "priority, %ld not assessed",
               s.sites, s.per_priority[1], s.per_priority[2], s.per_priority[3], s.per_priority[4],
               s.per_priority[SM_SCREEN_NOT_ASSESSED]);
    return rc;
}

const sm_stage sm_stage_screen = {
    .name = "screen",
    .needs_grid = 1,
    .args = "CONFIG [--sites FILE]",
    .summary = "rank a registry of candidate sites by their\n"
               "probability of exceeding the guideline values:\n"
               "<output>/sites_screened.gpkg and .csv",
    .help = "Screens a registry of candidate sites (points or polygons, any OGR format; a CSV\n"
            "with lon/lat columns) given by --sites or screening.sites. For each site and\n"
            "contaminant: the predicted concentration and its standard deviation (mean and\n"
            "maximum over a polygon), the probability of exceeding each tier for the site's\n"
            "land use, samples within screening.sample_distance, the nearest pollution\n"
            "source, overlapping hotspots with their first recommendations, and a priority:\n"
            "  1 high      P(above the top tier) >= 0.5 or P(above the first tier) >= 0.8\n"
            "  2 medium    P(above the first tier) >= 0.5\n"
            "  3 low       P(above the first tier) >= 0.2\n"
            "  4 very low  otherwise (with IDW: ratio >= 2, >= 1, >= 0.5 instead)\n"
            "  not assessed  outside the grid, without a land-use class, a prediction or a\n"
            "              guideline value: ranked last, counted in run.json and the log\n"
            "A site's land use is its screening.landuse attribute (any case), else the\n"
            "land-use map's class (landuse_source says which; unknown values are warned).\n"
            "Writes <output>/sites_screened.gpkg and .csv, highest priority first; sites\n"
            "without a usable geometry go to <output>/sites_rejects.csv.\n",
    .check = check,
    .enabled = enabled,
    .skip_note = "no 'screening.sites' in the config (or --sites)",
    .inputs = inputs,
    .outputs = outputs,
    .run = run,
};
