/* Site screening: a registry of candidate sites (points or polygons, any OGR
 * format) ranked by how likely their soil exceeds the guideline values of
 * their land use. Per site and contaminant: the predicted concentration and
 * its standard deviation (mean and maximum over a polygon's cells), the
 * probability of exceeding each tier, the samples nearby, the nearest
 * pollution source, overlapping hotspots and their first recommendations,
 * and a priority class (docs/remediation.md gives the rules). A site that
 * cannot be compared with a guideline value (outside the grid, without a
 * land-use class, without a prediction) is "not assessed", never "very low".
 * Writes <out>/sites_screened.gpkg and <out>/sites_screened.csv, highest
 * priority first, the sites not assessed last. */
#ifndef SM_SCREEN_H
#define SM_SCREEN_H

#include "config/config.h"
#include "stage/stage.h"

/* Priorities 1 high .. 4 very low, then the sites not assessed. */
enum { SM_SCREEN_NOT_ASSESSED = 5, SM_SCREEN_EXAMPLES = 3 };

/* Why a site is not assessed. */
typedef enum {
    SM_SCREEN_OUTSIDE_GRID,
    SM_SCREEN_NO_LAND_USE,   /* neither the site's nor the map's class */
    SM_SCREEN_NO_PREDICTION, /* no surface value at its cells (mask, no samples near) */
    SM_SCREEN_NO_GUIDELINE,  /* its land use has no guideline value for any contaminant */
    SM_SCREEN_N_WHY
} sm_screen_why;

typedef struct {
    long sites, rejected;
    long per_priority[SM_SCREEN_NOT_ASSESSED + 1]; /* index 1..5 */
    long not_assessed[SM_SCREEN_N_WHY];
    /* Where each site's land-use class came from; unknown: the site's value
     * names no class of thresholds.classes; missing: it has none. */
    long lu_from_site, lu_from_map, lu_none, lu_unknown, lu_missing;
    int lu_column_missing; /* screening.landuse names no column of the registry */
    int n_examples;        /* of lu_unknown */
    char example_id[SM_SCREEN_EXAMPLES][64], example_value[SM_SCREEN_EXAMPLES][64];
} sm_screen_summary;

/* "high" .. "very low", "not assessed". */
const char *sm_screen_priority_name(int priority);
/* "outside the analysis grid", ... */
const char *sm_screen_why_name(sm_screen_why why);

/* sites: the registry (NULL: screening.sites). */
int sm_screen(const sm_stage_ctx *ctx, const char *sites, sm_screen_summary *out);

/* The priority class (1 high .. 4 very low) from the largest probability of
 * exceeding the first tier (p1) and the top tier (ptop, NAN if the regime
 * has one tier); without probabilities (NAN p1), from the largest ratio. */
int sm_screen_priority(double p1, double ptop, double ratio);

#endif
