/* Point samples in memory: location in the working CRS, normalised
 * concentrations (mg/kg) and how each value came about. Read from any OGR
 * source (CSV, GeoPackage, Shapefile, GeoJSON, XLSX ...). */
#ifndef SM_SAMPLES_H
#define SM_SAMPLES_H

#include "config/config.h"
#include "core/progress.h"
#include "features/rejects.h"

#include <ogr_srs_api.h>

typedef enum {
    SM_FLAG_DETECTED = 0,
    SM_FLAG_CENSORED = 1, /* below detection: value substituted by policy */
    SM_FLAG_DROPPED = 2,  /* below detection and the policy drops it: value NAN */
    SM_FLAG_MISSING = 3,  /* not analysed (empty, NA, NaN): value NAN */
    SM_FLAG_REJECTED = 4  /* the cell was unusable (in rejects.csv): value NAN */
} sm_value_flag;

typedef struct {
    double x, y;
    long row; /* source row (feature id) */
    char *id;
    double *value; /* [n_contaminants], mg/kg, NAN when dropped or missing */
    double *limit; /* [n_contaminants], detection limit mg/kg, NAN unless censored */
    unsigned char *flag;
    char **attr;  /* [n_attributes], text as read, may be NULL */
    int n_merged; /* rows this sample stands for (1 unless duplicates merged) */
    char *merged_ids;
} sm_sample;

typedef struct {
    sm_sample *items;
    int n, cap;
    int n_contaminants, n_attributes;
} sm_sample_set;

/* Rows, and per contaminant the values of every row read:
 * values_accepted + values_rejected + values_missing = read. A value is
 * missing when its cell is (empty, NA, NaN ...), in any row; rejected when
 * its cell is unusable or its row was rejected whole. */
typedef struct {
    long read;
    long rejected;                      /* rows rejected whole */
    long cells_rejected;                /* values left out of rows that were kept */
    long censored[SM_MAX_CONTAMINANTS]; /* per contaminant, among accepted rows */
    long values_accepted[SM_MAX_CONTAMINANTS];
    long values_rejected[SM_MAX_CONTAMINANTS];
    long values_missing[SM_MAX_CONTAMINANTS];
} sm_read_counts;

/* Reads cfg's samples into set, reprojected to work. A row whose location,
 * id or attributes have a problem, or that has no usable value, goes to
 * rejects whole; an unusable value of a row that is kept goes there as a
 * cell (the sample has that value NAN, flag SM_FLAG_REJECTED). extent (xmin, ymin, xmax, ymax in
 * the working CRS) rejects points outside it; NULL accepts any. */
int sm_samples_read(const sm_samples_config *cfg, const char *config_file,
                    OGRSpatialReferenceH work, const double *extent, sm_sample_set *set,
                    sm_rejects *rejects, sm_read_counts *counts, sm_progress_task *progress);

/* Opens the samples and checks columns and CRS without reading rows. */
int sm_samples_check(const sm_samples_config *cfg, const char *config_file,
                     OGRSpatialReferenceH work);

sm_sample *sm_samples_push(sm_sample_set *set);
void sm_sample_free(sm_sample *s, int n_attributes);
void sm_samples_free(sm_sample_set *set);

#endif
