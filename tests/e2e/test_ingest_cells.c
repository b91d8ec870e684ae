/* End to end: a bad value costs that value, not its row (issue 17, item 13).
 * rejects.csv names the sample id, the row, the line and whether the row or
 * one cell was rejected; NaN is a missing value; run.json and the log count,
 * per contaminant, accepted + rejected + missing = read; interpolation uses
 * a sample for the contaminants it has and skips it for the one it lacks. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

/* Row 3: pb unusable (a cell); row 4: zn NaN (missing); row 5: pb nan
 * (missing); row 6: no x (the row); row 7: pb negative (a cell). */
static const char cells_csv[] = "id,x,y,zn,pb\n"
                                "S1,181100,333100,100,10\n"
                                "S2,181300,333200,200,20\n"
                                "S3,181500,333700,150,abc\n"
                                "S4,181700,333400,NaN,40\n"
                                "S5,181200,333800,120,nan\n"
                                "S6,,333500,130,30\n"
                                "S7,181800,333900,170,-5\n"
                                "S8,181900,333150,90,25\n"
                                "S9,181400,333450,110,15\n";

static const char *config_for(const char *name, const char *csv, const char *extra)
{
    char text[4096], file[256];
    snprintf(text, sizeof text,
             "project: ingest-cells\noutput: out-%s\ncrs: EPSG:28992\n"
             "grid: {resolution: 40, extent: [181000, 333000, 182000, 334000]}\n"
             "samples:\n  path: %s\n  crs: EPSG:28992\n  x: x\n  y: y\n"
             "  contaminants: {zn: zn, pb: pb}\n%s"
             "interpolation: {method: idw, cross_validation: loo}\n",
             name, csv, extra);
    snprintf(file, sizeof file, "%s.yaml", name);
    return sm_test_write(file, text);
}

static char *run_log; /* the log of run_cells' run */

/* `run` (with the log) of the main file, once for the tests that read it. */
static void run_cells(void)
{
    if (run_log)
        return;
    sm_test_rmtree("out-ic");
    const char *csv = sm_test_write("ic.csv", cells_csv);
    char args[4400];
    snprintf(args, sizeof args, "run %s",
             config_for("ic", csv, "  id: id\n  max_reject_share: 0.5\n"));
    int rc = sm_test_cli(args, err, sizeof err);
    if (rc != 0)
        fail_msg("run: exit %d: %s", rc, err);
    run_log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    assert_non_null(run_log);
}

/* ---- the ledger ---- */

typedef struct {
    long row, line;
    char id[32], scope[8], column[32], reason[256];
} ledger_line;

/* The lines of rejects.csv, read through OGR by column name. */
static int read_ledger(const char *path, ledger_line *out, int max)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    const char *names[] = {"row", "line", "id", "scope", "column", "reason"};
    int idx[6];
    for (int i = 0; i < 6; i++)
        if ((idx[i] = OGR_FD_GetFieldIndex(d, names[i])) < 0)
            fail_msg("%s has no column '%s'", path, names[i]);
    int n = 0;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l)) && n < max) {
        ledger_line *x = &out[n++];
        x->row = atol(OGR_F_GetFieldAsString(f, idx[0]));
        x->line = atol(OGR_F_GetFieldAsString(f, idx[1]));
        snprintf(x->id, sizeof x->id, "%s", OGR_F_GetFieldAsString(f, idx[2]));
        snprintf(x->scope, sizeof x->scope, "%s", OGR_F_GetFieldAsString(f, idx[3]));
        snprintf(x->column, sizeof x->column, "%s", OGR_F_GetFieldAsString(f, idx[4]));
        snprintf(x->reason, sizeof x->reason, "%s", OGR_F_GetFieldAsString(f, idx[5]));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return n;
}

static const ledger_line *line_of_row(const ledger_line *l, int n, long row)
{
    for (int i = 0; i < n; i++)
        if (l[i].row == row)
            return &l[i];
    return NULL;
}

static void assert_line(const ledger_line *x, const char *id, long line, const char *scope,
                        const char *column, const char *reason)
{
    assert_non_null(x);
    assert_string_equal(x->id, id);
    assert_int_equal(x->line, line);
    assert_string_equal(x->scope, scope);
    assert_string_equal(x->column, column);
    if (!strstr(x->reason, reason))
        fail_msg("row %ld: reason '%s' lacks '%s'", x->row, x->reason, reason);
}

static void test_ledger_has_id_and_cells(void **state)
{
    (void)state;
    run_cells();
    ledger_line l[16];
    int n = read_ledger(sm_test_out_file("ic", "rejects.csv"), l, 16);
    assert_int_equal(n, 3); /* two values and one row; NaN is not a reject */
    assert_line(line_of_row(l, n, 3), "S3", 4, "cell", "pb", "pb: not a number");
    assert_line(line_of_row(l, n, 7), "S7", 8, "cell", "pb", "pb: negative concentration");
    assert_line(line_of_row(l, n, 6), "S6", 7, "row", "x", "x: coordinate missing");
    assert_null(line_of_row(l, n, 4));
    assert_null(line_of_row(l, n, 5));
}

/* ---- the samples ---- */

/* Field `field` of the sample `id` in samples.gpkg, as text ("(null)" for
 * a null); fails if the sample is not there. */
static void sample_field(const char *id, const char *field, char *out, size_t size)
{
    GDALDatasetH ds =
        GDALOpenEx(sm_test_out_file("ic", "samples.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "samples");
    char where[64];
    snprintf(where, sizeof where, "sample_id = '%s'", id);
    OGR_L_SetAttributeFilter(l, where);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    if (!f)
        fail_msg("sample %s is not in samples.gpkg", id);
    int i = OGR_F_GetFieldIndex(f, field);
    assert_true(i >= 0);
    snprintf(out, size, "%s",
             OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "(null)");
    OGR_F_Destroy(f);
    GDALClose(ds);
}

static void assert_field(const char *id, const char *field, const char *want)
{
    char got[128];
    sample_field(id, field, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("sample %s: %s is '%s', want '%s'", id, field, got, want);
}

static void test_sample_keeps_other_values(void **state)
{
    (void)state;
    run_cells();
    assert_int_equal(sm_test_feature_count(sm_test_out_file("ic", "samples.gpkg"), "samples"), 8);
    assert_field("S3", "zn", "150");
    assert_field("S3", "pb", "(null)");
    assert_field("S3", "pb_flag", "rejected");
    assert_field("S7", "zn", "170");
    assert_field("S7", "pb_flag", "rejected");
    assert_field("S4", "zn", "(null)");
    assert_field("S4", "zn_flag", "missing");
    assert_field("S4", "pb", "40");
    assert_field("S5", "pb_flag", "missing");
}

/* ---- the counts ---- */

static long manifest_long(json_object *m, const char *path)
{
    return json_object_get_int64(sm_test_json(m, path));
}

static void assert_values(json_object *m, const char *c, long read, long accepted, long rejected,
                          long missing)
{
    char path[128];
    const char *keys[4] = {"read", "accepted", "rejected", "missing"};
    long want[4] = {read, accepted, rejected, missing};
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "stages.ingest.values.%s.%s", c, keys[k]);
        if (manifest_long(m, path) != want[k])
            fail_msg("%s is %ld, want %ld", path, manifest_long(m, path), want[k]);
    }
    assert_int_equal(accepted + rejected + missing, read);
}

/* The log line of contaminant c in the table headed "values": its four
 * numbers. */
static void assert_logged_values(const char *log, const char *c, long read, long accepted,
                                 long rejected, long missing)
{
    const char *table = strstr(log, "values");
    while (table && !strstr(table, "accepted"))
        table = strstr(table + 1, "values");
    assert_non_null(table);
    char needle[32];
    snprintf(needle, sizeof needle, "\n  %s ", c);
    const char *line = strstr(table, needle);
    if (!line)
        fail_msg("no line for %s in the log's values table:\n%s", c, log);
    long got[4];
    assert_int_equal(
        sscanf(line + strlen(needle), "%ld %ld %ld %ld", &got[0], &got[1], &got[2], &got[3]), 4);
    assert_true(got[0] == read && got[1] == accepted && got[2] == rejected && got[3] == missing);
}

static void test_counts_per_contaminant(void **state)
{
    (void)state;
    run_cells();
    json_object *m = json_object_from_file(sm_test_out_file("ic", "run.json"));
    assert_non_null(m);
    assert_int_equal(manifest_long(m, "stages.ingest.rows_read"), 9);
    assert_int_equal(manifest_long(m, "stages.ingest.rows_rejected"), 1);
    assert_int_equal(manifest_long(m, "stages.ingest.rows_accepted"), 8);
    assert_int_equal(manifest_long(m, "stages.ingest.values_rejected"), 2);
    assert_values(m, "zn", 9, 7, 1, 1); /* rejected: S6's, with its row */
    assert_values(m, "pb", 9, 5, 3, 1); /* rejected: S3, S7, S6's */
    /* after merging, the samples without a pb value, by why */
    assert_int_equal(manifest_long(m, "stages.ingest.contaminants_mg_per_kg.pb.n"), 5);
    assert_int_equal(manifest_long(m, "stages.ingest.contaminants_mg_per_kg.pb.rejected"), 2);
    assert_int_equal(manifest_long(m, "stages.ingest.contaminants_mg_per_kg.pb.missing"), 1);
    json_object_put(m);
    assert_logged_values(run_log, "zn", 9, 7, 1, 1);
    assert_logged_values(run_log, "pb", 9, 5, 3, 1);
}

/* ---- downstream ---- */

/* Interpolation reads the samples back per contaminant: a sample without a
 * pb value is not a pb sample, and still a zn one. */
static void test_interpolation_skips_missing_values(void **state)
{
    (void)state;
    run_cells();
    json_object *m = json_object_from_file(sm_test_out_file("ic", "run.json"));
    assert_non_null(m);
    assert_string_equal(json_object_get_string(sm_test_json(m, "stages.interpolate.status")), "ok");
    json_object_put(m);
    const char *gpkg = sm_test_out_file("ic", "samples.gpkg");
    assert_int_equal(sm_test_feature_count(gpkg, "cv_zn"), 7);
    assert_int_equal(sm_test_feature_count(gpkg, "cv_pb"), 5);
    /* IDW is exact at a sample: the pb surface at S3 is not S3's (it has
     * none), the zn surface there is */
    sm_test_raster zn;
    sm_test_read_raster(sm_test_out_file("ic", "surfaces/zn.tif"), 1, &zn);
    double at = sm_test_raster_at(&zn, 181500, 333700);
    free(zn.v);
    assert_true(at > 100 && at < 200);
}

/* ---- max_reject_share ---- */

/* The share counts rows, and then each contaminant's values: a column
 * mostly unusable stops the run though every row is kept. Without
 * samples.id, the ledger's id is empty and the row number stands. */
static void test_value_share_limit(void **state)
{
    (void)state;
    sm_test_rmtree("out-ic-share");
    const char *csv = sm_test_write("ic-share.csv", "x,y,zn,pb\n"
                                                    "181100,333100,100,10\n"
                                                    "181300,333200,200,x\n"
                                                    "181500,333700,150,y\n"
                                                    "181700,333400,120,40\n"
                                                    "181200,333800,120,<>\n"
                                                    "181800,333900,170,5\n"
                                                    "181900,333150,90,25\n"
                                                    "181400,333450,110,15\n"
                                                    "181600,333550,130,12\n"
                                                    "181650,333250,140,22\n");
    char args[4400];
    snprintf(args, sizeof args, "run -q %s", config_for("ic-share", csv, ""));
    sm_test_assert_one_line_error(sm_test_cli(args, err, sizeof err), 65, err,
                                  "3 of 10 pb values rejected (30.0%, limit 10.0%)");
    ledger_line l[16];
    int n = read_ledger(sm_test_out_file("ic-share", "rejects.csv"), l, 16);
    assert_int_equal(n, 3);
    assert_line(line_of_row(l, n, 2), "", 3, "cell", "pb", "pb: not a number");
    /* the same file passes with a limit that allows it */
    snprintf(args, sizeof args, "run -q %s",
             config_for("ic-share", csv, "  max_reject_share: 0.3\n"));
    if (sm_test_cli(args, err, sizeof err) != 0)
        fail_msg("run: %s", err);
    assert_int_equal(sm_test_feature_count(sm_test_out_file("ic-share", "samples.gpkg"), "samples"),
                     10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledger_has_id_and_cells),
        cmocka_unit_test(test_sample_keeps_other_values),
        cmocka_unit_test(test_counts_per_contaminant),
        cmocka_unit_test(test_interpolation_skips_missing_values),
        cmocka_unit_test(test_value_share_limit),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
