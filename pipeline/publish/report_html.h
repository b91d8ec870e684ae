/* The run report's building blocks, internal to its modules: report.c (the
 * page, the run and ingest sections), report_contaminant.c (a section per
 * contaminant) and report_actions.c (hotspots, recommendations, screening).
 * The page being written; paths in the output folder and values in
 * run.json; HTML tables, paragraphs and sections, every string from the data
 * escaped; reading the run's vector files. */
#ifndef SM_REPORT_HTML_H
#define SM_REPORT_HTML_H

#include "config/config.h"
#include "stage/products.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    const sm_config *cfg;
    FILE *f;
    json_object *run; /* run.json */
} report;

extern const char SM_REPORT_DASH[]; /* an en dash: no value */

enum { SM_MAX_TIERS_SHOWN = 9 }; /* tiers in a table: as many as a class raster has */

/* ---- the sections after ingest: SM_OK, or an sm_status with the error set ---- */

int sm_report_section_contaminant(report *r, const sm_contaminant *c);
/* CRS, grid and mask, interpolation per contaminant, guideline values
 * (report_settings.c). */
void sm_report_section_settings(report *r);
/* The table of areas above each tier per land use of a contaminant, from
 * run.json's stages.classify (report_settings.c). */
void sm_report_tier_areas(report *r, const char *name);
/* A fitted model as run.json records it, written gstat's way:
 * "0.0507 Nug + 0.591 Sph(897)". */
void sm_report_model_text(json_object *model, char *buf, size_t size);
int sm_report_section_hotspots(report *r);
int sm_report_section_remediation(report *r);
int sm_report_section_screening(report *r);

/* ---- paths and run.json ---- */

/* Whether a file is there. */
int sm_report_exists(const char *path);
/* The value at a dotted path ("stages.ingest.rows_read"), or NULL. */
json_object *sm_report_json_at(json_object *o, const char *path);
/* The number at a dotted path, NAN if none; the string, NULL if none. */
double sm_report_json_num(json_object *o, const char *path);
const char *sm_report_json_str(json_object *o, const char *path);

/* ---- HTML ---- */

/* Text from data, or its first n bytes, escaped (for text and quoted
 * attribute values alike). */
void sm_report_html_escape(FILE *f, const char *s);
void sm_report_html_escape_n(FILE *f, const char *s, size_t n);
/* A cell with text (a dash when NULL or empty) or a number (4 significant
 * digits, whole from 10^4 up; a dash when not finite). */
void sm_report_td(FILE *f, const char *text);
void sm_report_td_num(FILE *f, double v);
/* A table with a header row of columns (NULL-terminated); a key-value table
 * of sm_report_kv_text and sm_report_kv_num rows; either closed by
 * sm_report_table_close. id may be NULL. */
void sm_report_table_open(FILE *f, const char *id, const char *const *columns);
void sm_report_kv_open(FILE *f, const char *id);
void sm_report_kv_text(FILE *f, const char *key, const char *value);
void sm_report_kv_num(FILE *f, const char *key, double value);
void sm_report_table_close(FILE *f);
void sm_report_para(FILE *f, const char *cls, const char *text);
/* The one line that stands for a product this run did not make. */
void sm_report_absent(FILE *f, const char *text);
void sm_report_heading(FILE *f, int level, const char *text);
/* <section id> with an h2 title; closed by sm_report_section_close. */
void sm_report_section_open(FILE *f, const char *id, const char *title);
void sm_report_section_close(FILE *f);

/* ---- vector files ---- */

/* NULL with SM_EDATA set if it cannot be opened. */
GDALDatasetH sm_report_open_vector(const char *path);
/* A field's text ("" when missing or null), number (NAN when missing, null
 * or empty), whole number (0 when missing or null). */
const char *sm_report_fstr(OGRFeatureH f, const char *name);
double sm_report_fnum(OGRFeatureH f, const char *name);
long sm_report_fint(OGRFeatureH f, const char *name);
/* The rows of a layer where each of k (<= 4) fields has a finite value:
 * field j in cols[j] (caller frees each; allocated also when there are no
 * rows). A missing layer or field gives no rows; SM_EDATA if the file cannot
 * be opened. */
int sm_report_read_columns(const char *path, const char *layer, const char *const *fields, int k,
                           double **cols, int *n);

#endif
