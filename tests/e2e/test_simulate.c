/* End to end: the simulate stage (issue 15) on Meuse zinc, on a 200 m grid
 * with the Dutch target and intervention values: its rasters agree with
 * one another and with its area figures, follow the kriged surface, are
 * the same bytes on 1 and 2 threads, each hotspot gets its odds, and bad
 * settings get one clear line. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NREAL = 40 };
static char err[1024];

static const char *config(const char *simulation)
{
    static char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "project: simulation\noutput: o\ncrs: EPSG:28992\n"
             "grid: {resolution: 200, extent: from-samples, buffer: 100}\n"
             "samples: {path: %s, crs: EPSG:28992, x: x, y: y,\n"
             "  contaminants: {zn: zinc, cd: cadmium}}\n"
             "interpolation:\n"
             "  method: kriging\n  transform: log\n  neighbours: {max: 20}\n"
             "  variogram: {model: Sph}\n  cross_validation: none\n"
             "  tile_size: 16   # 2 x 2 tiles: threads share the work\n"
             "  per: {cd: {method: idw}}\n"
             "landuse: {default: floodplain}\n"
             "thresholds: {table: %s, classes: {floodplain: all}}\n"
             "hotspots: {basis: prediction, tier: 2, min_area_ha: 1}\n%s",
             sm_test_src("data/meuse/meuse.csv"),
             sm_test_src("configs/thresholds/netherlands.csv"), simulation);
    return yaml;
}

static const char *const good = "simulation: {realizations: 40, seed: 7, contaminants: [zn]}\n";

static void read_band(const char *name, const char *file, sm_test_raster *r)
{
    sm_test_read_raster(sm_test_out_file(name, file), 1, r);
}

static int valid(const sm_test_raster *r, int i) { return r->v[i] != r->nodata; }

/* Per cell: 0 <= p2 <= p1 <= 1 (the intervention value is above the
 * target), q05 <= q95, and the share of realizations is a multiple of
 * 1 / NREAL; the mean area above each tier in zn.json is the sum of its
 * shares times the cell area, the one figure computed two ways. */
static void test_rasters_and_areas_agree(void **state)
{
    (void)state;
    int rc = sm_test_run_config("sim", config(good), err, sizeof err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    sm_test_raster e, q05, q95, p1, p2;
    read_band("sim", "simulation/zn_etype.tif", &e);
    read_band("sim", "simulation/zn_q05.tif", &q05);
    read_band("sim", "simulation/zn_q95.tif", &q95);
    read_band("sim", "simulation/zn_p1.tif", &p1);
    read_band("sim", "simulation/zn_p2.tif", &p2);
    double sum1 = 0, sum2 = 0, cell = e.gt[1] * e.gt[1];
    int n = 0;
    for (int i = 0; i < e.w * e.h; i++) {
        assert_true(valid(&e, i) && valid(&q05, i) && valid(&q95, i) && valid(&p1, i));
        assert_true(q05.v[i] <= q95.v[i] && q05.v[i] >= 0);
        assert_true(p2.v[i] >= 0 && p2.v[i] <= p1.v[i] && p1.v[i] <= 1);
        assert_true(fabs(p1.v[i] * NREAL - round(p1.v[i] * NREAL)) < 1e-4);
        sum1 += p1.v[i], sum2 += p2.v[i], n++;
    }
    json_object *j = json_object_from_file(sm_test_out_file("sim", "simulation/zn.json"));
    assert_non_null(j);
    assert_int_equal(json_object_get_int64(sm_test_json(j, "cells")), n);
    json_object *tiers = sm_test_json(j, "tiers");
    assert_int_equal(json_object_array_length(tiers), 2);
    const double sums[] = {sum1, sum2};
    for (int t = 0; t < 2; t++) {
        json_object *area = sm_test_json(json_object_array_get_idx(tiers, (size_t)t), "area_m2");
        double mean = json_object_get_double(sm_test_json(area, "mean"));
        print_message("tier %d: mean area %.0f m2, from the shares %.0f m2\n", t + 1, mean,
                      sums[t] * cell);
        assert_true(fabs(mean - sums[t] * cell) <= 1e-5 * mean + 1);
        const char *const pk[] = {"p05", "p10", "p50", "p90", "p95"};
        for (int k = 1; k < 5; k++)
            assert_true(json_object_get_double(sm_test_json(area, pk[k - 1])) <=
                        json_object_get_double(sm_test_json(area, pk[k])));
    }
    json_object_put(j);
    free(e.v), free(q05.v), free(q95.v), free(p1.v), free(p2.v);
}

static double correlation(const double *a, const double *b, int n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++)
        ma += a[i] / n, mb += b[i] / n;
    for (int i = 0; i < n; i++)
        sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
            sbb += (b[i] - mb) * (b[i] - mb);
    return sab / sqrt(saa * sbb);
}

/* The E-type is conditioned on the samples: it follows the kriged surface
 * (log zinc, over the grid), and the band q05..q95 holds the kriged value
 * in 9 cells of 10 or more. A simulation that ignored the data would give
 * r near 0; the Monte-Carlo noise of 40 realizations (each cell's mean
 * within about 1/sqrt(40) of its spread) and the normal-score rather than
 * log transform keep r below 1 (0.90 measured), so the bound is 0.8. */
static void test_etype_follows_kriging(void **state)
{
    (void)state;
    sm_test_raster e, k, q05, q95;
    read_band("sim", "simulation/zn_etype.tif", &e);
    read_band("sim", "surfaces/zn.tif", &k);
    read_band("sim", "simulation/zn_q05.tif", &q05);
    read_band("sim", "simulation/zn_q95.tif", &q95);
    int n = e.w * e.h, inside = 0;
    for (int i = 0; i < n; i++) {
        inside += k.v[i] >= q05.v[i] && k.v[i] <= q95.v[i];
        e.v[i] = log(e.v[i]), k.v[i] = log(k.v[i]);
    }
    double r = correlation(e.v, k.v, n);
    print_message("E-type vs kriging: r = %.3f over %d cells; kriged value within q05..q95 in "
                  "%d\n",
                  r, n, inside);
    assert_true(r > 0.8);
    assert_true(inside > 0.9 * n);
    free(e.v), free(k.v), free(q05.v), free(q95.v);
}

/* Realizations are keyed by seed, realization and cell: the same files
 * for 1 and 2 threads, over 4 tiles that the threads share (and zn.json:
 * the areas and the hotspots' sums, merged from the threads). */
static void test_threads_give_same_bytes(void **state)
{
    (void)state;
    static const char *const files[] = {"zn_etype.tif", "zn_q05.tif", "zn_p1.tif", "zn.json"};
    char args[1024], a[512], b[512];
    for (int t = 1; t <= 2; t++) {
        snprintf(a, sizeof a, "out-sim-t%d", t);
        snprintf(args, sizeof args, "run -q --force --threads %d -o %s %s", t, sm_test_tmp(a),
                 sm_test_tmp("sim.yaml"));
        assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    }
    json_object *j = json_object_from_file(sm_test_out_file("sim-t1", "simulation/zn.json"));
    assert_int_equal(json_object_get_int(sm_test_json(j, "method.tile_cells")), 16);
    json_object_put(j);
    for (int i = 0; i < 4; i++) {
        char f[64], cmd[1200];
        snprintf(f, sizeof f, "simulation/%s", files[i]);
        snprintf(a, sizeof a, "%s", sm_test_out_file("sim-t1", f));
        snprintf(b, sizeof b, "%s", sm_test_out_file("sim-t2", f));
        snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
        assert_int_equal(system(cmd), 0);
    }
}

static void expect_error(const char *name, const char *simulation, int code, const char *fragment)
{
    int rc = sm_test_run_config(name, config(simulation), err, sizeof err);
    sm_test_assert_one_line_error(rc, code, err, fragment);
}

static void test_bad_settings(void **state)
{
    (void)state;
    expect_error("sim-many", "simulation: {realizations: 1001}\n", 78,
                 "simulation.realizations");
    expect_error("sim-idw", "simulation: {contaminants: [cd]}\n", 78,
                 "'cd' is interpolated with IDW");
    expect_error("sim-tail", "simulation: {realizations: 5, contaminants: [zn],\n"
                             "  tails: {lower: {model: linear, min: 200}}}\n",
                 78, "simulation.tails.lower.min: 200 is above zn's smallest value, 113");
    expect_error("sim-hyp", "simulation: {tails: {lower: {model: hyperbolic}}}\n", 78,
                 "for the upper tail only");
    expect_error("sim-nb", "simulation: {neighbours: {max: 300}}\n", 78, "neighbours");
}

/* Every sample equal: gstat's normal scores and variogram have nothing to
 * work on; soilmap's realizations are all that value, said in a warning. */
static void test_flat_data(void **state)
{
    (void)state;
    char csv[2048] = "id,x,y,v\n", yaml[2048];
    for (int i = 0; i < 12; i++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "s%d,%d,%d,2.5\n", i,
                 50 + 83 * i % 900, 70 + 157 * i % 900);
    snprintf(yaml, sizeof yaml,
             "project: flat\noutput: o\ncrs: EPSG:32633\n"
             "grid: {resolution: 100, extent: [0, 0, 1000, 1000]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, id: id,\n"
             "  contaminants: {v: {column: v, unit: mg/kg}}}\n"
             "interpolation: {method: kriging, cross_validation: none}\n"
             "simulation: {realizations: 20}\n",
             sm_test_write("flat.csv", csv));
    int rc = sm_test_run_config("sim-flat", yaml, err, sizeof err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    const char *files[] = {"simulation/v_etype.tif", "simulation/v_q05.tif", "simulation/v_q95.tif"};
    for (int f = 0; f < 3; f++) {
        sm_test_raster r;
        read_band("sim-flat", files[f], &r);
        for (int i = 0; i < r.w * r.h; i++)
            assert_true(r.v[i] == 2.5);
        free(r.v);
    }
    json_object *j = json_object_from_file(sm_test_out_file("sim-flat", "simulation/v.json"));
    assert_true(json_object_get_boolean(sm_test_json(j, "all_values_equal")));
    assert_int_equal(json_object_get_int64(sm_test_json(j, "cells")), 100);
    json_object_put(j);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    assert_non_null(strstr(log, "every sample is 2.5: so is every realization"));
    free(log);
}

/* Each hotspot gets its odds: fields on the polygon that agree with
 * simulation/zn.json; the area percentiles are ordered and within the
 * hotspot, the probability is a share of 40 realizations, and the UCL95 of
 * the mean is not below the mean of the realizations' means. */
static void test_hotspot_odds(void **state)
{
    (void)state;
    json_object *j = json_object_from_file(sm_test_out_file("sim", "simulation/zn.json"));
    json_object *hs = sm_test_json(j, "hotspots");
    size_t n = json_object_array_length(hs);
    assert_true(n > 0);
    double cell_ha = json_object_get_double(sm_test_json(j, "cell_area_m2")) / 1e4;
    GDALDatasetH ds = GDALOpenEx(sm_test_out_file("sim", "hotspots.gpkg"), GDAL_OF_VECTOR, NULL,
                                 NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspots");
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), (long)n);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        long id = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "id"));
        json_object *h = NULL;
        for (size_t i = 0; i < n; i++)
            if (json_object_get_int64(sm_test_json(json_object_array_get_idx(hs, i), "id")) == id)
                h = json_object_array_get_idx(hs, i);
        assert_non_null(h);
        double area = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area_ha"));
        double cells = (double)json_object_get_int64(sm_test_json(h, "cells"));
        double p = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "zn_p_mean_above"));
        double a10 = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "zn_area_p10_ha")),
               a50 = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "zn_area_p50_ha")),
               a90 = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "zn_area_p90_ha"));
        double ucl = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "zn_ucl95"));
        print_message("hotspot %ld: %.2f ha, P(mean above) %.3f, area P10 %.2f P50 %.2f P90 "
                      "%.2f ha, UCL95 %.1f mg/kg\n",
                      id, area, p, a10, a50, a90, ucl);
        assert_true(fabs(cells * cell_ha - area) < 1e-6 * area); /* the polygon's own cells */
        assert_true(p >= 0 && p <= 1 && fabs(p * NREAL - round(p * NREAL)) < 1e-9);
        assert_true(0 <= a10 && a10 <= a50 && a50 <= a90 && a90 <= area + 1e-9);
        assert_true(ucl >= json_object_get_double(sm_test_json(h, "mean")));
        assert_true(fabs(p - json_object_get_double(sm_test_json(h, "p_mean_above"))) < 1e-12);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    json_object_put(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rasters_and_areas_agree),
        cmocka_unit_test(test_etype_follows_kriging),
        cmocka_unit_test(test_hotspot_odds),
        cmocka_unit_test(test_threads_give_same_bytes),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_flat_data),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
