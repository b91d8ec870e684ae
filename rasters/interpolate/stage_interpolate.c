/* The interpolate stage's descriptor. Its input is ingest's output,
 * covered by ingest's key. */
#include "interpolate/stage_interpolate.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "interpolate/crossval_original.h"
#include "interpolate/interpolate.h"
#include "stage/products.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>

static int enabled(const sm_config *cfg) { return cfg->interpolation.present; }

static json_object *cv_json(const sm_cv *cv)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int64(cv->used));
    json_object_object_add(o, "mean_error", sm_json_number(cv->mean_error));
    json_object_object_add(o, "mae", sm_json_number(cv->mae));
    json_object_object_add(o, "rmse", sm_json_number(cv->rmse));
    json_object_object_add(o, "msdr", sm_json_number(cv->msdr));
    json_object_object_add(o, "r2", sm_json_number(cv->r2));
    return o;
}

/* Layer cv_<c> of samples.gpkg, which the stage has just written: field
 * k of fields into cols[k] (NAN where null). */
static int read_cv(const sm_config *cfg, const char *name, double *cols[3], int *n)
{
    static const char *const fields[] = {"observed", "predicted", "variance"};
    char path[SM_PATH_SIZE], layer[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_SAMPLES);
    snprintf(layer, sizeof layer, "cv_%s", name);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, layer) : NULL;
    if (!l) {
        if (ds)
            GDALClose(ds);
        return 0;
    }
    long cap = (long)OGR_L_GetFeatureCount(l, TRUE);
    for (int k = 0; k < 3; k++)
        cols[k] = malloc(((size_t)cap + 1) * sizeof(double));
    OGRFeatureH f;
    *n = 0;
    while (*n < cap && (f = OGR_L_GetNextFeature(l))) {
        for (int k = 0; k < 3; k++) {
            int i = OGR_F_GetFieldIndex(f, fields[k]);
            cols[k][*n] =
                i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : NAN;
        }
        OGR_F_Destroy(f);
        (*n)++;
    }
    GDALClose(ds);
    return 1;
}

/* With a log transform, the figures on the original scale too. */
static void add_cv_original(const sm_config *cfg, const char *name, json_object *o)
{
    const sm_interp_config *ic = sm_config_interp(cfg, name);
    double *cols[3] = {NULL, NULL, NULL};
    int n = 0;
    if (!ic->log_transform || !read_cv(cfg, name, cols, &n))
        return;
    sm_cv cv;
    sm_cv_original(cols[0], cols[1], ic->method == SM_INTERP_KRIGING ? cols[2] : NULL, n,
                   ic->back_transform, &cv);
    json_object *j = cv_json(&cv);
    json_object_object_add(j, "back_transform",
                           json_object_new_string(ic->back_transform == SM_BACK_UNBIASED
                                                      ? "exp(prediction + variance / 2)"
                                                      : "exp(prediction)"));
    json_object_object_add(o, "cross_validation_original", j);
    for (int k = 0; k < 3; k++)
        free(cols[k]);
}

static json_object *result_json(const sm_config *cfg, const char *name, const sm_interp_result *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int(r->n));
    json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
    if (sm_config_interp(cfg, name)->method == SM_INTERP_KRIGING && !r->constant) {
        json_object_object_add(o, "model", sm_vgm_json(&r->vg.model));
        json_object_object_add(o, "fitted", json_object_new_boolean(r->vg.fitted));
        json_object_object_add(o, "fit_fell_back_to_start",
                               json_object_new_boolean(r->vg.fit_fallback));
    }
    json_object_object_add(o, "constant", json_object_new_boolean(r->constant));
    json_object_object_add(o, "nodata_cells", json_object_new_int64(r->nodata_cells));
    json_object_object_add(o, "singular_cells", json_object_new_int64(r->singular_cells));
    if (r->cv_done)
        json_object_object_add(o, "cross_validation", cv_json(&r->cv));
    if (r->cv_done)
        add_cv_original(cfg, name, o);
    return o;
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_interp_summary s;
    int rc = sm_interpolate(ctx, &s);
    json_object_object_add(rec, "grid", sm_grid_json(&s.grid));
    json_object *per = json_object_new_object();
    for (int i = 0; i < s.n; i++)
        json_object_object_add(per, s.per[i].name, result_json(cfg, s.per[i].name, &s.per[i]));
    json_object_object_add(rec, "contaminants", per);
    return rc;
}

/* The cv_<c> layers go into samples.gpkg. */
static int modifies(const sm_config *cfg, sm_paths *paths)
{
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_products_interpolated(cfg, names), cv = 0;
    for (int i = 0; i < n; i++)
        cv |= sm_config_interp(cfg, names[i])->cv_folds != 0;
    return cv ? sm_products_add(paths, cfg, SM_PRODUCT_SAMPLES) : SM_OK;
}

const sm_stage sm_stage_interpolate = {
    .name = "interpolate",
    .needs_grid = 1,
    .args = "CONFIG",
    .summary = "variograms, kriging or IDW surfaces (<output>/surfaces/*.tif,\n"
               "Cloud Optimized GeoTIFF) and cross-validation",
    .help = "Interpolates each contaminant of <output>/samples.gpkg (run ingest first) onto the\n"
            "grid, as the config's 'interpolation' section says (docs/interpolation.md):\n"
            "  kriging: the empirical variogram and a model fitted to it as gstat does\n"
            "           (variogram/<c>.json), then ordinary kriging with a local or global\n"
            "           neighbourhood: surfaces/<c>.tif and its variance surfaces/<c>_var.tif;\n"
            "           with transform: log, <c>.tif is back-transformed to mg/kg and the\n"
            "           log-scale surfaces are kept as <c>_log.tif and <c>_logvar.tif;\n"
            "  idw:     inverse distance weighting of the nearest samples: surfaces/<c>.tif.\n"
            "Cross-validation (leave-one-out or k-fold) writes layer cv_<c> into samples.gpkg\n"
            "and its summary (ME, MAE, RMSE, MSDR, R2) to the log and run.json (with transform:\n"
            "log, also back-transformed to the original scale). Surfaces are\n"
            "computed in tiles on all threads; the files are the same for any --threads.\n",
    .enabled = enabled,
    .skip_note = "no 'interpolation' section in the config",
    .outputs = sm_interpolate_outputs,
    .modifies = modifies,
    .run = run,
    .tiled = 1,
    .all_ranks = 1,
};
