/* End to end: `soilmap run` with interpolation, checked against gstat's
 * golden files, the demo's known true surfaces, thread counts, degenerate
 * inputs and a grid larger than the memory the run may use. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char err[1024];

#define get sm_test_json

/* Writes a config NAME.yaml in the scratch folder and runs it; returns the
 * exit code. The output folder is out-NAME. */
static int run_config(const char *name, const char *text, const char *options)
{
    char file[128], args[1024];
    snprintf(file, sizeof file, "%s.yaml", name);
    const char *path = sm_test_write(file, text);
    char out[128];
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    snprintf(args, sizeof args, "run -q %s -o %s %s", options ? options : "", sm_test_tmp(out),
             path);
    return sm_test_cli(args, err, sizeof err);
}

static json_object *manifest(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "out-%s/run.json", name);
    json_object *o = json_object_from_file(sm_test_tmp(path));
    assert_non_null(o);
    return o;
}

/* GDAL's own COG validator, from Debian's python3-gdal. */
static void assert_valid_cog(const char *path)
{
    const char *script = "/usr/lib/python3/dist-packages/osgeo_utils/samples/"
                         "validate_cloud_optimized_geotiff.py";
    FILE *fp = fopen(script, "r");
    if (!fp)
        fail_msg("%s is missing: install python3-gdal (scripts/setup does)", script);
    fclose(fp);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s -q %s", script, path);
    if (system(cmd) != 0)
        fail_msg("%s is not a valid COG", path);
}

static void test_meuse_surfaces_equal_gstat(void **state)
{
    (void)state;
    sm_test_table model, g, summary;
    sm_test_read_csv(sm_test_src("tests/golden/meuse/model_zinc.csv"), &model);
    sm_test_read_csv(sm_test_src("tests/golden/meuse/krige_zinc_nmax20.csv"), &g);
    sm_test_read_csv(sm_test_src("tests/golden/meuse/cv_summary.csv"), &summary);
    /* the grid of meuse.grid: 40 m cells centred on its points */
    const double *gx = sm_test_col(&g, "x"), *gy = sm_test_col(&g, "y");
    double x0 = HUGE_VAL, y1 = -HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL;
    for (int i = 0; i < g.nrows; i++)
        x0 = fmin(x0, gx[i]), x1 = fmax(x1, gx[i]), y0 = fmin(y0, gy[i]), y1 = fmax(y1, gy[i]);
    char cfg[4096];
    snprintf(cfg, sizeof cfg,
             "project: meuse-gstat\noutput: o\ncrs: EPSG:28992\n"
             "grid: {resolution: 40, extent: [%g, %g, %g, %g]}\n"
             "samples: {path: %s/data/meuse/meuse.csv, crs: EPSG:28992, x: x, y: y,\n"
             "          contaminants: {zn: zinc}}\n"
             "interpolation:\n  method: kriging\n  transform: log\n  data_type: Float64\n"
             "  neighbours: {max: 20}\n"
             "  variogram: {model: Sph, nugget: %.17g, psill: %.17g, range: %.17g, fit: none}\n"
             "  cross_validation: loo\n",
             x0 - 20, y0 - 20, x1 + 20, y1 + 20, SM_SOURCE_DIR, sm_test_col(&model, "nugget")[0],
             sm_test_col(&model, "psill")[0], sm_test_col(&model, "range")[0]);
    int rc = run_config("meuse-gstat", cfg, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    sm_test_raster pred, var;
    sm_test_read_raster(sm_test_out_file("meuse-gstat", "surfaces/zn_log.tif"), 1, &pred);
    sm_test_read_raster(sm_test_out_file("meuse-gstat", "surfaces/zn_logvar.tif"), 1, &var);
    const double *gp = sm_test_col(&g, "pred"), *gv = sm_test_col(&g, "var");
    int ties[3] = {921, 958, 1077}; /* k-th neighbour ties: gstat's pick is arbitrary */
    for (int i = 0; i < g.nrows; i++) {
        if (i + 1 == ties[0] || i + 1 == ties[1] || i + 1 == ties[2])
            continue;
        if (fabs(sm_test_raster_at(&pred, gx[i], gy[i]) - gp[i]) > 1e-9 ||
            fabs(sm_test_raster_at(&var, gx[i], gy[i]) - gv[i]) > 1e-9)
            fail_msg("cell %d (%g, %g): %.12g / %.12g, gstat %.12g / %.12g", i, gx[i], gy[i],
                     sm_test_raster_at(&pred, gx[i], gy[i]), sm_test_raster_at(&var, gx[i], gy[i]),
                     gp[i], gv[i]);
    }
    /* the COG itself */
    GDALDatasetH ds = GDALOpen(sm_test_out_file("meuse-gstat", "surfaces/zn.tif"), GA_ReadOnly);
    assert_non_null(ds);
    assert_string_equal(GDALGetMetadataItem(ds, "LAYOUT", "IMAGE_STRUCTURE"), "COG");
    assert_string_equal(OSRGetAuthorityCode(GDALGetSpatialRef(ds), NULL), "28992");
    assert_true(GDALGetRasterNoDataValue(GDALGetRasterBand(ds, 1), NULL) == -9999);
    GDALClose(ds);
    assert_valid_cog(sm_test_out_file("meuse-gstat", "surfaces/zn.tif"));
    assert_valid_cog(sm_test_out_file("meuse-gstat", "surfaces/zn_var.tif"));
    /* leave-one-out summary = gstat's krige.cv (row 2: zinc, nmax 20) */
    json_object *m = manifest("meuse-gstat");
    json_object *cv = get(m, "stages.interpolate.contaminants.zn.cross_validation");
    assert_true(fabs(json_object_get_double(get(cv, "rmse")) - sm_test_col(&summary, "rmse")[1]) <
                1e-12);
    assert_true(fabs(json_object_get_double(get(cv, "mean_error")) -
                     sm_test_col(&summary, "mean_error")[1]) < 1e-12);
    assert_true(fabs(json_object_get_double(get(cv, "msdr")) - sm_test_col(&summary, "msdr")[1]) <
                1e-10);
    assert_int_equal(
        sm_test_feature_count(sm_test_out_file("meuse-gstat", "samples.gpkg"), "cv_zn"), 155);
    json_object_put(m);
    free(pred.v), free(var.v);
    sm_test_table_free(&model), sm_test_table_free(&g), sm_test_table_free(&summary);
}

static const char *demo_config(char *buf, size_t size, const char *method, const char *extra)
{
    snprintf(buf, size,
             "project: demo-test\noutput: o\ncrs: EPSG:32633\n"
             "grid: {resolution: 20, extent: [497000, 5537000, 503000, 5542000]}\n"
             "samples: {path: %s/data/demo/samples.csv, crs: EPSG:4326, x: lon, y: lat,\n"
             "          max_reject_share: 0.05,\n"
             "          contaminants: {cd: {column: Cd, limit_column: Cd_LOD}, pb: Pb, zn: Zn,\n"
             "                         as: As}}\n"
             "interpolation:\n  method: %s\n  transform: log\n  back_transform: none\n"
             "  neighbours: {max: 32}\n  cross_validation: none\n%s",
             SM_SOURCE_DIR, method, extra ? extra : "");
    return buf;
}

static double rmse_against_truth(const char *name, const char *c, double constant)
{
    char file[256];
    snprintf(file, sizeof file, "data/demo/truth/%s.tif", c);
    sm_test_raster truth, pred = {0};
    sm_test_read_raster(sm_test_src(file), 1, &truth);
    if (isnan(constant)) {
        snprintf(file, sizeof file, "surfaces/%s.tif", c);
        sm_test_read_raster(sm_test_out_file(name, file), 1, &pred);
        assert_int_equal(pred.w, truth.w);
        assert_int_equal(pred.h, truth.h);
    }
    double ss = 0;
    for (long i = 0; i < (long)truth.w * truth.h; i++) {
        double p = isnan(constant) ? pred.v[i] : constant, e = p - log(truth.v[i]);
        ss += e * e;
    }
    free(truth.v), free(pred.v);
    return sqrt(ss / ((double)truth.w * truth.h));
}

/* The mean of the log values of a field of the ingested samples. */
static double mean_log(const char *gpkg, const char *field)
{
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "samples");
    int idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field);
    double sum = 0;
    long n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        if (OGR_F_IsFieldSetAndNotNull(f, idx))
            sum += log(OGR_F_GetFieldAsDouble(f, idx)), n++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_true(n > 0);
    return sum / n;
}

/* On the synthetic demo, whose true surfaces are known: kriging is closer to
 * the truth than the mean of the samples for every metal, and closer than IDW
 * over the four metals together. (Not for each one: arsenic's field has the
 * sharp edge of the tailings pond, where IDW does a little better.) */
static void test_kriging_beats_idw_on_known_truth(void **state)
{
    (void)state;
    char cfg[4096];
    assert_int_equal(run_config("truth-krige", demo_config(cfg, sizeof cfg, "kriging", NULL), NULL),
                     0);
    assert_int_equal(run_config("truth-idw", demo_config(cfg, sizeof cfg, "idw", NULL), NULL), 0);
    const char *metals[4] = {"cd", "pb", "zn", "as"};
    double sum_k = 0, sum_i = 0;
    for (int m = 0; m < 4; m++) {
        double mean = mean_log(sm_test_out_file("truth-krige", "samples.gpkg"), metals[m]);
        double k = rmse_against_truth("truth-krige", metals[m], NAN),
               i = rmse_against_truth("truth-idw", metals[m], NAN),
               g = rmse_against_truth("truth-krige", metals[m], mean);
        print_message("%s: RMSE of log concentration vs truth: kriging %.4f, IDW %.4f, mean %.4f\n",
                      metals[m], k, i, g);
        assert_true(k < g);
        sum_k += k, sum_i += i;
    }
    assert_true(sum_k < sum_i);
}

static void test_same_files_for_any_thread_count(void **state)
{
    (void)state;
    char cfg[4096];
    const char *methods[2] = {"kriging", "idw"};
    for (int m = 0; m < 2; m++) {
        /* small tiles, so that the threads share many of them */
        demo_config(cfg, sizeof cfg, methods[m], "  tile_size: 64\n");
        assert_int_equal(run_config("threads-1", cfg, "--threads 1"), 0);
        assert_int_equal(run_config("threads-2", cfg, "--threads 2"), 0);
        json_object *a = manifest("threads-1"), *b = manifest("threads-2");
        json_object *oa = get(a, "stages.interpolate.outputs"),
                    *ob = get(b, "stages.interpolate.outputs");
        assert_int_equal(json_object_array_length(oa), json_object_array_length(ob));
        assert_true(json_object_array_length(oa) >= 4);
        for (size_t i = 0; i < json_object_array_length(oa); i++)
            assert_string_equal(
                json_object_get_string(get(json_object_array_get_idx(oa, i), "sha256")),
                json_object_get_string(get(json_object_array_get_idx(ob, i), "sha256")));
        json_object_put(a), json_object_put(b);
    }
}

/* ---- degenerate inputs ---- */

static const char *small_config(char *buf, size_t size, const char *csv, const char *interp)
{
    snprintf(buf, size,
             "project: small\noutput: o\ncrs: EPSG:32633\n"
             "grid: {resolution: 20, extent: [0, 0, 1000, 1000]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, contaminants: {v: v},\n"
             "          duplicate_tolerance: 0}\n"
             "interpolation:\n%s",
             csv, interp);
    return buf;
}

static const char *points_csv(const char *name, int n, int kind)
{
    char text[8192];
    int used = snprintf(text, sizeof text, "x,y,v\n");
    unsigned r = 11;
    for (int i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        double x = (r >> 8) % 1000, y = (r >> 4) % 997, v = 1 + (r >> 12) % 9;
        if (kind == 1) /* all on one line */
            x = y = 30.0 * i + 5;
        if (kind == 2) /* all equal */
            v = 5;
        used += snprintf(text + used, sizeof text - (size_t)used, "%.7f,%.7f,%g\n", x, y, v);
    }
    if (kind == 3) /* two samples 0.1 um apart: a singular system without nugget */
        used += snprintf(text + used, sizeof text - (size_t)used, "500,500,3\n500.0000001,500,4\n");
    if (kind == 4)
        snprintf(text + used, sizeof text - (size_t)used, "400,400,0\n");
    return sm_test_write(name, text);
}

static void test_all_values_equal(void **state)
{
    (void)state;
    char cfg[2048];
    small_config(cfg, sizeof cfg, points_csv("flat.csv", 30, 2),
                 "  method: kriging\n  neighbours: {max: 16}\n");
    assert_int_equal(run_config("flat", cfg, NULL), 0);
    sm_test_raster p, v;
    sm_test_read_raster(sm_test_out_file("flat", "surfaces/v.tif"), 1, &p);
    sm_test_read_raster(sm_test_out_file("flat", "surfaces/v_var.tif"), 1, &v);
    for (int i = 0; i < p.w * p.h; i++)
        assert_true(p.v[i] == 5.0 && v.v[i] == 0.0);
    json_object *m = manifest("flat");
    assert_true(json_object_get_boolean(get(m, "stages.interpolate.contaminants.v.constant")));
    json_object_put(m);
    free(p.v), free(v.v);
    /* with a radius, cells out of the samples' reach are nodata, as for any data */
    small_config(cfg, sizeof cfg, points_csv("flat.csv", 30, 2),
                 "  method: kriging\n  neighbours: {max: 16, radius: 60}\n");
    assert_int_equal(run_config("flat-radius", cfg, NULL), 0);
    m = manifest("flat-radius");
    long nodata = json_object_get_int64(get(m, "stages.interpolate.contaminants.v.nodata_cells"));
    assert_true(nodata > 0 && nodata < 2500);
    json_object_put(m);
}

static void test_coincident_samples_fall_back(void **state)
{
    (void)state;
    char cfg[2048];
    small_config(cfg, sizeof cfg, points_csv("twin.csv", 30, 3),
                 "  method: kriging\n  neighbours: {max: 16}\n"
                 "  variogram: {model: Gau, nugget: 0, psill: 4, range: 300, fit: none}\n");
    assert_int_equal(run_config("twin", cfg, NULL), 0);
    json_object *m = manifest("twin");
    long singular =
        json_object_get_int64(get(m, "stages.interpolate.contaminants.v.singular_cells"));
    assert_true(singular > 0);
    json_object_put(m);
    sm_test_raster p;
    sm_test_read_raster(sm_test_out_file("twin", "surfaces/v.tif"), 1, &p);
    for (int i = 0; i < p.w * p.h; i++)
        assert_true(isfinite(p.v[i]) && p.v[i] != p.nodata);
    free(p.v);
}

static void test_collinear_samples(void **state)
{
    (void)state;
    char cfg[2048];
    small_config(cfg, sizeof cfg, points_csv("line.csv", 30, 1),
                 "  method: kriging\n  neighbours: {max: 8}\n");
    assert_int_equal(run_config("line", cfg, NULL), 0);
    sm_test_raster p;
    sm_test_read_raster(sm_test_out_file("line", "surfaces/v.tif"), 1, &p);
    for (int i = 0; i < p.w * p.h; i++)
        assert_true(isfinite(p.v[i]) && p.v[i] > 0);
    free(p.v);
}

static void test_too_few_samples_and_radius(void **state)
{
    (void)state;
    char cfg[2048];
    small_config(cfg, sizeof cfg, points_csv("few.csv", 5, 0),
                 "  method: idw\n  neighbours: {max: 10, min: 8}\n");
    assert_int_equal(run_config("few", cfg, NULL), 65);
    assert_non_null(strstr(err, "v: 5 samples, fewer than neighbours.min (8)"));
    /* a radius that leaves cells without samples: those are nodata */
    small_config(cfg, sizeof cfg, points_csv("sparse.csv", 5, 0),
                 "  method: idw\n  neighbours: {max: 4, min: 1, radius: 100}\n");
    assert_int_equal(run_config("sparse", cfg, NULL), 0);
    json_object *m = manifest("sparse");
    long nodata = json_object_get_int64(get(m, "stages.interpolate.contaminants.v.nodata_cells"));
    sm_test_raster p;
    sm_test_read_raster(sm_test_out_file("sparse", "surfaces/v.tif"), 1, &p);
    long counted = 0;
    for (int i = 0; i < p.w * p.h; i++)
        counted += p.v[i] == p.nodata;
    assert_true(nodata > 0 && nodata < p.w * p.h);
    assert_int_equal(counted, nodata);
    json_object_put(m);
    free(p.v);
}

static void test_fit_failure_policy(void **state)
{
    (void)state;
    char cfg[2048];
    /* two lags cannot fit nugget, sill and range */
    const char *csv = points_csv("fit.csv", 40, 0);
    small_config(cfg, sizeof cfg, csv,
                 "  method: kriging\n  neighbours: {max: 16}\n"
                 "  variogram: {model: Sph, cutoff: 200, width: 100, on_fit_failure: fail}\n");
    assert_int_equal(run_config("fit-fail", cfg, NULL), 65);
    assert_non_null(strstr(err, "the variogram fit did not converge"));
    small_config(cfg, sizeof cfg, csv,
                 "  method: kriging\n  neighbours: {max: 16}\n"
                 "  variogram: {model: Sph, cutoff: 200, width: 100, on_fit_failure: start}\n");
    assert_int_equal(run_config("fit-start", cfg, NULL), 0);
    json_object *v = json_object_from_file(sm_test_out_file("fit-start", "variogram/v.json"));
    assert_true(json_object_get_boolean(get(v, "fit.fell_back_to_start")));
    json_object_put(v);
}

static void test_log_of_zero_refused(void **state)
{
    (void)state;
    char cfg[2048];
    small_config(cfg, sizeof cfg, points_csv("zero.csv", 20, 4),
                 "  method: idw\n  transform: log\n");
    assert_int_equal(run_config("zero", cfg, NULL), 65);
    assert_non_null(strstr(err, "the log transform needs values above 0"));
}

static void test_idw_exact_at_samples(void **state)
{
    (void)state;
    char cfg[2048];
    /* samples on cell centres (10, 30, ...) of a 20 m grid */
    const char *csv = sm_test_write("centres.csv", "x,y,v\n110,110,3\n510,730,8\n890,250,5\n");
    small_config(cfg, sizeof cfg, csv, "  method: idw\n  idw: {power: 2}\n");
    assert_int_equal(run_config("exact", cfg, NULL), 0);
    sm_test_raster p;
    sm_test_read_raster(sm_test_out_file("exact", "surfaces/v.tif"), 1, &p);
    assert_true(sm_test_raster_at(&p, 110, 110) == 3 && sm_test_raster_at(&p, 510, 730) == 8 &&
                sm_test_raster_at(&p, 890, 250) == 5);
    free(p.v);
}

/* A grid whose Float64 array (9000 x 9000 x 8 bytes = 648 MB) is far larger
 * than the memory the run may use: tiles keep the resident set bounded (here
 * by tiles in flight plus a 64 MB GDAL block cache). The
 * bound is measured (peak resident set of the child process) rather than
 * imposed with `ulimit -v`: under RLIMIT_AS, GDAL 3.6's worker threads and
 * overview builder hang or crash when an allocation fails, which would test
 * GDAL rather than soilmap. */
static void test_grid_larger_than_memory(void **state)
{
    (void)state;
#ifdef SM_SANITIZE
    skip(); /* sanitizer shadow memory makes resident sizes meaningless */
#endif
    char cfg[2048], cmd[4096];
    snprintf(cfg, sizeof cfg,
             "project: big\noutput: o\ncrs: EPSG:32633\n"
             "grid: {resolution: 10, extent: [0, 0, 90000, 90000]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, contaminants: {v: v}}\n"
             "interpolation: {method: idw, neighbours: {max: 4}, data_type: Float64,\n"
             "                cross_validation: none}\n",
             sm_test_write("big.csv", "x,y,v\n1000,1000,1\n60000,5000,4\n30005,30005,9\n"
                                      "5000,65000,2\n89000,89000,6\n"));
    const char *path = sm_test_write("big.yaml", cfg);
    sm_test_rmtree("out-big");
    snprintf(cmd, sizeof cmd,
             "timeout 600 /usr/bin/time -f %%M -o %s %s run -q --config GDAL_CACHEMAX 64 -o %s %s",
             sm_test_tmp("big.rss"), SM_BINARY, sm_test_tmp("out-big"), path);
    assert_int_equal(system(cmd), 0);
    char *rss = sm_test_slurp(sm_test_tmp("big.rss"));
    long kb = atol(rss);
    free(rss);
    print_message("9000 x 9000 Float64 grid: peak resident set %ld MB\n", kb / 1024);
    assert_true(kb > 0 && kb < 400 * 1024); /* the array alone is 648 MB */
    GDALDatasetH ds = GDALOpen(sm_test_out_file("big", "surfaces/v.tif"), GA_ReadOnly);
    assert_non_null(ds);
    assert_int_equal(GDALGetRasterXSize(ds), 9000);
    double px = 0;
    /* the cell centred on the sample at (30005, 30005) holds its value */
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 3000, 9000 - 1 - 3000, 1, 1,
                                  &px, 1, 1, GDT_Float64, 0, 0),
                     CE_None);
    assert_true(px == 9.0);
    GDALClose(ds);
    sm_test_rmtree("out-big");
}

/* SIGTERM in the middle of a long surface: the run stops with exit 75 and
 * leaves neither a final file nor a temporary behind. */
static void test_terminated_run_leaves_nothing(void **state)
{
    (void)state;
    char path[4096], cmd[8192];
    snprintf(path, sizeof path, "%s", sm_test_long_surface("killed"));
    snprintf(cmd, sizeof cmd,
             "%s interpolate -q -o %s %s & pid=$!; sleep 1.5; kill -TERM $pid; wait $pid",
             SM_BINARY, sm_test_tmp("out-killed"), path);
    int status = system(cmd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 75);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", sm_test_tmp("out-killed/surfaces"));
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meuse_surfaces_equal_gstat),
        cmocka_unit_test(test_kriging_beats_idw_on_known_truth),
        cmocka_unit_test(test_same_files_for_any_thread_count),
        cmocka_unit_test(test_all_values_equal),
        cmocka_unit_test(test_coincident_samples_fall_back),
        cmocka_unit_test(test_collinear_samples),
        cmocka_unit_test(test_too_few_samples_and_radius),
        cmocka_unit_test(test_fit_failure_policy),
        cmocka_unit_test(test_log_of_zero_refused),
        cmocka_unit_test(test_idw_exact_at_samples),
        cmocka_unit_test(test_grid_larger_than_memory),
        cmocka_unit_test(test_terminated_run_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
