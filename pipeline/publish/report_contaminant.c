/* The run report's section per contaminant: statistics and histogram,
 * variogram, cross-validation and quicklook maps. */
#include "core/error.h"
#include "geostat/vgmodel.h"
#include "publish/report_html.h"
#include "render/colormap.h"
#include "render/quicklook.h"
#include "render/svgplot.h"
#include "stage/products.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double QUICKLOOK_MIN = 300; /* shown size of the longer side, at least */

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

/* ---- per contaminant: statistics and histogram ---- */

static void stats_table(report *r, const char *name, const stats *s)
{
    FILE *f = r->f;
    char id[128], key[160];
    snprintf(id, sizeof id, "stats-%s", name);
    snprintf(key, sizeof key, "stages.ingest.contaminants_mg_per_kg.%s", name);
    json_object *in = sm_report_json_at(r->run, key);
    sm_report_kv_open(f, id);
    sm_report_kv_num(f, "samples", s->n);
    sm_report_kv_num(f, "below detection", sm_report_json_num(in, "censored"));
    sm_report_kv_num(f, "missing", sm_report_json_num(in, "missing"));
    char min_key[96];
    snprintf(min_key, sizeof min_key, "minimum (%s)", sm_config_unit(r->cfg, name));
    sm_report_kv_num(f, min_key, s->min);
    sm_report_kv_num(f, "25 %", s->q1);
    sm_report_kv_num(f, "median", s->median);
    sm_report_kv_num(f, "mean", s->mean);
    sm_report_kv_num(f, "75 %", s->q3);
    sm_report_kv_num(f, "maximum", s->max);
    sm_report_kv_num(f, "standard deviation", s->sd);
    sm_report_kv_num(f, "skewness", s->skew);
    sm_report_table_close(f);
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
    snprintf(xlabel, sizeof xlabel, "%s (%s)%s", name, sm_config_unit(r->cfg, name),
             log_axis ? ", log scale" : "");
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
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_SAMPLES);
    if (!sm_report_exists(path)) {
        sm_report_absent(r->f, "No samples.gpkg in the output folder.");
        return SM_OK;
    }
    double *v = NULL;
    int n = 0, rc = sm_report_read_columns(path, "samples", &name, 1, &v, &n);
    if (rc == SM_OK && n == 0)
        sm_report_absent(r->f, "No sample has a value.");
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
        const char *type = sm_report_json_str(o, "model");
        sm_vgm_part *p = &m->part[m->n];
        if (!type || sm_vgm_type_parse(type, &p->type) != 0)
            continue;
        p->psill = sm_report_json_num(o, "psill"), p->range = sm_report_json_num(o, "range");
        p->kappa = isnan(sm_report_json_num(o, "kappa")) ? 0.5 : sm_report_json_num(o, "kappa");
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
    json_object *a = sm_report_json_at(vg, "lags");
    int cap = a && json_object_is_type(a, json_type_array) ? (int)json_object_array_length(a) : 0;
    l->n = 0;
    l->dist = malloc(((size_t)cap + 1) * sizeof(double));
    l->gamma = malloc(((size_t)cap + 1) * sizeof(double));
    l->np = malloc(((size_t)cap + 1) * sizeof(double));
    for (int i = 0; i < cap; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        double np = sm_report_json_num(o, "np"), d = sm_report_json_num(o, "dist"),
               g = sm_report_json_num(o, "gamma");
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

/* The points, each labelled with its number of pairs where a label fits
 * without covering another or a point. */
static void lag_points(const sm_svgplot *p, const lags *l)
{
    sm_svgplot_points(p, l->dist, l->gamma, l->n, 3.5, "lag", "#1f77b4");
    char(*np)[32] = malloc(((size_t)l->n + 1) * sizeof *np);
    const char **text = malloc(((size_t)l->n + 1) * sizeof *text);
    for (int i = 0; i < l->n; i++) {
        snprintf(np[i], sizeof np[i], "%.0f", l->np[i]);
        text[i] = np[i];
    }
    sm_svgplot_labels(p, l->dist, l->gamma, l->n, "np", text);
    free(np), free(text);
}

/* ---- directional variograms ---- */

static const char *const dir_colours[] = {"#2ca02c", "#9467bd", "#ff7f0e",
                                          "#8c564b", "#e377c2", "#17becf"};
enum { DIR_MAX = 6 };

static int read_directions(json_object *vg, lags *d, double *angle, double *tol)
{
    json_object *a = sm_report_json_at(vg, "directional");
    int n = a && json_object_is_type(a, json_type_array) ? (int)json_object_array_length(a) : 0;
    n = n < DIR_MAX ? n : DIR_MAX;
    for (int k = 0; k < n; k++) {
        json_object *o = json_object_array_get_idx(a, k);
        read_lags(o, &d[k]);
        angle[k] = sm_report_json_num(o, "angle"), tol[k] = sm_report_json_num(o, "tolerance");
    }
    return n;
}

static void direction_series(const sm_svgplot *p, const lags *d, const double *angle,
                             const double *tol, int n)
{
    for (int k = 0; k < n; k++) {
        sm_svgplot_polyline(p, d[k].dist, d[k].gamma, d[k].n, "dir", dir_colours[k]);
        sm_svgplot_points(p, d[k].dist, d[k].gamma, d[k].n, 2.5, "lag-dir", dir_colours[k]);
        double x = p->width - p->right - 120, y = p->top + 14 + 14 * k;
        fprintf(p->out,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/><text x=\"%.1f\" "
                "y=\"%.1f\" class=\"dir-legend\">%g\xc2\xb0 \xc2\xb1 %g\xc2\xb0</text>\n",
                x, y - 4, dir_colours[k], x + 7, y, angle[k], tol[k]);
    }
}

static void variogram_svg(report *r, const char *name, json_object *vg)
{
    lags l, d[DIR_MAX];
    double angle[DIR_MAX], tol[DIR_MAX];
    sm_vgm m;
    read_lags(vg, &l);
    int nd = read_directions(vg, d, angle, tol);
    parse_model(sm_report_json_at(vg, "model"), &m);
    double xmax = sm_report_json_num(vg, "cutoff"), ymax = m.n ? sm_vgm_sill(&m) : 0;
    for (int i = 0; i < l.n; i++)
        xmax = fmax(xmax, l.dist[i]), ymax = fmax(ymax, l.gamma[i]);
    for (int k = 0; k < nd; k++)
        for (int i = 0; i < d[k].n; i++)
            xmax = fmax(xmax, d[k].dist[i]), ymax = fmax(ymax, d[k].gamma[i]);
    int log_scale =
        sm_report_json_str(vg, "transform") && !strcmp(sm_report_json_str(vg, "transform"), "log");
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
    direction_series(&p, d, angle, tol, nd);
    lag_points(&p, &l);
    sm_svgplot_end(&p);
    free(l.dist), free(l.gamma), free(l.np);
    for (int k = 0; k < nd; k++)
        free(d[k].dist), free(d[k].gamma), free(d[k].np);
}

static int variogram_part(report *r, const char *name)
{
    char path[SM_PATH_SIZE];
    sm_product_member(path, sizeof path, r->cfg, SM_PRODUCT_VARIOGRAM, "%s", name);
    sm_report_heading(r->f, 3, "Variogram");
    int kriging = sm_config_interp(r->cfg, name)->method == SM_INTERP_KRIGING;
    if (!kriging || !sm_report_exists(path)) {
        sm_report_absent(r->f, !kriging
                                   ? "No variogram: the surface is interpolated by IDW."
                                   : "No variogram: the interpolate stage has not written one.");
        return SM_OK;
    }
    json_object *vg = json_object_from_file(path);
    if (!vg)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", path, json_util_get_last_err());
    sm_report_para(r->f, "note",
                   sm_report_json_at(vg, "directional")
                       ? "Blue points: the empirical variogram, labelled with their numbers "
                         "of pairs where a label fits; red line: the fitted model; coloured "
                         "lines: the directional variograms (angle clockwise from north, "
                         "\xc2\xb1 tolerance)."
                       : "Points: the empirical variogram, labelled with their numbers of "
                         "pairs where a label fits; line: the fitted model.");
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
        fprintf(f, "<td class=\"num %s\">%s</td>", cls, SM_REPORT_DASH);
}

static void cv_table(report *r, const char *id, json_object *cv)
{
    FILE *f = r->f;
    sm_report_table_open(
        f, id, (const char *const[]){"samples", "ME", "MAE", "RMSE", "MSDR", "R\xc2\xb2", NULL});
    fputs("<tr>", f);
    cv_cell(f, "n", sm_report_json_num(cv, "samples"));
    cv_cell(f, "me", sm_report_json_num(cv, "mean_error"));
    cv_cell(f, "mae", sm_report_json_num(cv, "mae"));
    cv_cell(f, "rmse", sm_report_json_num(cv, "rmse"));
    cv_cell(f, "msdr", sm_report_json_num(cv, "msdr"));
    cv_cell(f, "r2", sm_report_json_num(cv, "r2"));
    fputs("</tr>\n", f);
    sm_report_table_close(f);
}

static void cv_scatter(report *r, const char *name, const double *obs, const double *pred, int n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int i = 0; i < n; i++)
        lo = fmin(lo, fmin(obs[i], pred[i])), hi = fmax(hi, fmax(obs[i], pred[i]));
    sm_svg_pad_range(&lo, &hi, 0, 0.04);
    char unit[96], id[128], title[160], xl[160], yl[160];
    snprintf(unit, sizeof unit, sm_config_interp(r->cfg, name)->log_transform ? "ln %s" : "%s",
             sm_config_unit(r->cfg, name));
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
    char key[200], path[SM_PATH_SIZE], layer[128];
    snprintf(key, sizeof key, "stages.interpolate.contaminants.%s.cross_validation", name);
    json_object *cv = sm_report_json_at(r->run, key);
    sm_report_heading(r->f, 3, "Cross-validation");
    if (!cv) {
        sm_report_absent(r->f, "No cross-validation in run.json for this contaminant.");
        return SM_OK;
    }
    const char *unit = sm_config_unit(r->cfg, name);
    char note[200], id[128];
    snprintf(id, sizeof id, "cv-%s", name);
    snprintf(note, sizeof note, "On the interpolation scale: ln(%s).", unit);
    if (sm_config_interp(r->cfg, name)->log_transform)
        sm_report_para(r->f, "note", note);
    cv_table(r, id, cv);
    snprintf(key, sizeof key, "stages.interpolate.contaminants.%s.cross_validation_original", name);
    json_object *orig = sm_report_json_at(r->run, key);
    if (orig) {
        snprintf(note, sizeof note,
                 "On the original scale (%s): observed and back-transformed predictions, "
                 "as %s.",
                 unit, sm_report_json_str(orig, "back_transform"));
        sm_report_para(r->f, "note", note);
        snprintf(id, sizeof id, "cv-original-%s", name);
        cv_table(r, id, orig);
    }
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_SAMPLES);
    snprintf(layer, sizeof layer, "cv_%s", name);
    double *cols[2] = {NULL, NULL};
    int n = 0, rc = sm_report_read_columns(
                   path, layer, (const char *const[]){"observed", "predicted"}, 2, cols, &n);
    if (rc == SM_OK && n > 0)
        cv_scatter(r, name, cols[0], cols[1], n);
    free(cols[0]), free(cols[1]);
    return rc;
}

/* ---- per contaminant: quicklook maps ---- */

typedef enum { QL_SURFACE, QL_PROBABILITY, QL_CLASSES } ql_kind;

/* The ramp the web viewer's tiles use (sm_colormap_surface over the
 * surface's full range), so that the report and the viewer agree. */
static int ql_surface_map(const report *r, const char *name, GDALRasterBandH b, const char *path,
                          sm_quicklook *q)
{
    const sm_interp_config *ic = sm_config_interp(r->cfg, name);
    int ln = ic->log_transform && ic->back_transform == SM_BACK_NONE; /* that surface is ln */
    double mm[2];
    int rc = sm_quicklook_minmax(b, path, mm);
    for (size_t i = 0; ln && i < (size_t)q->w * q->h; i++)
        q->v[i] = exp(q->v[i]);
    char title[96];
    snprintf(title, sizeof title, "%s (%s)", name, sm_config_unit(r->cfg, name));
    if (rc == SM_OK)
        sm_colormap_surface(title, ln ? exp(mm[0]) : mm[0], ln ? exp(mm[1]) : mm[1], &q->map);
    return rc;
}

/* The names classify wrote with the class raster, in the exceedance
 * palette (green, then orange to dark red): "above" reads as a warning. */
static void ql_class_map(GDALRasterBandH b, const char *title, sm_quicklook *q)
{
    char **names = GDALGetRasterCategoryNames(b);
    int n = CSLCount(names);
    for (size_t i = 0; n == 0 && i < (size_t)q->w * q->h; i++)
        if (isfinite(q->v[i]) && q->v[i] >= 0 && q->v[i] < SM_COLORMAP_MAXSTOPS)
            n = (int)fmax(n, q->v[i] + 1); /* no names: as many classes as values */
    n = n < SM_COLORMAP_MAXSTOPS ? n : SM_COLORMAP_MAXSTOPS;
    sm_colormap_exceedance(title, n > 1 ? n - 1 : 1, (const char *const *)names, &q->map);
}

static int ql_load(const report *r, const char *name, const char *path, int band, ql_kind kind,
                   sm_quicklook *q)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_EDATA, "%s: cannot open: %s", path, CPLGetLastErrorMsg());
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    int rc = sm_quicklook_read(b, path, q);
    const char *desc = GDALGetDescription(b);
    char title[96];
    if (kind == QL_PROBABILITY && *desc)
        snprintf(title, sizeof title, "%s", desc);
    else if (kind == QL_PROBABILITY)
        snprintf(title, sizeof title, "P(above tier %d)", band);
    else
        snprintf(title, sizeof title, "%s", *desc ? desc : "classes");
    if (rc == SM_OK && kind == QL_SURFACE)
        rc = ql_surface_map(r, name, b, path, q);
    else if (rc == SM_OK && kind == QL_PROBABILITY)
        sm_colormap_probability(title, &q->map);
    else if (rc == SM_OK)
        ql_class_map(b, title, q);
    GDALClose(ds);
    return rc;
}

typedef struct {
    double *x, *y;
    int n;
} sample_points;

static void ql_figure(report *r, const char *id, const sm_quicklook *q, const char *b64,
                      const sample_points *pts)
{
    FILE *f = r->f;
    char legend[160];
    snprintf(legend, sizeof legend, "legend-%s", id);
    fputs("<figure class=\"map\"><figcaption>", f);
    sm_report_html_escape(f, q->map.title);
    fputs("</figcaption>\n<div class=\"mapbox\"><img class=\"quicklook\" id=\"", f);
    sm_report_html_escape(f, id);
    /* a small grid is shown enlarged by a whole factor, its cells kept square and crisp */
    int k = (int)fmax(1, ceil(QUICKLOOK_MIN / fmax(q->w, q->h)));
    fprintf(f, "\" width=\"%d\" height=\"%d\" alt=\"", k * q->w, k * q->h);
    sm_report_html_escape(f, q->map.title);
    fprintf(f, "\" src=\"data:image/png;base64,%s\"/>\n", b64);
    sm_quicklook_overlay(f, q, k * q->w, k * q->h, pts->x, pts->y, pts->n);
    fputs("</div>\n", f);
    sm_svg_legend(f, legend, &q->map);
    fputs("</figure>\n", f);
}

static int quicklook_figure(report *r, const char *name, const char *path, int band, ql_kind kind,
                            const char *suffix, const sample_points *pts)
{
    sm_quicklook q = {0};
    char *b64 = NULL, id[128];
    int rc = ql_load(r, name, path, band, kind, &q);
    if (rc == SM_OK)
        rc = sm_quicklook_png_base64(&q, path, &b64);
    if (band > 1) /* a map per tier: map-cd-probability, then map-cd-probability-tier2 */
        snprintf(id, sizeof id, "map-%s-%s-tier%d", name, suffix, band);
    else
        snprintf(id, sizeof id, "map-%s-%s", name, suffix);
    if (rc == SM_OK)
        ql_figure(r, id, &q, b64, pts);
    CPLFree(b64);
    free(q.v);
    return rc;
}

/* Why map k (surface, probability, classes) is not shown, or NULL. */
static const char *map_missing(const report *r, int k, const char *path)
{
    if (k == 0)
        return sm_report_exists(path) ? NULL
                                      : "No surface: the interpolate stage has not written one.";
    if (!r->cfg->thresholds.present)
        return k == 1 ? "No exceedance maps: the config has no thresholds section." : NULL;
    if (sm_report_exists(path))
        return NULL;
    return k == 1 ? "No probability map: classify computes probabilities from kriging only."
                  : "No class map: classify has not run.";
}

/* A probability raster has a band per tier, each shown (1 if it cannot be
 * opened, for ql_load to say why). */
static int band_count(const char *path)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    int n = ds ? GDALGetRasterCount(ds) : 1;
    if (ds)
        GDALClose(ds);
    return n;
}

/* The samples with a value of the contaminant, for the maps' overlay. */
static int read_points(const report *r, const char *name, sample_points *pts)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_SAMPLES);
    memset(pts, 0, sizeof *pts);
    if (!sm_report_exists(path))
        return SM_OK;
    GDALDatasetH ds = sm_report_open_vector(path);
    if (!ds)
        return SM_EDATA;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "samples");
    long cap = l ? (long)OGR_L_GetFeatureCount(l, TRUE) : 0;
    pts->x = malloc(((size_t)cap + 1) * sizeof(double));
    pts->y = malloc(((size_t)cap + 1) * sizeof(double));
    OGRFeatureH f;
    while (l && pts->n < cap && (f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && isfinite(sm_report_fnum(f, name))) {
            pts->x[pts->n] = OGR_G_GetX(g, 0), pts->y[pts->n] = OGR_G_GetY(g, 0);
            pts->n++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return SM_OK;
}

static int maps_part(report *r, const char *name)
{
    static const struct {
        sm_product product;
        const char *member, *suffix;
        ql_kind kind;
    } maps[] = {{SM_PRODUCT_SURFACE, "%s", "surface", QL_SURFACE},
                {SM_PRODUCT_CLASS, "%s_prob", "probability", QL_PROBABILITY},
                {SM_PRODUCT_CLASS, "%s_class", "classes", QL_CLASSES}};
    char path[3][SM_PATH_SIZE];
    sm_report_heading(r->f, 3, "Maps");
    sm_report_para(r->f, "note",
                   "The surface's colours span its range (from at least a thousandth of "
                   "its maximum), as in the web viewer's tiles. Black dots: the samples "
                   "with a value; the bar gives the scale. White: no value, or no chance "
                   "of exceeding.");
    for (int k = 0; k < 3; k++) {
        sm_product_member(path[k], sizeof path[k], r->cfg, maps[k].product, maps[k].member, name);
        if (map_missing(r, k, path[k]))
            sm_report_absent(r->f, map_missing(r, k, path[k]));
    }
    fputs("<div class=\"figs\">\n", r->f);
    sample_points pts;
    int rc = read_points(r, name, &pts);
    for (int k = 0; k < 3 && rc == SM_OK; k++)
        if (sm_report_exists(path[k]) && (k == 0 || r->cfg->thresholds.present))
            for (int b = 1; b <= band_count(path[k]) && rc == SM_OK; b++)
                rc = quicklook_figure(r, name, path[k], b, maps[k].kind, maps[k].suffix, &pts);
    fputs("</div>\n", r->f);
    free(pts.x), free(pts.y);
    return rc;
}

int sm_report_section_contaminant(report *r, const sm_contaminant *c)
{
    char id[128], title[256];
    snprintf(id, sizeof id, "c-%s", c->name);
    snprintf(title, sizeof title, "%s (column %s, %s)", c->name, c->column, sm_contaminant_unit(c));
    sm_report_section_open(r->f, id, title);
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
        if (rc == SM_OK && r->cfg->thresholds.present)
            sm_report_tier_areas(r, c->name);
    } else if (rc == SM_OK) {
        sm_report_absent(r->f, "No interpolation: the config has no interpolation section.");
    }
    sm_report_section_close(r->f);
    return rc;
}
