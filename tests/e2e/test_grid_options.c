/* End to end: where the grid's cells fall (issue 17, items 7 and 8):
 * grid.origin, grid.like (origin, resolution and CRS from a template raster,
 * extent: like), and grid.mask (cells outside the study area are no data in
 * the surfaces and the classes). A flat Swiss-style survey in EPSG:2056,
 * interpolated by IDW on a few hundred cells. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { X0 = 2570000, Y0 = 1220000 };

static char err[1024];

/* 36 samples over [X0, X0 + 360] x [Y0, Y0 + 360], all with Cd 2. */
static const char *samples_csv(void)
{
    char text[4096];
    int used = snprintf(text, sizeof text, "id,x,y,Cd\n");
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 6; c++)
            used += snprintf(text + used, sizeof text - (size_t)used, "s%d,%d,%d,2\n",
                             r * 6 + c + 1, X0 + 30 + 60 * c, Y0 + 30 + 60 * r);
    return sm_test_write("grid_samples.csv", text);
}

/* Runs NAME with crs and grid given as YAML text (crs may be ""), and the
 * Dutch table for classes. */
static int run(const char *name, const char *crs, const char *grid)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "project: grid options\noutput: o\n%s\ngrid: %s\n"
             "samples: {path: %s, crs: EPSG:2056, x: x, y: y, id: id, contaminants: {cd: Cd}}\n"
             "interpolation: {method: idw, cross_validation: none}\n"
             "landuse: {default: all}\n"
             "thresholds: {table: %s, classes: {all: all}}\n",
             crs, grid, samples_csv(), sm_test_src("configs/thresholds/netherlands.csv"));
    return sm_test_run_config(name, yaml, err, sizeof err);
}

static void run_ok(const char *name, const char *crs, const char *grid)
{
    int rc = run(name, crs, grid);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", name, rc, err);
}

static void read_out(const char *name, const char *file, sm_test_raster *r)
{
    char path[256];
    snprintf(path, sizeof path, "out-%s/%s", name, file);
    sm_test_read_raster(sm_test_tmp(path), 1, r);
}

static double fmod_pos(double a, double m) { return a - floor(a / m) * m; }

/* Cell edges on origin + k * resolution; the extent still covered. */
static void test_origin(void **state)
{
    (void)state;
    run_ok("grid_origin", "crs: EPSG:2056",
           "{resolution: 25, origin: [2570003, 1220011], extent: [2570000, 1220000, 2570360, "
           "1220360]}");
    sm_test_raster r;
    read_out("grid_origin", "surfaces/cd.tif", &r);
    assert_true(r.gt[0] == 2569978 && r.gt[3] == 1220361); /* 3 - 25; 11 + 14 * 25 */
    assert_true(r.gt[1] == 25 && r.gt[5] == -25);
    assert_int_equal(r.w, 16); /* 2569978 + 16 * 25 = 2570378 >= 2570360 */
    assert_int_equal(r.h, 15); /* 1219986 .. 1220361 */
    free(r.v);
}

/* A template in EPSG:2056 with 20 m cells whose edges are off the round
 * metres: the grid takes its CRS, resolution and origin. */
static const char *write_template(void)
{
    const char *path = sm_test_tmp("grid_template.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 30, 30, 1, GDT_Byte, NULL);
    assert_non_null(ds);
    double gt[6] = {2569990.5, 20, 0, 1220410.5, 0, -20};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 2056);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
    return path;
}

static void assert_epsg(const char *name, const char *file, const char *code)
{
    char path[256];
    snprintf(path, sizeof path, "out-%s/%s", name, file);
    GDALDatasetH ds = GDALOpen(sm_test_tmp(path), GA_ReadOnly);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), code);
    GDALClose(ds);
}

static void test_like(void **state)
{
    (void)state;
    char grid[512];
    snprintf(grid, sizeof grid, "{like: %s}", write_template());
    run_ok("grid_like", "", grid); /* no crs: the template's */
    sm_test_raster r;
    read_out("grid_like", "surfaces/cd.tif", &r);
    assert_true(r.gt[1] == 20 && r.gt[5] == -20);
    assert_true(fmod_pos(r.gt[0] - 2569990.5, 20) == 0 && fmod_pos(r.gt[3] - 1220410.5, 20) == 0);
    /* from the samples' extent [X0 + 30, X0 + 330]: edges 2570010.5 .. 2570330.5 */
    assert_true(r.gt[0] == 2570010.5 && r.w == 16);
    free(r.v);
    assert_epsg("grid_like", "surfaces/cd.tif", "2056");

    snprintf(grid, sizeof grid, "{like: %s, extent: like}", sm_test_tmp("grid_template.tif"));
    run_ok("grid_like_extent", "crs: EPSG:2056", grid); /* the same CRS may be given */
    read_out("grid_like_extent", "surfaces/cd.tif", &r);
    assert_true(r.gt[0] == 2569990.5 && r.gt[3] == 1220410.5);
    assert_int_equal(r.w, 30);
    assert_int_equal(r.h, 30);
    free(r.v);
}

static void test_like_errors(void **state)
{
    (void)state;
    char grid[512], t[256];
    snprintf(t, sizeof t, "%s", write_template()); /* sm_test_tmp's buffer is reused */
    snprintf(grid, sizeof grid, "{like: %s}", t);
    int rc = run("grid_like_crs", "crs: EPSG:32632", grid);
    sm_test_assert_one_line_error(rc, 78, err, "crs: 'EPSG:32632' is not the CRS of grid.like");
    snprintf(grid, sizeof grid, "{like: %s, origin: [0, 0]}", t);
    rc = run("grid_like_origin", "", grid);
    sm_test_assert_one_line_error(rc, 78, err, "grid.origin: give 'origin' or 'like', not both");
    snprintf(grid, sizeof grid, "{like: %s, resolution: 10}", t);
    rc = run("grid_like_res", "", grid);
    sm_test_assert_one_line_error(rc, 78, err, "grid.resolution: 10 differs from the 20 m cells");
    rc = run("grid_like_missing", "", "{like: no-such.tif}");
    sm_test_assert_one_line_error(rc, 78, err, "no-such.tif: not a raster GDAL can open");
    rc = run("grid_extent_like", "crs: EPSG:2056", "{resolution: 20, extent: like}");
    sm_test_assert_one_line_error(rc, 78, err, "'like' takes the extent of grid.like");
}

/* A GeoJSON in EPSG:2056 (named as GDAL reads it) with one feature. */
static const char *write_geojson(const char *file, const char *geometry)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": "
             "{\"name\": \"urn:ogc:def:crs:EPSG::2056\"}}, \"features\": [{\"type\": \"Feature\", "
             "\"properties\": {}, \"geometry\": %s}]}\n",
             geometry);
    return sm_test_write(file, text);
}

/* The west half of a 16 x 16 grid of 25 m: 8 columns inside. */
static void test_mask(void **state)
{
    (void)state;
    char poly[256], grid[512];
    snprintf(poly, sizeof poly,
             "{\"type\": \"Polygon\", \"coordinates\": [[[%d, %d], [%d, %d], [%d, %d], [%d, %d], "
             "[%d, %d]]]}",
             X0 - 50, Y0 - 50, X0 + 200, Y0 - 50, X0 + 200, Y0 + 450, X0 - 50, Y0 + 450, X0 - 50,
             Y0 - 50);
    snprintf(grid, sizeof grid, "{resolution: 25, extent: [%d, %d, %d, %d], mask: %s}", X0, Y0,
             X0 + 400, Y0 + 400, write_geojson("grid_mask.geojson", poly));
    run_ok("grid_mask", "crs: EPSG:2056", grid);
    const char *files[] = {"surfaces/cd.tif", "classes/cd_class.tif"};
    for (int f = 0; f < 2; f++) {
        sm_test_raster r;
        read_out("grid_mask", files[f], &r);
        assert_int_equal(r.w, 16);
        assert_true(r.has_nodata);
        for (int i = 0; i < r.w * r.h; i++) {
            int inside = i % r.w < 8, nodata = r.v[i] == r.nodata;
            if (inside == nodata)
                fail_msg("%s cell %d (column %d): %g, expected %s", files[f], i, i % r.w, r.v[i],
                         inside ? "a value" : "no data");
            if (f == 0 && inside && fabs(r.v[i] - 2) > 1e-9)
                fail_msg("cd.tif cell %d: %g, expected 2", i, r.v[i]);
        }
        free(r.v);
    }
    long n = sm_test_manifest_long(sm_test_tmp("out-grid_mask/run.json"),
                                   "stages.interpolate.mask.cells_inside");
    assert_int_equal(n, 8 * 16);
}

static void test_mask_errors(void **state)
{
    (void)state;
    char grid[512];
    snprintf(grid, sizeof grid, "{resolution: 25, extent: [%d, %d, %d, %d], mask: %s}", X0, Y0,
             X0 + 400, Y0 + 400,
             write_geojson("grid_mask_point.geojson",
                           "{\"type\": \"Point\", \"coordinates\": [2570100, 1220100]}"));
    int rc = run("grid_mask_point", "crs: EPSG:2056", grid);
    sm_test_assert_one_line_error(rc, 65, err, "grid_mask_point.geojson: feature 0 is a Point");
    snprintf(grid, sizeof grid, "{resolution: 25, extent: [%d, %d, %d, %d], mask: %s}", X0, Y0,
             X0 + 400, Y0 + 400,
             write_geojson("grid_mask_far.geojson",
                           "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [10, 0], [10, 10], "
                           "[0, 0]]]}"));
    rc = run("grid_mask_far", "crs: EPSG:2056", grid);
    sm_test_assert_one_line_error(rc, 65, err, "the mask covers no cell centre of the grid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin),      cmocka_unit_test(test_like),
        cmocka_unit_test(test_like_errors), cmocka_unit_test(test_mask),
        cmocka_unit_test(test_mask_errors),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
