/* The simulate stage's descriptor. It reads ingest's samples and
 * classify's land use and pH, covered by their keys. */
#include "simulate/stage_simulate.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "simulate/simulate.h"
#include "stage/products.h"

#include <json-c/json.h>
#include <math.h>

static int enabled(const sm_config *cfg) { return cfg->simulation.present; }

static json_object *result_json(const sm_simulate_result *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int(r->n));
    json_object_object_add(o, "normal_score_model", sm_vgm_json(&r->vg.model));
    json_object_object_add(o, "model_fitted", json_object_new_boolean(r->vg.fitted));
    json_object_object_add(o, "neighbours", json_object_new_int(r->nmax));
    json_object_object_add(o, "lattice_spacing_cells", json_object_new_int(r->lattice));
    json_object_object_add(o, "cells", json_object_new_int64(r->cells));
    json_object *a = json_object_new_array();
    for (int k = 0; k < r->ntiers; k++)
        json_object_array_add(a, sm_json_number(r->area_mean[k]));
    json_object_object_add(o, "mean_area_above_tier_m2", a);
    json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
    return o;
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    sm_simulate_summary s;
    int rc = sm_simulate(ctx, &s);
    json_object_object_add(rec, "realizations",
                           json_object_new_int(ctx->cfg->simulation.realizations));
    json_object *per = json_object_new_object();
    for (int i = 0; i < s.n; i++)
        json_object_object_add(per, s.per[i].name, result_json(&s.per[i]));
    json_object_object_add(rec, "contaminants", per);
    return rc;
}

/* Each hotspot of hotspots.gpkg gets its odds (fields <c>_p_mean_above,
 * <c>_ucl95, <c>_area_p10_ha ...). */
static int modifies(const sm_config *cfg, sm_paths *paths)
{
    return cfg->hotspots.present ? sm_products_add(paths, cfg, SM_PRODUCT_HOTSPOTS) : SM_OK;
}

const sm_stage sm_stage_simulate = {
    .name = "simulate",
    .needs_grid = 1,
    .args = "CONFIG",
    .summary = "conditional simulation: E-type, percentiles, odds of exceeding\n"
               "each tier and the area above it (<output>/simulation/)",
    .help = "Draws 'simulation.realizations' equally likely maps of each kriged contaminant by\n"
            "sequential Gaussian simulation: the samples' normal scores, their variogram (fitted\n"
            "as the 'interpolation' section says), and a random path from a counter-based\n"
            "generator, so the maps are the same for any --threads. Every tile is reduced as it\n"
            "is simulated; nothing of size realizations x grid is kept. Writes under\n"
            "<output>/simulation/:\n"
            "  <c>_etype.tif          the mean of the realizations\n"
            "  <c>_q05.tif, <c>_q95   their 5th and 95th percentiles\n"
            "  <c>_p<k>.tif           the share of realizations above guideline tier k\n"
            "  <c>.json               per tier, the area above it across realizations (mean,\n"
            "                         P5, P10, P50, P90, P95), in all and per land use\n"
            "and, for each hotspot of hotspots.gpkg, the probability that its mean exceeds the\n"
            "guideline (<c>_p_mean_above), the 95th percentile of its mean over realizations\n"
            "(<c>_ucl95) and the P10, P50 and P90 of its area above it (<c>_area_p10_ha ...).\n"
            "Needs interpolate (and classify, for the tiers). See docs/simulation.md.\n",
    .enabled = enabled,
    .skip_note = "no 'simulation' section in the config",
    .outputs = sm_simulate_outputs,
    .modifies = modifies,
    .run = run,
};
