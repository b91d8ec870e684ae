/* The remediate stage's descriptor. */
#include "core/error.h"
#include "core/log.h"
#include "remediate/remediate.h"
#include "remediate/stage_remediate.h"
#include "remediate/store.h"
#include "remediate/store_init.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int enabled(const sm_config *cfg)
{
    return cfg->remediation.present && cfg->hotspots.present;
}

/* The store opens, or (a first run makes it) the catalogue is complete. */
static int check(const sm_config *cfg)
{
    if (access(cfg->remediation.store, F_OK) != 0)
        return sm_store_catalogue_check(cfg->remediation.catalogue);
    sm_store s;
    int rc = sm_store_open(cfg->remediation.store, 0, &s);
    if (rc == SM_OK)
        sm_store_close(&s);
    return rc;
}

/* The store is an input: a changed catalogue or an import changes the
 * recommendations. */
static int inputs(const sm_config *cfg, sm_paths *paths)
{
    return sm_paths_add(paths, "%s", cfg->remediation.store);
}

static int outputs(const sm_config *cfg, sm_paths *paths)
{
    return sm_products_add(paths, cfg, SM_PRODUCT_RECOMMENDATIONS);
}

/* tables recommendations, action_plans */
static int modifies(const sm_config *cfg, sm_paths *paths)
{
    return sm_products_add(paths, cfg, SM_PRODUCT_HOTSPOTS);
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_remediate_summary s;
    int rc = sm_remediate(cfg, &s);
    json_object_object_add(rec, "hotspots", json_object_new_int64(s.hotspots));
    json_object_object_add(rec, "recommendations", json_object_new_int64(s.recommendations));
    json_object_object_add(rec, "partial_cover", json_object_new_int64(s.partial));
    json_object_object_add(rec, "cases_linked", json_object_new_int64(s.cases_linked));
    if (rc == SM_OK)
        sm_log(SM_LOG_RESULT,
               "remediate: %ld recommendations for %ld hotspots (%ld partial "
               "cover), %ld case studies linked",
               s.recommendations, s.hotspots, s.partial, s.cases_linked);
    return rc;
}

const sm_stage sm_stage_remediate = {
    .name = "remediate",
    .args = "CONFIG",
    .summary = "remediation options for each hotspot from the store, ranked,\n"
               "with nearest case studies: <output>/recommendations.csv",
    .help = "Links each hotspot of <output>/hotspots.gpkg to the remediation technologies of the\n"
            "store (remediation.store; create it with `soilmap store init`) whose applicability\n"
            "covers its contaminant groups, ranked by a score whose every component is shown:\n"
            "applicability, the SuRF-UK pillars weighted by remediation.weights, practicality\n"
            "(cost against area, duration against land use) and a nature-based bonus; a check\n"
            "of how the first choice changes when each weight moves by 0.1; the nearest case\n"
            "studies of each technology; and an action-plan checklist per hotspot. Writes\n"
            "<output>/recommendations.csv and tables recommendations, action_plans in\n"
            "hotspots.gpkg. See docs/remediation.md.\n",
    .check = check,
    .enabled = enabled,
    .skip_note = "needs the 'remediation' and 'hotspots' sections",
    .inputs = inputs,
    .outputs = outputs,
    .modifies = modifies,
    .run = run,
};
