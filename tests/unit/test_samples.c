/* Reading samples: each kind of bad row is rejected with its row number and
 * reason, good rows are reprojected and normalised. */
#include "config.h"
#include "crs.h"
#include "error.h"
#include "samples.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char csv[] =
    "id,lon,lat,Cd,Cd_LOD,Pb\n"
    "ok1,5.74,50.97,1.5,,30\n"      /* row 1: fine */
    "ok2,5.741,50.971,<0.4,,31\n"   /* row 2: censored, limit in the cell */
    "ok3,5.742,50.972,n.d.,0.2,\n"  /* row 3: censored, limit column; Pb missing */
    "bad4,,50.97,1,,1\n"            /* row 4: missing coordinate */
    "bad5,5.7x,50.97,1,,1\n"        /* row 5: unparseable coordinate */
    "bad6,5.74,95,1,,1\n"           /* row 6: latitude out of range */
    "bad7,5.74,50.97,-1,,1\n"       /* row 7: negative */
    "bad8,5.74,50.97,NaN,,1\n"      /* row 8: NaN */
    "bad9,5.74,50.97,1,,inf\n"      /* row 9: infinite */
    "bad10,5.74,50.97,abc,,1\n"     /* row 10: not a number */
    "bad11,5.74,50.97,bdl,,1\n"     /* row 11: censored, no limit anywhere */
    "bad12,5.74,50.97,,,\n"         /* row 12: no values at all */
    "bad13,4.0,52.0,1,,1\n"         /* row 13: outside the extent */
    "bad14,,,NaN,,-2\n";            /* row 14: several problems at once */

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
    int rc = sm_samples_read(&cfg->samples, cfg->file, work, cfg->grid.extent, set, rej, counts,
                             NULL);
    OSRDestroySpatialReference(work);
    return rc;
}

static const sm_reject *reject_of_row(const sm_rejects *r, long row)
{
    for (int i = 0; i < r->n; i++)
        if (r->items[i].row == row)
            return &r->items[i];
    fail_msg("row %ld not rejected", row);
    return NULL;
}

static void assert_reject(const sm_rejects *r, long row, const char *column, const char *reason)
{
    const sm_reject *x = reject_of_row(r, row);
    assert_string_equal(x->column, column);
    if (!strstr(x->reason, reason))
        fail_msg("row %ld: reason '%s' lacks '%s'", row, x->reason, reason);
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
    assert_int_equal(counts.rejected, 11);
    assert_int_equal(set.n + rej.n, 14); /* accepted + rejected = read */
    assert_reject(&rej, 4, "lon", "coordinate missing");
    assert_reject(&rej, 5, "lon", "coordinate is not a number");
    assert_reject(&rej, 6, "lon", "longitude/latitude out of range");
    assert_reject(&rej, 7, "Cd", "negative concentration");
    assert_reject(&rej, 8, "Cd", "not a number (NaN)");
    assert_reject(&rej, 9, "Pb", "infinite value");
    assert_reject(&rej, 10, "Cd", "Cd: not a number");
    assert_reject(&rej, 11, "Cd", "no detection limit");
    assert_reject(&rej, 12, "", "no contaminant values");
    assert_reject(&rej, 13, "lon", "point outside the grid extent");
    /* every problem of a row is named, the first column is the one at fault */
    assert_reject(&rej, 14, "lon", "lon: coordinate missing; lat: coordinate missing; Cd: not a "
                                   "number (NaN); Pb: negative concentration");
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
    assert_int_equal(set.n, 3);
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
    assert_non_null(strstr(sm_error_message(),
                           "samples.contaminants.pb.column: column 'Pbb' is not in"));
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

static int setup(void **state)
{
    (void)state;
    GDALAllRegister();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_rows_rejected), cmocka_unit_test(test_good_rows_normalised),
        cmocka_unit_test(test_drop_policy), cmocka_unit_test(test_missing_column_suggests),
        cmocka_unit_test(test_csv_without_crs_refused)};
    return cmocka_run_group_tests(tests, setup, NULL);
}
