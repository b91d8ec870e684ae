/* Unit normalisation to mg/kg. */
#include "testutil.h"
#include "core/units.h"

#include <math.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_known_units),
                                       cmocka_unit_test(test_unknown_units)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
