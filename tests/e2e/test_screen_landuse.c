/* End to end: the land use of screened sites and the sites screening cannot
 * assess, on the synthetic GB 15618 field (gbsite.c: a flat Cd of 0.5 mg/kg,
 * rice north, dryland south, pH 7, IDW). There the first tier is 0.6 on paddy
 * (ratio 0.83: low) and 0.3 on other land (ratio 1.67: medium), so a site's
 * priority says which land use it was screened with.
 *
 * - Land-use names match whatever their case: a site's "Rice" is the class
 *   rice, not the map's dryland; thresholds.classes keys and categories, the
 *   layer's classes and raster codes too.
 * - A site whose own land use names no class is counted and warned about, and
 *   says in its row that it took the map's class.
 * - A site outside the grid is "not assessed", ranked last, counted. */
#include "gbsite.h"
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

/* The registry: coordinates in EPSG:32650, land use in column Landuse. */
static const char sites_csv[] = "site_id,x,y,Landuse\n"
                                "A1,500300,3300200,Rice\n"    /* on dryland, says rice */
                                "A2,500300,3300800,DRYLAND\n" /* on rice, says dryland */
                                "A3,500600,3300200,Pasture\n" /* no such class: the map's */
                                "A4,500600,3300800,\n"        /* none given: the map's */
                                "O1,505000,3305000,rice\n";   /* outside the grid */

/* NAME.yaml: the GB config with classes, pH 7 and the registry; run into
 * out-NAME without -q, so that warnings reach cli.stderr. */
static int run_screening_ph(const char *name, const char *landuse, const char *classes,
                            const char *ph_yaml)
{
    char cfg[8192], file[128], out[128], args[1200];
    gb_config(cfg, sizeof cfg, gb_samples_csv("screen_lu.csv", 0.5, 7.0), landuse, NULL, classes,
              ph_yaml);
    size_t len = strlen(cfg);
    snprintf(cfg + len, sizeof cfg - len,
             "screening: {sites: %s, crs: EPSG:32650, x: x, y: y, landuse: Landuse}\n",
             sm_test_write("screen_lu_sites.csv", sites_csv));
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    snprintf(args, sizeof args, "run -o %s %s", sm_test_tmp(out), sm_test_write(file, cfg));
    return sm_test_cli(args, err, sizeof err);
}

static int run_screening(const char *name, const char *landuse, const char *classes)
{
    return run_screening_ph(name, landuse, classes, "7.0");
}

typedef struct {
    char id[16], landuse[32], source[16], priority_class[32], reason[300];
    int priority_set;
} row;

/* The rows of sites_screened.gpkg in file order (at most 8). */
static int read_rows(const char *name, row *rows)
{
    GDALDatasetH ds =
        GDALOpenEx(sm_test_out_file(name, "sites_screened.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "sites");
    assert_non_null(l);
    OGRFeatureH f;
    int n = 0;
    while (n < 8 && (f = OGR_L_GetNextFeature(l))) {
        row *r = &rows[n++];
#define TEXT(dst, field)                                                                           \
    snprintf(dst, sizeof dst, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, field)))
        TEXT(r->id, "site_id");
        TEXT(r->landuse, "landuse");
        TEXT(r->source, "landuse_source");
        TEXT(r->priority_class, "priority_class");
        TEXT(r->reason, "reason");
#undef TEXT
        r->priority_set = OGR_F_IsFieldSetAndNotNull(f, OGR_F_GetFieldIndex(f, "priority"));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

static const row *find(const row *rows, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].id, id))
            return &rows[i];
    fail_msg("site %s is not in sites_screened.gpkg", id);
    return NULL;
}

static void expect_site(const row *rows, int n, const char *id, const char *landuse,
                        const char *source, const char *priority)
{
    const row *r = find(rows, n, id);
    print_message("%s: %s (%s) %s: %s\n", id, r->landuse, r->source, r->priority_class, r->reason);
    if (strcmp(r->landuse, landuse) || strcmp(r->source, source) ||
        strcmp(r->priority_class, priority))
        fail_msg("%s: land use '%s' from '%s', priority '%s'; want '%s' from '%s', '%s'", id,
                 r->landuse, r->source, r->priority_class, landuse, source, priority);
}

static long record(json_object *run, const char *path)
{
    char full[200];
    snprintf(full, sizeof full, "stages.screen.%s", path);
    return (long)json_object_get_int64(sm_test_json(run, full));
}

static char *run_log; /* cli.stderr of the run of the registry as it is */

/* One run of the registry, which the first two tests read. */
static int setup(void **state)
{
    sm_test_setup_gdal(state);
    int rc = run_screening("screen-lu", NULL, NULL);
    run_log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    if (rc != 0)
        fail_msg("run: exit %d: %s", rc, err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(run_log);
    return 0;
}

static void test_site_land_use_any_case_and_unknown_counted(void **state)
{
    (void)state;
    row rows[8];
    int n = read_rows("screen-lu", rows);
    assert_int_equal(n, 5);
    expect_site(rows, n, "A1", "rice", "site", "low");
    expect_site(rows, n, "A2", "dryland", "site", "medium");
    expect_site(rows, n, "A3", "dryland", "map", "medium");
    expect_site(rows, n, "A4", "rice", "map", "low");
    const row *a3 = find(rows, n, "A3");
    if (!strstr(a3->reason, "'Pasture' is not a class"))
        fail_msg("A3's reason does not say its land use is unknown: %s", a3->reason);

    json_object *run = gb_manifest("screen-lu");
    assert_int_equal(record(run, "landuse.from_site"), 2);
    assert_int_equal(record(run, "landuse.from_map"), 2);
    assert_int_equal(record(run, "landuse.unknown"), 1);
    assert_int_equal(record(run, "landuse.missing"), 1);
    json_object *ex = sm_test_json(run, "stages.screen.landuse.unknown_examples");
    assert_int_equal(json_object_array_length(ex), 1);
    json_object *first = json_object_array_get_idx(ex, 0);
    assert_string_equal(json_object_get_string(sm_test_json(first, "site_id")), "A3");
    assert_string_equal(json_object_get_string(sm_test_json(first, "value")), "Pasture");
    json_object_put(run);

    const char *log = run_log;
    const char *line = strstr(log, "warning: screen: 1 of 5 sites have a land use");
    if (!line || !strstr(line, "A3 'Pasture'"))
        fail_msg("no warning naming the unknown land use:\n%s", log);
    if (!strstr(log, "warning: screen: 1 of 5 sites have no value in screening.landuse"))
        fail_msg("no warning about the site without a land use:\n%s", log);
}

static void test_outside_grid_not_assessed_last(void **state)
{
    (void)state;
    row rows[8];
    int n = read_rows("screen-lu", rows);
    assert_int_equal(n, 5);
    const row *last = &rows[n - 1];
    print_message("last: %s %s: %s\n", last->id, last->priority_class, last->reason);
    assert_string_equal(last->id, "O1");
    assert_string_equal(last->priority_class, "not assessed");
    assert_false(last->priority_set); /* no rank, not "4" */
    assert_non_null(strstr(last->reason, "outside the analysis grid"));
    for (int i = 0; i < n - 1; i++)
        assert_string_not_equal(rows[i].priority_class, "not assessed");

    /* the CSV says the same */
    char *csv = sm_test_slurp(sm_test_out_file("screen-lu", "sites_screened.csv"));
    const char *o1 = strstr(csv, "O1,");
    if (!o1 || !strstr(o1, "not assessed"))
        fail_msg("sites_screened.csv does not show O1 as not assessed:\n%s", csv);
    free(csv);

    json_object *run = gb_manifest("screen-lu");
    assert_int_equal(record(run, "priority.not assessed"), 1);
    assert_int_equal(record(run, "priority.very low"), 0);
    assert_int_equal(record(run, "not_assessed.outside_grid"), 1);
    json_object_put(run);

    const char *log = run_log;
    if (!strstr(log, "warning: screen: 1 of 5 sites not assessed (1 outside the analysis grid)"))
        fail_msg("no warning counting the sites not assessed:\n%s", log);
    if (!strstr(log, "1 not assessed"))
        fail_msg("the screen summary does not count the sites not assessed:\n%s", log);
}

/* Config classes and guideline categories in another case than the layer's
 * classes and the table's land uses. */
static void test_classes_and_categories_any_case(void **state)
{
    (void)state;
    int rc = run_screening("screen-lu-case", NULL, "{RICE: Paddy, Dryland: [OTHER]}");
    if (rc != 0)
        fail_msg("run: exit %d: %s", rc, err);
    json_object *run = gb_manifest("screen-lu-case");
    assert_int_equal(
        json_object_get_int64(sm_test_json(run, "stages.classify.landuse.cells_unmapped_class")),
        0);
    assert_int_equal(
        json_object_get_int64(sm_test_json(run, "stages.classify.landuse.cells_per_class.RICE")),
        N * N / 2);
    json_object_put(run);
    row rows[8];
    int n = read_rows("screen-lu-case", rows);
    expect_site(rows, n, "A1", "RICE", "site", "low");
    expect_site(rows, n, "A2", "Dryland", "site", "medium");
}

/* A land-use raster (1 north, 2 south) whose codes name classes in
 * another case. */
static void test_raster_codes_any_case(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("screen_lu_codes.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, N, N, 1, GDT_Byte, NULL);
    assert_non_null(ds);
    double gt[6] = {X0, RES, 0, Y0 + N * RES, 0, -RES};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32650);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    unsigned char v[N * N];
    for (int r = 0; r < N; r++)
        memset(v + r * N, gb_is_paddy_row(r) ? 1 : 2, N);
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, N, N, v, N, N, GDT_Byte, 0, 0),
        CE_None);
    GDALClose(ds);
    char landuse[700];
    snprintf(landuse, sizeof landuse, "%s, codes: {1: Rice, 2: DRYLAND}", path);
    /* gb_config writes {path: LANDUSE, field: class}: the field is unused with codes */
    int rc = run_screening("screen-lu-codes", landuse, "{rice: paddy, dryland: other}");
    if (rc != 0)
        fail_msg("run: exit %d: %s", rc, err);
    json_object *run = gb_manifest("screen-lu-codes");
    assert_int_equal(
        json_object_get_int64(sm_test_json(run, "stages.classify.landuse.cells_per_class.rice")),
        N * N / 2);
    json_object_put(run);
}

/* Classes that differ only in case would be one class: a config error. */
static void test_classes_differing_in_case_refused(void **state)
{
    (void)state;
    char cfg[8192];
    gb_config(cfg, sizeof cfg, gb_samples_csv("screen_lu.csv", 0.5, 7.0), NULL, NULL,
              "{rice: paddy, dryland: other, Rice: other}", "7.0");
    char args[1000];
    snprintf(args, sizeof args, "validate -q %s", sm_test_write("screen-lu-dup.yaml", cfg));
    int rc = sm_test_cli(args, err, sizeof err);
    sm_test_assert_one_line_error(rc, 78, err, "class 'Rice' is class 'rice' again");
}

/* thresholds.overrides reach screening as they reach classify: with the
 * paddy value lowered from 0.6 to 0.4, site A1 (rice) has a ratio of 1.25
 * and is medium, no longer low (screen used the table as shipped). */
static void test_overrides_apply_to_sites(void **state)
{
    (void)state;
    int rc = run_screening_ph("screen-lu-override", NULL, NULL,
                              "7.0\n  overrides: [{contaminant: cd, land_use: paddy, tier: 1, "
                              "value: 0.4}]");
    if (rc != 0)
        fail_msg("run: exit %d: %s", rc, err);
    row rows[8];
    int n = read_rows("screen-lu-override", rows);
    expect_site(rows, n, "A1", "rice", "site", "medium");
    assert_non_null(strstr(find(rows, n, "A1")->reason, "first tier 1.25"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_land_use_any_case_and_unknown_counted),
        cmocka_unit_test(test_outside_grid_not_assessed_last),
        cmocka_unit_test(test_classes_and_categories_any_case),
        cmocka_unit_test(test_raster_codes_any_case),
        cmocka_unit_test(test_classes_differing_in_case_refused),
        cmocka_unit_test(test_overrides_apply_to_sites),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
