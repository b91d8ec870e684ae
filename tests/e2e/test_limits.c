/* The run's limits: many contaminants end to end (every output recorded and
 * hashed in run.json), and one too many refused where the config says it. */
#include "core/limits.h"
#include "testutil.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { N_SAMPLES = 60 };

static char err[1024];

/* A CSV of nc contaminants on N_SAMPLES points: smooth log-normal fields,
 * each contaminant its own mix, so that every variogram has structure. */
static const char *many_csv(const char *name, int nc)
{
    size_t cap = (size_t)N_SAMPLES * (size_t)(nc + 2) * 24 + 4096;
    char *text = malloc(cap);
    int len = snprintf(text, cap, "x,y");
    for (int c = 0; c < nc; c++)
        len += snprintf(text + len, cap - (size_t)len, ",c%d", c);
    len += snprintf(text + len, cap - (size_t)len, "\n");
    unsigned seed = 12345;
    for (int i = 0; i < N_SAMPLES; i++) {
        seed = seed * 1103515245u + 12345u;
        double x = (seed >> 8) % 1000;
        seed = seed * 1103515245u + 12345u;
        double y = (seed >> 8) % 1000;
        len += snprintf(text + len, cap - (size_t)len, "%.0f,%.0f", x, y);
        for (int c = 0; c < nc; c++) {
            double z = sin(x / (150.0 + c)) + cos(y / (210.0 - c)) + 0.05 * ((i * 7 + c) % 5);
            len += snprintf(text + len, cap - (size_t)len, ",%.4f", exp(1.0 + z));
        }
        len += snprintf(text + len, cap - (size_t)len, "\n");
    }
    const char *path = sm_test_write(name, text);
    free(text);
    return path;
}

static const char *many_config(const char *name, int nc)
{
    char csv_name[64], cfg_name[64], out[64];
    snprintf(csv_name, sizeof csv_name, "%s.csv", name);
    snprintf(cfg_name, sizeof cfg_name, "%s.yaml", name);
    snprintf(out, sizeof out, "out-%s", name);
    const char *csv = many_csv(csv_name, nc);
    size_t cap = (size_t)nc * 64 + 8192;
    char *text = malloc(cap);
    int len = snprintf(text, cap,
                       "project: %s\noutput: %s\ncrs: EPSG:32633\n"
                       "grid: {resolution: 100, extent: from-samples, buffer: 0}\n"
                       "samples:\n  path: %s\n  crs: EPSG:32633\n  x: x\n  y: y\n"
                       "  contaminants:\n",
                       name, sm_test_tmp(out), csv);
    for (int c = 0; c < nc; c++)
        len +=
            snprintf(text + len, cap - (size_t)len, "    c%d: {column: c%d, unit: mg/kg}\n", c, c);
    snprintf(text + len, cap - (size_t)len,
             "interpolation:\n  method: kriging\n  transform: log\n  back_transform: unbiased\n"
             "  neighbours: {max: 16}\n  variogram: {model: Exp}\n  cross_validation: loo\n");
    const char *path = sm_test_write(cfg_name, text);
    free(text);
    return path;
}

static int recorded(json_object *outputs, const char *path)
{
    for (size_t i = 0; i < json_object_array_length(outputs); i++) {
        json_object *f = json_object_array_get_idx(outputs, i), *p, *h;
        if (json_object_object_get_ex(f, "path", &p) && !strcmp(json_object_get_string(p), path))
            return json_object_object_get_ex(f, "sha256", &h) &&
                   strlen(json_object_get_string(h)) == 64;
    }
    return 0;
}

/* 40 contaminants, log kriging, leave-one-out: 4 surfaces and a variogram
 * each (200 files) plus samples.gpkg, all in interpolate's record and in
 * the manifest's outputs with their SHA-256. */
static void test_forty_contaminants_every_output_hashed(void **state)
{
    (void)state;
    enum { NC = 40 };
    sm_test_rmtree("out-forty");
    char args[4200];
    snprintf(args, sizeof args, "run -q %s", many_config("forty", NC));
    int rc = sm_test_cli(args, err, sizeof err);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    json_object *run = json_object_from_file(sm_test_tmp("out-forty/run.json"));
    assert_non_null(run);
    json_object *stage_outputs = sm_test_json(run, "stages.interpolate.outputs");
    json_object *all_outputs = sm_test_json(run, "outputs");
    static const char *const suffix[] = {"", "_var", "_log", "_logvar"};
    int checked = 0;
    char path[4200];
    for (int c = 0; c < NC; c++) {
        for (int k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "%s/surfaces/c%d%s.tif", sm_test_tmp("out-forty"), c,
                     suffix[k]);
            assert_int_equal(access(path, F_OK), 0);
            if (!recorded(stage_outputs, path) || !recorded(all_outputs, path))
                fail_msg("%s is not hashed in run.json", path);
            checked++;
        }
        snprintf(path, sizeof path, "%s/variogram/c%d.json", sm_test_tmp("out-forty"), c);
        if (!recorded(stage_outputs, path))
            fail_msg("%s is not hashed in run.json", path);
        checked++;
        snprintf(path, sizeof path, "stages.interpolate.contaminants.c%d.cross_validation.samples",
                 c);
        assert_int_equal(json_object_get_int(sm_test_json(run, path)), N_SAMPLES);
    }
    snprintf(path, sizeof path, "%s/samples.gpkg", sm_test_tmp("out-forty"));
    assert_true(recorded(stage_outputs, path)); /* the cv_<c> layers rewrote it */
    assert_int_equal(checked, NC * 5);
    assert_int_equal((int)json_object_array_length(stage_outputs), NC * 5 + 1);
    json_object_put(run);
}

/* One contaminant past the limit: refused while the config loads, with the
 * file, line and column of the contaminants mapping. */
static void test_too_many_contaminants_located(void **state)
{
    (void)state;
    char args[4200];
    snprintf(args, sizeof args, "validate %s", many_config("toomany", SM_MAX_CONTAMINANTS + 1));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 78);
    /* line 10 of the generated config is "  contaminants:" */
    if (!strstr(err, "toomany.yaml:10:3: samples.contaminants: 65 contaminants") ||
        !strstr(err, "at most 64"))
        fail_msg("unexpected message: %s", err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forty_contaminants_every_output_hashed),
        cmocka_unit_test(test_too_many_contaminants_located),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
