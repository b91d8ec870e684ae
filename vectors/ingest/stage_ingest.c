/* The ingest stage's descriptor: the samples and sources it reads, the
 * files it writes and the counts it records in run.json. */
#include "ingest/stage_ingest.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "grid/grid.h"
#include "ingest/ingest.h"
#include "stage/products.h"

static int inputs(const sm_config *cfg, sm_paths *paths)
{
    int rc = sm_paths_add_unique(paths, cfg->samples.path);
    for (int i = 0; i < cfg->n_sources && rc == SM_OK; i++)
        rc = sm_paths_add_unique(paths, cfg->sources[i].path);
    return rc;
}

static int outputs(const sm_config *cfg, sm_paths *paths)
{
    int rc = sm_products_add(paths, cfg, SM_PRODUCT_SAMPLES);
    return rc == SM_OK ? sm_products_add(paths, cfg, SM_PRODUCT_REJECTS) : rc;
}

static json_object *contaminant_json(const sm_contaminant_summary *p)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "n", json_object_new_int64(p->n));
    json_object_object_add(o, "censored", json_object_new_int64(p->censored));
    json_object_object_add(o, "dropped", json_object_new_int64(p->dropped));
    json_object_object_add(o, "missing", json_object_new_int64(p->missing));
    json_object_object_add(o, "rejected", json_object_new_int64(p->rejected));
    json_object_object_add(o, "min", sm_json_number(p->min));
    json_object_object_add(o, "median", sm_json_number(p->median));
    json_object_object_add(o, "max", sm_json_number(p->max));
    return o;
}

/* The values of the rows read, before merging: accepted + rejected +
 * missing = read. */
static json_object *values_json(const sm_contaminant_summary *p)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "read", json_object_new_int64(p->values_read));
    json_object_object_add(o, "accepted", json_object_new_int64(p->values_accepted));
    json_object_object_add(o, "rejected", json_object_new_int64(p->values_rejected));
    json_object_object_add(o, "missing", json_object_new_int64(p->values_missing));
    return o;
}

static void record(const sm_config *cfg, const sm_ingest_summary *s, json_object *rec)
{
    json_object_object_add(rec, "rows_read", json_object_new_int64(s->rows_read));
    json_object_object_add(rec, "rows_accepted", json_object_new_int64(s->rows_accepted));
    json_object_object_add(rec, "rows_rejected", json_object_new_int64(s->rows_rejected));
    json_object_object_add(rec, "values_rejected", json_object_new_int64(s->values_rejected));
    json_object_object_add(rec, "duplicate_rows_merged", json_object_new_int(s->merged.absorbed));
    json_object_object_add(rec, "duplicate_locations", json_object_new_int(s->merged.groups));
    json_object_object_add(rec, "samples", json_object_new_int64(s->samples));
    json_object_object_add(rec, "source_features_kept", json_object_new_int64(s->sources.kept));
    json_object_object_add(rec, "source_features_rejected",
                           json_object_new_int64(s->sources.rejected));
    json_object *per = json_object_new_object(), *values = json_object_new_object();
    for (int c = 0; c < s->n_contaminants; c++) {
        const char *name = cfg->samples.contaminants[c].name;
        json_object_object_add(values, name, values_json(&s->per[c]));
        json_object_object_add(per, name, contaminant_json(&s->per[c]));
    }
    json_object_object_add(rec, "values", values);
    json_object_object_add(rec, "contaminants_mg_per_kg", per);
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_ingest_summary s;
    int rc = sm_ingest(ctx, &s);
    if (s.rows_read > 0)
        record(cfg, &s, rec);
    if (rc)
        return rc;
    sm_ingest_log_summary(cfg, &s);
    json_object_object_add(rec, "grid", sm_grid_json(&s.grid));
    sm_log(SM_LOG_RESULT, "grid: %ld x %ld cells of %g m", s.grid.ncols, s.grid.nrows, s.grid.res);
    return SM_OK;
}

const sm_stage sm_stage_ingest = {
    .name = "ingest",
    .args = "CONFIG",
    .summary = "read samples and sources into <output>/samples.gpkg;\n"
               "rows that cannot be used go to <output>/rejects.csv",
    .help = "Reads the samples (CSV, GeoPackage, Shapefile, GeoJSON, XLSX ... anything OGR\n"
            "reads) and pollution sources named in the config, reprojects them to the\n"
            "working CRS, normalises units to mg/kg, substitutes values below detection\n"
            "(\"<0.5\", \"<LOD\", \"n.d.\", \"bdl\") as configured, merges samples at the\n"
            "same location, and writes <output>/samples.gpkg (layers samples, sources).\n"
            "Every row that cannot be used (location, id or attribute unusable, or no\n"
            "usable value) is written to <output>/rejects.csv with its row number, id\n"
            "and reason; an unusable value of a row that is kept is written there as a\n"
            "cell (scope cell), and the sample keeps its other values. Unusable values\n"
            "include values that are not possible concentrations (infinite, beyond a\n"
            "double, above 1e6 mg/kg after unit conversion) and text that is not valid\n"
            "in the file's encoding (UTF-8, or samples.encoding, e.g. ISO-8859-1 or\n"
            "CP1252, converted to UTF-8). Empty, NA and NaN cells are missing values,\n"
            "not rejects. The stage fails (exit 65) when more than\n"
            "samples.max_reject_share of the rows, or of one contaminant's values, are\n"
            "rejected; a failure leaves the samples.gpkg of an earlier run as it was.\n",
    .check = sm_ingest_check,
    .inputs = inputs,
    .outputs = outputs,
    .run = run,
};
