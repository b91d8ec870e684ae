/* The classify stage's descriptor: what it reads, what it writes and what it
 * records in run.json. */
#include "classify/classarea.h"
#include "classify/classify.h"
#include "classify/stage_classify.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/ranks.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg) { return cfg->thresholds.present; }

static int inputs(const sm_config *cfg, sm_paths *paths)
{
    int rc = sm_paths_add(paths, "%s", cfg->thresholds.table);
    if (rc == SM_OK && cfg->landuse.path)
        rc = sm_paths_add(paths, "%s", cfg->landuse.path);
    if (rc == SM_OK && cfg->thresholds.ph_path)
        rc = sm_paths_add(paths, "%s", cfg->thresholds.ph_path);
    return rc;
}

static json_object *result_json(const sm_classify_result *r)
{
    json_object *o = json_object_new_object(), *tiers = json_object_new_array(),
                *cells = json_object_new_array();
    for (int t = 0; t < r->ntiers; t++)
        json_object_array_add(tiers,
                              json_object_new_string(r->tier_names[t] ? r->tier_names[t] : ""));
    for (int k = 0; k <= r->ntiers; k++)
        json_object_array_add(cells, json_object_new_int64(r->cells[k]));
    json_object_object_add(o, "tiers", tiers);
    json_object_object_add(o, "cells_per_class", cells);
    json_object_object_add(o, "cells_without_value", json_object_new_int64(r->no_value));
    json_object_object_add(o, "probabilities", json_object_new_boolean(r->has_prob));
    json_object_object_add(o, "unverified_value_used", json_object_new_boolean(r->unverified));
    return o;
}

static json_object *landuse_json(const sm_config *cfg, const sm_landuse_summary *s)
{
    json_object *o = json_object_new_object(), *per = json_object_new_object(),
                *names = json_object_new_array();
    for (int c = 0; c < cfg->thresholds.n_classes; c++)
        json_object_object_add(per, cfg->thresholds.classes[c], json_object_new_int64(s->cells[c]));
    for (int i = 0; i < s->n_unmapped_names; i++)
        json_object_array_add(names, json_object_new_string(s->unmapped_names[i]));
    json_object_object_add(o, "cells_per_class", per);
    json_object_object_add(o, "cells_unmapped_class", json_object_new_int64(s->unmapped));
    json_object_object_add(o, "unmapped_classes", names);
    json_object_object_add(o, "cells_without_land_use", json_object_new_int64(s->uncovered));
    if (cfg->landuse.column) {
        json_object_object_add(o, "samples_with_class",
                               json_object_new_int64(s->samples_with_class));
        json_object_object_add(o, "samples_without_class",
                               json_object_new_int64(s->samples_without_class));
    }
    return o;
}

static json_object *overrides_json(const sm_config *cfg)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < cfg->thresholds.n_overrides; i++) {
        const sm_threshold_override *ov = &cfg->thresholds.overrides[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "contaminant", json_object_new_string(ov->contaminant));
        json_object_object_add(o, "land_use", json_object_new_string(ov->land_use));
        json_object_object_add(o, "tier", json_object_new_int(ov->tier));
        json_object_object_add(o, "value", json_object_new_double(ov->value));
        json_object_array_add(a, o);
    }
    return a;
}

/* The tier values each land-use class got: per pH band when they depend on
 * pH (ph_lo < pH <= ph_hi, null: open), for the report's guideline table. */
static json_object *values_json(const sm_config *cfg, const sm_threshold_table *t, const char *name)
{
    const sm_thresholds_config *tc = &cfg->thresholds;
    sm_guideline g;
    if (sm_guideline_resolve(t, tc->regime, name, tc->categories, tc->n_classes, &g) != SM_OK) {
        sm_error_clear();
        return NULL;
    }
    json_object *o = json_object_new_object();
    for (int c = 0; c < g.n_classes; c++) {
        const sm_class_values *cv = &g.classes[c];
        json_object *lu = json_object_new_object(), *bands = json_object_new_array();
        json_object_object_add(lu, "category",
                               cv->category ? json_object_new_string(cv->category) : NULL);
        for (int b = 0; b < cv->n_bands; b++) {
            json_object *band = json_object_new_object(), *v = json_object_new_array();
            json_object_object_add(band, "ph_lo", sm_json_number(cv->bands[b].ph_lo));
            json_object_object_add(band, "ph_hi", sm_json_number(cv->bands[b].ph_hi));
            for (int k = 0; k < g.ntiers; k++)
                json_object_array_add(v, sm_json_number(cv->bands[b].v[k]));
            json_object_object_add(band, "values", v);
            json_object_array_add(bands, band);
        }
        json_object_object_add(lu, "bands", bands);
        json_object_object_add(o, tc->classes[c], lu);
    }
    sm_guideline_free(&g);
    return o;
}

/* Cells per land-use class and exceedance class, from the rasters just
 * written: what the report's areas above each tier come from. */
static json_object *by_landuse_json(const sm_config *cfg, const sm_classify_result *r)
{
    char lu[SM_PATH_SIZE], cls[SM_PATH_SIZE];
    int nl = cfg->thresholds.n_classes, nk = r->ntiers + 1;
    sm_product_member(lu, sizeof lu, cfg, SM_PRODUCT_CLASS, "landuse");
    sm_product_member(cls, sizeof cls, cfg, SM_PRODUCT_CLASS, "%s_class", r->name);
    long *cells = calloc((size_t)nl * nk + 1, sizeof *cells);
    if (sm_class_area_count(lu, cls, nl, nk, cells) != SM_OK) {
        sm_log(SM_LOG_WARN, "classify: %s", sm_error_message());
        sm_error_clear();
        free(cells);
        return NULL;
    }
    json_object *o = json_object_new_object();
    for (int u = 0; u < nl; u++) {
        json_object *a = json_object_new_array();
        for (int k = 0; k < nk; k++)
            json_object_array_add(a, json_object_new_int64(cells[(size_t)u * nk + k]));
        json_object_object_add(o, cfg->thresholds.classes[u], a);
    }
    free(cells);
    return o;
}

static void add_areas(const sm_stage_ctx *ctx, const sm_classify_summary *s, json_object *per)
{
    const sm_config *cfg = ctx->cfg;
    for (int i = 0; i < s->n; i++) {
        json_object *c = NULL;
        json_object_object_get_ex(per, s->per[i].name, &c);
        json_object *v = values_json(cfg, &s->table, s->per[i].name),
                    *a = sm_rank() == 0 ? by_landuse_json(cfg, &s->per[i]) : NULL;
        if (v)
            json_object_object_add(c, "guideline_values", v);
        if (a)
            json_object_object_add(c, "cells_per_land_use_and_class", a);
    }
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_classify_summary s;
    int rc = sm_classify(ctx, &s);
    json_object_object_add(rec, "table", json_object_new_string(cfg->thresholds.table));
    json_object_object_add(rec, "overrides", overrides_json(cfg));
    if (s.landuse.cells)
        json_object_object_add(rec, "landuse", landuse_json(cfg, &s.landuse));
    if (s.ph_samples)
        json_object_object_add(rec, "ph_samples", json_object_new_int(s.ph_samples));
    json_object *per = json_object_new_object();
    for (int i = 0; i < s.n; i++)
        json_object_object_add(per, s.per[i].name, result_json(&s.per[i]));
    if (rc == SM_OK) {
        json_object_object_add(rec, "cell_area_ha",
                               json_object_new_double(ctx->grid->res * ctx->grid->res / 1e4));
        add_areas(ctx, &s, per);
    }
    json_object_object_add(rec, "contaminants", per);
    json_object_object_add(rec, "pollution_load_index", json_object_new_boolean(s.has_pli));
    if (s.ph_skipped)
        sm_log(SM_LOG_WARN, "classify: %d samples have a pH that is not a number; not used",
               s.ph_skipped);
    sm_classify_summary_free(&s);
    return rc;
}

const sm_stage sm_stage_classify = {
    .name = "classify",
    .needs_grid = 1,
    .args = "CONFIG",
    .summary = "compare the surfaces with land-use guideline values:\n"
               "<output>/classes/ (ratio, class, probability rasters)",
    .help = "Compares each contaminant's surface with the guideline values of the table in\n"
            "'thresholds' (configs/thresholds/*.csv), for the land use of every cell ('landuse':\n"
            "a polygon layer, a raster of class codes or one class) and, where the values\n"
            "depend on it (GB 15618), the soil pH. Writes under <output>/classes/:\n"
            "  <c>_ratio.tif  concentration / first-tier value\n"
            "  <c>_class.tif  0 below the first tier, k above tier k (colour table, names)\n"
            "  <c>_prob.tif   P(exceeding tier k) in band k, from the kriging variance\n"
            "  n_exceeding.tif, max_ratio.tif, nemerow.tif, pli.tif  over all contaminants\n"
            "  landuse.tif, ph.tif  the land use and soil pH as used\n"
            "See docs/classification.md.\n",
    .check = sm_classify_check,
    .enabled = enabled,
    .skip_note = "no 'thresholds' section in the config",
    .inputs = inputs,
    .outputs = sm_classify_outputs,
    .run = run,
    .tiled = 1,
    .all_ranks = 1,
};
