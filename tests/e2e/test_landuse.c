/* End to end: land use from a raster of class codes in another CRS (warped
 * with nearest neighbour), from one default class, and unmapped codes left
 * unclassified and counted. The surface is flat, so every cell's class
 * follows from its land use alone. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

/* Region: x 500000-502000, y 5540000-5542000 in EPSG:32633 (about 15.0 E, 50.0 N). */
static const double X0 = 500000, Y0 = 5540000, SIZE = 2000;

static const char *write_samples(void)
{
    char text[8192] = "id,x,y,cd\n";
    for (int i = 0; i < 36; i++) /* a 6 x 6 lattice, every value 3 mg/kg */
        snprintf(text + strlen(text), sizeof text - strlen(text), "S%d,%g,%g,3\n", i,
                 X0 + 150 + 340 * (i % 6), Y0 + 150 + 340 * (i / 6));
    return sm_test_write("lu-samples.csv", text);
}

static const char *write_table(void)
{
    return sm_test_write("lu-table.csv",
                         "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,"
                         "verified,source,note\n"
                         "T,cd,cadmium,7440-43-9,farm-land,1,screening,,1,yes,test,\n"
                         "T,cd,cadmium,7440-43-9,town-land,1,screening,,5,yes,test,\n");
}

/* A lon/lat raster over the region: code 10 west of 15.0125 E, 20 east of
 * it, and 99 (no class in the config) in the northernmost rows. */
static const char *write_landuse_raster(double *split_lon)
{
    const char *path = sm_test_tmp("lu-codes.tif");
    OGRSpatialReferenceH utm = OSRNewSpatialReference(NULL), ll = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(utm, 32633), OSRImportFromEPSG(ll, 4326);
    OSRSetAxisMappingStrategy(utm, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(utm, ll);
    double x[2] = {X0 - 200, X0 + SIZE + 200}, y[2] = {Y0 - 200, Y0 + SIZE + 200};
    assert_true(OCTTransform(ct, 2, x, y, NULL));
    int w = 400, h = 400;
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, GDT_Byte, NULL);
    double gt[6] = {x[0], (x[1] - x[0]) / w, 0, y[1], 0, -(y[1] - y[0]) / h};
    GDALSetGeoTransform(ds, gt);
    GDALSetSpatialRef(ds, ll);
    *split_lon = 15.0125;
    unsigned char *codes = malloc((size_t)w * h);
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++)
            codes[j * w + i] = j < 40 ? 99 : gt[0] + (i + 0.5) * gt[1] < *split_lon ? 10 : 20;
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, w, h, codes, w, h, GDT_Byte, 0, 0),
        CE_None);
    free(codes);
    GDALClose(ds);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(utm), OSRDestroySpatialReference(ll);
    return path;
}

static int run(const char *name, const char *landuse)
{
    char text[4096], out[64], args[600];
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    snprintf(text, sizeof text,
             "project: lu\noutput: %s\ncrs: EPSG:32633\n"
             "grid: {resolution: 20, extent: [%g, %g, %g, %g]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, id: id,\n"
             "          contaminants: {cd: {column: cd, unit: mg/kg}}}\n"
             "interpolation: {method: idw, neighbours: {max: 8}, cross_validation: none}\n"
             "%s"
             "thresholds: {table: %s, classes: {farm: farm-land, town: town-land}}\n",
             sm_test_tmp(out), X0, Y0, X0 + SIZE, Y0 + SIZE, write_samples(), landuse,
             write_table());
    char file[64];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(args, sizeof args, "run -q %s", sm_test_write(file, text));
    int rc = sm_test_cli(args, err, sizeof err);
    if (rc)
        print_message("%s: %s\n", name, err);
    return rc;
}

static long manifest_long(const char *run_name, const char *path)
{
    return sm_test_manifest_long(sm_test_out_file(run_name, "run.json"), path);
}

static void test_raster_codes_in_another_crs(void **state)
{
    (void)state;
    double split;
    char landuse[700];
    const char *tif = write_landuse_raster(&split);
    snprintf(landuse, sizeof landuse, "landuse: {path: %s, codes: {10: farm, 20: town}}\n", tif);
    assert_int_equal(run("codes", landuse), 0);
    sm_test_raster lu, cls;
    sm_test_read_raster(sm_test_out_file("codes", "classes/landuse.tif"), 1, &lu);
    sm_test_read_raster(sm_test_out_file("codes", "classes/cd_class.tif"), 1, &cls);
    /* far from the split and from the unmapped strip, the class is certain */
    assert_int_equal((int)sm_test_raster_at(&lu, X0 + 300, Y0 + 300), 1);         /* farm */
    assert_int_equal((int)sm_test_raster_at(&lu, X0 + SIZE - 300, Y0 + 300), 2);  /* town */
    assert_int_equal((int)sm_test_raster_at(&lu, X0 + 300, Y0 + SIZE - 20), 0);   /* code 99 */
    assert_int_equal((int)sm_test_raster_at(&cls, X0 + 300, Y0 + 300), 1);        /* 3 > 1 */
    assert_int_equal((int)sm_test_raster_at(&cls, X0 + SIZE - 300, Y0 + 300), 0); /* 3 < 5 */
    assert_int_equal((int)sm_test_raster_at(&cls, X0 + 300, Y0 + SIZE - 20), 255);
    long unmapped = manifest_long("codes", "stages.classify.landuse.cells_unmapped_class");
    long cells = lu.w * (long)lu.h, counted = 0;
    for (long i = 0; i < cells; i++)
        counted += lu.v[i] == 0;
    assert_true(unmapped > 0);
    assert_int_equal(unmapped, counted); /* every cell without class is an unmapped one */
    free(lu.v), free(cls.v);
}

static void test_default_class(void **state)
{
    (void)state;
    assert_int_equal(run("default", "landuse: {default: town}\n"), 0);
    sm_test_raster ratio;
    sm_test_read_raster(sm_test_out_file("default", "classes/cd_ratio.tif"), 1, &ratio);
    for (long i = 0; i < (long)ratio.w * ratio.h; i++)
        if (fabs(ratio.v[i] - 3.0 / 5.0) > 1e-6)
            fail_msg("cell %ld: ratio %g, expected 0.6", i, ratio.v[i]);
    free(ratio.v);
    assert_int_equal(manifest_long("default", "stages.classify.landuse.cells_per_class.town"),
                     100L * 100L);
}

static void test_class_mapping_to_nothing(void **state)
{
    (void)state;
    int rc = run("nothing", "landuse: {default: forest}\n");
    assert_int_equal(rc, 78);
    if (!strstr(err, "landuse.default: class 'forest' is not in thresholds.classes"))
        fail_msg("unexpected message: %s", err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raster_codes_in_another_crs),
        cmocka_unit_test(test_default_class),
        cmocka_unit_test(test_class_mapping_to_nothing),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
