/* A field that OGR refuses is an error, named with its layer and GDAL's
 * reason, and a layer missing a field is not written on as if complete. */
#include "core/error.h"
#include "core/fields.h"
#include "hotspots/sample_statistics.h"
#include "testutil.h"

#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void assert_message_has(const char *fragment)
{
    if (!strstr(sm_error_message(), fragment))
        fail_msg("'%s' lacks '%s'", sm_error_message(), fragment);
}

/* A new GeoPackage at path with an empty layer "sites"; closed. */
static void make_gpkg(const char *path)
{
    unlink(path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    assert_non_null(GDALDatasetCreateLayer(ds, "sites", NULL, wkbPoint, NULL));
    GDALClose(ds);
}

static void test_field_added(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("fields-added.gpkg");
    make_gpkg(path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "sites");
    assert_int_equal(sm_field_add(l, "value", OFTReal), SM_OK);
    assert_int_equal(sm_field_add(l, "name", OFTString), SM_OK);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    assert_int_equal(OGR_FD_GetFieldCount(d), 2);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, 0)), OFTReal);
    GDALClose(ds);
}

/* A GeoPackage layer holds one field of a name. */
static void test_existing_name_refused(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("fields-twice.gpkg");
    make_gpkg(path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "sites");
    assert_int_equal(sm_field_add(l, "max_ratio", OFTReal), SM_OK);
    sm_error_clear();
    assert_int_equal(sm_field_add(l, "max_ratio", OFTReal), SM_ECANTCREAT);
    assert_int_equal(sm_error_status(), SM_ECANTCREAT);
    assert_message_has("layer sites: cannot create field max_ratio (Real): ");
    assert_message_has("duplicate column name: max_ratio"); /* GDAL's reason */
    assert_int_equal(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l)), 1);
    GDALClose(ds);
}

static void test_read_only_layer_refused(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("fields-readonly.gpkg");
    make_gpkg(path);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "sites");
    sm_error_clear();
    assert_int_equal(sm_field_add(l, "n_samples", OFTInteger), SM_ECANTCREAT);
    assert_message_has("layer sites: cannot create field n_samples (Integer): ");
    /* GDAL's reason follows, not a placeholder */
    const char *why = strstr(sm_error_message(), "(Integer): ") + strlen("(Integer): ");
    assert_true(strlen(why) > 0);
    GDALClose(ds);
}

/* A caller stops at the first refused field: the GPX driver creates a
 * point layer but knows only its own schema's fields. */
static void test_sample_statistics_stop_at_refused_field(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("fields-refused.gpx");
    unlink(path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPX"), path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    sm_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.output = (char *)sm_test_tmp("fields-out");
    cfg.crs = "EPSG:4326";
    cfg.hotspots.local_moran = 1;
    sm_error_clear();
    int rc = sm_sample_statistics_write(&cfg, ds, NULL, 0, NULL);
    GDALClose(ds);
    assert_int_equal(rc, SM_ECANTCREAT);
    assert_message_has("layer sample_statistics: cannot create field sample_id (String): ");
    assert_message_has("GPX"); /* GDAL's reason: not in the GPX schema */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_added),
        cmocka_unit_test(test_existing_name_refused),
        cmocka_unit_test(test_read_only_layer_refused),
        cmocka_unit_test(test_sample_statistics_stop_at_refused_field),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
