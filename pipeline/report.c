#include "report.h"
#include "colormap.h"
#include "error.h"
#include "outfile.h"
#include "svgplot.h"
#include "vgmodel.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Quicklooks at most this many pixels on a side: enough to read a map, small
 * enough that the page stays a few MB (GDAL reads the COG overviews). */
enum { QUICKLOOK_MAX = 600, REJECTS_SHOWN = 200, SITES_SHOWN = 20 };
static const double QUICKLOOK_MIN = 300; /* shown size of the longer side, at least */

typedef struct {
    const sm_config *cfg;
    FILE *f;
    json_object *run; /* run.json */
} report;

static const char DASH[] = "\xe2\x80\x93"; /* an en dash: no value */

/* ---- paths and run.json ---- */

static void out_path(const report *r, char *buf, size_t size, const char *fmt, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, fmt, name);
    snprintf(buf, size, "%s/%s", r->cfg->output, rel);
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* The value at a dotted path ("stages.ingest.rows_read"), or NULL. */
static json_object *json_at(json_object *o, const char *path)
{
    char key[128];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        if (!json_object_object_get_ex(o, key, &o))
            return NULL;
        path += n + (path[n] == '.');
    }
    return o;
}

static double json_num(json_object *o, const char *path)
{
    json_object *v = json_at(o, path);
    if (v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return json_object_get_double(v);
    return NAN;
}

static const char *json_str(json_object *o, const char *path)
{
    json_object *v = json_at(o, path);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* ---- HTML ---- */

/* Every string that comes from data goes through here. XML's escaping is
 * also HTML's, for text and quoted attribute values alike, and keeps the
 * page well-formed XML. */
static void html_escape(FILE *f, const char *s) { sm_xml_escape(f, s); }

static void html_escape_n(FILE *f, const char *s, size_t n)
{
    char *copy = strndup(s, n);
    html_escape(f, copy);
    free(copy);
}

/* Four significant digits; whole numbers from 10^4 up (areas, distances). */
static void fmt_num(double v, char *buf, size_t size)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", DASH);
    else if (fabs(v) >= 1e4 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
}

static void td(FILE *f, const char *text)
{
    fputs("<td>", f);
    html_escape(f, text && *text ? text : DASH);
    fputs("</td>", f);
}

static void td_num(FILE *f, double v)
{
    char buf[48];
    fmt_num(v, buf, sizeof buf);
    fprintf(f, "<td class=\"num\">%s</td>", buf);
}

static void th_row(FILE *f, const char *key)
{
    fputs("<tr><th>", f);
    html_escape(f, key);
    fputs("</th>", f);
}

static void kv_text(FILE *f, const char *key, const char *value)
{
    th_row(f, key);
    td(f, value);
    fputs("</tr>\n", f);
}

static void kv_num(FILE *f, const char *key, double value)
{
    th_row(f, key);
    td_num(f, value);
    fputs("</tr>\n", f);
}

static void table_open(FILE *f, const char *id, const char *const *columns)
{
    fputs("<table", f);
    if (id) {
        fputs(" id=\"", f);
        html_escape(f, id);
        fputc('"', f);
    }
    fputs("><thead><tr>", f);
    for (int i = 0; columns[i]; i++) {
        fputs("<th>", f);
        html_escape(f, columns[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
}

static void table_close(FILE *f) { fputs("</tbody></table>\n", f); }

static void kv_open(FILE *f, const char *id)
{
    fputs("<table class=\"kv\"", f);
    if (id) {
        fputs(" id=\"", f);
        html_escape(f, id);
        fputc('"', f);
    }
    fputs("><tbody>\n", f);
}

static void para(FILE *f, const char *cls, const char *text)
{
    fprintf(f, "<p class=\"%s\">", cls);
    html_escape(f, text);
    fputs("</p>\n", f);
}

/* The one line that stands for a product this run did not make. */
static void absent(FILE *f, const char *text) { para(f, "absent", text); }

static void heading(FILE *f, int level, const char *text)
{
    fprintf(f, "<h%d>", level);
    html_escape(f, text);
    fprintf(f, "</h%d>\n", level);
}

static void section_open(FILE *f, const char *id, const char *title)
{
    fputs("<section id=\"", f);
    html_escape(f, id);
    fputs("\">\n", f);
    heading(f, 2, title);
}

static void section_close(FILE *f) { fputs("</section>\n", f); }

/* ---- vector files ---- */

static GDALDatasetH open_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        sm_error_set(SM_EDATA, "%s: cannot open: %s", path, CPLGetLastErrorMsg());
    return ds;
}

/* A field's text, "" when the field is missing or null. */
static const char *fstr(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
}

/* A field's number, NAN when missing, null or empty (CSV fields are text). */
static double fnum(OGRFeatureH f, const char *name)
{
    const char *s = fstr(f, name);
    return *s ? OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, name)) : NAN;
}

/* A whole-number field, 0 when missing or null. */
static long fint(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? (long)OGR_F_GetFieldAsInteger64(f, i) : 0;
}

static int row_complete(OGRFeatureH ft, const int *idx, int k)
{
    for (int j = 0; j < k; j++)
        if (!OGR_F_IsFieldSetAndNotNull(ft, idx[j]) ||
            !isfinite(OGR_F_GetFieldAsDouble(ft, idx[j])))
            return 0;
    return 1;
}

/* The rows of a layer where each of k (<= 4) fields has a finite value:
 * field j in cols[j] (caller frees each). A missing layer or field gives no
 * rows. */
static int read_columns(const char *path, const char *layer, const char *const *fields, int k,
                        double **cols, int *n)
{
    *n = 0;
    GDALDatasetH ds = open_vector(path);
    if (!ds)
        return SM_EDATA;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    int idx[4], ok = l != NULL;
    for (int j = 0; j < k; j++) {
        idx[j] = ok ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), fields[j]) : -1;
        ok = ok && idx[j] >= 0;
    }
    long cap = ok ? (long)OGR_L_GetFeatureCount(l, TRUE) : 0;
    for (int j = 0; j < k; j++)
        cols[j] = malloc(((size_t)cap + 1) * sizeof **cols);
    OGRFeatureH ft;
    while (ok && (ft = OGR_L_GetNextFeature(l))) {
        if (*n < cap && row_complete(ft, idx, k)) {
            for (int j = 0; j < k; j++)
                cols[j][*n] = OGR_F_GetFieldAsDouble(ft, idx[j]);
            (*n)++;
        }
        OGR_F_Destroy(ft);
    }
    GDALClose(ds);
    return SM_OK;
}

/* ---- statistics ---- */

typedef struct {
    int n;
    double min, q1, median, mean, q3, max, sd, skew;
} stats;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's default quantile (type 7) of sorted values. */
static double quantile(const double *v, int n, double p)
{
    if (n == 0)
        return NAN;
    double h = (n - 1) * p;
    int i = (int)floor(h);
    return i + 1 < n ? v[i] + (h - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* Sorts v. */
static void compute_stats(double *v, int n, stats *s)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double sum = 0, m2 = 0, m3 = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    s->n = n, s->mean = sum / n;
    for (int i = 0; i < n; i++) {
        double d = v[i] - s->mean;
        m2 += d * d, m3 += d * d * d;
    }
    s->sd = n > 1 ? sqrt(m2 / (n - 1)) : 0;
    s->skew = m2 > 0 ? (m3 / n) / pow(m2 / n, 1.5) : 0;
    s->min = v[0], s->max = v[n - 1];
    s->q1 = quantile(v, n, 0.25), s->median = quantile(v, n, 0.5), s->q3 = quantile(v, n, 0.75);
}

/* ---- the run ---- */

static const char *config_sha256(const report *r)
{
    const char *sha = json_str(r->run, "config_sha256"), *file = json_str(r->run, "config_file");
    json_object *inputs = json_at(r->run, "inputs");
    int n = inputs && json_object_is_type(inputs, json_type_array)
                ? (int)json_object_array_length(inputs) : 0;
    for (int i = 0; i < n && !sha && file; i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        const char *p = json_str(in, "path");
        if (p && strcmp(p, file) == 0)
            sha = json_str(in, "sha256");
    }
    return sha;
}

static void versions_table(report *r)
{
    json_object *v = json_at(r->run, "versions");
    heading(r->f, 3, "Software");
    if (!v || !json_object_is_type(v, json_type_object)) {
        absent(r->f, "run.json records no versions.");
        return;
    }
    table_open(r->f, "versions", (const char *const[]){"software", "version", NULL});
    json_object_object_foreach(v, key, val) {
        fputs("<tr>", r->f);
        td(r->f, key);
        td(r->f, json_object_get_string(val));
        fputs("</tr>\n", r->f);
    }
    table_close(r->f);
}

static void stages_table(report *r)
{
    FILE *f = r->f;
    json_object *stages = json_at(r->run, "stages");
    heading(f, 3, "Time per stage");
    if (!stages || !json_object_is_type(stages, json_type_object)) {
        absent(f, "run.json records no stages.");
        return;
    }
    table_open(f, "stages", (const char *const[]){"stage", "status", "seconds", NULL});
    double total = 0;
    json_object_object_foreach(stages, name, s) {
        double sec = json_num(s, "seconds");
        total += isfinite(sec) ? sec : 0;
        fputs("<tr>", f);
        td(f, name);
        td(f, json_str(s, "status"));
        fprintf(f, "<td class=\"num\">%.2f</td></tr>\n", sec);
    }
    fprintf(f, "</tbody><tfoot><tr><th>total</th><td></td><td class=\"num\">%.2f</td></tr>"
               "</tfoot></table>\n", total);
}

static void section_run(report *r)
{
    FILE *f = r->f;
    const char *file = json_str(r->run, "config_file"), *sha = config_sha256(r);
    section_open(f, "run", "Run");
    kv_open(f, "summary");
    kv_text(f, "project", r->cfg->project);
    kv_text(f, "config file", file ? file : r->cfg->file);
    if (sha)
        kv_text(f, "config SHA-256", sha);
    kv_text(f, "output folder", r->cfg->output);
    kv_text(f, "started (UTC)", json_str(r->run, "started"));
    table_close(f);
    versions_table(r);
    stages_table(r);
    section_close(f);
}

/* ---- ingest ---- */

static void reject_row(FILE *f, OGRFeatureH ft)
{
    const char *file = fstr(ft, "file"), *slash = strrchr(file, '/');
    fputs("<tr>", f);
    td(f, slash ? slash + 1 : file);
    td(f, fstr(ft, "row"));
    td(f, fstr(ft, "column"));
    td(f, fstr(ft, "value"));
    td(f, fstr(ft, "reason"));
    fputs("</tr>\n", f);
}

static int rejects_table(report *r)
{
    FILE *f = r->f;
    char path[4200];
    out_path(r, path, sizeof path, "%s", "rejects.csv");
    heading(f, 3, "Rejected rows");
    if (!exists(path)) {
        absent(f, "No rejects.csv in the output folder.");
        return SM_OK;
    }
    GDALDatasetH ds = open_vector(path);
    if (!ds)
        return SM_EDATA;
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    long total = (long)OGR_L_GetFeatureCount(l, TRUE), shown = 0;
    char note[160];
    if (total > REJECTS_SHOWN)
        snprintf(note, sizeof note, "The first %d of %ld rejected rows; rejects.csv lists them "
                                    "all.", REJECTS_SHOWN, total);
    else
        snprintf(note, sizeof note, "%ld rejected rows.", total);
    para(f, "note", total ? note : "No row was rejected.");
    if (total)
        table_open(f, "rejects", (const char *const[]){"file", "row", "column", "value", "reason",
                                                       NULL});
    OGRFeatureH ft;
    while (shown < REJECTS_SHOWN && (ft = OGR_L_GetNextFeature(l))) {
        reject_row(f, ft);
        OGR_F_Destroy(ft);
        shown++;
    }
    if (total)
        table_close(f);
    GDALClose(ds);
    return SM_OK;
}

static int section_ingest(report *r)
{
    FILE *f = r->f;
    json_object *s = json_at(r->run, "stages.ingest");
    section_open(f, "ingest", "Ingest");
    int rc = SM_OK;
    if (!s) {
        absent(f, "Not in this run: run.json has no ingest record.");
    } else {
        kv_open(f, "ingest-counts");
        kv_num(f, "rows read", json_num(s, "rows_read"));
        kv_num(f, "rows accepted", json_num(s, "rows_accepted"));
        kv_num(f, "rows rejected", json_num(s, "rows_rejected"));
        kv_num(f, "duplicate rows merged", json_num(s, "duplicate_rows_merged"));
        kv_num(f, "samples", json_num(s, "samples"));
        kv_num(f, "source features kept", json_num(s, "source_features_kept"));
        table_close(f);
        rc = rejects_table(r);
    }
    section_close(f);
    return rc;
}

/* ---- per contaminant: statistics and histogram ---- */

static void stats_table(report *r, const char *name, const stats *s)
{
    FILE *f = r->f;
    char id[128], key[160];
    snprintf(id, sizeof id, "stats-%s", name);
    snprintf(key, sizeof key, "stages.ingest.contaminants_mg_per_kg.%s", name);
    json_object *in = json_at(r->run, key);
    kv_open(f, id);
    kv_num(f, "samples", s->n);
    kv_num(f, "below detection", json_num(in, "censored"));
    kv_num(f, "missing", json_num(in, "missing"));
    kv_num(f, "minimum (mg/kg)", s->min);
    kv_num(f, "25 %", s->q1);
    kv_num(f, "median", s->median);
    kv_num(f, "mean", s->mean);
    kv_num(f, "75 %", s->q3);
    kv_num(f, "maximum", s->max);
    kv_num(f, "standard deviation", s->sd);
    kv_num(f, "skewness", s->skew);
    table_close(f);
}

static double bin_edge(double lo, double hi, int log_axis, int k, int bins)
{
    double t = (double)k / bins;
    return log_axis ? lo * pow(hi / lo, t) : lo + t * (hi - lo);
}

static int *bin_counts(const double *v, int n, double lo, double hi, int log_axis, int bins)
{
    int *count = calloc((size_t)bins, sizeof *count);
    for (int i = 0; i < n; i++) {
        double t = log_axis ? log(v[i] / lo) / log(hi / lo) : (v[i] - lo) / (hi - lo);
        int k = (int)floor(t * bins);
        count[k < 0 ? 0 : k >= bins ? bins - 1 : k]++;
    }
    return count;
}

/* Skewed positive values (skewness above 1) get a log axis with bins of
 * equal width in log: concentrations are usually lognormal-ish. */
static void histogram(report *r, const char *name, const double *v, const stats *s)
{
    int log_axis = s->min > 0 && s->skew > 1 && s->max > s->min;
    int bins = (int)ceil(log2(s->n) + 1); /* Sturges */
    bins = bins < 5 ? 5 : bins > 30 ? 30 : bins;
    double lo = s->min, hi = s->max;
    if (!(hi > lo))
        sm_svg_pad_range(&lo, &hi, log_axis, 0);
    int *count = bin_counts(v, s->n, lo, hi, log_axis, bins), top = 1;
    for (int k = 0; k < bins; k++)
        top = count[k] > top ? count[k] : top;
    char id[128], title[160], xlabel[160];
    snprintf(id, sizeof id, "histogram-%s", name);
    snprintf(title, sizeof title, "%s: %d samples", name, s->n);
    snprintf(xlabel, sizeof xlabel, "%s (mg/kg)%s", name, log_axis ? ", log scale" : "");
    sm_svgplot p;
    sm_svgplot_init(&p, r->f, 440, 300);
    p.x = (sm_svg_axis){lo, hi, log_axis, xlabel};
    p.y = (sm_svg_axis){0, top * 1.08, 0, "samples"};
    sm_svgplot_begin(&p, id, "histogram", title);
    sm_svgplot_axes(&p);
    for (int k = 0; k < bins; k++)
        if (count[k])
            sm_svgplot_rect(&p, bin_edge(lo, hi, log_axis, k, bins), 0,
                            bin_edge(lo, hi, log_axis, k + 1, bins), count[k], "bar", "#4c78a8");
    sm_svgplot_end(&p);
    free(count);
}

static int sample_summary(report *r, const char *name)
{
    char path[4200];
    out_path(r, path, sizeof path, "%s", "samples.gpkg");
    if (!exists(path)) {
        absent(r->f, "No samples.gpkg in the output folder.");
        return SM_OK;
    }
    double *v = NULL;
    int n = 0, rc = read_columns(path, "samples", &name, 1, &v, &n);
    if (rc == SM_OK && n == 0)
        absent(r->f, "No sample has a value.");
    if (rc == SM_OK && n > 0) {
        stats s;
        compute_stats(v, n, &s);
        fputs("<div class=\"figs\">\n", r->f);
        stats_table(r, name, &s);
        histogram(r, name, v, &s);
        fputs("</div>\n", r->f);
    }
    free(v);
    return rc;
}

/* ---- per contaminant: variogram ---- */

static void parse_model(json_object *a, sm_vgm *m)
{
    memset(m, 0, sizeof *m);
    int n = a && json_object_is_type(a, json_type_array) ? (int)json_object_array_length(a) : 0;
    for (int i = 0; i < n && m->n < SM_VGM_MAXPARTS; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        const char *type = json_str(o, "model");
        sm_vgm_part *p = &m->part[m->n];
        if (!type || sm_vgm_type_parse(type, &p->type) != 0)
            continue;
        p->psill = json_num(o, "psill"), p->range = json_num(o, "range");
        p->kappa = isnan(json_num(o, "kappa")) ? 0.5 : json_num(o, "kappa");
        p->anis_ratio = 1; /* the plot is of the omnidirectional variogram */
        m->n++;
    }
}

/* gstat's way of writing a model: "0.0507 Nug + 0.591 Sph(897)". */
static void model_text(const sm_vgm *m, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < m->n && used < size; i++) {
        const sm_vgm_part *p = &m->part[i];
        const char *sep = i ? " + " : "", *type = sm_vgm_type_name(p->type);
        if (p->type == SM_VGM_NUG)
            used += (size_t)snprintf(buf + used, size - used, "%s%.3g %s", sep, p->psill, type);
        else
            used += (size_t)snprintf(buf + used, size - used, "%s%.3g %s(%.4g)", sep, p->psill,
                                     type, p->range);
    }
}

typedef struct {
    int n;
    double *dist, *gamma, *np;
} lags;

/* The lags with pairs (a lag with none has no point). */
static void read_lags(json_object *vg, lags *l)
{
    json_object *a = json_at(vg, "lags");
    int cap = a && json_object_is_type(a, json_type_array) ? (int)json_object_array_length(a) : 0;
    l->n = 0;
    l->dist = malloc(((size_t)cap + 1) * sizeof(double));
    l->gamma = malloc(((size_t)cap + 1) * sizeof(double));
    l->np = malloc(((size_t)cap + 1) * sizeof(double));
    for (int i = 0; i < cap; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        double np = json_num(o, "np"), d = json_num(o, "dist"), g = json_num(o, "gamma");
        if (np > 0 && isfinite(d) && isfinite(g))
            l->dist[l->n] = d, l->gamma[l->n] = g, l->np[l->n++] = np;
    }
}

static void model_curve(const sm_svgplot *p, const sm_vgm *m, double xmax)
{
    enum { N = 121 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) {
        /* from just off zero: gamma(0) = 0 would draw a false slope up to the nugget */
        x[i] = xmax * fmax(i, 0.02) / (N - 1);
        y[i] = sm_vgm_gamma_h(m, x[i]);
    }
    sm_svgplot_polyline(p, x, y, N, "model", "#d62728");
}

static void lag_points(const sm_svgplot *p, const lags *l)
{
    sm_svgplot_points(p, l->dist, l->gamma, l->n, 3.5, "lag", "#1f77b4");
    for (int i = 0; i < l->n; i++) {
        char np[32];
        snprintf(np, sizeof np, "%.0f", l->np[i]);
        sm_svgplot_text(p, l->dist[i], l->gamma[i], 5, -5, "np", np);
    }
}

static void variogram_svg(report *r, const char *name, json_object *vg)
{
    lags l;
    sm_vgm m;
    read_lags(vg, &l);
    parse_model(json_at(vg, "model"), &m);
    double xmax = json_num(vg, "cutoff"), ymax = m.n ? sm_vgm_sill(&m) : 0;
    for (int i = 0; i < l.n; i++)
        xmax = fmax(xmax, l.dist[i]), ymax = fmax(ymax, l.gamma[i]);
    int log_scale = json_str(vg, "transform") && !strcmp(json_str(vg, "transform"), "log");
    char id[128], title[256], model[160], ylabel[160];
    model_text(&m, model, sizeof model);
    snprintf(id, sizeof id, "variogram-%s", name);
    snprintf(title, sizeof title, log_scale ? "ln(%s): %s" : "%s: %s", name,
             m.n ? model : "no model (all values equal)");
    snprintf(ylabel, sizeof ylabel, log_scale ? "semivariance of ln(%s)" : "semivariance of %s",
             name);
    sm_svgplot p;
    sm_svgplot_init(&p, r->f, 520, 320);
    p.x = (sm_svg_axis){0, (isfinite(xmax) && xmax > 0 ? xmax : 1) * 1.04, 0, "distance (m)"};
    p.y = (sm_svg_axis){0, (ymax > 0 ? ymax : 1) * 1.1, 0, ylabel};
    sm_svgplot_begin(&p, id, "variogram", title);
    sm_svgplot_axes(&p);
    if (m.n)
        model_curve(&p, &m, p.x.hi);
    lag_points(&p, &l);
    sm_svgplot_end(&p);
    free(l.dist), free(l.gamma), free(l.np);
}

static int variogram_part(report *r, const char *name)
{
    char path[4200];
    out_path(r, path, sizeof path, "variogram/%s.json", name);
    heading(r->f, 3, "Variogram");
    if (r->cfg->interpolation.method != SM_INTERP_KRIGING || !exists(path)) {
        absent(r->f, r->cfg->interpolation.method != SM_INTERP_KRIGING
                         ? "No variogram: the surface is interpolated by IDW."
                         : "No variogram: the interpolate stage has not written one.");
        return SM_OK;
    }
    json_object *vg = json_object_from_file(path);
    if (!vg)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", path, json_util_get_last_err());
    para(r->f, "note", "Points: the empirical variogram, each labelled with its number of "
                       "pairs; line: the fitted model.");
    variogram_svg(r, name, vg);
    json_object_put(vg);
    return SM_OK;
}

/* ---- per contaminant: cross-validation ---- */

static void cv_cell(FILE *f, const char *cls, double v)
{
    if (isfinite(v))
        fprintf(f, "<td class=\"num %s\">%.4g</td>", cls, v);
    else
        fprintf(f, "<td class=\"num %s\">%s</td>", cls, DASH);
}

static void cv_table(report *r, const char *name, json_object *cv)
{
    FILE *f = r->f;
    char id[128];
    snprintf(id, sizeof id, "cv-%s", name);
    table_open(f, id, (const char *const[]){"samples", "ME", "MAE", "RMSE", "MSDR", "R\xc2\xb2",
                                            NULL});
    fputs("<tr>", f);
    cv_cell(f, "n", json_num(cv, "samples"));
    cv_cell(f, "me", json_num(cv, "mean_error"));
    cv_cell(f, "mae", json_num(cv, "mae"));
    cv_cell(f, "rmse", json_num(cv, "rmse"));
    cv_cell(f, "msdr", json_num(cv, "msdr"));
    cv_cell(f, "r2", json_num(cv, "r2"));
    fputs("</tr>\n", f);
    table_close(f);
}

static void cv_scatter(report *r, const char *name, const double *obs, const double *pred, int n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int i = 0; i < n; i++)
        lo = fmin(lo, fmin(obs[i], pred[i])), hi = fmax(hi, fmax(obs[i], pred[i]));
    sm_svg_pad_range(&lo, &hi, 0, 0.04);
    const char *unit = r->cfg->interpolation.log_transform ? "ln mg/kg" : "mg/kg";
    char id[128], title[160], xl[160], yl[160];
    snprintf(id, sizeof id, "cv-scatter-%s", name);
    snprintf(title, sizeof title, "%s: predicted against observed", name);
    snprintf(xl, sizeof xl, "observed (%s)", unit);
    snprintf(yl, sizeof yl, "predicted (%s)", unit);
    sm_svgplot p;
    sm_svgplot_init(&p, r->f, 380, 360);
    p.x = (sm_svg_axis){lo, hi, 0, xl};
    p.y = (sm_svg_axis){lo, hi, 0, yl};
    sm_svgplot_begin(&p, id, "scatter", title);
    sm_svgplot_axes(&p);
    sm_svgplot_polyline(&p, (const double[]){lo, hi}, (const double[]){lo, hi}, 2, "one-to-one",
                        "#888");
    sm_svgplot_points(&p, obs, pred, n, 2.2, "cv", "#1f77b4");
    sm_svgplot_end(&p);
}

static int crossval_part(report *r, const char *name)
{
    char key[200], path[4200], layer[128];
    snprintf(key, sizeof key, "stages.interpolate.contaminants.%s.cross_validation", name);
    json_object *cv = json_at(r->run, key);
    heading(r->f, 3, "Cross-validation");
    if (!cv) {
        absent(r->f, "No cross-validation in run.json for this contaminant.");
        return SM_OK;
    }
    if (r->cfg->interpolation.log_transform)
        para(r->f, "note", "On the interpolation scale: ln(mg/kg).");
    cv_table(r, name, cv);
    out_path(r, path, sizeof path, "%s", "samples.gpkg");
    snprintf(layer, sizeof layer, "cv_%s", name);
    double *cols[2] = {NULL, NULL};
    int n = 0, rc = read_columns(path, layer, (const char *const[]){"observed", "predicted"}, 2,
                                 cols, &n);
    if (rc == SM_OK && n > 0)
        cv_scatter(r, name, cols[0], cols[1], n);
    free(cols[0]), free(cols[1]);
    return rc;
}

/* ---- per contaminant: quicklook maps ---- */

typedef enum { QL_SURFACE, QL_PROBABILITY, QL_CLASSES } ql_kind;

typedef struct {
    int w, h;
    double *v; /* w * h values, NAN where nodata */
    sm_colormap map;
} quicklook;

/* The band at reduced resolution through RasterIO's buffer size, which
 * makes GDAL read the COG's overviews. */
static int ql_read(GDALRasterBandH b, const char *path, quicklook *q)
{
    int xs = GDALGetRasterBandXSize(b), ys = GDALGetRasterBandYSize(b);
    double scale = fmin(1.0, fmin((double)QUICKLOOK_MAX / xs, (double)QUICKLOOK_MAX / ys));
    q->w = (int)fmax(1, lround(xs * scale)), q->h = (int)fmax(1, lround(ys * scale));
    size_t n = (size_t)q->w * q->h;
    q->v = malloc(n * sizeof *q->v);
    if (GDALRasterIO(b, GF_Read, 0, 0, xs, ys, q->v, q->w, q->h, GDT_Float64, 0, 0) != CE_None)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", path, CPLGetLastErrorMsg());
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(b, &has_nodata);
    for (size_t i = 0; i < n; i++)
        if (has_nodata && q->v[i] == nodata)
            q->v[i] = NAN;
    return SM_OK;
}

/* The 2nd to 98th percentile of the surface, so that a few extreme cells do
 * not wash out the rest of the map. */
static void ql_surface_map(const report *r, const char *name, quicklook *q)
{
    const sm_interp_config *ic = &r->cfg->interpolation;
    size_t n = (size_t)q->w * q->h;
    double *s = malloc(n * sizeof *s);
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ic->log_transform && ic->back_transform == SM_BACK_NONE)
            q->v[i] = exp(q->v[i]); /* that surface is ln(mg/kg) */
        if (isfinite(q->v[i]))
            s[k++] = q->v[i];
    }
    qsort(s, (size_t)k, sizeof *s, cmp_double);
    char title[96];
    snprintf(title, sizeof title, "%s (mg/kg)", name);
    sm_colormap_concentration(title, quantile(s, k, 0.02), quantile(s, k, 0.98), &q->map);
    free(s);
}

/* Colours and names from the class raster itself: the colour table and
 * category names classify wrote. */
static void ql_class_map(GDALRasterBandH b, const char *title, quicklook *q)
{
    char **names = GDALGetRasterCategoryNames(b);
    int n = CSLCount(names);
    for (size_t i = 0; n == 0 && i < (size_t)q->w * q->h; i++)
        if (isfinite(q->v[i]) && q->v[i] >= 0 && q->v[i] < SM_COLORMAP_MAXSTOPS)
            n = (int)fmax(n, q->v[i] + 1); /* no names: as many classes as values */
    n = n < SM_COLORMAP_MAXSTOPS ? n : SM_COLORMAP_MAXSTOPS;
    unsigned char rgba[SM_COLORMAP_MAXSTOPS][4];
    GDALColorTableH ct = GDALGetRasterColorTable(b);
    for (int k = 0; k < n; k++) {
        const GDALColorEntry *e = ct && k < GDALGetColorEntryCount(ct) ? GDALGetColorEntry(ct, k)
                                                                        : NULL;
        unsigned char grey = (unsigned char)(230 - 200 * k / (n > 1 ? n - 1 : 1));
        rgba[k][0] = e ? e->c1 : grey, rgba[k][1] = e ? e->c2 : grey;
        rgba[k][2] = e ? e->c3 : grey, rgba[k][3] = e ? e->c4 : 255;
    }
    sm_colormap_classes(title, n, (const unsigned char(*)[4])rgba, (const char *const *)names,
                        &q->map);
}

static int ql_load(const report *r, const char *name, const char *path, ql_kind kind,
                   quicklook *q)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_EDATA, "%s: cannot open: %s", path, CPLGetLastErrorMsg());
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    int rc = ql_read(b, path, q);
    const char *desc = GDALGetDescription(b);
    char title[96];
    if (kind == QL_PROBABILITY)
        snprintf(title, sizeof title, "%s", *desc ? desc : "P(above the first tier)");
    else
        snprintf(title, sizeof title, "%s", *desc ? desc : "classes");
    if (rc == SM_OK && kind == QL_SURFACE)
        ql_surface_map(r, name, q);
    else if (rc == SM_OK && kind == QL_PROBABILITY)
        sm_colormap_probability(title, &q->map);
    else if (rc == SM_OK)
        ql_class_map(b, title, q);
    GDALClose(ds);
    return rc;
}

static GDALDatasetH ql_rgba_dataset(const quicklook *q)
{
    size_t n = (size_t)q->w * q->h;
    unsigned char *rgba = malloc(n * 4);
    for (size_t i = 0; i < n; i++)
        sm_colormap_apply(&q->map, q->v[i], rgba + 4 * i);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH ds = mem ? GDALCreate(mem, "", q->w, q->h, 4, GDT_Byte, NULL) : NULL;
    int bands[] = {1, 2, 3, 4};
    if (ds && GDALDatasetRasterIO(ds, GF_Write, 0, 0, q->w, q->h, rgba, q->w, q->h, GDT_Byte, 4,
                                  bands, 4, 4 * q->w, 1) != CE_None) {
        GDALClose(ds);
        ds = NULL;
    }
    free(rgba);
    return ds;
}

/* The quicklook's colours as a PNG (GDAL's PNG driver, in /vsimem/),
 * base64-encoded for a data: URI; caller CPLFree's *b64. */
static int ql_png_base64(const quicklook *q, const char *path, char **b64)
{
    char vsi[96];
    snprintf(vsi, sizeof vsi, "/vsimem/soilmap-report-%p.png", (const void *)q);
    GDALDatasetH rgba = ql_rgba_dataset(q), png = NULL;
    GDALDriverH driver = GDALGetDriverByName("PNG");
    if (rgba && driver)
        png = GDALCreateCopy(driver, vsi, rgba, FALSE, NULL, NULL, NULL);
    GDALClose(rgba);
    *b64 = NULL;
    if (png) {
        GDALClose(png);
        vsi_l_offset len = 0;
        GByte *bytes = VSIGetMemFileBuffer(vsi, &len, FALSE);
        *b64 = bytes ? CPLBase64Encode((int)len, bytes) : NULL;
    }
    VSIUnlink(vsi);
    if (!*b64)
        return sm_error_set(SM_EINTERNAL, "%s: cannot encode the quicklook as PNG: %s", path,
                            CPLGetLastErrorMsg());
    return SM_OK;
}

static void ql_figure(report *r, const char *id, const quicklook *q, const char *b64)
{
    FILE *f = r->f;
    char legend[160];
    snprintf(legend, sizeof legend, "legend-%s", id);
    fputs("<figure class=\"map\"><figcaption>", f);
    html_escape(f, q->map.title);
    fputs("</figcaption>\n<img class=\"quicklook\" id=\"", f);
    html_escape(f, id);
    /* a small grid is shown enlarged by a whole factor, its cells kept square and crisp */
    int k = (int)fmax(1, ceil(QUICKLOOK_MIN / fmax(q->w, q->h)));
    fprintf(f, "\" width=\"%d\" height=\"%d\" alt=\"", k * q->w, k * q->h);
    html_escape(f, q->map.title);
    fprintf(f, "\" src=\"data:image/png;base64,%s\"/>\n", b64);
    sm_svg_legend(f, legend, &q->map);
    fputs("</figure>\n", f);
}

static int quicklook_figure(report *r, const char *name, const char *path, ql_kind kind,
                            const char *suffix)
{
    quicklook q = {0};
    char *b64 = NULL, id[128];
    int rc = ql_load(r, name, path, kind, &q);
    if (rc == SM_OK)
        rc = ql_png_base64(&q, path, &b64);
    snprintf(id, sizeof id, "map-%s-%s", name, suffix);
    if (rc == SM_OK)
        ql_figure(r, id, &q, b64);
    CPLFree(b64);
    free(q.v);
    return rc;
}

/* Why map k (surface, probability, classes) is not shown, or NULL. */
static const char *map_missing(const report *r, int k, const char *path)
{
    if (k == 0)
        return exists(path) ? NULL : "No surface: the interpolate stage has not written one.";
    if (!r->cfg->thresholds.present)
        return k == 1 ? "No exceedance maps: the config has no thresholds section." : NULL;
    if (exists(path))
        return NULL;
    return k == 1 ? "No probability map: classify computes probabilities from kriging only."
                  : "No class map: classify has not run.";
}

static int maps_part(report *r, const char *name)
{
    static const struct {
        const char *file, *suffix;
        ql_kind kind;
    } maps[] = {{"surfaces/%s.tif", "surface", QL_SURFACE},
                {"classes/%s_prob.tif", "probability", QL_PROBABILITY},
                {"classes/%s_class.tif", "classes", QL_CLASSES}};
    char path[3][4200];
    heading(r->f, 3, "Maps");
    para(r->f, "note", "The surface's colours span its 2nd to 98th percentile; values beyond "
                       "take the end colours. White: no value, or no chance of exceeding.");
    for (int k = 0; k < 3; k++) {
        out_path(r, path[k], sizeof path[k], maps[k].file, name);
        if (map_missing(r, k, path[k]))
            absent(r->f, map_missing(r, k, path[k]));
    }
    fputs("<div class=\"figs\">\n", r->f);
    int rc = SM_OK;
    for (int k = 0; k < 3 && rc == SM_OK; k++)
        if (exists(path[k]) && (k == 0 || r->cfg->thresholds.present))
            rc = quicklook_figure(r, name, path[k], maps[k].kind, maps[k].suffix);
    fputs("</div>\n", r->f);
    return rc;
}

static int section_contaminant(report *r, const sm_contaminant *c)
{
    char id[128], title[256];
    snprintf(id, sizeof id, "c-%s", c->name);
    snprintf(title, sizeof title, "%s (column %s, %s)", c->name, c->column, c->unit);
    section_open(r->f, id, title);
    int rc = sample_summary(r, c->name);
    if (rc == SM_OK && r->cfg->interpolation.present) {
        fputs("<div class=\"figs\"><div>\n", r->f); /* variogram and CV side by side */
        rc = variogram_part(r, c->name);
        fputs("</div><div>\n", r->f);
        if (rc == SM_OK)
            rc = crossval_part(r, c->name);
        fputs("</div></div>\n", r->f);
        if (rc == SM_OK)
            rc = maps_part(r, c->name);
    } else if (rc == SM_OK) {
        absent(r->f, "No interpolation: the config has no interpolation section.");
    }
    section_close(r->f);
    return rc;
}

/* ---- hotspots ---- */

static void hotspot_row(FILE *f, OGRFeatureH ft)
{
    char source[512];
    const char *name = fstr(ft, "source_name"), *type = fstr(ft, "source_type");
    snprintf(source, sizeof source, *type ? "%s (%s)" : "%s%s", name, type);
    fputs("<tr>", f);
    td(f, fstr(ft, "id"));
    td(f, fstr(ft, "contaminants"));
    td(f, fstr(ft, "tier"));
    td_num(f, fnum(ft, "area_ha"));
    td_num(f, fnum(ft, "max_ratio"));
    td_num(f, fnum(ft, "mean_probability"));
    td(f, fstr(ft, "main_landuse"));
    td(f, source);
    td_num(f, fnum(ft, "source_distance_m"));
    td(f, fstr(ft, "n_samples"));
    fputs("</tr>\n", f);
}

/* hotspots.gpkg when the config has the section and the run wrote it; else
 * NULL, with *why the line saying which (or NULL after a read error). */
static GDALDatasetH open_hotspots(const report *r, int present, const char *no_section,
                                  const char **why)
{
    char path[4200];
    out_path(r, path, sizeof path, "%s", "hotspots.gpkg");
    *why = !present      ? no_section
           : !exists(path) ? "Not in this run: hotspots.gpkg is not in the output folder."
                           : NULL;
    return *why ? NULL : open_vector(path);
}

/* The one line for a missing product, and the end of its section. */
static int section_absent(FILE *f, GDALDatasetH ds, const char *why)
{
    absent(f, why);
    if (ds)
        GDALClose(ds);
    section_close(f);
    return SM_OK;
}

static int section_hotspots(report *r)
{
    FILE *f = r->f;
    const char *why;
    section_open(f, "hotspots", "Hotspots");
    GDALDatasetH ds = open_hotspots(r, r->cfg->hotspots.present,
                                    "Not in this run: the config has no hotspots section.", &why);
    if (!ds && !why)
        return SM_EDATA;
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "hotspots") : NULL;
    if (!l)
        return section_absent(f, ds, why ? why : "hotspots.gpkg has no hotspots layer.");
    para(f, "note", "Tier: the guideline tier exceeded; max ratio: the largest concentration "
                    "over guideline value; mean P: the mean probability of exceeding it.");
    table_open(f, "hotspots", (const char *const[]){"id", "contaminants", "tier", "area (ha)",
                                                    "max ratio", "mean P", "main land use",
                                                    "nearest source", "distance (m)",
                                                    "samples", NULL});
    OGRFeatureH ft;
    while ((ft = OGR_L_GetNextFeature(l))) {
        hotspot_row(f, ft);
        OGR_F_Destroy(ft);
    }
    table_close(f);
    GDALClose(ds);
    section_close(f);
    return SM_OK;
}

/* ---- recommendations ---- */

typedef struct {
    long id;
    char title[300];
} hotspot_ref;

static const char *const rec_columns[] = {
    "rank", "technology", "cover", "applicability A", "sustainability S", "environmental",
    "social", "economic", "cost fit", "duration fit", "practicality P", "nature bonus B",
    "score", "nearest case (km)", NULL};

static void rec_row(FILE *f, OGRFeatureH ft)
{
    static const char *const numbers[] = {"applicability", "sustainability", "environmental",
                                          "social", "economic", "cost_fit", "duration_fit",
                                          "practicality", "nature_bonus", "score"};
    char near[300];
    snprintf(near, sizeof near, "%s (%.0f)", fstr(ft, "nearest_case"), fnum(ft, "nearest_case_km"));
    fputs("<tr>", f);
    td(f, fstr(ft, "rank"));
    td(f, *fstr(ft, "technology_name") ? fstr(ft, "technology_name") : fstr(ft, "technology"));
    td(f, fstr(ft, "cover"));
    for (unsigned i = 0; i < sizeof numbers / sizeof *numbers; i++)
        td_num(f, fnum(ft, numbers[i]));
    td(f, *fstr(ft, "nearest_case") ? near : "");
    fputs("</tr>\n", f);
}

static void checklist(FILE *f, const char *text)
{
    fputs("<ul class=\"checklist\">\n", f);
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n) {
            fputs("<li>", f);
            html_escape_n(f, text, n);
            fputs("</li>\n", f);
        }
        text += n + (text[n] == '\n');
    }
    fputs("</ul>\n", f);
}

/* One hotspot's ranked options, the first one's weight sensitivity, and
 * its action plan. */
static void hotspot_recommendations(report *r, OGRLayerH rec, OGRLayerH plans,
                                    const hotspot_ref *h)
{
    FILE *f = r->f;
    char filter[64], table_id[64], sensitivity[512] = "";
    snprintf(filter, sizeof filter, "hotspot_id = %ld", h->id);
    snprintf(table_id, sizeof table_id, "recommendations-%ld", h->id);
    heading(f, 3, h->title);
    OGR_L_SetAttributeFilter(rec, filter);
    OGR_L_ResetReading(rec);
    OGRFeatureH ft;
    int rows = 0;
    while ((ft = OGR_L_GetNextFeature(rec))) {
        if (rows++ == 0)
            table_open(f, table_id, rec_columns);
        if (*fstr(ft, "sensitivity") && !sensitivity[0])
            snprintf(sensitivity, sizeof sensitivity, "Weights: %s", fstr(ft, "sensitivity"));
        rec_row(f, ft);
        OGR_F_Destroy(ft);
    }
    if (rows)
        table_close(f);
    else
        absent(f, "No technology fits this hotspot's contaminants.");
    if (sensitivity[0])
        para(f, "note", sensitivity);
    OGR_L_SetAttributeFilter(plans, filter);
    OGR_L_ResetReading(plans);
    while (plans && (ft = OGR_L_GetNextFeature(plans))) {
        checklist(f, fstr(ft, "checklist"));
        OGR_F_Destroy(ft);
    }
}

/* The hotspots in file order, each with a heading naming what it is. */
static hotspot_ref *hotspot_refs(OGRLayerH l, int *n)
{
    long cap = (long)OGR_L_GetFeatureCount(l, TRUE);
    hotspot_ref *refs = malloc(((size_t)cap + 1) * sizeof *refs);
    OGRFeatureH ft;
    *n = 0;
    OGR_L_ResetReading(l);
    while ((ft = OGR_L_GetNextFeature(l))) {
        if (*n < cap) {
            hotspot_ref *h = &refs[(*n)++];
            h->id = fint(ft, "id");
            snprintf(h->title, sizeof h->title, "Hotspot %ld: %s; %.4g ha; %s", h->id,
                     fstr(ft, "contaminants"), fnum(ft, "area_ha"), fstr(ft, "main_landuse"));
        }
        OGR_F_Destroy(ft);
    }
    return refs;
}

static int section_remediation(report *r)
{
    FILE *f = r->f;
    const char *why;
    section_open(f, "remediation", "Recommendations");
    GDALDatasetH ds = open_hotspots(r, r->cfg->remediation.present,
                                    "Not in this run: the config has no remediation section.",
                                    &why);
    if (!ds && !why)
        return SM_EDATA;
    OGRLayerH hs = ds ? GDALDatasetGetLayerByName(ds, "hotspots") : NULL;
    OGRLayerH rec = ds ? GDALDatasetGetLayerByName(ds, "recommendations") : NULL;
    if (!hs || !rec)
        return section_absent(f, ds, why ? why : "Not in this run: the remediate stage has not "
                                                 "written its recommendations.");
    para(f, "note", "score = 0.4 A + 0.4 S + 0.2 P + B (docs/remediation.md); S weighs the "
                    "environmental, social and economic scores with the config's weights.");
    int n;
    hotspot_ref *refs = hotspot_refs(hs, &n);
    for (int i = 0; i < n; i++)
        hotspot_recommendations(r, rec, GDALDatasetGetLayerByName(ds, "action_plans"), &refs[i]);
    free(refs);
    GDALClose(ds);
    section_close(f);
    return SM_OK;
}

/* ---- screening ---- */

static void screening_summary(report *r)
{
    json_object *s = json_at(r->run, "stages.screen");
    double n = json_num(s, "screened");
    if (!isfinite(n))
        return;
    char text[256];
    snprintf(text, sizeof text, "%.0f sites screened: %.0f high, %.0f medium, %.0f low and %.0f "
                                "very low priority. The first %d:",
             n, json_num(s, "priority.high"), json_num(s, "priority.medium"),
             json_num(s, "priority.low"), json_num(s, "priority.very low"), SITES_SHOWN);
    para(r->f, "note", text);
}

static int section_screening(report *r)
{
    FILE *f = r->f;
    char path[4200];
    out_path(r, path, sizeof path, "%s", "sites_screened.csv");
    section_open(f, "screening", "Site screening");
    if (!r->cfg->screening.present || !exists(path))
        return section_absent(f, NULL, !r->cfg->screening.present
                                           ? "Not in this run: the config has no screening section."
                                           : "Not in this run: sites_screened.csv is not in the "
                                             "output folder.");
    GDALDatasetH ds = open_vector(path);
    if (!ds)
        return SM_EDATA;
    screening_summary(r);
    table_open(f, "screening", (const char *const[]){"#", "site", "name", "land use", "priority",
                                                     "reason", NULL});
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH ft;
    for (int rank = 1; rank <= SITES_SHOWN && (ft = OGR_L_GetNextFeature(l)); rank++) {
        fprintf(f, "<tr><td class=\"num\">%d</td>", rank);
        td(f, fstr(ft, "site_id"));
        td(f, fstr(ft, "name"));
        td(f, fstr(ft, "landuse"));
        td(f, fstr(ft, "priority_class"));
        td(f, fstr(ft, "reason"));
        fputs("</tr>\n", f);
        OGR_F_Destroy(ft);
    }
    table_close(f);
    GDALClose(ds);
    section_close(f);
    return SM_OK;
}

/* ---- the page ---- */

static const char css[] =
    "body{font-family:sans-serif;color:#222;max-width:76em;margin:1.5em auto;padding:0 1em}"
    "h2{border-bottom:2px solid #4c78a8;padding-bottom:2px;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".absent{color:#777;font-style:italic}.note{color:#444;font-size:.9em}"
    ".figs{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}"
    "figure{margin:0}figcaption{font-weight:bold;margin-bottom:4px}figure.map{width:380px}"
    "figure.map img,figure.map svg{width:100%;height:auto}"
    "img.quicklook{display:block;background:#fff;border:1px solid #999;max-width:100%;"
    "height:auto;image-rendering:pixelated}ul.checklist{list-style:none;padding-left:.5em}"
    "ul.checklist li::before{content:'\\2610\\00a0'}nav a{margin-right:.8em}";

static void page_head(report *r)
{
    FILE *f = r->f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>", f);
    html_escape(f, r->cfg->project);
    fprintf(f, ": soilmap report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    html_escape(f, r->cfg->project);
    fputs(": soilmap report</h1>\n<nav><a href=\"#run\">Run</a><a href=\"#ingest\">Ingest</a>", f);
    for (int i = 0; i < r->cfg->samples.n_contaminants; i++) {
        const char *name = r->cfg->samples.contaminants[i].name;
        fputs("<a href=\"#c-", f);
        html_escape(f, name);
        fputs("\">", f);
        html_escape(f, name);
        fputs("</a>", f);
    }
    fputs("<a href=\"#hotspots\">Hotspots</a><a href=\"#remediation\">Recommendations</a>"
          "<a href=\"#screening\">Screening</a></nav>\n", f);
}

static void page_tail(report *r)
{
    fputs("<footer><p class=\"note\">Written by soilmap ", r->f);
    html_escape(r->f, json_str(r->run, "versions.soilmap"));
    fputs(" from the files of the output folder.</p></footer>\n</body>\n</html>\n", r->f);
}

static int write_page(report *r)
{
    page_head(r);
    section_run(r);
    int rc = section_ingest(r);
    for (int i = 0; i < r->cfg->samples.n_contaminants && rc == SM_OK; i++)
        rc = section_contaminant(r, &r->cfg->samples.contaminants[i]);
    if (rc == SM_OK)
        rc = section_hotspots(r);
    if (rc == SM_OK)
        rc = section_remediation(r);
    if (rc == SM_OK)
        rc = section_screening(r);
    page_tail(r);
    return rc;
}

int sm_report_write(const sm_config *cfg, const char *path)
{
    report r = {.cfg = cfg};
    char run_json[4200];
    out_path(&r, run_json, sizeof run_json, "%s", "run.json");
    if (!exists(run_json))
        return sm_error_set(SM_ENOINPUT, "%s: not found: run the pipeline first", run_json);
    r.run = json_object_from_file(run_json);
    if (!r.run)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", run_json, json_util_get_last_err());
    sm_outfile out;
    sm_outfile_begin(&out, path);
    r.f = fopen(out.tmp, "w");
    int rc = r.f ? write_page(&r)
                 : sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", out.tmp, strerror(errno));
    if (r.f) {
        int bad = ferror(r.f);
        bad |= fclose(r.f);
        if (bad && rc == SM_OK)
            rc = sm_error_set(SM_EIO, "%s: write failed", out.tmp);
    }
    json_object_put(r.run);
    if (rc != SM_OK) {
        sm_outfile_abort(&out);
        return rc;
    }
    return sm_outfile_commit(&out);
}
