/* End to end: a site-scale survey without a georeference (issue 17, items 7
 * and 9). Samples in local engineering metres (crs: local, no samples.crs),
 * a study-area mask drawn in the same coordinates, and land use taken from
 * the samples' own column: each cell the class of its nearest sample. */
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

/* 64 samples on [0, 200] m: Cd rises from west to east (0.5 to 4.5 mg/kg);
 * the north half is "Residential" (case as a field crew writes it), the
 * south half "agricultural"; one sample says "forest" (no class of the
 * config) and one has none. */
static const char *samples_csv(void)
{
    char text[8192];
    int used = snprintf(text, sizeof text, "id,x,y,Cd,Landuse\n");
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) {
            int id = r * 8 + c + 1;
            double x = 12.5 + 25 * c, y = 12.5 + 25 * r;
            const char *lu = id == 1   ? "forest"
                             : id == 2 ? ""
                             : y > 100 ? "Residential"
                                       : "agricultural";
            used += snprintf(text + used, sizeof text - (size_t)used, "s%d,%g,%g,%g,%s\n", id, x, y,
                             0.5 + 0.02 * x, lu);
        }
    return sm_test_write("local_samples.csv", text);
}

/* The study area: the west three quarters, as WKT in a CSV without a CRS
 * (GeoJSON would be read as lon/lat). */
static const char *mask_csv(void)
{
    return sm_test_write("local_mask.csv",
                         "id,WKT\n1,\"POLYGON ((0 0, 150 0, 150 200, 0 200, 0 0))\"\n");
}

/* The survey's config as NAME.yaml; with remediation keys (may be ""): also
 * hotspots, remediation (on a store made first with `store init`) and the
 * report. */
static int run(const char *name, const char *samples_extra, const char *landuse,
               const char *remediation)
{
    char yaml[4096], file[256], store[512];
    snprintf(store, sizeof store, "%s.sqlite", sm_test_tmp(name));
    int used =
        snprintf(yaml, sizeof yaml,
                 "project: local site\noutput: o\ncrs: local\n"
                 "grid: {resolution: 10, extent: [0, 0, 200, 200], mask: %s}\n"
                 "samples: {path: %s, x: x, y: y, id: id, contaminants: {cd: Cd}, "
                 "attributes: [Landuse]%s}\n"
                 "interpolation: {method: idw, cross_validation: none}\n"
                 "landuse: %s\n"
                 "thresholds:\n  table: %s\n"
                 "  classes: {residential: residential-parkland, agricultural: agricultural}\n",
                 mask_csv(), samples_csv(), samples_extra, landuse,
                 sm_test_src("configs/thresholds/ccme.csv"));
    if (remediation) {
        snprintf(yaml + used, sizeof yaml - (size_t)used,
                 "hotspots: {basis: prediction, min_area_ha: 0.01}\n"
                 "remediation: {store: %s, cases: 2%s}\n"
                 "publish: {tiles: false, viewer: false}\n",
                 store, remediation);
        snprintf(file, sizeof file, "%s.yaml", name);
        char args[1024];
        snprintf(args, sizeof args, "store init --force -q %s", sm_test_write(file, yaml));
        int rc = sm_test_cli(args, err, sizeof err);
        if (rc)
            return rc;
    }
    return sm_test_run_config(name, yaml, err, sizeof err);
}

static void test_masked_local_run(void **state)
{
    (void)state;
    int rc = run("local_site", "", "{column: Landuse}", "");
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    sm_test_raster cd, lu;
    sm_test_read_raster(sm_test_out_file("local_site", "surfaces/cd.tif"), 1, &cd);
    sm_test_read_raster(sm_test_out_file("local_site", "classes/landuse.tif"), 1, &lu);
    /* inside the mask the surface follows the samples; outside it is no data */
    double west = sm_test_raster_at(&cd, 25, 105), east = sm_test_raster_at(&cd, 145, 105);
    assert_true(west > 0.7 && west < 1.5 && east > 2.9 && east < 3.6);
    assert_true(cd.has_nodata);
    assert_true(sm_test_raster_at(&cd, 175, 105) == cd.nodata);
    /* land use: 1 + the class's position in thresholds.classes */
    assert_int_equal((int)sm_test_raster_at(&lu, 75, 175), 1); /* "Residential" */
    assert_int_equal((int)sm_test_raster_at(&lu, 75, 25), 2);
    assert_int_equal((int)sm_test_raster_at(&lu, 5, 5), 0); /* nearest sample says forest */
    free(cd.v), free(lu.v);
    /* the rasters carry the local CRS, not a made-up EPSG code */
    GDALDatasetH ds = GDALOpen(sm_test_out_file("local_site", "surfaces/cd.tif"), GA_ReadOnly);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    assert_non_null(srs);
    assert_true(OSRIsLocal(srs));
    assert_null(OSRGetAuthorityCode(srs, NULL));
    GDALClose(ds);
    const char *json = sm_test_out_file("local_site", "run.json");
    assert_int_equal(sm_test_manifest_long(json, "stages.ingest.samples"), 64);
    assert_int_equal(sm_test_manifest_long(json, "stages.classify.landuse.samples_with_class"), 63);
    /* only the 15 x 20 cells of the study area are counted: half north */
    const char *per = "stages.classify.landuse.cells_per_class";
    char key[128];
    snprintf(key, sizeof key, "%s.residential", per);
    assert_int_equal(sm_test_manifest_long(json, key), 150);
    snprintf(key, sizeof key, "%s.agricultural", per);
    assert_int_equal(
        sm_test_manifest_long(json, key) +
            sm_test_manifest_long(json, "stages.classify.landuse.cells_unmapped_class"),
        150);
    /* the east of the agricultural half is above 1.4 mg/kg: one hotspot (the
     * strip outside the mask is no data, not a hotspot), with case studies
     * linked though the site has no place on the earth */
    assert_int_equal(sm_test_manifest_long(json, "stages.hotspots.areas_found"), 1);
    char *recs = sm_test_slurp(sm_test_out_file("local_site", "recommendations.csv"));
    assert_non_null(strstr(recs, "nearest_case_km\n"));
    assert_non_null(strstr(recs, "\"C0"));
    assert_null(strstr(recs, " km")); /* no made-up distances */
    free(recs);
    /* the report's settings name the local CRS and the mask with its cells */
    char *page = sm_test_slurp(sm_test_out_file("local_site", "report.html"));
    assert_non_null(page);
    assert_non_null(strstr(page, "<tr><th>working CRS</th><td>local</td></tr>"));
    assert_non_null(strstr(page, "local_mask.csv</td></tr>"));
    assert_non_null(strstr(page, "<th>cells inside the mask</th><td class=\"num\">300</td>"));
    free(page);
}

/* Nearest sample up to max_distance: cells farther than 10 m from every
 * sample have no class, while the centre of a sample's cell has its own. */
static void test_max_distance(void **state)
{
    (void)state;
    int rc = run("local_far", "", "{column: Landuse, max_distance: 10}", NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    sm_test_raster lu;
    sm_test_read_raster(sm_test_out_file("local_far", "classes/landuse.tif"), 1, &lu);
    assert_int_equal((int)sm_test_raster_at(&lu, 65, 165), 1); /* 3.5 m from a sample */
    assert_int_equal((int)sm_test_raster_at(&lu, 55, 175), 0); /* 14.6 m from any */
    free(lu.v);
}

/* The sum of column `col` of out-NAME/recommendations.csv. */
static double column_sum(const char *name, const char *col)
{
    sm_test_table t;
    sm_test_read_csv(sm_test_out_file(name, "recommendations.csv"), &t);
    const double *v = sm_test_col(&t, col);
    double sum = 0;
    for (int i = 0; i < t.nrows; i++)
        sum += v[i];
    sm_test_table_free(&t);
    return sum;
}

/* urgent_land_uses matches the hotspots' land use whatever its case: the
 * agricultural hotspot made urgent by "AGRICULTURAL" judges durations on
 * 24 months instead of 120, so its duration fits drop. */
static void test_urgent_any_case(void **state)
{
    (void)state;
    int rc = run("local_urgent", "", "{column: Landuse}", ", urgent_land_uses: [AGRICULTURAL]");
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    rc = run("local_calm", "", "{column: Landuse}", "");
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    double urgent = column_sum("local_urgent", "duration_fit");
    double calm = column_sum("local_calm", "duration_fit");
    print_message("duration fit summed: urgent %g, not urgent %g\n", urgent, calm);
    assert_true(urgent < calm - 0.1);
}

static void test_local_errors(void **state)
{
    (void)state;
    /* a georeferenced sample file cannot be put on a local grid */
    int rc = run("local_epsg", ", crs: EPSG:2056", "{column: Landuse}", NULL);
    sm_test_assert_one_line_error(rc, 78, err, "a local CRS has none");
    /* the land-use column must be kept by ingest */
    rc = run("local_nocol", "", "{column: Use}", NULL);
    sm_test_assert_one_line_error(rc, 78, err,
                                  "landuse.column: column 'Use' is not in samples.attributes");
    rc = run("local_two", "", "{column: Landuse, default: residential}", NULL);
    sm_test_assert_one_line_error(rc, 78, err, "landuse: give one of 'path'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masked_local_run),
        cmocka_unit_test(test_max_distance),
        cmocka_unit_test(test_urgent_any_case),
        cmocka_unit_test(test_local_errors),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
