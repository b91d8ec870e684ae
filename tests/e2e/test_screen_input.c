/* End to end: site registries as screening reads them. A GeoJSON registry
 * screens without warnings (the CSV driver's open options are not offered
 * to other drivers), and each site turned away is in sites_rejects.csv with
 * its own reason: an invalid geometry is not "cannot be reprojected", nor
 * the reverse. The demo's surfaces are made once (ingest, interpolate,
 * classify); each test screens its own registry with `screen --sites`. */
#include "testutil.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[1024];
static char config[600];

static int setup(void **state)
{
    sm_test_setup_gdal(state);
    snprintf(config, sizeof config, "%s", sm_test_demo_config("screen-input", NULL, NULL));
    static const char *const stages[] = {"ingest", "interpolate", "classify"};
    for (int i = 0; i < 3; i++) {
        char args[800];
        snprintf(args, sizeof args, "%s -q %s", stages[i], config);
        if (sm_test_cli(args, err, sizeof err) != 0)
            fail_msg("%s: %s", stages[i], err);
    }
    return 0;
}

/* `screen CONFIG --sites FILE`, not quiet: its stderr in cli.stderr;
 * --force, so that a registry screened before is screened again. */
static int screen(const char *sites)
{
    char args[2000];
    snprintf(args, sizeof args, "screen --force %s --sites %s", config, sites);
    return sm_test_cli(args, err, sizeof err);
}

static const char *out_file(const char *name)
{
    char rel[200];
    snprintf(rel, sizeof rel, "out-screen-input/%s", name);
    return sm_test_tmp(rel);
}

/* The reason sites_rejects.csv gives for a row of the registry (NULL when
 * the row is not there); caller frees. */
static char *reject_reason(long row)
{
    GDALDatasetH ds = GDALOpenEx(out_file("sites_rejects.csv"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return NULL;
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH f;
    char *reason = NULL;
    while (!reason && (f = OGR_L_GetNextFeature(l))) {
        if (atol(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "row"))) == row)
            reason = strdup(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "reason")));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return reason;
}

static void expect_reason(long row, const char *want, const char *not_this)
{
    char *reason = reject_reason(row);
    if (!reason || !strstr(reason, want) || strstr(reason, not_this))
        fail_msg("row %ld: reason '%s', want '%s' and not '%s'", row,
                 reason ? reason : "(not rejected)", want, not_this);
    print_message("row %ld: %s\n", row, reason);
    free(reason);
}

/* Three sites in the demo region: two points and a square of 100 m. */
static const char geojson_ok[] =
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"J1\", \"name\": \"one\", "
    "\"landuse\": \"industrial\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": "
    "[14.995, 50.005]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"J2\", \"name\": \"two\", "
    "\"landuse\": \"agricultural\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": "
    "[15.01, 50.01]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"J3\", \"name\": \"three\", "
    "\"landuse\": \"residential\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
    "[[[15.0, 50.0], [15.0014, 50.0], [15.0014, 50.0009], [15.0, 50.0009], [15.0, 50.0]]]}}\n"
    "]}\n";

static void test_geojson_registry_without_warnings(void **state)
{
    (void)state;
    int rc = screen(sm_test_write("sites.geojson", geojson_ok));
    if (rc != 0)
        fail_msg("screen: exit %d: %s", rc, err);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    if (strstr(log, "warning"))
        fail_msg("a GeoJSON registry screened with warnings:\n%s", log);
    free(log);
    assert_int_equal(sm_test_feature_count(out_file("sites_screened.gpkg"), "sites"), 3);
}

/* A GeoJSON registry (feature ids from 0): a good site, a self-intersecting
 * polygon (a bow tie) and a point at latitude 95. */
static const char geojson_bad[] =
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"B0\"}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [14.995, 50.005]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"B1\"}, \"geometry\": "
    "{\"type\": \"Polygon\", \"coordinates\": [[[14.99, 49.99], [15.01, 50.01], "
    "[15.01, 49.99], [14.99, 50.01], [14.99, 49.99]]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"site_id\": \"B2\"}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [15.0, 95.0]}}\n"
    "]}\n";

static void test_rejects_give_each_reason(void **state)
{
    (void)state;
    int rc = screen(sm_test_write("bad.geojson", geojson_bad));
    if (rc != 0)
        fail_msg("screen: exit %d: %s", rc, err);
    assert_int_equal(sm_test_feature_count(out_file("sites_screened.gpkg"), "sites"), 1);
    expect_reason(1, "invalid geometry", "transform");
    expect_reason(2, "cannot be transformed into the working CRS", "invalid");
    assert_null(reject_reason(0));
}

/* The same for a CSV registry of lon/lat columns (rows from 1). */
static void test_csv_latitude_beyond_the_pole(void **state)
{
    (void)state;
    int rc = screen(sm_test_write("pole.csv", "site_id,name,lon,lat,landuse\n"
                                              "C1,fine,14.995,50.005,industrial\n"
                                              "C2,pole,15.0,95.0,industrial\n"));
    if (rc != 0)
        fail_msg("screen: exit %d: %s", rc, err);
    assert_int_equal(sm_test_feature_count(out_file("sites_screened.gpkg"), "sites"), 1);
    expect_reason(2, "cannot be transformed into the working CRS", "invalid");
    assert_null(reject_reason(1));
}

/* A registry without rejects after one with them: the old ledger would
 * name sites the new registry does not have. */
static void test_clean_registry_clears_old_rejects(void **state)
{
    (void)state;
    assert_int_equal(screen(sm_test_write("bad.geojson", geojson_bad)), 0);
    assert_int_equal(access(out_file("sites_rejects.csv"), F_OK), 0);
    assert_int_equal(screen(sm_test_write("sites.geojson", geojson_ok)), 0);
    if (access(out_file("sites_rejects.csv"), F_OK) == 0)
        fail_msg("sites_rejects.csv of the previous registry is still there");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geojson_registry_without_warnings),
        cmocka_unit_test(test_rejects_give_each_reason),
        cmocka_unit_test(test_csv_latitude_beyond_the_pole),
        cmocka_unit_test(test_clean_registry_clears_old_rejects),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
