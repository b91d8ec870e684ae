/* Reprojection through OGR/PROJ with lon/lat axis order. */
#include "core/crs.h"
#include "testutil.h"

#include <cpl_conv.h>
#include <math.h>

static void test_wgs84_to_rd_new(void **state)
{
    (void)state;
    OGRSpatialReferenceH wgs = sm_crs_new("EPSG:4326"), rd = sm_crs_new("EPSG:28992");
    assert_non_null(wgs);
    assert_non_null(rd);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs, rd);
    assert_non_null(ct);
    /* lon 5.74, lat 50.97 (near Stein): PROJ 9.1.1's answer, from
     * `echo "50.97 5.74" | cs2cs -f %.6f EPSG:4326 EPSG:28992`. */
    double x = 5.74, y = 50.97;
    assert_true(OCTTransform(ct, 1, &x, &y, NULL));
    assert_true(fabs(x - 179782.132660) < 0.001);
    assert_true(fabs(y - 331205.790711) < 0.001);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs);
    OSRDestroySpatialReference(rd);
}

static void test_metric_projected(void **state)
{
    (void)state;
    const char *yes[] = {"EPSG:32633", "EPSG:28992", "EPSG:3035"};
    const char *no[] = {"EPSG:4326", "EPSG:2272" /* US survey feet */, "EPSG:4978"};
    for (int i = 0; i < 3; i++) {
        OGRSpatialReferenceH a = sm_crs_new(yes[i]), b = sm_crs_new(no[i]);
        assert_true(sm_crs_is_metric_projected(a));
        assert_false(sm_crs_is_metric_projected(b));
        OSRDestroySpatialReference(a);
        OSRDestroySpatialReference(b);
    }
    assert_null(sm_crs_new("EPSG:999999"));
    assert_null(sm_crs_new("not a crs"));
}

static void test_label(void **state)
{
    (void)state;
    OGRSpatialReferenceH s = sm_crs_new("EPSG:32633");
    char *label = sm_crs_label(s);
    assert_string_equal(label, "EPSG:32633");
    CPLFree(label);
    OSRDestroySpatialReference(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_wgs84_to_rd_new),
                                       cmocka_unit_test(test_metric_projected),
                                       cmocka_unit_test(test_label)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
