/* End to end: `soilmap run` through the classify stage. GB 15618 cadmium on a
 * synthetic flat field with known land use and soil pH, probabilities against
 * the kriging surfaces, the Meuse metals against the Dutch values, and bad
 * tables and configs through the CLI. The expected guideline values are
 * copied from the tables in configs/thresholds/, citing their lines; they
 * agree with /work/shared/reference/thresholds.md. */
#include "gbsite.h"
#include "testutil.h"

#include <cpl_string.h>
#include <dirent.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define get sm_test_json

/* ---- rasters ---- */

typedef sm_test_raster raster;

static int is_nodata(const raster *r, long i) { return r->has_nodata && r->v[i] == r->nodata; }

static void assert_same_grid(const raster *a, const raster *b)
{
    assert_int_equal(a->w, b->w);
    assert_int_equal(a->h, b->h);
    for (int k = 0; k < 6; k++)
        assert_true(a->gt[k] == b->gt[k]);
}

static void assert_rel(double got, double want, double tol, const char *what, long cell)
{
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("%s at cell %ld: %.9g, expected %.9g", what, cell, got, want);
}

/* ---- the synthetic GB 15618 site ---- */

/* GB 15618 cadmium, configs/thresholds/china_gb15618.csv lines 2-9 (paddy)
 * and 10-17 (other): screening and control value per pH band. */
static const struct {
    double lo, hi, paddy[2], other[2];
} cd_bands[] = {
    {-HUGE_VAL, 5.5, {0.3, 1.5}, {0.3, 1.5}}, /* pH<=5.5:     lines 2-3, 10-11 */
    {5.5, 6.5, {0.4, 2.0}, {0.3, 2.0}},       /* 5.5<pH<=6.5: lines 4-5, 12-13 */
    {6.5, 7.5, {0.6, 3.0}, {0.3, 3.0}},       /* 6.5<pH<=7.5: lines 6-7, 14-15 */
    {7.5, HUGE_VAL, {0.8, 4.0}, {0.6, 4.0}},  /* pH>7.5:      lines 8-9, 16-17 */
};

static double cd_screening(double ph, int paddy)
{
    for (int b = 0; b < 4; b++)
        if (ph > cd_bands[b].lo && ph <= cd_bands[b].hi)
            return paddy ? cd_bands[b].paddy[0] : cd_bands[b].other[0];
    fail_msg("pH %g in no band", ph);
    return NAN;
}

/* Checks a GB 15618 run: cell (row, col) has pH ph[col / 5] and class
 * want[paddy ? 0 : 1][col / 5]; the ratio is cd / the band's screening value.
 * check_ph: ph.tif holds the pH as used. */
static void check_gb_cells(const char *name, double cd, const double ph[4], const int want[2][4],
                           int check_ph)
{
    raster conc, cls, ratio, lu, phr = {0};
    gb_read_out(name, "surfaces/cd.tif", 1, &conc);
    gb_read_out(name, "classes/cd_class.tif", 1, &cls);
    gb_read_out(name, "classes/cd_ratio.tif", 1, &ratio);
    gb_read_out(name, "classes/landuse.tif", 1, &lu);
    assert_int_equal(cls.w, N);
    assert_int_equal(cls.h, N);
    assert_same_grid(&conc, &cls), assert_same_grid(&conc, &ratio), assert_same_grid(&conc, &lu);
    if (check_ph) {
        gb_read_out(name, "classes/ph.tif", 1, &phr);
        assert_same_grid(&conc, &phr);
    } else
        assert_false(gb_file_exists(sm_test_out_file(name, "classes/ph.tif")));
    for (long i = 0; i < N * N; i++) {
        int row = (int)(i / N), stripe = (int)(i % N) / 5, paddy = gb_is_paddy_row(row);
        assert_rel(conc.v[i], cd, 1e-6, "cd.tif", i);
        if (check_ph && phr.v[i] != ph[stripe])
            fail_msg("ph.tif at cell %ld: %.9g, expected %g", i, phr.v[i], ph[stripe]);
        if (lu.v[i] != (paddy ? 1 : 2))
            fail_msg("landuse.tif at cell %ld: %g", i, lu.v[i]);
        if (cls.v[i] != want[paddy ? 0 : 1][stripe])
            fail_msg("cd_class.tif at cell %ld (%s, pH %g, cd %g): %g, expected %d", i,
                     paddy ? "paddy" : "other", ph[stripe], cd, cls.v[i],
                     want[paddy ? 0 : 1][stripe]);
        assert_rel(ratio.v[i], cd / cd_screening(ph[stripe], paddy), 1e-6, "cd_ratio.tif", i);
    }
    free(conc.v), free(cls.v), free(ratio.v), free(lu.v), free(phr.v);
}

/* Four pH regimes from a raster: columns 0-4 pH 5.0, 5-9 6.0, 10-14 7.0,
 * 15-19 8.0; the north half paddy, the south half other; flat Cd fields. */
static void test_gb15618_ph_raster(void **state)
{
    (void)state;
    /* larger than the grid, cells aligned with it */
    const char *ph =
        gb_write_ph_raster("ph_stripes.tif", X0 - 200, Y0 + 1100, 28, 24, gb_stripes_ph);
    char yaml[4200], cfg[8192];
    snprintf(yaml, sizeof yaml, "{raster: %s}", ph);
    static const double phs[4] = {5.0, 6.0, 7.0, 8.0};
    static const double cds[3] = {0.5, 1.8, 3.5};
    /* class = (cd > screening) + (cd > control), from cd_bands per stripe */
    static const int want[3][2][4] = {
        {{1, 1, 0, 0}, {1, 1, 1, 0}}, /* 0.5: paddy 0.3 0.4 | 0.6 0.8; other 0.3 x3 | 0.6 */
        {{2, 1, 1, 1}, {2, 1, 1, 1}}, /* 1.8: above control 1.5 at pH 5 only */
        {{2, 2, 2, 1}, {2, 2, 2, 1}}, /* 3.5: above control except 4.0 at pH 8 */
    };
    for (int k = 0; k < 3; k++) {
        char name[32], csv[32];
        snprintf(name, sizeof name, "gb-raster-%d", k);
        snprintf(csv, sizeof csv, "flat-%d.csv", k);
        gb_run_ok(name, gb_config(cfg, sizeof cfg, gb_samples_csv(csv, cds[k], 6.0), NULL, NULL,
                                  NULL, yaml));
        check_gb_cells(name, cds[k], phs, want[k], 1);
    }
    /* the counts in run.json (last run, cd 3.5): class 1 only in the pH 8 stripe */
    json_object *m = gb_manifest("gb-raster-2");
    json_object *cells = get(m, "stages.classify.contaminants.cd.cells_per_class");
    assert_int_equal(json_object_array_length(cells), 3);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(cells, 0)), 0);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(cells, 1)), 100);
    assert_int_equal(json_object_get_int64(json_object_array_get_idx(cells, 2)), 300);
    assert_int_equal(json_object_get_int64(get(m, "stages.classify.landuse.cells_per_class.rice")),
                     200);
    json_object_put(m);
}

/* pH from a samples column (all 7.0: a flat pH surface) and as one value
 * on a band edge: 5.5 is in pH<=5.5, 6.5 in 5.5<pH<=6.5. */
static void test_gb15618_ph_column_and_value(void **state)
{
    (void)state;
    char cfg[8192];
    static const double ph7[4] = {7.0, 7.0, 7.0, 7.0}, ph55[4] = {5.5, 5.5, 5.5, 5.5},
                        ph65[4] = {6.5, 6.5, 6.5, 6.5};
    /* cd 0.5 at pH 7: paddy screening 0.6 (line 6), other 0.3 (line 14) */
    static const int want7[2][4] = {{0, 0, 0, 0}, {1, 1, 1, 1}};
    gb_run_ok("gb-column", gb_config(cfg, sizeof cfg, gb_samples_csv("col.csv", 0.5, 7.0), NULL,
                                     NULL, NULL, "{column: pH}"));
    check_gb_cells("gb-column", 0.5, ph7, want7, 1);
    json_object *m = gb_manifest("gb-column");
    assert_int_equal(json_object_get_int(get(m, "stages.classify.ph_samples")), 60);
    json_object_put(m);
    /* cd 1.8 at pH 5.5: control 1.5 (lines 3, 11) -> class 2; at 6.5 control 2.0
     * (lines 5, 13) -> class 1, ratio 1.8 / 0.4 (paddy, line 4) and 1.8 / 0.3 (other) */
    static const int want55[2][4] = {{2, 2, 2, 2}, {2, 2, 2, 2}};
    static const int want65[2][4] = {{1, 1, 1, 1}, {1, 1, 1, 1}};
    gb_run_ok("gb-5.5", gb_config(cfg, sizeof cfg, gb_samples_csv("v55.csv", 1.8, 7.0), NULL, NULL,
                                  NULL, "5.5"));
    check_gb_cells("gb-5.5", 1.8, ph55, want55, 0);
    gb_run_ok("gb-6.5", gb_config(cfg, sizeof cfg, gb_samples_csv("v65.csv", 1.8, 7.0), NULL, NULL,
                                  NULL, "6.5"));
    check_gb_cells("gb-6.5", 1.8, ph65, want65, 0);
}

/* ---- probabilities ---- */

/* P(Z > t), Z ~ N(mean, var): 1 - Phi((t - mean) / sd). */
static double exceed(double t, double mean, double var)
{
    if (!(var > 0))
        return mean > t ? 1 : 0;
    return 0.5 * erfc((t - mean) / sqrt(2 * var));
}

/* Band k of classes/<c>_prob.tif against the kriging mean and variance, on
 * the kriging scale (log when take_log); returns how many cells are
 * strictly between 0.01 and 0.99 (so that the check is not trivial). */
static long check_prob(const char *name, const char *c, const char *mean_file, const char *var_file,
                       const double *tiers, int ntiers, int take_log)
{
    char file[128];
    raster mean, var;
    snprintf(file, sizeof file, "surfaces/%s", mean_file);
    gb_read_out(name, file, 1, &mean);
    snprintf(file, sizeof file, "surfaces/%s", var_file);
    gb_read_out(name, file, 1, &var);
    long between = 0;
    for (int k = 0; k < ntiers; k++) {
        raster p;
        snprintf(file, sizeof file, "classes/%s_prob.tif", c);
        gb_read_out(name, file, k + 1, &p);
        assert_same_grid(&mean, &p);
        double t = take_log ? log(tiers[k]) : tiers[k];
        for (long i = 0; i < (long)p.w * p.h; i++) {
            if (is_nodata(&mean, i)) {
                assert_true(is_nodata(&p, i));
                continue;
            }
            double want = exceed(t, mean.v[i], var.v[i]);
            if (fabs(p.v[i] - want) > 1e-6)
                fail_msg("%s_prob.tif band %d cell %ld: %.9g, expected %.9g (mean %.9g, var "
                         "%.9g)",
                         c, k + 1, i, p.v[i], want, mean.v[i], var.v[i]);
            between += want > 0.01 && want < 0.99;
        }
        free(p.v);
    }
    free(mean.v), free(var.v);
    return between;
}

/* NL zinc, configs/thresholds/netherlands.csv lines 16-17: target 140,
 * intervention 720 (reference/thresholds.md agrees). */
static const double zn_nl[2] = {140, 720};

static const char *meuse_config(char *buf, size_t size, const char *contaminants,
                                const char *interp, const char *extra)
{
    snprintf(buf, size,
             "project: meuse-classify\noutput: o\ncrs: EPSG:28992\n"
             "grid: {resolution: 40, extent: from-samples, buffer: 100}\n"
             "samples: {path: %s, crs: EPSG:28992, x: x, y: y,\n"
             "          contaminants: {%s}}\n"
             "interpolation:\n  method: kriging\n%s  neighbours: {max: 20}\n"
             "  variogram: {model: Sph, fit: 7}\n  cross_validation: none\n"
             "landuse: {default: floodplain}\n"
             "thresholds:\n  table: %s\n  classes: {floodplain: all}\n%s",
             sm_test_src("data/meuse/meuse.csv"), contaminants, interp,
             sm_test_src("configs/thresholds/netherlands.csv"), extra ? extra : "");
    return buf;
}

/* Kriging without a transform: P = 1 - Phi((t - zn) / sqrt(zn_var)). */
static void test_probability_kriging(void **state)
{
    (void)state;
    char cfg[8192];
    gb_run_ok("prob", meuse_config(cfg, sizeof cfg, "zn: zinc", "  transform: none\n", NULL));
    long between = check_prob("prob", "zn", "zn.tif", "zn_var.tif", zn_nl, 2, 0);
    assert_true(between > 100);
    json_object *m = gb_manifest("prob");
    assert_true(json_object_get_boolean(get(m, "stages.classify.contaminants.zn.probabilities")));
    json_object_put(m);
}

/* Log kriging left on the log scale (back_transform: none): zn.tif holds
 * ln(zn), so the ratio is exp(zn.tif) / 140 and the probabilities use ln t. */
static void test_probability_log_scale(void **state)
{
    (void)state;
    char cfg[8192];
    gb_run_ok("prob-log", meuse_config(cfg, sizeof cfg, "zn: zinc",
                                       "  transform: log\n  back_transform: none\n", NULL));
    assert_true(check_prob("prob-log", "zn", "zn.tif", "zn_var.tif", zn_nl, 2, 1) > 100);
    raster conc, ratio, cls;
    gb_read_out("prob-log", "surfaces/zn.tif", 1, &conc);
    gb_read_out("prob-log", "classes/zn_ratio.tif", 1, &ratio);
    gb_read_out("prob-log", "classes/zn_class.tif", 1, &cls);
    for (long i = 0; i < (long)conc.w * conc.h; i++) {
        if (is_nodata(&conc, i))
            continue;
        double zn = exp(conc.v[i]);
        assert_rel(ratio.v[i], zn / zn_nl[0], 1e-6, "zn_ratio.tif", i);
        assert_true(cls.v[i] == (zn > zn_nl[0]) + (zn > zn_nl[1]));
    }
    free(conc.v), free(ratio.v), free(cls.v);
}

/* ---- Meuse against the Dutch target and intervention values ---- */

static void assert_class_band_described(const char *path)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    assert_int_equal(GDALGetRasterDataType(b), GDT_Byte);
    int has = 0;
    assert_true(GDALGetRasterNoDataValue(b, &has) == 255 && has);
    char **names = GDALGetRasterCategoryNames(b);
    assert_non_null(names);
    assert_true(CSLCount(names) >= 3);
    assert_string_equal(names[0], "below target");
    assert_string_equal(names[1], "above target");
    assert_string_equal(names[2], "above intervention");
    GDALColorTableH ct = GDALGetRasterColorTable(b);
    assert_non_null(ct);
    assert_true(GDALGetColorEntryCount(ct) >= 3);
    assert_int_equal(GDALGetRasterColorInterpretation(b), GCI_PaletteIndex);
    /* three distinct colours for the three classes */
    const GDALColorEntry *c0 = GDALGetColorEntry(ct, 0), *c1 = GDALGetColorEntry(ct, 1),
                         *c2 = GDALGetColorEntry(ct, 2);
    assert_true(memcmp(c0, c1, sizeof *c0) && memcmp(c1, c2, sizeof *c1) &&
                memcmp(c0, c2, sizeof *c0));
    GDALClose(ds);
}

/* NL values, configs/thresholds/netherlands.csv: cd lines 4-5, cu 8-9,
 * pb 14-15, zn 16-17; background values (arbitrary) for the PLI. */
static const struct {
    const char *name;
    double target, intervention, background;
} nl[] = {{"cd", 0.8, 12, 0.4}, {"cu", 36, 190, 20}, {"pb", 85, 530, 40}, {"zn", 140, 720, 120}};

/* Per contaminant: the class and ratio from surfaces/<c>.tif, the
 * probabilities from <c>_log.tif and <c>_logvar.tif; returns the ratios. */
static double *check_meuse_contaminant(int m, long *ncells, long counts[3])
{
    char file[128];
    raster conc, cls, ratio;
    snprintf(file, sizeof file, "surfaces/%s.tif", nl[m].name);
    gb_read_out("meuse", file, 1, &conc);
    snprintf(file, sizeof file, "classes/%s_class.tif", nl[m].name);
    gb_read_out("meuse", file, 1, &cls);
    assert_class_band_described(sm_test_out_file("meuse", file));
    snprintf(file, sizeof file, "classes/%s_ratio.tif", nl[m].name);
    gb_read_out("meuse", file, 1, &ratio);
    assert_same_grid(&conc, &cls), assert_same_grid(&conc, &ratio);
    for (long i = 0; i < (long)conc.w * conc.h; i++) {
        assert_false(is_nodata(&conc, i)); /* no radius: every cell has a prediction */
        int want = (conc.v[i] > nl[m].target) + (conc.v[i] > nl[m].intervention);
        if (cls.v[i] != want)
            fail_msg("%s_class.tif cell %ld: %g for %.9g mg/kg, expected %d", nl[m].name, i,
                     cls.v[i], conc.v[i], want);
        counts[want]++;
        assert_rel(ratio.v[i], conc.v[i] / nl[m].target, 1e-6, file, i);
    }
    char mean[64], var[64];
    snprintf(mean, sizeof mean, "%s_log.tif", nl[m].name);
    snprintf(var, sizeof var, "%s_logvar.tif", nl[m].name);
    double tiers[2] = {nl[m].target, nl[m].intervention};
    check_prob("meuse", nl[m].name, mean, var, tiers, 2, 1);
    *ncells = (long)conc.w * conc.h;
    free(conc.v), free(cls.v);
    return ratio.v;
}

/* n_exceeding, max_ratio, nemerow and pli from the four contaminants. */
static void check_meuse_summary(double *const ratios[4], long n)
{
    raster nex, maxr, nem, pli, conc[4];
    gb_read_out("meuse", "classes/n_exceeding.tif", 1, &nex);
    gb_read_out("meuse", "classes/max_ratio.tif", 1, &maxr);
    gb_read_out("meuse", "classes/nemerow.tif", 1, &nem);
    gb_read_out("meuse", "classes/pli.tif", 1, &pli);
    for (int m = 0; m < 4; m++) {
        char file[64];
        snprintf(file, sizeof file, "surfaces/%s.tif", nl[m].name);
        gb_read_out("meuse", file, 1, &conc[m]);
    }
    for (long i = 0; i < n; i++) {
        double max = -HUGE_VAL, sum = 0, logsum = 0;
        int above = 0;
        for (int m = 0; m < 4; m++) {
            double r = ratios[m][i]; /* Float32 as stored, as the stage reads it */
            above += r > 1, sum += r, max = fmax(max, r);
            logsum += log(conc[m].v[i] / nl[m].background);
        }
        double mean = sum / 4;
        assert_true(nex.v[i] == above);
        assert_rel(maxr.v[i], max, 1e-6, "max_ratio.tif", i);
        assert_rel(nem.v[i], sqrt((mean * mean + max * max) / 2), 1e-6, "nemerow.tif", i);
        assert_rel(pli.v[i], exp(logsum / 4), 1e-6, "pli.tif", i);
    }
    free(nex.v), free(maxr.v), free(nem.v), free(pli.v);
    for (int m = 0; m < 4; m++)
        free(conc[m].v);
}

static void test_meuse_netherlands(void **state)
{
    (void)state;
    char cfg[8192];
    gb_run_ok("meuse", meuse_config(cfg, sizeof cfg, "cd: cadmium, cu: copper, pb: lead, zn: zinc",
                                    "  transform: log\n  back_transform: unbiased\n",
                                    "  background: {cd: 0.4, cu: 20, pb: 40, zn: 120}\n"));
    double *ratios[4];
    long n = 0, counts[4][3] = {{0}};
    json_object *mf = gb_manifest("meuse");
    for (int m = 0; m < 4; m++) {
        ratios[m] = check_meuse_contaminant(m, &n, counts[m]);
        /* run.json's counts agree with the rasters */
        char path[128];
        snprintf(path, sizeof path, "stages.classify.contaminants.%s.cells_per_class", nl[m].name);
        json_object *cells = get(mf, path);
        assert_int_equal(json_object_array_length(cells), 3);
        for (int k = 0; k < 3; k++)
            assert_int_equal(json_object_get_int64(json_object_array_get_idx(cells, k)),
                             counts[m][k]);
    }
    /* zinc (m = 3): the floodplain has cells in each of the three classes */
    assert_true(counts[3][0] > 0 && counts[3][1] > 0 && counts[3][2] > 0);
    assert_true(json_object_get_boolean(get(mf, "stages.classify.pollution_load_index")));
    json_object_put(mf);
    check_meuse_summary(ratios, n);
    for (int m = 0; m < 4; m++)
        free(ratios[m]);
}

/* ---- bad input ---- */

/* Asserts the exit code, that the first "soilmap:" line has every fragment
 * (NULL-terminated), that it is the only error line, and that no class raster of
 * cd was left behind. */
static void assert_failed(const char *name, int rc, int code, const char *const *fragments)
{
    if (rc != code)
        fail_msg("%s: exit %d, expected %d: %s", name, rc, code, gb_err);
    for (; *fragments; fragments++)
        if (!strstr(gb_err, *fragments))
            fail_msg("%s: error '%s' lacks '%s'", name, gb_err, *fragments);
    sm_test_assert_single_error_line();
    assert_false(gb_file_exists(sm_test_out_file(name, "classes/cd_class.tif")));
    assert_false(gb_file_exists(sm_test_out_file(name, "classes/cd_ratio.tif")));
    /* no temporary left either */
    DIR *d = opendir(sm_test_out_file(name, "classes"));
    for (struct dirent *e; d && (e = readdir(d));)
        if (!strncmp(e->d_name, ".tmp-", 5))
            fail_msg("%s: temporary %s left in classes/", name, e->d_name);
    if (d)
        closedir(d);
}

/* `soilmap validate` on the config NAME.yaml that run_config wrote fails
 * before any stage runs, with the same code and message. */
static void assert_validate_fails(const char *name, int code, const char *const *fragments)
{
    char args[4400], file[128];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(args, sizeof args, "validate -q %s", sm_test_tmp(file));
    int rc = sm_test_cli(args, gb_err, sizeof gb_err);
    if (rc != code)
        fail_msg("validate %s: exit %d, expected %d: %s", name, rc, code, gb_err);
    for (; *fragments; fragments++)
        if (!strstr(gb_err, *fragments))
            fail_msg("validate %s: error '%s' lacks '%s'", name, gb_err, *fragments);
}

/* A GB config on the flat site (cd 0.5) with another table or classes. */
static int run_gb(const char *name, const char *table, const char *classes, const char *ph)
{
    char cfg[8192], csv[64];
    snprintf(csv, sizeof csv, "%s.csv", name);
    return gb_run_config(
        name, gb_config(cfg, sizeof cfg, gb_samples_csv(csv, 0.5, 6.0), NULL, table, classes, ph));
}

static void test_bad_tables(void **state)
{
    (void)state;
    static const struct {
        const char *file, *fragments[4];
    } cases[] = {
        {"tiers_out_of_order.csv",
         {"tiers_out_of_order.csv: row 4:", "tier 2 value 0.2 is below tier 1 value 0.3 of row 3",
          "tiers out of order", NULL}},
        {"unknown_contaminant.csv",
         {"unknown_contaminant.csv: row 3: contaminant:", "'cadmium'", NULL}},
        {"empty_source.csv", {"empty_source.csv: row 2: source: is empty", NULL}},
        {"negative_value.csv",
         {"negative_value.csv: row 4: value: must be a number >= 0", "'-1.5'", NULL}},
        {"duplicate_row.csv", {"duplicate_row.csv: row 5 repeats row 1", NULL}},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "bad-table-%u", i);
        assert_failed(name, run_gb(name, gb_fixture(cases[i].file), NULL, "6.0"), 65,
                      cases[i].fragments);
        assert_validate_fails(name, 65, cases[i].fragments);
    }
}

/* A class mapped onto a category the table does not have. */
static void test_class_onto_missing_category(void **state)
{
    (void)state;
    static const char *const frags[] = {"thresholds.classes", "class 'dryland'", "'orchards'",
                                        "china_gb15618.csv", NULL};
    assert_failed("bad-category",
                  run_gb("bad-category", NULL, "{rice: paddy, dryland: [other, orchards]}", "6.0"),
                  78, frags);
    assert_validate_fails("bad-category", 78, frags);
}

/* GB 15618 cadmium depends on pH: without thresholds.ph the stage fails, and
 * so does validate.
 * (A regression test: validate once missed it, and run failed only after
 * ingest and interpolate.) */
static void test_gb15618_without_ph(void **state)
{
    (void)state;
    static const char *const frags[] = {"thresholds.ph", "china_gb15618.csv", "cd", NULL};
    assert_failed("no-ph", run_gb("no-ph", NULL, NULL, NULL), 78, frags);
    assert_validate_fails("no-ph", 78, frags);
}

/* An override that puts tier 1 above tier 2 (cd on other: screening 2.5,
 * control 1.5 at pH<=5.5, line 11) would make class 1 mean "above control
 * but below screening"; like such a table row, it is an error.
 * (A regression test: overrides once skipped the loader's order check.) */
static void test_override_breaking_tier_order(void **state)
{
    (void)state;
    static const char *const frags[] = {"thresholds.overrides[0]", "tiers out of order", NULL};
    assert_failed("bad-override",
                  run_gb("bad-override", NULL, NULL,
                         "5.0\n  overrides: [{contaminant: cd, land_use: other, tier: 1, "
                         "value: 2.5}]"),
                  78, frags);
}

/* A pH raster that covers only the west 600 m of the 1 km grid. */
static void test_ph_raster_not_covering(void **state)
{
    (void)state;
    const char *ph = gb_write_ph_raster("ph_partial.tif", X0, Y0 + 1000, 12, 20, gb_stripes_ph);
    char yaml[4200];
    snprintf(yaml, sizeof yaml, "{raster: %s}", ph);
    static const char *const frags[] = {"ph_partial.tif", "does not cover the grid", NULL};
    assert_failed("ph-partial", run_gb("ph-partial", NULL, NULL, yaml), 65, frags);
    assert_false(gb_file_exists(sm_test_out_file("ph-partial", "classes/ph.tif")));
}

/* Land use with a class the config does not map (forest, the south-east
 * quarter): not an error; those cells stay unclassified and run.json says so. */
static void test_unmapped_land_use_class(void **state)
{
    (void)state;
    char cfg[8192];
    gb_run_ok("unmapped", gb_config(cfg, sizeof cfg, gb_samples_csv("unmapped.csv", 0.5, 6.0),
                                    gb_fixture("landuse_unmapped.geojson"), NULL, NULL, "6.0"));
    json_object *m = gb_manifest("unmapped");
    json_object *lu = get(m, "stages.classify.landuse");
    assert_int_equal(json_object_get_int64(get(lu, "cells_unmapped_class")), 100);
    json_object *names = get(lu, "unmapped_classes");
    assert_int_equal(json_object_array_length(names), 1);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(names, 0)), "forest");
    assert_int_equal(json_object_get_int64(get(lu, "cells_per_class.rice")), 200);
    assert_int_equal(json_object_get_int64(get(lu, "cells_per_class.dryland")), 100);
    json_object_put(m);
    raster cls, landuse;
    gb_read_out("unmapped", "classes/cd_class.tif", 1, &cls);
    gb_read_out("unmapped", "classes/landuse.tif", 1, &landuse);
    for (long i = 0; i < N * N; i++) {
        int forest = i / N >= N / 2 && i % N >= N / 2;
        /* pH 6.0, cd 0.5: screening 0.4 (paddy, line 4), 0.3 (other, line 12) */
        assert_true(cls.v[i] == (forest ? 255 : 1));
        assert_true(landuse.v[i] == (forest ? 0 : gb_is_paddy_row((int)(i / N)) ? 1 : 2));
    }
    free(cls.v), free(landuse.v);
}

/* Runs the binary like sm_test_cli, but under timeout(1): a hang fails the
 * test (exit 124 or 137) instead of stalling the suite. */
static int cli_within(int seconds, const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "timeout -k 5 %d %s %s >%s 2>%s", seconds, SM_BINARY, args,
             sm_test_tmp("cli.stdout"), sm_test_tmp("cli.stderr"));
    int status = system(cmd), code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    char *text = sm_test_slurp(sm_test_tmp("cli.stderr"));
    char *line = text ? strstr(text, "soilmap: ") : NULL;
    snprintf(gb_err, sizeof gb_err, "%.*s", line ? (int)strcspn(line, "\n") : 0, line ? line : "");
    free(text);
    return code;
}

/* `soilmap classify` before `interpolate`: the surface is missing, which must
 * be exit 66 naming it. Many threads on one 20 x 20 tile: the tile fails at
 * once, while other threads are still between tiles. A regression test: the
 * tile loop in rasters/surface.c once left threads waiting at different
 * barriers here and hung. */
static void test_classify_before_interpolate(void **state)
{
    (void)state;
    char cfg[8192], args[4400];
    const char *path = sm_test_write(
        "early.yaml",
        gb_config(cfg, sizeof cfg, gb_samples_csv("early.csv", 0.5, 6.0), NULL, NULL, NULL, "6.0"));
    sm_test_rmtree("out-early");
    snprintf(args, sizeof args, "ingest -q -o %s %s", sm_test_tmp("out-early"), path);
    assert_int_equal(cli_within(120, args), 0);
    snprintf(args, sizeof args, "classify -q --threads 8 -o %s %s", sm_test_tmp("out-early"), path);
    static const char *const frags[] = {"surfaces/cd.tif", "run the stage that writes it", NULL};
    assert_failed("early", cli_within(60, args), 66, frags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gb15618_ph_raster),
        cmocka_unit_test(test_gb15618_ph_column_and_value),
        cmocka_unit_test(test_probability_kriging),
        cmocka_unit_test(test_probability_log_scale),
        cmocka_unit_test(test_meuse_netherlands),
        cmocka_unit_test(test_bad_tables),
        cmocka_unit_test(test_class_onto_missing_category),
        cmocka_unit_test(test_gb15618_without_ph),
        cmocka_unit_test(test_override_breaking_tier_order),
        cmocka_unit_test(test_ph_raster_not_covering),
        cmocka_unit_test(test_unmapped_land_use_class),
        cmocka_unit_test(test_classify_before_interpolate),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
