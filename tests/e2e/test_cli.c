/* End to end: the soilmap binary on the bundled data and on bad input. The
 * expected demo counts come from data/demo/expected.json, written by the
 * generator from what it put into the CSV, not from soilmap. */
#include "run/run.h"
#include "run/manifest.h"
#include "run/registry.h"
#include "testutil.h"

#include <gdal.h>
#include <glob.h>
#include <json-c/json.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[1024];

#define get sm_test_json

static long get_long(json_object *o, const char *path)
{
    return json_object_get_int64(get(o, path));
}

static int run(const char *fmt, const char *a, const char *b)
{
    char args[4096];
    snprintf(args, sizeof args, fmt, a, b);
    return sm_test_cli(args, err, sizeof err);
}

static void assert_layer_crs(const char *gpkg, const char *layer, const char *epsg)
{
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(GDALDatasetGetLayerByName(ds, layer));
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), epsg);
    GDALClose(ds);
}

/* The run's rasters are byte for byte those of tests/golden/rasters.sha256,
 * and it wrote no raster that the list lacks. */
static void assert_rasters_as_golden(const char *run_name)
{
    FILE *f = fopen(sm_test_src("tests/golden/rasters.sha256"), "r");
    assert_non_null(f);
    char line[512], want[65], rel[400], path[4200], got[65];
    size_t prefix = strlen(run_name);
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || sscanf(line, "%64s %399s", want, rel) != 2 ||
            strncmp(rel, run_name, prefix) != 0 || rel[prefix] != '/')
            continue;
        snprintf(path, sizeof path, "%s", sm_test_tmp(rel));
        assert_int_equal(sm_file_sha256(path, got), 0);
        if (strcmp(got, want) != 0)
            fail_msg("%s differs from the golden raster (sha256 %s, want %s)", rel, got, want);
        checked++;
    }
    fclose(f);
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/{surfaces,classes,simulation}/*.tif",
             sm_test_tmp(run_name));
    glob_t g;
    assert_int_equal(glob(pattern, GLOB_BRACE, NULL, &g), 0);
    assert_int_equal((int)g.gl_pathc, checked);
    globfree(&g);
}

static void test_demo(void **state)
{
    (void)state;
    sm_test_rmtree("demo");
    int rc = run("run -q -o %s %s", sm_test_tmp("demo"), sm_test_src("configs/demo.yaml"));
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    json_object *want = json_object_from_file(sm_test_src("data/demo/expected.json"));
    json_object *got = json_object_from_file(sm_test_tmp("demo/run.json"));
    assert_non_null(want);
    assert_non_null(got);
    json_object *ingest = get(got, "stages.ingest");
    assert_int_equal(get_long(ingest, "rows_read"), get_long(want, "rows_read"));
    assert_int_equal(get_long(ingest, "rows_rejected"), get_long(want, "rows_rejected"));
    assert_int_equal(get_long(ingest, "rows_accepted"), get_long(want, "rows_accepted"));
    assert_int_equal(get_long(ingest, "duplicate_rows_merged"),
                     get_long(want, "duplicates_merged"));
    assert_int_equal(get_long(ingest, "samples"), get_long(want, "samples_after_merge"));
    /* the generator's censored counts are among accepted rows; no duplicate
     * carries a censored or empty value, so they hold after merging too */
    assert_int_equal(get_long(ingest, "contaminants_mg_per_kg.cd.censored"),
                     json_object_array_length(get(want, "values.per_column.Cd.censored_rows")));
    assert_int_equal(get_long(ingest, "contaminants_mg_per_kg.as.censored"),
                     json_object_array_length(get(want, "values.per_column.As.censored_rows")));
    assert_int_equal(get_long(ingest, "contaminants_mg_per_kg.as.missing"),
                     get_long(want, "values.per_column.As.missing"));
    assert_int_equal(get_long(ingest, "contaminants_mg_per_kg.pb.censored"), 0);
    assert_int_equal(sm_test_feature_count(sm_test_tmp("demo/samples.gpkg"), "samples"),
                     get_long(want, "samples_after_merge"));
    assert_int_equal(sm_test_feature_count(sm_test_tmp("demo/samples.gpkg"), "sources"), 3);
    assert_layer_crs(sm_test_tmp("demo/samples.gpkg"), "samples", "32633");
    assert_layer_crs(sm_test_tmp("demo/samples.gpkg"), "sources", "32633");

    /* every deliberately bad row is in rejects.csv with its row number */
    json_object *bad = get(want, "rejected");
    assert_int_equal(sm_test_feature_count(sm_test_tmp("demo/rejects.csv"), "rejects"),
                     (long)json_object_array_length(bad));
    char *rejects = sm_test_slurp(sm_test_tmp("demo/rejects.csv"));
    for (size_t i = 0; i < json_object_array_length(bad); i++) {
        char needle[64];
        long row = get_long(json_object_array_get_idx(bad, i), "row");
        snprintf(needle, sizeof needle, ",samples,%ld,", row);
        if (!strstr(rejects, needle))
            fail_msg("row %ld is not in rejects.csv", row);
    }
    free(rejects);
    json_object_put(want);
    json_object_put(got);
    assert_rasters_as_golden("demo");
}

static void test_meuse(void **state)
{
    (void)state;
    sm_test_rmtree("meuse");
    int rc = run("run -q -o %s %s", sm_test_tmp("meuse"), sm_test_src("configs/meuse.yaml"));
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    json_object *got = json_object_from_file(sm_test_tmp("meuse/run.json"));
    json_object *ingest = get(got, "stages.ingest");
    assert_int_equal(get_long(ingest, "rows_read"), 155);
    assert_int_equal(get_long(ingest, "rows_rejected"), 0);
    assert_int_equal(get_long(ingest, "duplicate_rows_merged"), 0);
    assert_int_equal(get_long(ingest, "samples"), 155);
    assert_int_equal(get_long(ingest, "contaminants_mg_per_kg.zn.n"), 155);
    /* zinc in meuse ranges 113 .. 1839 mg/kg (summary(meuse$zinc) in R) */
    assert_true(json_object_get_double(get(ingest, "contaminants_mg_per_kg.zn.min")) == 113.0);
    assert_true(json_object_get_double(get(ingest, "contaminants_mg_per_kg.zn.max")) == 1839.0);
    assert_int_equal(sm_test_feature_count(sm_test_tmp("meuse/samples.gpkg"), "samples"), 155);
    assert_int_equal(sm_test_feature_count(sm_test_tmp("meuse/samples.gpkg"), "sources"), 1);
    assert_layer_crs(sm_test_tmp("meuse/samples.gpkg"), "samples", "28992");
    json_object_put(got);
    assert_rasters_as_golden("meuse");
}

static void test_rerun_skips_and_force_redoes(void **state)
{
    (void)state;
    sm_test_rmtree("again");
    const char *cfg = sm_test_src("configs/meuse.yaml");
    assert_int_equal(run("run -q -o %s %s", sm_test_tmp("again"), cfg), 0);
    assert_int_equal(run("run -o %s %s", sm_test_tmp("again"), cfg), 0);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    assert_non_null(strstr(log, "ingest: up to date, skipped"));
    free(log);
    assert_int_equal(run("run --force -o %s %s", sm_test_tmp("again"), cfg), 0);
    log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    assert_null(strstr(log, "up to date"));
    assert_non_null(strstr(log, "155 rows read"));
    free(log);
}

static void assert_one_line_error(int rc, int code, const char *fragment)
{
    sm_test_assert_one_line_error(rc, code, err, fragment);
}

/* A config for the given samples file and extra samples keys. */
static const char *config_for(const char *name, const char *samples_path, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "project: bad\noutput: out-%s\ncrs: EPSG:28992\ngrid: {resolution: 40}\n"
             "samples:\n  path: %s\n  x: x\n  y: y\n  contaminants: {zn: zinc}\n%s",
             name, samples_path, extra);
    char file[256];
    snprintf(file, sizeof file, "%s.yaml", name);
    return sm_test_write(file, text);
}

static void test_malformed_config(void **state)
{
    (void)state;
    const char *cfg = sm_test_write("malformed.yaml", "project: x\ngrid: [1, 2\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 78, "malformed.yaml:");
    cfg = sm_test_write("typo.yaml", "project: x\nouptut: o\n");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 78,
                          "typo.yaml:2:1: ouptut: unknown key; did you mean 'output'?");
}

static void test_missing_input(void **state)
{
    (void)state;
    const char *cfg = config_for("missing", "no-such-file.csv", "  crs: EPSG:28992\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 66, "no-such-file.csv: cannot open samples");
    assert_one_line_error(run("run -q %s%s", sm_test_tmp("no-such-config.yaml"), ""), 66,
                          "cannot open config");
}

static void test_csv_without_crs(void **state)
{
    (void)state;
    const char *cfg = config_for("nocrs", SM_SOURCE_DIR "/data/meuse/meuse.csv", "");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 78, "samples.crs:");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 78, "has no CRS of its own");
}

static void test_random_bytes(void **state)
{
    (void)state;
    FILE *fp = fopen(sm_test_tmp("random.gpkg"), "wb");
    unsigned x = 7;
    for (int i = 0; i < 4096; i++) {
        x = x * 1103515245u + 12345u;
        fputc((int)((x >> 16) & 0xff), fp);
    }
    fclose(fp);
    const char *cfg = config_for("random", sm_test_tmp("random.gpkg"), "");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "not a vector format GDAL can read");
    /* the same bytes as a config */
    assert_one_line_error(run("run -q %s%s", sm_test_tmp("random.gpkg"), ""), 78, "random.gpkg");
}

static void test_too_many_rejects(void **state)
{
    (void)state;
    const char *csv = sm_test_write("mostly-bad.csv", "x,y,zinc\n1,2,100\n1,3,-5\n1,4,abc\n"
                                                      "1,5,NaN\n2,2,50\n");
    sm_test_rmtree("out-toomany");
    const char *cfg = config_for("toomany", csv, "  crs: EPSG:28992\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "3 of 5 rows rejected (60.0%");
    /* nothing lost: the rejects are written, the samples are not published */
    assert_int_equal(sm_test_feature_count(sm_test_tmp("out-toomany/rejects.csv"), "rejects"), 3);
    assert_int_equal(sm_test_feature_count(sm_test_tmp("out-toomany/samples.gpkg"), "samples"), -1);
    /* the same file passes with a higher limit */
    cfg = config_for("toomany", csv, "  crs: EPSG:28992\n  max_reject_share: 0.6\n");
    assert_int_equal(run("run -q %s%s", cfg, ""), 0);
    assert_int_equal(sm_test_feature_count(sm_test_tmp("out-toomany/samples.gpkg"), "samples"), 2);
}

/* validate asks every enabled stage to check its inputs: a missing site
 * registry or remediation catalogue stops it (66) before anything runs. */
static void test_validate_checks_every_stage(void **state)
{
    (void)state;
    const char *cfg = sm_test_demo_config("val-ok", NULL, NULL);
    assert_int_equal(run("validate -q %s%s", cfg, ""), 0);
    cfg = sm_test_demo_config("val-sites", "demo/sites.csv", "demo/no-such-sites.csv");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 66,
                          "no-such-sites.csv: screening.sites");
    unlink(sm_test_tmp("demo-store.sqlite")); /* a first run makes the store from the catalogue */
    cfg = sm_test_demo_config("val-catalogue", "  cases: 3",
                              "  catalogue: /nonexistent/catalogue\n  cases: 3");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 66,
                          "/nonexistent/catalogue/groups.csv: missing");
    assert_int_equal(access(sm_test_tmp("out-val-catalogue"), F_OK), -1); /* nothing ran */
}

static void test_usage_errors(void **state)
{
    (void)state;
    assert_one_line_error(run("rnu%s%s", "", ""), 64, "unknown command 'rnu'; did you mean 'run'?");
    assert_one_line_error(run("run --threads zero x.yaml%s%s", "", ""), 64, "--threads");
    assert_one_line_error(run("run%s%s", "", ""), 64, "'run' needs a CONFIG file");
    assert_int_equal(run("--help%s%s", "", ""), 0);
    assert_int_equal(run("version%s%s", "", ""), 0);
}

static void test_json_progress(void **state)
{
    (void)state;
    sm_test_rmtree("json");
    assert_int_equal(run("run --force --json-progress -o %s %s", sm_test_tmp("json"),
                         sm_test_src("configs/meuse.yaml")),
                     0);
    char *out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    char *line = strtok(out, "\n");
    int n = 0;
    for (; line; line = strtok(NULL, "\n"), n++) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            fail_msg("not JSON: %s", line);
        const char *stage = json_object_get_string(get(o, "stage"));
        int known = 0;
        for (const char *const *s = sm_stage_names(); *s && !known; s++)
            known = !strcmp(stage, *s);
        if (!known)
            fail_msg("unknown stage in %s", line);
        json_object_put(o);
    }
    assert_true(n >= 2);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_meuse),
        cmocka_unit_test(test_rerun_skips_and_force_redoes),
        cmocka_unit_test(test_malformed_config),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_csv_without_crs),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_too_many_rejects),
        cmocka_unit_test(test_validate_checks_every_stage),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_json_progress),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
