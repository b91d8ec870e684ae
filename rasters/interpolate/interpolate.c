#include "interpolate/interpolate.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/ranks.h"
#include "geostat/kdtree.h"
#include "geostat/predictor.h"
#include "grid/points.h"
#include "grid/share.h"
#include "grid/surface.h"
#include "modelfit/modelfit.h"
#include "stage/products.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double NODATA = -9999.0;

/* Everything one contaminant's interpolation needs. */
typedef struct {
    const sm_stage_ctx *ctx;
    const sm_config *cfg;
    const sm_interp_config *ic;
    const char *name;
    sm_points pts; /* z on the interpolation scale (log if transformed) */
    sm_kdtree tree;
    /* kriging; IDW for the IDW method, and for flat data, which kriging has
     * no model for, to find the cells with samples within reach */
    sm_predictor pred;
    int kriging;
    double constant;              /* NAN unless every value is equal */
    sm_tally tally;               /* cells left as nodata, cells with a singular system */
    sm_predictor_failure failure; /* a thread's error: the render fails */
} job;

enum { NODATA_CELLS, SINGULAR_CELLS };

/* ---- variogram/<c>.json ---- */

static json_object *lags_json(const sm_vario *v)
{
    json_object *a = json_object_new_array();
    for (int l = 0; l < v->nlags; l++) {
        if (v->np[l] == 0)
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "np", json_object_new_int64(v->np[l]));
        json_object_object_add(o, "dist", json_object_new_double(v->dist[l]));
        json_object_object_add(o, "gamma", json_object_new_double(v->gamma[l]));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *directional_json(const job *j)
{
    const sm_interp_config *ic = j->ic;
    json_object *a = json_object_new_array();
    for (int d = 0; d < ic->n_directions; d++) {
        sm_vario_params p = {
            ic->cutoff, ic->width,         ic->cressie ? SM_VARIO_CRESSIE : SM_VARIO_MATHERON,
            1,          ic->directions[d], ic->direction_tolerance};
        sm_vario v;
        if (sm_vario_compute(j->pts.n, j->pts.x, j->pts.y, j->pts.z, &p, &v) != SM_OK)
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "angle", json_object_new_double(ic->directions[d]));
        json_object_object_add(o, "tolerance", json_object_new_double(ic->direction_tolerance));
        json_object_object_add(o, "lags", lags_json(&v));
        json_object_array_add(a, o);
        sm_vario_free(&v);
    }
    return a;
}

static int write_variogram_json(const job *j, const sm_vario *v, const sm_interp_result *res)
{
    char dir[SM_PATH_SIZE], path[SM_PATH_SIZE];
    sm_product_path(dir, sizeof dir, j->cfg, SM_PRODUCT_VARIOGRAM);
    int rc = sm_make_dirs(dir);
    if (rc)
        return rc;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "contaminant", json_object_new_string(j->name));
    json_object_object_add(o, "transform",
                           json_object_new_string(j->ic->log_transform ? "log" : "none"));
    json_object_object_add(o, "samples", json_object_new_int(j->pts.n));
    json_object_object_add(o, "estimator",
                           json_object_new_string(j->ic->cressie ? "cressie" : "matheron"));
    json_object_object_add(o, "cutoff", json_object_new_double(v->cutoff));
    json_object_object_add(o, "width", json_object_new_double(v->width));
    json_object_object_add(o, "lags", lags_json(v));
    json_object_object_add(o, "all_values_equal", json_object_new_boolean(res->constant));
    json_object_object_add(o, "model",
                           res->constant ? json_object_new_null() : sm_vgm_json(&res->vg.model));
    json_object *fit = json_object_new_object();
    json_object_object_add(fit, "method", json_object_new_int(j->ic->fit_method));
    if (res->vg.fitted) {
        json_object_object_add(fit, "sse", json_object_new_double(res->vg.fit.sse));
        json_object_object_add(fit, "iterations", json_object_new_int(res->vg.fit.iterations));
        json_object_object_add(fit, "sills_fixed_at_zero",
                               json_object_new_int(res->vg.fit.fixed_sills));
    }
    json_object_object_add(fit, "fell_back_to_start", json_object_new_boolean(res->vg.fit_fallback));
    json_object_object_add(o, "fit", fit);
    if (j->ic->n_directions)
        json_object_object_add(o, "directional", directional_json(j));
    sm_product_member(path, sizeof path, j->cfg, SM_PRODUCT_VARIOGRAM, "%s", j->name);
    rc = sm_json_write(o, path);
    json_object_put(o);
    return rc;
}

/* ---- the surface kernel ---- */

static int nbands(const job *j)
{
    if (!j->kriging)
        return 1;
    return j->ic->log_transform && j->ic->back_transform != SM_BACK_NONE ? 4 : 2;
}

static void *cell_scratch_new(void *ctx)
{
    job *j = ctx;
    sm_predictor_scratch *s = sm_predictor_scratch_new(&j->pred);
    if (!s)
        sm_predictor_failure_keep(&j->failure);
    return s;
}

static void cell_scratch_free(void *ctx, void *scratch)
{
    job *j = ctx;
    if (scratch && j->pred.method == SM_PREDICTOR_KRIGING) {
        sm_predictor_counts c = sm_predictor_scratch_counts(scratch);
        sm_log(SM_LOG_DEBUG, "interpolate: %s: thread factorisations: %ld rebuilt, %ld updated",
               j->name, c.rebuilds, c.updates);
#pragma omp atomic
        j->tally.count[SINGULAR_CELLS] += c.singular;
    }
    sm_predictor_scratch_free(scratch);
}

static void cell_tile_begin(void *ctx, void *scratch)
{
    (void)ctx;
    sm_predictor_scratch_reset(scratch);
}

static void cell_block_begin(void *ctx, void *scratch, double cx, double cy, double reach)
{
    (void)ctx;
    sm_predictor_block(scratch, cx, cy, reach);
}

/* Lognormal back-transform: the unbiased predictor exp(Y + s2/2 - m)
 * (Journel 1980; Cressie 1993, eq. 3.2.40) or the median exp(Y), and the
 * variance of a lognormal variable with log-scale mean Y and variance s2. */
static void back_transform(const job *j, double y, double s2, double m, double *pred, double *var)
{
    *pred = j->ic->back_transform == SM_BACK_EXP ? exp(y) : exp(y + 0.5 * s2 - m);
    *var = expm1(s2) * exp(2.0 * y + s2);
}

/* Flat data: the value, its log and a zero variance where samples reach. */
static void flat_cell(const job *j, int nb, double *out)
{
    out[0] = j->ic->log_transform && j->ic->back_transform != SM_BACK_NONE ? exp(j->constant)
                                                                           : j->constant;
    for (int b = 1; b < nb; b++)
        out[b] = b == 2 ? j->constant : 0.0;
}

static void cell(void *ctx, void *scratch, double x, double y, double *out)
{
    job *j = ctx;
    int nb = nbands(j);
    for (int b = 0; b < nb; b++)
        out[b] = NAN;
    if (!scratch) /* cell_scratch_new kept the error: the render fails */
        return;
    sm_predictor_result r;
    int rc = sm_predictor_predict(&j->pred, scratch, x, y, -1, &r);
    if (rc < 0) /* an error, not a missing value */
        sm_predictor_failure_keep(&j->failure);
    if (rc == 1) {
#pragma omp atomic
        j->tally.count[NODATA_CELLS]++;
    }
    if (rc != 0)
        return;
    if (!isnan(j->constant) && j->kriging)
        flat_cell(j, nb, out);
    else if (!j->kriging)
        out[0] =
            j->ic->log_transform && j->ic->back_transform != SM_BACK_NONE ? exp(r.pred) : r.pred;
    else if (nb == 2)
        out[0] = r.pred, out[1] = r.var;
    else {
        back_transform(j, r.pred, r.var, r.lagrange, &out[0], &out[1]);
        out[2] = r.pred, out[3] = r.var;
    }
}

static void surface_paths(const sm_config *cfg, const char *name, int nb,
                          char paths[][SM_PATH_SIZE])
{
    static const char *const suffix[] = {"", "_var", "_log", "_logvar"};
    for (int b = 0; b < nb; b++)
        sm_product_member(paths[b], SM_PATH_SIZE, cfg, SM_PRODUCT_SURFACE, "%s%s", name, suffix[b]);
}

static int render(job *j, const sm_grid *g)
{
    char paths[4][SM_PATH_SIZE], dir[SM_PATH_SIZE];
    sm_product_path(dir, sizeof dir, j->cfg, SM_PRODUCT_SURFACE);
    int rc = sm_make_dirs(dir);
    if (rc)
        return rc;
    int nb = nbands(j);
    surface_paths(j->cfg, j->name, nb, paths);
    sm_surface_spec spec = {.nfiles = nb,
                            .cog_options = j->ic->creation_options,
                            .tile = sm_grid_tile(g, j->ic->tile),
                            .share = j->ctx->share};
    for (int b = 0; b < nb; b++)
        spec.files[b] =
            (sm_surface_file){paths[b], j->ic->float64 ? GDT_Float64 : GDT_Float32, NODATA, 1};
    sm_surface_kernel k = {
        cell_scratch_new, cell_scratch_free, cell_tile_begin, cell_block_begin, cell, NULL, j,
        &j->tally};
    sm_progress_task task;
    char label[96];
    snprintf(label, sizeof label, "%s surface", j->name);
    sm_progress_begin(&task, "interpolate", label);
    rc = sm_surface_render(g, j->ctx->srs, &spec, &k, sm_progress, &task);
    return rc == SM_OK ? sm_predictor_failure_report(&j->failure) : rc;
}

/* ---- cross-validation ---- */

static int cross_validate(job *j, sm_interp_result *res)
{
    const sm_interp_config *ic = j->ic;
    sm_cv_setup s = {j->pts.n,    j->pts.x,     j->pts.y,      j->pts.z, j->kriging,
                     res->vg.model,  ic->power,    ic->smoothing, ic->nmax, ic->nmin,
                     ic->maxdist, ic->cv_folds, ic->cv_seed};
    sm_cv cv;
    int rc = sm_crossval(&s, &cv);
    if (rc)
        return rc;
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, j->cfg, SM_PRODUCT_SAMPLES);
    sm_cv_rows rows = {cv.pred, j->kriging ? cv.var : NULL, j->pts.z, cv.fold};
    rc = sm_points_write_cv(gpkg, j->name, &j->pts, &rows);
    res->cv = cv;
    res->cv.pred = res->cv.var = NULL, res->cv.fold = NULL;
    res->cv_done = 1;
    sm_cv_free(&cv);
    return rc;
}

/* ---- one contaminant ---- */

static int load(job *j, const char *gpkg, sm_interp_result *res)
{
    int rc = sm_points_load(gpkg, j->name, &j->pts);
    if (rc)
        return rc;
    res->n = j->pts.n;
    if (j->pts.n == 0)
        return sm_error_set(SM_EDATA, "%s: no samples with a value", j->name);
    if (j->pts.n < j->ic->nmin)
        return sm_error_set(SM_EDATA, "%s: %d samples, fewer than neighbours.min (%d)", j->name,
                            j->pts.n, j->ic->nmin);
    j->constant = j->pts.z[0];
    for (int i = 0; i < j->pts.n; i++) {
        if (j->ic->log_transform) {
            if (!(j->pts.z[i] > 0))
                return sm_error_set(SM_EDATA,
                                    "%s: sample %s has value %g; the log transform "
                                    "needs values above 0 (use transform: none)",
                                    j->name, j->pts.id[i], j->pts.z[i]);
            j->pts.z[i] = log(j->pts.z[i]);
        }
        if (j->pts.z[i] != (j->ic->log_transform ? log(j->constant) : j->constant))
            j->constant = NAN;
    }
    if (!isnan(j->constant) && j->ic->log_transform)
        j->constant = log(j->constant);
    int folds = j->ic->cv_folds;
    if (folds > 0 && isnan(j->constant) && (j->pts.n < 3 || folds > j->pts.n))
        return sm_error_set(SM_EDATA,
                            "%s: cross-validation needs at least 3 samples and no "
                            "more folds than samples (%d samples, %d folds); set "
                            "cross_validation: none",
                            j->name, j->pts.n, folds);
    res->constant = !isnan(j->constant);
    return SM_OK;
}

/* The variogram, the model and variogram/<c>.json. */
static int fit_variogram(job *j, sm_interp_result *res)
{
    const sm_interp_config *ic = j->ic;
    sm_vario_params vp = {ic->cutoff, ic->width, ic->cressie ? SM_VARIO_CRESSIE : SM_VARIO_MATHERON,
                          0,          0,         0};
    sm_vario v;
    int rc = sm_vario_compute(j->pts.n, j->pts.x, j->pts.y, j->pts.z, &vp, &v);
    if (rc) /* name the contaminant: the message alone does not */
        return sm_error_set(rc, "%s: %s", j->name, sm_error_message());
    if (isnan(j->constant)) /* flat data has no model to fit: a zero variogram */
        rc = sm_modelfit_choose(j->ic, j->name, "interpolate", &v, &res->vg);
    if (rc == SM_OK)
        rc = write_variogram_json(j, &v, res);
    sm_vario_free(&v);
    return rc;
}

static int prepare(job *j, sm_interp_result *res)
{
    const sm_interp_config *ic = j->ic;
    int rc = sm_kdtree_build(&j->tree, j->pts.n, j->pts.x, j->pts.y);
    if (rc)
        return rc;
    sm_predictor_setup ps = {.method = SM_PREDICTOR_IDW,
                             .n = j->pts.n,
                             .x = j->pts.x,
                             .y = j->pts.y,
                             .z = j->pts.z,
                             .tree = &j->tree,
                             .nmax = ic->nmax,
                             .nmin = ic->nmin,
                             .maxdist = ic->maxdist,
                             .power = ic->power,
                             .smoothing = ic->smoothing};
    if (j->kriging) {
        /* under MPI rank 0 fits and sends the model: every rank kriges with
         * the same bits */
        if (sm_rank() == 0)
            rc = fit_variogram(j, res);
        sm_ranks_broadcast(&res->vg.model, sizeof res->vg.model);
        if (isnan(j->constant)) /* flat data keeps IDW's search for the cells in reach */
            ps.method = SM_PREDICTOR_KRIGING, ps.model = res->vg.model;
    }
    return rc == SM_OK ? sm_predictor_init(&j->pred, &ps) : rc;
}

/* Cross-validation is one process's work: rank 0's, or the assembling
 * run's; a --tile-range slice leaves it to assemble. */
static int cross_validates(const job *j)
{
    return j->ic->cv_folds > 0 && isnan(j->constant) && sm_rank() == 0 &&
           j->ctx->share->mode != SM_SHARE_SLICE;
}

/* The cross-validation statistics that exist: MSDR needs a kriging
 * variance (IDW has none), R2 a spread of the values; a missing one is left
 * out rather than printed as nan. */
static void cv_text(const sm_cv *cv, char *text, size_t size)
{
    const char *name[] = {"ME", "MAE", "RMSE", "MSDR", "R2"};
    const double v[] = {cv->mean_error, cv->mae, cv->rmse, cv->msdr, cv->r2};
    size_t used = 0;
    text[0] = '\0';
    for (int i = 0; i < 5 && used < size; i++)
        if (isfinite(v[i]))
            used += (size_t)snprintf(text + used, size - used, "%s%s %.4g", used ? ", " : "",
                                     name[i], v[i]);
}

/* The results a user needs even with -q: what each surface was made with
 * and how well it cross-validates. */
static void log_result(const job *j, const sm_interp_result *r)
{
    char model[256] = "";
    if (j->kriging && !r->constant) {
        const sm_vgm *m = &r->vg.model;
        int used = snprintf(model, sizeof model, ", model %g Nug", m->part[0].psill);
        for (int i = 1; i < m->n; i++)
            used += snprintf(model + used, sizeof model - (size_t)used, " + %g %s(%g)",
                             m->part[i].psill, sm_vgm_type_name(m->part[i].type), m->part[i].range);
    } else if (!j->kriging && !r->constant) {
        snprintf(model, sizeof model, ", power %g", j->ic->power);
    }
    sm_log(SM_LOG_RESULT, "interpolate: %s: %d samples, %s%s%s", j->name, r->n,
           j->kriging ? "kriging" : "IDW", r->constant ? " (all values equal: flat surface)" : "",
           model);
    if (r->cv_done) {
        char cv[256];
        cv_text(&r->cv, cv, sizeof cv);
        sm_log(SM_LOG_RESULT, "interpolate: %s: cross-validation (%s): %s", j->name,
               j->ic->cv_folds <= 1 ? "leave-one-out" : "k-fold", cv);
    }
    if (r->nodata_cells)
        sm_log(SM_LOG_WARN,
               "interpolate: %s: %ld cells have too few samples within the "
               "radius (neighbours.min %d) or an unsolvable system: left as nodata",
               j->name, r->nodata_cells, j->ic->nmin);
    if (r->singular_cells)
        sm_log(SM_LOG_WARN,
               "interpolate: %s: %ld cells had a singular kriging system "
               "(coincident samples?) and were solved with a tiny added nugget",
               j->name, r->singular_cells);
}

static int interpolate_one(const sm_stage_ctx *ctx, const char *name, sm_interp_result *res)
{
    double t0 = sm_clock();
    const sm_config *cfg = ctx->cfg;
    const sm_grid *g = ctx->grid;
    job j = {.ctx = ctx,
             .cfg = cfg,
             .ic = sm_config_interp(cfg, name),
             .name = name,
             .kriging = sm_config_interp(cfg, name)->method == SM_INTERP_KRIGING};
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    res->name = name;
    double t[5] = {t0, 0, 0, 0, 0}; /* where the time goes, for -v */
    int rc = load(&j, gpkg, res);
    t[1] = sm_clock();
    if (rc == SM_OK)
        rc = prepare(&j, res);
    t[2] = sm_clock();
    if (rc == SM_OK)
        rc = render(&j, g);
    t[3] = sm_clock();
    res->nodata_cells = j.tally.count[NODATA_CELLS];
    res->singular_cells = j.tally.count[SINGULAR_CELLS];
    if (rc == SM_OK && cross_validates(&j))
        rc = cross_validate(&j, res);
    t[4] = sm_clock();
    sm_log(SM_LOG_DEBUG,
           "interpolate: %s: read %.3f s, index and variogram %.3f s, surfaces "
           "%.3f s, cross-validation %.3f s",
           name, t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3]);
    sm_predictor_free(&j.pred);
    sm_kdtree_free(&j.tree);
    sm_points_free(&j.pts);
    res->seconds = sm_clock() - t0;
    if (rc == SM_OK && sm_rank() == 0)
        log_result(&j, res);
    return rc;
}

/* The contaminants to interpolate: the configured list, or all. */
int sm_interpolate(const sm_stage_ctx *ctx, sm_interp_summary *out)
{
    memset(out, 0, sizeof *out);
    out->grid = *ctx->grid;
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_interpolated(ctx->cfg, names), rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        out->n = i + 1;
        rc = interpolate_one(ctx, names[i], &out->per[i]);
    }
    return rc;
}

int sm_interpolate_outputs(const sm_config *cfg, sm_paths *paths)
{
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_interpolated(cfg, names), rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        const sm_interp_config *ic = sm_config_interp(cfg, names[i]);
        job j = {.cfg = cfg, .ic = ic, .kriging = ic->method == SM_INTERP_KRIGING};
        char p[4][SM_PATH_SIZE];
        int nb = nbands(&j);
        surface_paths(cfg, names[i], nb, p);
        for (int b = 0; b < nb && rc == SM_OK; b++)
            rc = sm_paths_add(paths, "%s", p[b]);
        if (j.kriging && rc == SM_OK) {
            sm_product_member(p[0], sizeof p[0], cfg, SM_PRODUCT_VARIOGRAM, "%s", names[i]);
            rc = sm_paths_add(paths, "%s", p[0]);
        }
    }
    return rc;
}
