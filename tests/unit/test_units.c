/* Unit normalisation to mg/kg. */
#include "testutil.h"
#include "core/units.h"

#include <math.h>
#include <string.h>

static double factor(const char *unit)
{
    double f = -1;
    assert_int_equal(sm_unit_to_mgkg(unit, &f), 0);
    return f;
}

static void test_known_units(void **state)
{
    (void)state;
    /* 1 mg/kg = 1 ppm = 1000 µg/kg = 1000 ppb = 0.001 g/kg = 1e-4 % */
    assert_true(factor("mg/kg") == 1.0);
    assert_true(factor("MG/KG") == 1.0);
    assert_true(factor("ppm") == 1.0);
    assert_true(fabs(factor("µg/kg") - 1e-3) < 1e-18); /* micro sign */
    assert_true(fabs(factor("μg/kg") - 1e-3) < 1e-18); /* Greek mu */
    assert_true(fabs(factor("ug/kg") - 1e-3) < 1e-18);
    assert_true(fabs(factor("ppb") - 1e-3) < 1e-18);
    assert_true(fabs(factor("ng/g") - 1e-3) < 1e-18);
    assert_true(factor("g/kg") == 1000.0);
    assert_true(factor("%") == 10000.0);
    assert_true(factor("mg kg-1") == 1.0); /* as SI writes it */
    assert_true(fabs(factor("µg kg-1") - 1e-3) < 1e-18);
    /* 250 µg/kg is 0.25 mg/kg */
    assert_true(fabs(250.0 * factor("ug/kg") - 0.25) < 1e-15);
}

static void test_unknown_units(void **state)
{
    (void)state;
    double f;
    assert_int_equal(sm_unit_to_mgkg("mg/l", &f), -1);
    assert_int_equal(sm_unit_to_mgkg("", &f), -1);
    assert_int_equal(sm_unit_to_mgkg("kg", &f), -1);
}

/* Conversion judges the result in mg/kg: infinite, beyond the whole mass
 * (1e6 mg/kg) or underflowing values are refused, with a reason. */
static void test_convert_checks(void **state)
{
    (void)state;
    double v = -1;
    assert_null(sm_unit_convert(999, 1e3, &v));
    assert_true(v == 999000.0);
    assert_null(sm_unit_convert(1e6, 1.0, &v)); /* the bound itself is possible */
    assert_null(sm_unit_convert(0, 1e-6, &v));
    assert_true(v == 0.0);
    assert_string_equal(sm_unit_convert(1e308, 1e3, &v), "infinite after conversion to mg/kg");
    assert_non_null(strstr(sm_unit_convert(2e6, 1.0, &v), "more than 1e6 mg/kg"));
    assert_non_null(strstr(sm_unit_convert(2e3, 1e3, &v), "more than 1e6 mg/kg")); /* g/kg */
    assert_non_null(strstr(sm_unit_convert(1e200, 1.0, &v), "more than 1e6 mg/kg"));
    assert_non_null(strstr(sm_unit_convert(1e-305, 1e-6, &v), "too small after conversion"));
    assert_true(SM_MGKG_MAX == 1e6);
    /* a unit kept as given (nSv/h) has no mass bound, only finiteness */
    assert_null(sm_unit_convert(2e6, SM_UNIT_AS_GIVEN, &v));
    assert_true(v == 2e6);
    assert_null(sm_unit_convert(1e-305, SM_UNIT_AS_GIVEN, &v));
    assert_true(v == 1e-305);
    assert_string_equal(sm_unit_convert(HUGE_VAL, SM_UNIT_AS_GIVEN, &v), "not a finite number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_known_units),
                                       cmocka_unit_test(test_unknown_units),
                                       cmocka_unit_test(test_convert_checks)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
