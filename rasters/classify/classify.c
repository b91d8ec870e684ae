#include "classify/classify.h"
#include "classify/phgrid.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "grid/surface.h"
#include "grid/window.h"
#include "guideline/exceedance.h"
#include "guideline/project.h"
#include "render/colormap.h"
#include "stage/products.h"

#include <cpl_string.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double NODATA = -9999.0;
enum { CLASS_NODATA = 255, PATH = SM_PATH_SIZE };

static void class_path(const sm_config *cfg, const char *name, char *out)
{
    sm_product_member(out, PATH, cfg, SM_PRODUCT_CLASS, "%s", name);
}

static int background_of(const sm_config *cfg, const char *name, double *value)
{
    for (int i = 0; i < cfg->thresholds.n_background; i++)
        if (!strcmp(cfg->thresholds.background_names[i], name))
            return *value = cfg->thresholds.background[i], 1;
    return 0;
}

static int has_pli(const sm_config *cfg)
{
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_classified(cfg, names);
    double b;
    for (int i = 0; i < n; i++)
        if (!background_of(cfg, names[i], &b))
            return 0;
    return n > 0;
}

/* ---- one contaminant ---- */

typedef struct {
    const sm_config *cfg;
    const sm_guideline *g;
    int tile, prob, log, exp_conc;
    const char *conc, *mean, *var, *landuse, *ph; /* ph NULL: a constant or none */
    double ph_value;
    sm_classify_result *res;
    sm_tally tally; /* cells per class k at k, cells without a value at NO_VALUE */
} cjob;

enum { NO_VALUE = SM_MAX_TIERS + 1 };

enum { W_CONC, W_MEAN, W_VAR, W_LANDUSE, W_PH, W_COUNT };

typedef struct {
    sm_window w[W_COUNT];
    int rc;
} cscratch;

static void *c_scratch_new(void *ctx)
{
    cjob *j = ctx;
    cscratch *s = calloc(1, sizeof *s);
    const char *paths[W_COUNT] = {j->conc, j->prob ? j->mean : NULL, j->prob ? j->var : NULL,
                                  j->landuse, j->ph};
    for (int i = 0; i < W_COUNT && s->rc == SM_OK; i++)
        if (paths[i])
            s->rc = sm_window_open(&s->w[i], paths[i], j->tile);
    return s;
}

static void c_scratch_free(void *ctx, void *scratch)
{
    (void)ctx;
    cscratch *s = scratch;
    for (int i = 0; i < W_COUNT; i++)
        sm_window_close(&s->w[i]);
    free(s);
}

static void classify_cell(const cjob *j, const double *in, double *out, size_t plane, long *counts)
{
    int nt = j->g->ntiers;
    double conc = j->exp_conc ? exp(in[W_CONC]) : in[W_CONC];
    if (isnan(in[W_LANDUSE]) || isnan(conc))
        return;
    const double *v = sm_guideline_values(j->g, (int)in[W_LANDUSE] - 1, in[W_PH]);
    if (!v) {
        counts[NO_VALUE]++;
        return;
    }
    out[0] = v[0] > 0 ? conc / v[0] : NAN;
    int k = 0;
    for (int t = 0; t < nt; t++)
        k += !isnan(v[t]) && conc > v[t];
    out[plane] = k;
    counts[k]++;
    for (int t = 0; j->prob && t < nt; t++)
        if (!isnan(v[t]))
            out[(2 + t) * plane] =
                sm_exceedance_probability(in[W_MEAN], in[W_VAR], j->log ? log(v[t]) : v[t]);
}

static int c_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out, size_t plane)
{
    cjob *j = ctx;
    cscratch *s = scratch;
    for (int i = 0; i < W_COUNT && s->rc == SM_OK; i++)
        if (s->w[i].ds)
            s->rc = sm_window_read(&s->w[i], 1, x0, y0, w, h);
    if (s->rc != SM_OK)
        return s->rc;
    int nbands = 2 + (j->prob ? j->g->ntiers : 0);
    long counts[SM_MAX_TIERS + 2] = {0};
    for (size_t c = 0; c < (size_t)w * h; c++) {
        double in[W_COUNT];
        for (int i = 0; i < W_COUNT; i++)
            in[i] = s->w[i].ds ? s->w[i].buf[c] : NAN;
        if (!j->ph)
            in[W_PH] = j->ph_value;
        for (int b = 0; b < nbands; b++)
            out[b * plane + c] = NAN;
        classify_cell(j, in, out + c, plane, counts);
    }
#pragma omp critical(sm_classify_count)
    for (int k = 0; k <= NO_VALUE; k++)
        j->tally.count[k] += counts[k];
    return SM_OK;
}

static void describe_class_band(GDALRasterBandH b, const cjob *j)
{
    char **names = NULL;
    GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
    char text[160];
    snprintf(text, sizeof text, "below %s", j->g->tier_names[0] ? j->g->tier_names[0] : "tier 1");
    names = CSLAddString(names, text);
    for (int k = 0; k <= j->g->ntiers; k++) {
        if (k > 0) {
            const char *tn = j->g->tier_names[k - 1];
            snprintf(text, sizeof text, "above %s", tn ? tn : "tier");
            names = CSLAddString(names, text);
        }
        /* the palette the report and the web tiles use: above reads as a warning */
        unsigned char rgba[4];
        sm_colormap_class_colour(k, j->g->ntiers, rgba);
        GDALColorEntry e = {rgba[0], rgba[1], rgba[2], rgba[3]};
        GDALSetColorEntry(ct, k, &e);
    }
    GDALSetRasterCategoryNames(b, names);
    GDALSetRasterColorTable(b, ct);
    GDALDestroyColorTable(ct);
    CSLDestroy(names);
}

static void c_describe(void *ctx, int file, GDALDatasetH ds)
{
    const cjob *j = ctx;
    const char *name = j->res->name, *t1 = j->g->tier_names[0] ? j->g->tier_names[0] : "tier 1";
    char text[200];
    if (file == 0) {
        snprintf(text, sizeof text, "%s / %s value", name, t1);
        GDALSetDescription(GDALGetRasterBand(ds, 1), text);
    } else if (file == 1) {
        snprintf(text, sizeof text, "%s class", name);
        GDALSetDescription(GDALGetRasterBand(ds, 1), text);
        describe_class_band(GDALGetRasterBand(ds, 1), j);
    } else
        for (int t = 0; t < j->g->ntiers; t++) {
            snprintf(text, sizeof text, "P(%s > %s)", name,
                     j->g->tier_names[t] ? j->g->tier_names[t] : "tier");
            GDALSetDescription(GDALGetRasterBand(ds, t + 1), text);
        }
}

static int render_contaminant(cjob *j, const sm_stage_ctx *ctx)
{
    const sm_grid *g = ctx->grid;
    char paths[3][PATH], name[200];
    const char *suffix[] = {"ratio", "class", "prob"};
    for (int f = 0; f < 3; f++) {
        snprintf(name, sizeof name, "%s_%s", j->res->name, suffix[f]);
        class_path(j->cfg, name, paths[f]);
    }
    sm_surface_spec spec = {.nfiles = j->prob ? 3 : 2,
                            .tile = j->tile,
                            .share = ctx->share,
                            .cog_options = j->cfg->interpolation.creation_options,
                            .describe = c_describe,
                            .describe_ctx = j};
    spec.files[0] = (sm_surface_file){paths[0], GDT_Float32, NODATA, 1};
    spec.files[1] = (sm_surface_file){paths[1], GDT_Byte, CLASS_NODATA, 1};
    spec.files[2] = (sm_surface_file){paths[2], GDT_Float32, NODATA, j->g->ntiers};
    sm_surface_kernel k = {.scratch_new = c_scratch_new,
                           .scratch_free = c_scratch_free,
                           .tile = c_tile,
                           .ctx = j,
                           .tally = &j->tally};
    sm_progress_task task;
    char label[96];
    snprintf(label, sizeof label, "%s classes", j->res->name);
    sm_progress_begin(&task, "classify", label);
    int rc = sm_surface_render(g, ctx->srs, &spec, &k, sm_progress, &task);
    for (int c = 0; c <= j->g->ntiers; c++)
        j->res->cells[c] = j->tally.count[c];
    j->res->no_value = j->tally.count[NO_VALUE];
    return rc;
}

/* ---- all contaminants: counts, maximum ratio, Nemerow index, PLI ---- */

typedef struct {
    const sm_config *cfg;
    int n, tile, pli;
    char (*ratio)[PATH], (*conc)[PATH];
    double background[SM_MAX_CONTAMINANTS];
    int exp_conc[SM_MAX_CONTAMINANTS];
} sjob;

typedef struct {
    sm_window ratio[SM_MAX_CONTAMINANTS], conc[SM_MAX_CONTAMINANTS];
    int rc;
} sscratch;

static void *s_scratch_new(void *ctx)
{
    sjob *j = ctx;
    sscratch *s = calloc(1, sizeof *s);
    for (int i = 0; i < j->n && s->rc == SM_OK; i++) {
        s->rc = sm_window_open(&s->ratio[i], j->ratio[i], j->tile);
        if (s->rc == SM_OK && j->pli)
            s->rc = sm_window_open(&s->conc[i], j->conc[i], j->tile);
    }
    return s;
}

static void s_scratch_free(void *ctx, void *scratch)
{
    sjob *j = ctx;
    sscratch *s = scratch;
    for (int i = 0; i < j->n; i++)
        sm_window_close(&s->ratio[i]), sm_window_close(&s->conc[i]);
    free(s);
}

/* out: n_exceeding, max_ratio, nemerow, pli */
static void summary_cell(const sjob *j, const sscratch *s, size_t c, double *out, size_t plane)
{
    int n = 0, above = 0;
    double max = -HUGE_VAL, sum = 0, logsum = 0;
    for (int i = 0; i < j->n; i++) {
        double r = s->ratio[i].buf[c];
        if (isnan(r))
            continue;
        n++, above += r > 1, sum += r;
        max = r > max ? r : max;
        if (j->pli) {
            double conc = j->exp_conc[i] ? exp(s->conc[i].buf[c]) : s->conc[i].buf[c];
            logsum += log(conc / j->background[i]);
        }
    }
    if (!n)
        return;
    double mean = sum / n;
    out[0] = above, out[plane] = max;
    out[2 * plane] = sqrt(0.5 * (mean * mean + max * max));
    if (j->pli && n == j->n)
        out[3 * plane] = exp(logsum / n);
}

static int s_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out, size_t plane)
{
    sjob *j = ctx;
    sscratch *s = scratch;
    for (int i = 0; i < j->n && s->rc == SM_OK; i++) {
        s->rc = sm_window_read(&s->ratio[i], 1, x0, y0, w, h);
        if (s->rc == SM_OK && j->pli)
            s->rc = sm_window_read(&s->conc[i], 1, x0, y0, w, h);
    }
    if (s->rc != SM_OK)
        return s->rc;
    int nbands = j->pli ? 4 : 3; /* out holds only the files being written */
    for (size_t c = 0; c < (size_t)w * h; c++) {
        for (int b = 0; b < nbands; b++)
            out[b * plane + c] = NAN;
        summary_cell(j, s, c, out + c, plane);
    }
    return SM_OK;
}

static void s_describe(void *ctx, int file, GDALDatasetH ds)
{
    (void)ctx;
    static const char *const what[] = {
        "contaminants above their first tier", "maximum ratio to the first-tier value",
        "Nemerow integrated pollution index", "pollution load index (Tomlinson et al. 1980)"};
    GDALSetDescription(GDALGetRasterBand(ds, 1), what[file]);
}

static int render_summary(const sm_stage_ctx *ctx, const char **names, int n)
{
    const sm_config *cfg = ctx->cfg;
    const sm_grid *g = ctx->grid;
    char(*ratio)[PATH] = calloc((size_t)n, PATH), (*conc)[PATH] = calloc((size_t)n, PATH);
    sjob j = {cfg, n,  sm_grid_tile(g, cfg->interpolation.tile), has_pli(cfg), ratio, conc,
              {0}, {0}};
    char tmp[PATH], paths[4][PATH];
    for (int i = 0; i < n; i++) {
        snprintf(tmp, sizeof tmp, "%s_ratio", names[i]);
        class_path(cfg, tmp, ratio[i]);
        sm_products_surfaces(cfg, names[i], conc[i], tmp, tmp, PATH);
        background_of(cfg, names[i], &j.background[i]);
        j.exp_conc[i] = sm_products_conc_is_log(cfg, names[i]);
    }
    static const char *const files[] = {"n_exceeding", "max_ratio", "nemerow", "pli"};
    sm_surface_spec spec = {.nfiles = j.pli ? 4 : 3,
                            .tile = j.tile,
                            .share = ctx->share,
                            .cog_options = cfg->interpolation.creation_options,
                            .describe = s_describe};
    for (int f = 0; f < 4; f++) {
        class_path(cfg, files[f], paths[f]);
        spec.files[f] =
            (sm_surface_file){paths[f], f ? GDT_Float32 : GDT_Byte, f ? NODATA : CLASS_NODATA, 1};
    }
    sm_surface_kernel k = {
        .scratch_new = s_scratch_new, .scratch_free = s_scratch_free, .tile = s_tile, .ctx = &j};
    sm_progress_task task;
    sm_progress_begin(&task, "classify", "summary");
    int rc = sm_surface_render(g, ctx->srs, &spec, &k, sm_progress, &task);
    free(ratio), free(conc);
    return rc;
}

/* ---- the stage ---- */

static int classify_one(const sm_stage_ctx *ctx, const sm_threshold_table *t, const char *ph,
                        sm_classify_result *res)
{
    const sm_config *cfg = ctx->cfg;
    const sm_grid *g = ctx->grid;
    const sm_thresholds_config *tc = &cfg->thresholds;
    const sm_interp_config *ic = sm_config_interp(cfg, res->name);
    sm_guideline gl;
    int rc = sm_guideline_for(cfg, t, res->name, &gl);
    for (int c = 0; rc == SM_OK && c < gl.n_classes; c++)
        if (!gl.classes[c].category)
            sm_log(SM_LOG_INFO,
                   "classify: %s: no %s value for land-use class '%s' (mapped to %s): its "
                   "cells are not classified",
                   t->path, res->name, tc->classes[c], tc->categories[c][0]);
    char conc[PATH], mean[PATH], var[PATH], lu[PATH];
    sm_products_surfaces(cfg, res->name, conc, mean, var, PATH);
    class_path(cfg, "landuse", lu);
    cjob j = {cfg,
              &gl,
              sm_grid_tile(g, ic->tile),
              ic->method == SM_INTERP_KRIGING,
              ic->log_transform,
              sm_products_conc_is_log(cfg, res->name),
              conc,
              mean,
              var,
              lu,
              ph,
              tc->ph_source == SM_PH_VALUE ? tc->ph_value : NAN,
              res,
              {{0}, 0, {{0}}}};
    res->ntiers = gl.ntiers, res->has_prob = j.prob, res->unverified = gl.unverified;
    memcpy(res->tier_names, gl.tier_names, sizeof res->tier_names);
    if (rc == SM_OK)
        rc = render_contaminant(&j, ctx);
    if (rc == SM_OK && gl.unverified)
        sm_log(SM_LOG_WARN,
               "classify: %s: a value used is marked verified=no in %s; see its "
               "note",
               res->name, t->path);
    sm_guideline_free(&gl);
    return rc;
}

static int prepare_inputs(const sm_stage_ctx *ctx, sm_classify_summary *out, char *ph)
{
    const sm_config *cfg = ctx->cfg;
    char dir[PATH], lu[PATH];
    sm_product_path(dir, sizeof dir, cfg, SM_PRODUCT_CLASS);
    int rc = sm_make_dirs(dir);
    class_path(cfg, "landuse", lu);
    if (rc == SM_OK)
        rc = sm_guideline_load_table(cfg, "classify", &out->table);
    if (rc == SM_OK)
        rc = sm_landuse_make(ctx, lu, &out->landuse);
    sm_ph_source src = cfg->thresholds.ph_source;
    ph[0] = '\0';
    if (rc == SM_OK && (src == SM_PH_RASTER || src == SM_PH_SAMPLES)) {
        sm_ph_summary ps;
        class_path(cfg, "ph", ph);
        rc = sm_ph_grid_make(ctx, ph, &ps);
        out->ph_samples = ps.samples, out->ph_skipped = ps.skipped;
    }
    return rc;
}

static void log_landuse(const sm_config *cfg, const sm_landuse_summary *s)
{
    for (int c = 0; c < cfg->thresholds.n_classes; c++)
        sm_log(SM_LOG_RESULT, "classify: land use %s: %ld cells", cfg->thresholds.classes[c],
               s->cells[c]);
    if (s->unmapped) {
        char names[600] = "";
        for (int i = 0; i < s->n_unmapped_names; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s'%s'", i ? ", " : "",
                     s->unmapped_names[i]);
        sm_log(SM_LOG_WARN,
               "classify: %ld cells have a land-use class that thresholds.classes "
               "does not map (%s): left unclassified",
               s->unmapped, names);
    }
    if (s->uncovered)
        sm_log(SM_LOG_WARN, "classify: %ld cells have no land use: left unclassified",
               s->uncovered);
}

int sm_classify(const sm_stage_ctx *ctx, sm_classify_summary *out)
{
    const sm_config *cfg = ctx->cfg;
    memset(out, 0, sizeof *out);
    char ph[PATH];
    int rc = prepare_inputs(ctx, out, ph);
    if (rc == SM_OK)
        log_landuse(cfg, &out->landuse);
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_classified(cfg, names);
    for (int i = 0; i < n && rc == SM_OK; i++) {
        out->per[i].name = names[i];
        out->n = i + 1;
        rc = classify_one(ctx, &out->table, ph[0] ? ph : NULL, &out->per[i]);
    }
    out->has_pli = has_pli(cfg);
    if (rc == SM_OK)
        rc = render_summary(ctx, names, n);
    return rc;
}

static int check_opens(const char *path, unsigned flags, const char *key)
{
    GDALDatasetH ds = GDALOpenEx(path, flags | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: %s cannot be opened", key, path);
    GDALClose(ds);
    return SM_OK;
}

int sm_classify_check(const sm_config *cfg)
{
    if (!cfg->thresholds.present)
        return SM_OK;
    sm_threshold_table t;
    int rc = sm_guideline_load_table(cfg, "classify", &t);
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_classified(cfg, names);
    for (int i = 0; i < n && rc == SM_OK; i++) {
        sm_guideline g;
        rc = sm_guideline_for(cfg, &t, names[i], &g);
        sm_guideline_free(&g);
    }
    sm_thresholds_free(&t);
    const sm_landuse_config *lu = &cfg->landuse;
    if (rc == SM_OK && lu->path)
        rc = check_opens(lu->path, lu->n_codes ? GDAL_OF_RASTER : GDAL_OF_VECTOR, "landuse.path");
    if (rc == SM_OK && cfg->thresholds.ph_path)
        rc = check_opens(cfg->thresholds.ph_path, GDAL_OF_RASTER, "thresholds.ph.raster");
    return rc;
}

void sm_classify_summary_free(sm_classify_summary *s)
{
    sm_landuse_summary_free(&s->landuse);
    sm_thresholds_free(&s->table);
}

/* Kriging gives each cell a variance, and so a probability of exceeding. */
static int kriged(const sm_config *cfg, const char *name)
{
    return sm_config_interp(cfg, name)->method == SM_INTERP_KRIGING;
}

int sm_classify_outputs(const sm_config *cfg, sm_paths *paths)
{
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_classified(cfg, names), rc = SM_OK;
    char p[PATH], name[200];
    const char *suffix[] = {"ratio", "class", "prob"};
    for (int i = 0; i < n; i++)
        for (int f = 0; f < (kriged(cfg, names[i]) ? 3 : 2) && rc == SM_OK; f++) {
            snprintf(name, sizeof name, "%s_%s", names[i], suffix[f]);
            class_path(cfg, name, p);
            rc = sm_paths_add(paths, "%s", p);
        }
    const char *fixed[] = {"landuse", "n_exceeding", "max_ratio", "nemerow", "pli", "ph"};
    int nfixed = has_pli(cfg) ? 5 : 4;
    for (int f = 0; f < 6 && rc == SM_OK; f++) {
        if (f >= nfixed && f != 5)
            continue;
        if (f == 5 &&
            (cfg->thresholds.ph_source == SM_PH_NONE || cfg->thresholds.ph_source == SM_PH_VALUE))
            continue;
        class_path(cfg, fixed[f], p);
        rc = sm_paths_add(paths, "%s", p);
    }
    return rc;
}
