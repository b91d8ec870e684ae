/* The classify stage: each contaminant's surface against the guideline
 * values of the cell's land use (and soil pH), under <out>/classes/:
 *   <c>_ratio.tif  concentration / first-tier value (Float32)
 *   <c>_class.tif  0 below the first tier, k above tier k (Byte, colour table, category names)
 *   <c>_prob.tif   P(exceeding tier k) in band k, from the kriging prediction and variance
 *                  (Gaussian on the kriging scale, so lognormal kriging gives lognormal
 *                  probabilities); kriging only
 * and over all contaminants: n_exceeding.tif, max_ratio.tif, nemerow.tif and, when every
 * contaminant has a background value, pli.tif (docs/classification.md gives the formulas).
 * landuse.tif and (for a pH raster or pH from the samples) ph.tif hold the inputs as used. */
#ifndef SM_CLASSIFY_H
#define SM_CLASSIFY_H

#include "classify/landuse.h"
#include "config/config.h"
#include "core/limits.h"
#include "guideline/thresholds.h"
#include "stage/paths.h"
#include "stage/stage.h"

typedef struct {
    const char *name;
    int ntiers;
    const char *tier_names[SM_MAX_TIERS]; /* valid while the summary lives */
    int has_prob;
    int unverified;               /* a value used is marked verified=no */
    long cells[SM_MAX_TIERS + 1]; /* per class 0..ntiers */
    long no_value;                /* cells with land use but no applicable value */
} sm_classify_result;

typedef struct {
    sm_landuse_summary landuse;
    sm_threshold_table table;
    int ph_samples, ph_skipped; /* pH interpolated from the samples */
    int has_pli;
    sm_classify_result per[SM_MAX_CONTAMINANTS];
    int n;
} sm_classify_summary;

int sm_classify(const sm_stage_ctx *ctx, sm_classify_summary *out);
void sm_classify_summary_free(sm_classify_summary *s);

/* For `validate`: the table loads and maps every class and contaminant, and
 * the land-use and pH files open. Reads no cells. */
int sm_classify_check(const sm_config *cfg);

/* Adds the files the stage writes for cfg to paths. */
int sm_classify_outputs(const sm_config *cfg, sm_paths *paths);

#endif
