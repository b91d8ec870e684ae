/* The hotspots stage: connected areas where a contaminant exceeds the
 * hotspot tier (by its predicted value, or with probability at least the
 * configured level), polygonised with GDAL, small areas removed, each with
 * its contaminants, tier, concentrations, ratios, probabilities, land use,
 * samples and nearest pollution source; plus Gi* statistics on the samples.
 * Output: <out>/hotspots.gpkg, layers "hotspots" and "sample_statistics". */
#ifndef SM_HOTSPOTS_H
#define SM_HOTSPOTS_H

#include "config/config.h"
#include "hotspots/sample_statistics.h"
#include "stage/stage.h"

typedef struct {
    long found;   /* connected areas before the size filter */
    long removed; /* smaller than min_area_ha */
    long kept;
    double area_ha; /* of the kept ones */
    sm_sample_stats_result stats[SM_MAX_CONTAMINANTS];
    int n_stats;
} sm_hotspots_summary;

int sm_hotspots(const sm_stage_ctx *ctx, sm_hotspots_summary *out);

#endif
