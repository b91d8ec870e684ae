/* The guideline values of a run: the config's table with its land-use
 * mapping checked and its overrides applied, and one contaminant's values
 * resolved for the project's land-use classes. Classify, simulate and screen
 * all take them from here, so a cell, a realization and a site are judged
 * against the same numbers. */
#include "guideline/project.h"
#include "core/error.h"
#include "core/log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int apply_overrides(const sm_config *cfg, const char *stage, sm_threshold_table *t)
{
    for (int i = 0; i < cfg->thresholds.n_overrides; i++) {
        const sm_threshold_override *o = &cfg->thresholds.overrides[i];
        double old = NAN;
        if (!sm_thresholds_override(t, cfg->thresholds.regime, o->contaminant, o->land_use, o->tier,
                                    o->value, &old))
            return sm_error_set(SM_ECONFIG,
                                "thresholds.overrides[%d]: %s has no tier %d value "
                                "for %s on %s to override",
                                i, t->path, o->tier, o->contaminant, o->land_use);
        if (sm_thresholds_check_order(t) != SM_OK) {
            char why[1024];
            snprintf(why, sizeof why, "%s", sm_error_message());
            return sm_error_set(SM_ECONFIG, "thresholds.overrides[%d]: %s", i, why);
        }
        if (stage)
            sm_log(SM_LOG_RESULT, "%s: %s on %s tier %d: %g %s instead of the table's %g", stage,
                   o->contaminant, o->land_use, o->tier, o->value,
                   sm_config_unit(cfg, o->contaminant), old);
    }
    return SM_OK;
}

/* Every category the config maps to must exist in the table. */
static int check_categories(const sm_config *cfg, const sm_threshold_table *t)
{
    const sm_thresholds_config *tc = &cfg->thresholds;
    for (int c = 0; c < tc->n_classes; c++)
        for (char **cat = tc->categories[c]; *cat; cat++) {
            int found = 0;
            for (int i = 0; i < t->n && !found; i++)
                found = !strcasecmp(t->rows[i].land_use, *cat) &&
                        (!tc->regime || !strcmp(t->rows[i].regime, tc->regime));
            if (!found)
                return sm_error_set(SM_ECONFIG,
                                    "thresholds.classes: class '%s' maps to '%s', "
                                    "a land use %s does not have",
                                    tc->classes[c], *cat, t->path);
        }
    return SM_OK;
}

int sm_guideline_load_table(const sm_config *cfg, const char *stage, sm_threshold_table *t)
{
    int rc = sm_thresholds_load(cfg->thresholds.table, t);
    if (rc == SM_OK)
        rc = check_categories(cfg, t);
    if (rc == SM_OK)
        rc = apply_overrides(cfg, stage, t);
    if (rc != SM_OK)
        sm_thresholds_free(t);
    return rc;
}

/* Values that depend on soil pH need a pH from the config. */
static int check_ph_given(const sm_config *cfg, const sm_threshold_table *t, const sm_guideline *g,
                          const char *name)
{
    if (!g->needs_ph || cfg->thresholds.ph_source != SM_PH_NONE)
        return SM_OK;
    return sm_error_set(SM_ECONFIG,
                        "thresholds.ph: %s values for %s depend on soil pH; give a "
                        "value, a raster or a samples column",
                        t->path, name);
}

int sm_guideline_for(const sm_config *cfg, const sm_threshold_table *t, const char *name,
                     sm_guideline *g)
{
    const sm_thresholds_config *tc = &cfg->thresholds;
    memset(g, 0, sizeof *g);
    int rc = sm_thresholds_check_unit(t, tc->regime, name, sm_config_unit(cfg, name));
    if (rc == SM_OK)
        rc = sm_guideline_resolve(t, tc->regime, name, tc->categories, tc->n_classes, g);
    if (rc == SM_OK)
        rc = check_ph_given(cfg, t, g, name);
    return rc;
}
