#include "ingest/ingest.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "ingest/samples.h"
#include "stage/products.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const flag_names[] = {"detected", "censored", "dropped", "missing", "rejected"};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void summarise_contaminant(const sm_sample_set *set, int c, sm_contaminant_summary *out)
{
    double *v = malloc(((size_t)set->n + 1) * sizeof *v);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < set->n; i++) {
        const sm_sample *s = &set->items[i];
        out->missing += s->flag[c] == SM_FLAG_MISSING;
        out->dropped += s->flag[c] == SM_FLAG_DROPPED;
        out->rejected += s->flag[c] == SM_FLAG_REJECTED;
        if (isnan(s->value[c]))
            continue;
        out->censored += s->flag[c] == SM_FLAG_CENSORED;
        v[out->n++] = s->value[c];
    }
    out->min = out->median = out->max = NAN;
    if (out->n > 0) {
        qsort(v, (size_t)out->n, sizeof *v, cmp_double);
        out->min = v[0];
        out->max = v[out->n - 1];
        long h = out->n / 2;
        out->median = out->n % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
    }
    free(v);
}

static void summarise(const sm_sample_set *set, const sm_read_counts *counts,
                      sm_ingest_summary *sum)
{
    sum->samples = set->n;
    sum->n_contaminants = set->n_contaminants;
    for (int c = 0; c < set->n_contaminants; c++) {
        sm_contaminant_summary *p = &sum->per[c];
        summarise_contaminant(set, c, p);
        p->values_read = counts->read;
        p->values_accepted = counts->values_accepted[c];
        p->values_rejected = counts->values_rejected[c];
        p->values_missing = counts->values_missing[c];
    }
    double *b = sum->bbox;
    b[0] = b[1] = HUGE_VAL;
    b[2] = b[3] = -HUGE_VAL;
    for (int i = 0; i < set->n; i++) {
        b[0] = fmin(b[0], set->items[i].x), b[1] = fmin(b[1], set->items[i].y);
        b[2] = fmax(b[2], set->items[i].x), b[3] = fmax(b[3], set->items[i].y);
    }
}

static int add_field(OGRLayerH layer, const char *name, OGRFieldType type)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    return err == OGRERR_NONE ? 0 : -1;
}

static OGRLayerH create_samples_layer(const sm_config *cfg, GDALDatasetH ds,
                                      OGRSpatialReferenceH work)
{
    const sm_samples_config *s = &cfg->samples;
    OGRLayerH layer = GDALDatasetCreateLayer(ds, SM_LAYER_SAMPLES, work, wkbPoint, NULL);
    if (!layer)
        return NULL;
    int bad = add_field(layer, "sample_id", OFTString) | add_field(layer, "src_row", OFTInteger64);
    char name[160];
    for (int c = 0; c < s->n_contaminants; c++) {
        const char *n = s->contaminants[c].name;
        bad |= add_field(layer, n, OFTReal);
        snprintf(name, sizeof name, "%s_flag", n);
        bad |= add_field(layer, name, OFTString);
        snprintf(name, sizeof name, "%s_limit", n);
        bad |= add_field(layer, name, OFTReal);
    }
    bad |= add_field(layer, "n_merged", OFTInteger) | add_field(layer, "merged_ids", OFTString);
    for (int a = 0; a < s->n_attributes; a++)
        bad |= add_field(layer, s->attributes[a], OFTString);
    return bad ? NULL : layer;
}

static int write_sample(OGRLayerH layer, const sm_sample_set *set, const sm_sample *s)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int k = 0;
    OGR_F_SetFieldString(f, k++, s->id);
    OGR_F_SetFieldInteger64(f, k++, s->row);
    for (int c = 0; c < set->n_contaminants; c++, k += 3) {
        if (!isnan(s->value[c]))
            OGR_F_SetFieldDouble(f, k, s->value[c]);
        OGR_F_SetFieldString(f, k + 1, flag_names[s->flag[c]]);
        if (!isnan(s->limit[c]))
            OGR_F_SetFieldDouble(f, k + 2, s->limit[c]);
    }
    OGR_F_SetFieldInteger(f, k++, s->n_merged);
    if (s->merged_ids)
        OGR_F_SetFieldString(f, k, s->merged_ids);
    k++;
    for (int a = 0; a < set->n_attributes; a++, k++)
        if (s->attr[a])
            OGR_F_SetFieldString(f, k, s->attr[a]);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, s->x, s->y);
    OGR_F_SetGeometryDirectly(f, pt);
    OGRErr err = OGR_L_CreateFeature(layer, f);
    OGR_F_Destroy(f);
    return err == OGRERR_NONE ? 0 : -1;
}

static int write_samples(const sm_config *cfg, GDALDatasetH ds, OGRSpatialReferenceH work,
                         const sm_sample_set *set)
{
    OGRLayerH layer = create_samples_layer(cfg, ds, work);
    if (!layer)
        return sm_error_set(SM_ECANTCREAT, "cannot create the samples layer: %s",
                            CPLGetLastErrorMsg());
    GDALDatasetStartTransaction(ds, FALSE);
    for (int i = 0; i < set->n; i++)
        if (write_sample(layer, set, &set->items[i]) != 0)
            return sm_error_set(SM_EIO, "cannot write sample %s: %s", set->items[i].id,
                                CPLGetLastErrorMsg());
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        return sm_error_set(SM_EIO, "cannot write samples: %s", CPLGetLastErrorMsg());
    return SM_OK;
}

/* samples.gpkg with both layers, written under out's temporary name and left
 * there: the caller commits it, or aborts it on failure. */
static int write_gpkg(const sm_config *cfg, OGRSpatialReferenceH work, const sm_sample_set *set,
                      sm_rejects *rejects, sm_ingest_summary *sum, sm_outfile *out)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_SAMPLES);
    sm_outfile_begin(out, path);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = drv ? GDALCreate(drv, out->tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds) {
        sm_outfile_abort(out);
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    }
    sm_progress_task task;
    sm_progress_begin(&task, "ingest", "reading sources");
    int rc = write_samples(cfg, ds, work, set);
    if (rc == SM_OK)
        rc = sm_sources_copy(cfg, work, ds, rejects, &sum->sources, &task);
    if (sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    if (rc)
        sm_outfile_abort(out);
    return rc;
}

static void log_merges(const sm_sample_set *set)
{
    int shown = 0;
    for (int i = 0; i < set->n; i++) {
        const sm_sample *s = &set->items[i];
        if (s->n_merged < 2)
            continue;
        sm_log(shown < 10 ? SM_LOG_INFO : SM_LOG_DEBUG,
               "ingest: merged %d samples at one location: %s", s->n_merged, s->merged_ids);
        shown++;
    }
    if (shown > 10)
        sm_log(SM_LOG_INFO,
               "ingest: ... and %d more merges (-v lists them; merged_ids in "
               "samples.gpkg has all)",
               shown - 10);
}

static int read_and_merge(const sm_config *cfg, OGRSpatialReferenceH work, sm_sample_set *set,
                          sm_rejects *rejects, sm_ingest_summary *sum)
{
    sm_progress_task task;
    sm_read_counts counts;
    sm_progress_begin(&task, "ingest", "reading samples");
    const double *extent = cfg->grid.from_samples ? NULL : cfg->grid.extent;
    int rc = sm_samples_read(&cfg->samples, cfg->file, work, extent, set, rejects, &counts, &task);
    if (rc)
        return rc;
    sum->rows_read = counts.read;
    sum->rows_rejected = counts.rejected;
    sum->rows_accepted = counts.read - counts.rejected;
    sum->values_rejected = counts.cells_rejected;
    sm_duplicates_merge(set, cfg->samples.duplicate_tolerance, cfg->samples.duplicates,
                        &sum->merged);
    log_merges(set);
    summarise(set, &counts, sum);
    return SM_OK;
}

/* The share counts rows (a row rejected whole), and then each
 * contaminant's values: a column mostly unusable stops the run as a file of
 * mostly unusable rows does, though its rows are kept for the others. */
static int check_value_share(const sm_config *cfg, const sm_ingest_summary *sum)
{
    for (int c = 0; c < sum->n_contaminants; c++) {
        const sm_contaminant_summary *p = &sum->per[c];
        double share = (double)p->values_rejected / (double)p->values_read;
        if (share > cfg->samples.max_reject_share)
            return sm_error_set(SM_EDATA,
                                "%s: %ld of %ld %s values rejected (%.1f%%, limit %.1f%%); see "
                                "%s/rejects.csv",
                                cfg->samples.path, p->values_rejected, p->values_read,
                                cfg->samples.contaminants[c].name, share * 100.0,
                                cfg->samples.max_reject_share * 100.0, cfg->output);
    }
    return SM_OK;
}

static int check_reject_share(const sm_config *cfg, const sm_ingest_summary *sum)
{
    double share = sum->rows_read ? (double)sum->rows_rejected / (double)sum->rows_read : 0.0;
    if (sum->rows_read == 0)
        return sm_error_set(SM_EDATA, "%s: no sample rows", cfg->samples.path);
    if (share > cfg->samples.max_reject_share)
        return sm_error_set(SM_EDATA,
                            "%s: %ld of %ld rows rejected (%.1f%%, limit %.1f%%); see "
                            "%s/rejects.csv",
                            cfg->samples.path, sum->rows_rejected, sum->rows_read, share * 100.0,
                            cfg->samples.max_reject_share * 100.0, cfg->output);
    return check_value_share(cfg, sum);
}

/* Writes samples.gpkg and rejects.csv, and renames samples.gpkg into place
 * only when both are complete. Too many rejects, or no grid, fails the
 * stage, but rejects.csv is still written: it is what tells the analyst
 * why. A failure never removes the samples.gpkg of an earlier run: only
 * the temporary goes. */
static int publish(const sm_config *cfg, OGRSpatialReferenceH work, const sm_sample_set *set,
                   sm_rejects *rejects, sm_ingest_summary *sum)
{
    char path[SM_PATH_SIZE];
    int verdict = check_reject_share(cfg, sum);
    if (verdict == SM_OK)
        verdict = sm_grid_make(&cfg->grid, sum->bbox, &sum->grid);
    sm_outfile gpkg;
    int rc = verdict == SM_OK ? write_gpkg(cfg, work, set, rejects, sum, &gpkg) : SM_OK;
    if (rc != SM_OK)
        return rc; /* write_gpkg removed its temporary */
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_REJECTS);
    rc = sm_rejects_write(rejects, path);
    if (verdict != SM_OK)
        return rc ? rc : verdict;
    if (rc != SM_OK) {
        sm_outfile_abort(&gpkg);
        return rc;
    }
    return sm_outfile_commit(&gpkg);
}

int sm_ingest(const sm_stage_ctx *ctx, sm_ingest_summary *sum)
{
    const sm_config *cfg = ctx->cfg;
    OGRSpatialReferenceH work = ctx->srs;
    memset(sum, 0, sizeof *sum);
    sm_sample_set set = {0};
    sm_rejects rejects = {.with_ids = 1};
    int rc = read_and_merge(cfg, work, &set, &rejects, sum);
    if (rc == SM_OK)
        rc = publish(cfg, work, &set, &rejects, sum);
    sm_samples_free(&set);
    sm_rejects_free(&rejects);
    return rc;
}

int sm_ingest_check(const sm_config *cfg)
{
    OGRSpatialReferenceH work = sm_crs_new(cfg->crs);
    int rc = sm_samples_check(&cfg->samples, cfg->file, work);
    OSRDestroySpatialReference(work);
    return rc ? rc : sm_sources_check(cfg);
}

void sm_ingest_log_summary(const sm_config *cfg, const sm_ingest_summary *s)
{
    sm_log(SM_LOG_RESULT,
           "ingest: %ld rows read, %ld accepted, %ld rejected; %d duplicate rows "
           "merged -> %ld samples",
           s->rows_read, s->rows_accepted, s->rows_rejected, s->merged.absorbed, s->samples);
    if (s->values_rejected > 0)
        sm_log(SM_LOG_RESULT,
               "ingest: %ld values rejected in rows that were kept (rejects.csv, scope cell)",
               s->values_rejected);
    sm_log(SM_LOG_RESULT, "ingest: %ld source features kept, %ld rejected", s->sources.kept,
           s->sources.rejected);
    sm_log(SM_LOG_RESULT, "  %-10s %6s %8s %8s %8s", "values", "read", "accepted", "rejected",
           "missing");
    for (int c = 0; c < s->n_contaminants; c++) {
        const sm_contaminant_summary *p = &s->per[c];
        sm_log(SM_LOG_RESULT, "  %-10s %6ld %8ld %8ld %8ld", cfg->samples.contaminants[c].name,
               p->values_read, p->values_accepted, p->values_rejected, p->values_missing);
    }
    /* after merging; "no value": missing, dropped or rejected */
    sm_log(SM_LOG_RESULT, "  %-10s %-8s %6s %8s %8s %10s %10s %10s", "samples", "unit", "n",
           "censored", "no value", "min", "median", "max");
    for (int c = 0; c < s->n_contaminants; c++) {
        const sm_contaminant_summary *p = &s->per[c];
        const sm_contaminant *k = &cfg->samples.contaminants[c];
        sm_log(SM_LOG_RESULT, "  %-10s %-8s %6ld %8ld %8ld %10.4g %10.4g %10.4g", k->name,
               sm_contaminant_unit(k), p->n, p->censored, p->missing + p->dropped + p->rejected,
               p->min, p->median, p->max);
    }
}
