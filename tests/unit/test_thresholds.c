/* Guideline-value tables: reading, checking, lookup by land use and pH. */
#include "error.h"
#include "testutil.h"
#include "thresholds.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char header[] =
    "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,verified,source,"
    "note\n";

static const char *table(const char *name, const char *rows)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", header, rows);
    return sm_test_write(name, text);
}

static void test_lookup_by_land_use_and_ph(void **state)
{
    (void)state;
    const char *path = table("t.csv",
                             "X,cd,cadmium,7440-43-9,agri,1,screening,pH<=5.5,0.3,yes,src,\n"
                             "X,cd,cadmium,7440-43-9,agri,1,screening,5.5<pH<=6.5,0.4,yes,src,\n"
                             "X,cd,cadmium,7440-43-9,agri,1,screening,pH>6.5,0.6,no,src,\"a, note\"\n"
                             "X,cd,cadmium,7440-43-9,agri,2,control,,1.5,yes,src,\n"
                             "X,pb,lead,,residential,1,guideline,,140,yes,src,\n");
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(path, &t), SM_OK);
    assert_int_equal(t.n, 5);
    assert_string_equal(t.rows[2].note, "a, note");
    assert_false(t.rows[2].verified);
    double v[3];
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 5.5, v, 3), 2);
    assert_true(v[0] == 0.3 && v[1] == 1.5 && isnan(v[2])); /* 5.5 is in pH<=5.5 */
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 6.0, v, 3), 2);
    assert_true(v[0] == 0.4);
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 7.9, v, 3), 2);
    assert_true(v[0] == 0.6);
    assert_int_equal(sm_thresholds_lookup(&t, "pb", "residential", NAN, v, 3), 1);
    assert_true(v[0] == 140);
    assert_int_equal(sm_thresholds_lookup(&t, "zn", "residential", NAN, v, 3), 0);
    /* pH-dependent values need a pH */
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", NAN, v, 3), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "depends on soil pH"));
    sm_thresholds_free(&t);
}

static void expect_error(const char *rows, const char *fragment)
{
    sm_threshold_table t;
    int rc = sm_thresholds_load(table("bad.csv", rows), &t);
    assert_int_equal(rc, SM_EDATA);
    if (!strstr(sm_error_message(), fragment))
        fail_msg("'%s' lacks '%s'", sm_error_message(), fragment);
    sm_thresholds_free(&t);
}

static void test_bad_rows_named(void **state)
{
    (void)state;
    expect_error("X,cd,c,,a,1,s,,abc,yes,src,\n", "bad.csv: row 1: value: must be a number");
    expect_error("X,cd,c,,a,1,s,,-2,yes,src,\n", "row 1: value: must be a number of mg/kg >= 0");
    expect_error("X,cd,c,,a,0,s,,1,yes,src,\n", "row 1: tier: must be a whole number");
    expect_error("X,cd,c,,a,1.5,s,,1,yes,src,\n", "row 1: tier: must be a whole number");
    expect_error("X,cd,c,,a,1,s,,1,maybe,src,\n", "row 1: verified: must be yes or no");
    expect_error("X,cd,c,,a,1,s,pH~6,1,yes,src,\n", "row 1: condition: is not a pH band");
    expect_error("X,cd,c,,a,1,s,7<pH<=6,1,yes,src,\n", "row 1: condition: is not a pH band");
    expect_error("X,cd,c,,a,1,s,,1,yes,,\n", "row 1: source: is empty");
    expect_error("X,cd,c,,a,1,s,,1,yes,src,\nX,cd,c,,a,2,s,,3,yes,src,\nX,cd,c,,a,1,s,,2,yes,src,\n",
                 "row 3 repeats row 1");
    expect_error("X,cd,c,,a,1,s,pH<=6,1,yes,src,\nX,cd,c,,a,1,s,5<pH,2,yes,src,\n",
                 "row 2 repeats row 1"); /* overlapping bands */
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(sm_test_write("nohead.csv", "a,b\n1,2\n"), &t), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "no column 'regime'"));
    sm_thresholds_free(&t);
}

static void test_ph_bands(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(sm_ph_band_parse("", &lo, &hi), 0);
    assert_true(lo == -HUGE_VAL && hi == HUGE_VAL);
    assert_int_equal(sm_ph_band_parse("pH<=5.5", &lo, &hi), 0);
    assert_true(lo == -HUGE_VAL && hi == 5.5);
    assert_int_equal(sm_ph_band_parse("5.5 < pH <= 6.5", &lo, &hi), 0);
    assert_true(lo == 5.5 && hi == 6.5);
    assert_int_equal(sm_ph_band_parse("pH>7.5", &lo, &hi), 0);
    assert_true(lo == 7.5 && hi == HUGE_VAL);
    assert_int_equal(sm_ph_band_parse("pH>=7.5", &lo, &hi), -1);
    assert_int_equal(sm_ph_band_parse("ph<5", &lo, &hi), -1);
}

/* Every table shipped in configs/thresholds/ reads without error. */
static void test_shipped_tables_load(void **state)
{
    (void)state;
    DIR *d = opendir(sm_test_src("configs/thresholds"));
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".csv"))
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "configs/thresholds/%s", e->d_name);
        sm_threshold_table t;
        if (sm_thresholds_load(sm_test_src(rel), &t) != SM_OK)
            fail_msg("%s", sm_error_message());
        assert_true(t.n > 0);
        sm_thresholds_free(&t);
        files++;
    }
    closedir(d);
    assert_true(files >= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_by_land_use_and_ph),
        cmocka_unit_test(test_bad_rows_named),
        cmocka_unit_test(test_ph_bands),
        cmocka_unit_test(test_shipped_tables_load),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
