/* Site screening: a registry of candidate sites (points or polygons, any OGR
 * format) ranked by how likely their soil exceeds the guideline values of
 * their land use. Per site and contaminant: the predicted concentration and
 * its standard deviation (mean and maximum over a polygon's cells), the
 * probability of exceeding each tier, the samples nearby, the nearest
 * pollution source, overlapping hotspots and their first recommendations,
 * and a priority class (docs/remediation.md gives the rules). Writes
 * <out>/sites_screened.gpkg and <out>/sites_screened.csv, highest priority
 * first. */
#ifndef SM_SCREEN_H
#define SM_SCREEN_H

#include "config/config.h"
#include "stage/stage.h"

typedef struct {
    long sites, rejected;
    long per_priority[5]; /* index 1..4 */
} sm_screen_summary;

/* sites: the registry (NULL: screening.sites). */
int sm_screen(const sm_stage_ctx *ctx, const char *sites, sm_screen_summary *out);

/* The priority class (1 high .. 4 very low) from the largest probability of
 * exceeding the first tier (p1) and the top tier (ptop, NAN if the regime
 * has one tier); without probabilities (NAN p1), from the largest ratio. */
int sm_screen_priority(double p1, double ptop, double ratio);

#endif
