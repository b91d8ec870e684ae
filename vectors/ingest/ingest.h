/* The ingest stage: samples and pollution sources in, <out>/samples.gpkg
 * (layers "samples" and "sources") and <out>/rejects.csv out. */
#ifndef SM_INGEST_H
#define SM_INGEST_H

#include "config/config.h"
#include "grid/grid.h"
#include "ingest/duplicates.h"
#include "ingest/sources.h"
#include "stage/stage.h"

typedef struct {
    long n;        /* samples with a value (detected or substituted) */
    long censored; /* of those, below detection */
    long dropped;  /* below detection and dropped by policy */
    long missing;  /* not analysed */
    long rejected; /* the value was unusable (the sample kept for others) */
    double min, median, max;
    /* the values of the rows read, before merging:
     * accepted + rejected + missing = read (= rows read) */
    long values_read, values_accepted, values_rejected, values_missing;
} sm_contaminant_summary;

typedef struct {
    long rows_read, rows_rejected, rows_accepted;
    long values_rejected; /* unusable values of rows that were kept (cells in rejects.csv) */
    sm_merge_counts merged;
    long samples; /* after merging */
    sm_contaminant_summary per[SM_MAX_CONTAMINANTS];
    int n_contaminants;
    sm_source_counts sources;
    double bbox[4]; /* of the accepted samples, working CRS */
    sm_grid grid;   /* the run's grid, from the config and bbox */
} sm_ingest_summary;

/* Runs the stage; the output folder must exist. Fails with SM_EDATA (after
 * writing rejects.csv) when the share of rows rejected, or of one
 * contaminant's values rejected, exceeds max_reject_share, or no grid can
 * be made. On any failure the samples.gpkg of an earlier run,
 * if there is one, is left as it was. */
int sm_ingest(const sm_stage_ctx *ctx, sm_ingest_summary *summary);

/* Checks that the samples and sources open and have the configured columns
 * and a CRS, without reading rows (for `soilmap validate`). */
int sm_ingest_check(const sm_config *cfg);

void sm_ingest_log_summary(const sm_config *cfg, const sm_ingest_summary *s);

#endif
