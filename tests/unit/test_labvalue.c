/* Laboratory cells: numbers, censored forms, missing cells and bad values. */
#include "ingest/labvalue.h"
#include "testutil.h"

#include <math.h>

static void expect(const char *text, sm_lab_kind kind, double value)
{
    sm_labvalue v;
    sm_labvalue_parse(text, &v);
    if (v.kind != kind)
        fail_msg("'%s': kind %d, expected %d", text, v.kind, kind);
    if (isnan(value))
        assert_true(isnan(v.value));
    else if (fabs(v.value - value) > 1e-12)
        fail_msg("'%s': value %g, expected %g", text, v.value, value);
}

static void expect_bad(const char *text, const char *reason)
{
    sm_labvalue v;
    sm_labvalue_parse(text, &v);
    assert_int_equal(v.kind, SM_LAB_BAD);
    assert_string_equal(v.reason, reason);
}

static void test_detected(void **state)
{
    (void)state;
    expect("12.5", SM_LAB_DETECTED, 12.5);
    expect("  7 ", SM_LAB_DETECTED, 7.0);
    expect("1e-3", SM_LAB_DETECTED, 1e-3);
    expect("0", SM_LAB_DETECTED, 0.0);
}

static void test_censored_with_limit(void **state)
{
    (void)state;
    expect("<0.5", SM_LAB_CENSORED, 0.5);
    expect("< 0.5", SM_LAB_CENSORED, 0.5);
    expect(" <  2 ", SM_LAB_CENSORED, 2.0);
}

static void test_censored_without_limit(void **state)
{
    (void)state;
    const char *forms[] = {"<LOD", "<lod", "< LOD", "<LOQ",         "n.d.", "N.D.",
                           "nd",   "bdl",  "BDL",   "not detected", "<DL"};
    for (unsigned i = 0; i < sizeof forms / sizeof forms[0]; i++)
        expect(forms[i], SM_LAB_CENSORED, NAN);
}

static void test_missing(void **state)
{
    (void)state;
    expect("", SM_LAB_MISSING, NAN);
    expect("   ", SM_LAB_MISSING, NAN);
    expect(NULL, SM_LAB_MISSING, NAN);
    expect("NA", SM_LAB_MISSING, NAN); /* R's export of a missing value */
    expect("#N/A", SM_LAB_MISSING, NAN);
    expect("NaN", SM_LAB_MISSING, NAN); /* pandas' and numpy's missing value */
    expect("nan", SM_LAB_MISSING, NAN);
    expect(" -nan ", SM_LAB_MISSING, NAN); /* printf's NaN of a number field */
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_bad("<NaN", "unreadable detection limit after '<'");
    expect_bad("inf", "infinite value");
    expect_bad("-Infinity", "infinite value");
    expect_bad("-3.2", "negative concentration");
    expect_bad("see note", "not a number");
    expect_bad("12,5", "not a number"); /* decimal comma is not guessed */
    expect_bad("12.5 mg", "not a number");
    expect_bad("0x10", "not a number"); /* strtod alone would read 16 */
    expect_bad(">1000", "above the reporting range ('>'): no value to use");
    expect_bad("<abc", "unreadable detection limit after '<'");
    expect_bad("<0", "detection limit of zero");
    expect_bad("<-1", "negative concentration");
}

/* strtod's ERANGE: a number beyond a double is not read as infinity or 0. */
static void test_out_of_range(void **state)
{
    (void)state;
    expect_bad("1e400", "number too large (beyond the range of a double)");
    expect_bad("1e-400", "number too small (it would read as 0)");
    expect_bad("<1e-400", "number too small (it would read as 0)");
    expect_bad("1e-310", "number too small (it would read as 0)"); /* subnormal */
    expect("1e-300", SM_LAB_DETECTED, 1e-300);
    expect("1e308", SM_LAB_DETECTED, 1e308); /* the unit conversion judges it */
    double v = 0;
    assert_int_equal(sm_parse_number("1e999", &v), -2);
    assert_int_equal(sm_parse_number("2.5", &v), 0);
    assert_true(v == 2.5);
}

static void test_substitution(void **state)
{
    (void)state;
    assert_true(fabs(sm_censored_substitute(0.4, SM_CENSOR_HALF_LIMIT) - 0.2) < 1e-15);
    assert_true(fabs(sm_censored_substitute(0.4, SM_CENSOR_LIMIT) - 0.4) < 1e-15);
    assert_true(isnan(sm_censored_substitute(0.4, SM_CENSOR_DROP)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detected),
        cmocka_unit_test(test_censored_with_limit),
        cmocka_unit_test(test_censored_without_limit),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_substitution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
