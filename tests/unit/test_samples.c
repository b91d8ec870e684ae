/* Reading samples: each kind of bad row is rejected with its row number and
 * reason, a bad value costs that value and not its row, good rows are
 * reprojected and normalised. */
#include "config/config.h"
#include "core/crs.h"
#include "core/error.h"
#include "ingest/samples.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char csv[] =
    "id,lon,lat,Cd,Cd_LOD,Pb\n"
    "ok1,5.74,50.97,1.5,,30\n"     /* row 1: fine */
    "ok2,5.741,50.971,<0.4,,31\n"  /* row 2: censored, limit in the cell */
    "ok3,5.742,50.972,n.d.,0.2,\n" /* row 3: censored, limit column; Pb missing */
    "bad4,,50.97,1,,1\n"           /* row 4: missing coordinate */
    "bad5,5.7x,50.97,1,,1\n"       /* row 5: unparseable coordinate */
    "bad6,5.74,95,1,,1\n"          /* row 6: latitude out of range */
    "bad7,5.74,50.97,-1,,1\n"      /* row 7: negative Cd (cell), Pb kept */
    "nan8,5.74,50.97,NaN,,1\n"     /* row 8: NaN Cd is missing, Pb kept */
    "bad9,5.74,50.97,1,,inf\n"     /* row 9: infinite Pb (cell), Cd kept */
    "bad10,5.74,50.97,abc,,1\n"    /* row 10: Cd not a number (cell) */
    "bad11,5.74,50.97,bdl,,1\n"    /* row 11: Cd censored, no limit anywhere (cell) */
    "bad12,5.74,50.97,,,\n"        /* row 12: no values at all */
    "bad13,4.0,52.0,1,,1\n"        /* row 13: outside the extent */
    "bad14,,,NaN,,-2\n";           /* row 14: several problems at once */

static void load_config(sm_config *cfg, const char *samples_extra)
{
    sm_test_write("s.csv", csv);
    char text[2048];
    snprintf(text, sizeof text,
             "project: t\noutput: out\ncrs: EPSG:28992\n"
             "grid: {resolution: 10, extent: [170000, 320000, 190000, 340000]}\n"
             "samples:\n  path: s.csv\n  crs: EPSG:4326\n  x: lon\n  y: lat\n  id: id\n"
             "  contaminants:\n    cd: {column: Cd, unit: ug/kg, limit_column: Cd_LOD}\n"
             "    pb: Pb\n%s",
             samples_extra);
    assert_int_equal(sm_config_load(sm_test_write("s.yaml", text), cfg), SM_OK);
}

static int read_all(sm_config *cfg, sm_sample_set *set, sm_rejects *rej, sm_read_counts *counts)
{
    OGRSpatialReferenceH work = sm_crs_new(cfg->crs);
    sm_progress_set_mode(SM_PROGRESS_QUIET);
    memset(set, 0, sizeof *set);
    memset(rej, 0, sizeof *rej);
    const double *extent = cfg->grid.from_samples ? NULL : cfg->grid.extent;
    int rc = sm_samples_read(&cfg->samples, cfg->file, work, extent, set, rej, counts, NULL);
    OSRDestroySpatialReference(work);
    return rc;
}

static const sm_reject *reject_of(const sm_rejects *r, long row, sm_reject_scope scope)
{
    for (int i = 0; i < r->n; i++)
        if (r->items[i].row == row && r->items[i].scope == scope)
            return &r->items[i];
    fail_msg("row %ld: no %s in the rejects", row, scope == SM_REJECT_ROW ? "row" : "cell");
    return NULL;
}

/* The row was rejected whole. */
static void assert_reject(const sm_rejects *r, long row, const char *column, const char *reason)
{
    const sm_reject *x = reject_of(r, row, SM_REJECT_ROW);
    assert_string_equal(x->column, column);
    if (!strstr(x->reason, reason))
        fail_msg("row %ld: reason '%s' lacks '%s'", row, x->reason, reason);
}

/* One value of a row that was kept was rejected. */
static void assert_cell_reject(const sm_rejects *r, long row, const char *column,
                               const char *reason)
{
    const sm_reject *x = reject_of(r, row, SM_REJECT_CELL);
    assert_string_equal(x->column, column);
    if (!strstr(x->reason, reason))
        fail_msg("row %ld: reason '%s' lacks '%s'", row, x->reason, reason);
    for (int i = 0; i < r->n; i++)
        if (r->items[i].row == row && r->items[i].scope == SM_REJECT_ROW)
            fail_msg("row %ld was rejected whole: %s", row, r->items[i].reason);
}

static const sm_sample *sample_of_row(const sm_sample_set *set, long row)
{
    for (int i = 0; i < set->n; i++)
        if (set->items[i].row == row)
            return &set->items[i];
    fail_msg("row %ld is not a sample", row);
    return NULL;
}

static void test_bad_rows_rejected(void **state)
{
    (void)state;
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    load_config(&cfg, "");
    assert_int_equal(read_all(&cfg, &set, &rej, &counts), SM_OK);
    assert_int_equal(counts.read, 14);
    assert_int_equal(counts.rejected, 6);
    assert_int_equal(set.n + counts.rejected, 14); /* accepted + rejected = read */
    assert_int_equal(counts.cells_rejected, 4);
    assert_int_equal(rej.n, 6 + 4); /* a line per row rejected, and per value */
    assert_reject(&rej, 4, "lon", "coordinate missing");
    assert_reject(&rej, 5, "lon", "coordinate is not a number");
    assert_reject(&rej, 6, "lon", "longitude/latitude out of range");
    assert_cell_reject(&rej, 7, "Cd", "Cd: negative concentration");
    assert_cell_reject(&rej, 9, "Pb", "Pb: infinite value");
    assert_cell_reject(&rej, 10, "Cd", "Cd: not a number");
    assert_cell_reject(&rej, 11, "Cd", "no detection limit");
    assert_reject(&rej, 12, "", "no contaminant values");
    assert_reject(&rej, 13, "lon", "point outside the grid extent");
    /* every problem of a row is named, the first column is the one at fault;
     * NaN is missing, not a problem */
    assert_reject(&rej, 14, "lon",
                  "lon: coordinate missing; lat: coordinate missing; Pb: negative concentration");
    assert_null(strstr(reject_of(&rej, 14, SM_REJECT_ROW)->reason, "NaN"));
    /* every line carries the sample id and, for a CSV, the file line */
    assert_string_equal(reject_of(&rej, 7, SM_REJECT_CELL)->id, "bad7");
    assert_int_equal(reject_of(&rej, 7, SM_REJECT_CELL)->line, 8);
    assert_string_equal(reject_of(&rej, 13, SM_REJECT_ROW)->id, "bad13");
    /* the sample of a rejected value keeps its other values */
    const sm_sample *s7 = sample_of_row(&set, 7), *s8 = sample_of_row(&set, 8);
    assert_int_equal(s7->flag[0], SM_FLAG_REJECTED);
    assert_true(isnan(s7->value[0]) && isnan(s7->limit[0]));
    assert_true(s7->value[1] == 1.0 && s7->flag[1] == SM_FLAG_DETECTED);
    assert_int_equal(sample_of_row(&set, 9)->flag[1], SM_FLAG_REJECTED);
    assert_true(sample_of_row(&set, 9)->value[0] == 1e-3); /* 1 µg/kg */
    assert_int_equal(sample_of_row(&set, 11)->flag[0], SM_FLAG_REJECTED);
    assert_int_equal(s8->flag[0], SM_FLAG_MISSING);
    for (int i = 0; i < rej.n; i++)
        assert_int_not_equal(rej.items[i].row, 8); /* NaN is not a reject */
    /* per contaminant: accepted + rejected + missing = read */
    assert_int_equal(counts.values_accepted[0], 4); /* rows 1 2 3 9 */
    assert_int_equal(counts.values_rejected[0], 7); /* 7 10 11; 4 5 6 13 with their rows */
    assert_int_equal(counts.values_missing[0], 3);  /* 8 12 14 */
    assert_int_equal(counts.values_accepted[1], 6); /* 1 2 7 8 10 11 */
    assert_int_equal(counts.values_rejected[1], 6); /* 9; 4 5 6 13 14 */
    assert_int_equal(counts.values_missing[1], 2);  /* 3 12 */
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

static void test_good_rows_normalised(void **state)
{
    (void)state;
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    load_config(&cfg, "");
    assert_int_equal(read_all(&cfg, &set, &rej, &counts), SM_OK);
    assert_int_equal(set.n, 8);
    const sm_sample *a = &set.items[0], *b = &set.items[1], *c = &set.items[2];
    assert_string_equal(a->id, "ok1");
    assert_int_equal(a->row, 1);
    /* the same point as test_crs: PROJ's answer for lon 5.74, lat 50.97 */
    assert_true(fabs(a->x - 179782.132660) < 0.001 && fabs(a->y - 331205.790711) < 0.001);
    assert_true(fabs(a->value[0] - 1.5e-3) < 1e-15); /* 1.5 µg/kg */
    assert_int_equal(a->flag[0], SM_FLAG_DETECTED);
    /* "<0.4" µg/kg: limit 0.4e-3 mg/kg, half of it substituted */
    assert_int_equal(b->flag[0], SM_FLAG_CENSORED);
    assert_true(fabs(b->limit[0] - 0.4e-3) < 1e-15 && fabs(b->value[0] - 0.2e-3) < 1e-15);
    /* "n.d." with the limit column */
    assert_true(fabs(c->limit[0] - 0.2e-3) < 1e-15 && fabs(c->value[0] - 0.1e-3) < 1e-15);
    assert_int_equal(c->flag[1], SM_FLAG_MISSING);
    assert_true(isnan(c->value[1]));
    assert_int_equal(counts.censored[0], 2);
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

static void test_drop_policy(void **state)
{
    (void)state;
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    load_config(&cfg, "  censored: drop\n");
    assert_int_equal(read_all(&cfg, &set, &rej, &counts), SM_OK);
    assert_int_equal(set.items[1].flag[0], SM_FLAG_DROPPED);
    assert_true(isnan(set.items[1].value[0]));
    assert_true(fabs(set.items[1].limit[0] - 0.4e-3) < 1e-15);
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

static void test_missing_column_suggests(void **state)
{
    (void)state;
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    load_config(&cfg, "");
    free(cfg.samples.contaminants[1].column);
    cfg.samples.contaminants[1].column = strdup("Pbb");
    assert_int_equal(read_all(&cfg, &set, &rej, &counts), SM_ECONFIG);
    assert_non_null(
        strstr(sm_error_message(), "samples.contaminants.pb.column: column 'Pbb' is not in"));
    assert_non_null(strstr(sm_error_message(), "did you mean 'Pb'?"));
    sm_samples_free(&set);
    sm_config_free(&cfg);
}

static void test_csv_without_crs_refused(void **state)
{
    (void)state;
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    load_config(&cfg, "");
    free(cfg.samples.crs);
    cfg.samples.crs = NULL;
    assert_int_equal(read_all(&cfg, &set, &rej, &counts), SM_ECONFIG);
    assert_non_null(strstr(sm_error_message(), "samples.crs:"));
    assert_non_null(strstr(sm_error_message(), "has no CRS of its own"));
    sm_samples_free(&set);
    sm_config_free(&cfg);
}

/* Reads a file other than the default CSV with the given samples keys. */
static int read_file(const char *path_key_lines, sm_sample_set *set, sm_rejects *rej,
                     sm_read_counts *counts, sm_config *cfg)
{
    char text[2048];
    snprintf(text, sizeof text,
             "project: t\noutput: out\ncrs: EPSG:28992\ngrid: {resolution: 10}\n"
             "samples:\n%s  contaminants: {cd: Cd, pb: {column: Pb, unit: ppm}}\n",
             path_key_lines);
    assert_int_equal(sm_config_load(sm_test_write("f.yaml", text), cfg), SM_OK);
    return read_all(cfg, set, rej, counts);
}

static void test_geojson_input(void **state)
{
    (void)state;
    /* RFC 7946 GeoJSON: WGS84 lon/lat by definition, numbers and text mixed */
    sm_test_write(
        "s.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        "{\"type\": \"Feature\", \"properties\": {\"Cd\": \"<0.5\", \"Pb\": 31},"
        " \"geometry\": {\"type\": \"Point\", \"coordinates\": [5.74, 50.97]}},\n"
        "{\"type\": \"Feature\", \"properties\": {\"Cd\": \"2\", \"Pb\": 12},"
        " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[5.7, 50.9], [5.8, 51]]}},\n"
        "{\"type\": \"Feature\", \"properties\": {\"Cd\": \"1\", \"Pb\": -4},"
        " \"geometry\": null}\n"
        "]}\n");
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    assert_int_equal(read_file("  path: s.geojson\n", &set, &rej, &counts, &cfg), SM_OK);
    assert_int_equal(counts.read, 3);
    assert_int_equal(set.n, 1);
    assert_true(fabs(set.items[0].x - 179782.132660) < 0.001);
    assert_int_equal(set.items[0].flag[0], SM_FLAG_CENSORED);
    assert_true(fabs(set.items[0].value[1] - 31.0) < 1e-12);
    assert_non_null(strstr(rej.items[0].reason, "geometry is not a single point"));
    assert_non_null(strstr(rej.items[1].reason, "no readable geometry"));
    assert_non_null(strstr(rej.items[1].reason, "Pb: negative concentration"));
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

/* With samples.encoding the header is converted too: a Latin-1 column name
 * matches the config's (UTF-8) one, and the text read is UTF-8. */
static void test_encoded_header(void **state)
{
    (void)state;
    sm_test_write("enc.csv", "x,y,Cd,Pb,Bemerkung_\xe4\n181072,333611,1,2,S\xfc\x64\n");
    const char *keys = "  path: enc.csv\n  crs: EPSG:28992\n  x: x\n  y: y\n"
                       "  attributes: [\"Bemerkung_\xc3\xa4\"]\n";
    char lines[512];
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    snprintf(lines, sizeof lines, "%s  encoding: latin1\n", keys);
    assert_int_equal(read_file(lines, &set, &rej, &counts, &cfg), SM_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.items[0].attr[0], "S\xc3\xbc\x64");
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
    /* without it the column is not found */
    assert_int_equal(read_file(keys, &set, &rej, &counts, &cfg), SM_ECONFIG);
    assert_non_null(strstr(sm_error_message(), "is not in"));
    assert_non_null(strstr(sm_error_message(), "header is not UTF-8: set samples.encoding"));
    sm_samples_free(&set);
    sm_config_free(&cfg);
}

/* Coordinates beyond a double (strtod's ERANGE) are not read as 0 or inf. */
static void test_coordinate_out_of_range(void **state)
{
    (void)state;
    sm_test_write("range.csv", "x,y,Cd,Pb\n181072,333611,1,2\n1e-400,333611,1,2\n");
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    assert_int_equal(read_file("  path: range.csv\n  crs: EPSG:28992\n  x: x\n  y: y\n", &set, &rej,
                               &counts, &cfg),
                     SM_OK);
    assert_int_equal(set.n, 1);
    assert_reject(&rej, 2, "x", "x: coordinate out of range");
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

/* A layer in a real Shapefile and GeoPackage, made through OGR, in RD New. */
static void make_layer(const char *driver, const char *path)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH rd = sm_crs_new("EPSG:28992");
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "s", rd, wkbPoint, NULL);
    OSRDestroySpatialReference(rd);
    const char *names[2] = {"Cd", "Pb"};
    for (int i = 0; i < 2; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], OFTReal);
        OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    double pts[3][4] = {
        {181072, 333611, 11.7, 299}, {181025, 333558, 8.6, 277}, {181165, 333537, -1, 199}};
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldDouble(f, 0, pts[i][2]);
        OGR_F_SetFieldDouble(f, 1, pts[i][3]);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, pts[i][0], pts[i][1]);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

static void test_shapefile_and_geopackage_input(void **state)
{
    (void)state;
    const char *cases[2][3] = {{"ESRI Shapefile", "s.shp", "  path: s.shp\n"},
                               {"GPKG", "s.gpkg", "  path: s.gpkg\n  layer: s\n"}};
    for (int c = 0; c < 2; c++) {
        sm_test_rmtree(cases[c][1]);
        make_layer(cases[c][0], sm_test_tmp(cases[c][1]));
        sm_config cfg;
        sm_sample_set set;
        sm_rejects rej;
        sm_read_counts counts;
        assert_int_equal(read_file(cases[c][2], &set, &rej, &counts, &cfg), SM_OK);
        assert_int_equal(counts.read, 3);
        assert_int_equal(set.n, 3);
        /* same CRS: coordinates pass through unchanged */
        assert_true(set.items[0].x == 181072 && set.items[0].y == 333611);
        assert_true(set.items[1].value[0] == 8.6);
        /* a number field's bad value costs that value only */
        assert_int_equal(rej.n, 1);
        assert_int_equal(rej.items[0].scope, SM_REJECT_CELL);
        assert_non_null(strstr(rej.items[0].reason, "Cd: negative concentration"));
        assert_int_equal(set.items[2].flag[0], SM_FLAG_REJECTED);
        assert_true(set.items[2].value[1] == 199);
        sm_samples_free(&set);
        sm_rejects_free(&rej);
        sm_config_free(&cfg);
    }
}

static void test_wkt_column(void **state)
{
    (void)state;
    sm_test_write("w.csv", "geom,Cd,Pb\n"
                           "\"POINT (181072 333611)\",1,2\n"
                           "\"POINT (181025\",1,2\n"
                           "\"MULTIPOINT ((181025 333558))\",3,4\n");
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    assert_int_equal(
        read_file("  path: w.csv\n  crs: EPSG:28992\n  wkt: geom\n", &set, &rej, &counts, &cfg),
        SM_OK);
    assert_int_equal(set.n, 2);
    assert_true(set.items[1].x == 181025 && set.items[1].y == 333558);
    assert_int_equal(rej.n, 1);
    assert_int_equal(rej.items[0].row, 2);
    assert_string_equal(rej.items[0].column, "geom");
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

/* Text that is not valid UTF-8 in a value cell costs that value; in the id
 * (or a coordinate, an attribute) it costs the row. A NaN in a number
 * field is a missing value. */
static void test_bad_text_in_value_or_id(void **state)
{
    (void)state;
    sm_test_write("utf.csv", "id,x,y,Cd,Pb\n"
                             "a1,181072,333611,1,2\n"
                             "a2,181025,333558,1\xfc,3\n" /* Cd not UTF-8: a cell */
                             "\xfc"
                             "3,181165,333537,1,4\n"); /* id not UTF-8: the row */
    sm_config cfg;
    sm_sample_set set;
    sm_rejects rej;
    sm_read_counts counts;
    assert_int_equal(read_file("  path: utf.csv\n  crs: EPSG:28992\n  x: x\n  y: y\n  id: id\n",
                               &set, &rej, &counts, &cfg),
                     SM_OK);
    assert_int_equal(set.n, 2);
    assert_int_equal(counts.rejected, 1);
    assert_cell_reject(&rej, 2, "Cd", "Cd: text is not valid UTF-8");
    assert_string_equal(reject_of(&rej, 2, SM_REJECT_CELL)->id, "a2");
    assert_reject(&rej, 3, "id", "id: text is not valid UTF-8");
    const sm_sample *s2 = sample_of_row(&set, 2);
    assert_int_equal(s2->flag[0], SM_FLAG_REJECTED);
    assert_true(s2->value[1] == 3.0);
    sm_samples_free(&set);
    sm_rejects_free(&rej);
    sm_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bad_rows_rejected),
                                       cmocka_unit_test(test_good_rows_normalised),
                                       cmocka_unit_test(test_drop_policy),
                                       cmocka_unit_test(test_missing_column_suggests),
                                       cmocka_unit_test(test_csv_without_crs_refused),
                                       cmocka_unit_test(test_geojson_input),
                                       cmocka_unit_test(test_shapefile_and_geopackage_input),
                                       cmocka_unit_test(test_wkt_column),
                                       cmocka_unit_test(test_encoded_header),
                                       cmocka_unit_test(test_coordinate_out_of_range),
                                       cmocka_unit_test(test_bad_text_in_value_or_id)};
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
