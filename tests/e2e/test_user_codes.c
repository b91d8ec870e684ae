/* End to end: contaminants and guideline tables with the user's own codes
 * and units (issue 17, item 5). A Swiss-style survey in EPSG:2056 with
 * cobalt (co, not one of the codes configs/thresholds/README.md lists) in
 * mg/kg and an ambient dose rate in nSv/h, which no conversion applies to;
 * the table gives cobalt in µg/kg and the dose rate in nSv/h. Samples are
 * flat, so IDW gives their value in every cell and the class is known. */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { X0 = 2570000, Y0 = 1220000, RES = 25, N = 16 };

static char err[1024];

/* 36 samples on the square, every one with Co = co and the dose rate dose. */
static const char *samples_csv(double co, double dose)
{
    char text[4096];
    int used = snprintf(text, sizeof text, "id,x,y,Co,Dose\n");
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 6; c++)
            used += snprintf(text + used, sizeof text - (size_t)used, "s%d,%d,%d,%g,%g\n",
                             r * 6 + c + 1, X0 + 30 + 65 * c, Y0 + 20 + 65 * r, co, dose);
    return sm_test_write("user_codes.csv", text);
}

/* A table with the optional unit column; dose_unit is the dose rows' unit. */
static const char *table_csv(const char *co_code, const char *dose_unit)
{
    char text[2048];
    snprintf(text, sizeof text,
             "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,verified,"
             "source,note,unit\n"
             "CH-TEST,%s,cobalt,7440-48-4,all,1,guide,,20000,yes,test fixture,,ug/kg\n"
             "CH-TEST,%s,cobalt,7440-48-4,all,2,action,,0.1,yes,test fixture,,%%\n"
             "CH-TEST,dose,ambient dose rate,,all,1,alert,,100,yes,test fixture,,%s\n"
             "CH-TEST,dose,ambient dose rate,,all,2,action,,300,yes,test fixture,,%s\n",
             co_code, co_code, dose_unit, dose_unit);
    return sm_test_write("user_codes_table.csv", text);
}

static int run(const char *name, const char *table, const char *dose_unit)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "project: user codes\noutput: o\ncrs: EPSG:2056\n"
             "grid: {resolution: %d, extent: [%d, %d, %d, %d]}\n"
             "samples: {path: %s, crs: EPSG:2056, x: x, y: y, id: id,\n"
             "          contaminants: {co: {column: Co, unit: mg/kg},\n"
             "                         dose: {column: Dose, unit: %s}}}\n"
             "interpolation: {method: idw, cross_validation: none}\n"
             "landuse: {default: all}\n"
             "thresholds: {table: %s, classes: {all: all}}\n",
             RES, X0, Y0, X0 + N * RES, Y0 + N * RES, samples_csv(25, 150), dose_unit, table);
    return sm_test_run_config(name, yaml, err, sizeof err);
}

/* Every cell of out-NAME/classes/<c>_class.tif has class want. */
static void assert_class(const char *name, const char *c, int want)
{
    char file[128];
    snprintf(file, sizeof file, "out-%s/classes/%s_class.tif", name, c);
    sm_test_raster r;
    sm_test_read_raster(sm_test_tmp(file), 1, &r);
    assert_int_equal(r.w, N);
    for (long i = 0; i < (long)r.w * r.h; i++)
        if (r.v[i] != want)
            fail_msg("%s at cell %ld: class %g, expected %d", file, i, r.v[i], want);
    free(r.v);
}

/* co 25 mg/kg is above 20000 µg/kg (20 mg/kg) and below 0.1 % (1000 mg/kg):
 * class 1; the dose rate 150 nSv/h is above 100 and below 300: class 1. Had
 * the table's µg/kg not been converted, co would be class 0; had the dose
 * rate been read as mg/kg, the 1e6 mg/kg bound would not matter but its
 * label would. */
static void test_user_code_and_units(void **state)
{
    (void)state;
    int rc = run("user_codes", table_csv("Co", "nSv/h"), "nSv/h");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_class("user_codes", "co", 1);
    assert_class("user_codes", "dose", 1);
    json_object *m = json_object_from_file(sm_test_tmp("out-user_codes/run.json"));
    assert_non_null(m);
    assert_string_equal(json_object_get_string(sm_test_json(m, "stages.ingest.status")), "ok");
    json_object_put(m);
}

/* A dose rate in µSv/h against a table in nSv/h is not converted silently. */
static void test_unit_mismatch_named(void **state)
{
    (void)state;
    int rc = run("user_codes_mismatch", table_csv("co", "nSv/h"), "uSv/h");
    sm_test_assert_one_line_error(rc, 65, err, "user_codes_table.csv: row 3: dose is in nSv/h");
    assert_non_null(strstr(err, "samples are in uSv/h"));
}

/* A substance name where the code belongs is caught with the code to use. */
static void test_substance_name_for_code(void **state)
{
    (void)state;
    int rc = run("user_codes_cobalt", table_csv("cobalt", "nSv/h"), "nSv/h");
    sm_test_assert_one_line_error(rc, 65, err,
                                  "row 1: contaminant: 'cobalt' is a substance name; its code "
                                  "is 'co'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_code_and_units),
        cmocka_unit_test(test_unit_mismatch_named),
        cmocka_unit_test(test_substance_name_for_code),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
