/* soilmap against R gstat 2.1 on the Meuse data. The golden files in
 * tests/golden/meuse/ come from scripts/reference/meuse-gstat.R (see the
 * README there); R is not needed to run these tests. */
#include "geostat/crossval.h"
#include "geostat/idw.h"
#include "geostat/kdtree.h"
#include "geostat/kriging.h"
#include "testutil.h"
#include "geostat/variogram.h"
#include "geostat/vgfit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sm_test_table meuse, grid;

static const char *golden(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/golden/meuse/%s", SM_SOURCE_DIR, name);
    return buf;
}

/* log(metal) of the 155 samples */
static double *log_of(const char *metal)
{
    const double *v = sm_test_col(&meuse, metal);
    double *z = malloc((size_t)meuse.nrows * sizeof *z);
    for (int i = 0; i < meuse.nrows; i++)
        z[i] = log(v[i]);
    return z;
}

static void assert_rel(double got, double want, double tol, const char *what, int i)
{
    double scale = fmax(fabs(want), 1e-300);
    if (!(fabs(got - want) / scale <= tol))
        fail_msg("%s[%d]: %.17g, gstat %.17g (relative %.3g > %.1g)", what, i, got, want,
                 fabs(got - want) / scale, tol);
}

static void assert_abs(double got, double want, double tol, const char *what, int i)
{
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= tol))
        fail_msg("%s[%d]: %.17g, gstat %.17g (difference %.3g > %.1g)", what, i, got, want,
                 fabs(got - want), tol);
}

/* Compares a variogram with a golden file, lag by lag (gstat drops empty lags). */
static void check_variogram(const sm_vario *v, const sm_test_table *t, int first_row, int rows)
{
    const double *np = sm_test_col(t, "np"), *dist = sm_test_col(t, "dist"),
                 *gamma = sm_test_col(t, "gamma");
    int r = first_row;
    for (int l = 0; l < v->nlags; l++) {
        if (v->np[l] == 0)
            continue;
        assert_true(r < first_row + rows);
        assert_int_equal(v->np[l], (long)np[r]);
        assert_rel(v->dist[l], dist[r], 1e-9, "dist", l);
        assert_rel(v->gamma[l], gamma[r], 1e-9, "gamma", l);
        r++;
    }
    assert_int_equal(r, first_row + rows);
}

static void compute_variogram(const sm_vario_params *p, sm_vario *v)
{
    double *z = log_of("zinc");
    assert_int_equal(
        sm_vario_compute(meuse.nrows, sm_test_col(&meuse, "x"), sm_test_col(&meuse, "y"), z, p, v),
        0);
    free(z);
}

static void test_variogram_defaults(void **state)
{
    (void)state;
    sm_test_table d, t;
    sm_test_read_csv(golden("variogram_defaults.csv"), &d);
    sm_vario_params p = {0};
    sm_vario v;
    compute_variogram(&p, &v);
    /* the default cutoff and width, as gstat chose them */
    /* rows of variogram_defaults.csv: xmin xmax ymin ymax diagonal fraction cutoff width */
    const double *value = sm_test_col(&d, "value");
    assert_rel(v.cutoff, value[6], 1e-12, "cutoff", 0);
    assert_rel(v.width, value[7], 1e-12, "width", 0);
    sm_test_read_csv(golden("variogram_zinc_log.csv"), &t);
    check_variogram(&v, &t, 0, t.nrows);
    sm_vario_free(&v);
    sm_test_table_free(&t);
    sm_test_table_free(&d);
}

static void test_variogram_cressie_and_cutoff(void **state)
{
    (void)state;
    sm_test_table t;
    sm_vario v;
    sm_vario_params cressie = {.estimator = SM_VARIO_CRESSIE};
    compute_variogram(&cressie, &v);
    sm_test_read_csv(golden("variogram_zinc_log_cressie.csv"), &t);
    check_variogram(&v, &t, 0, t.nrows);
    sm_vario_free(&v);
    sm_test_table_free(&t);
    /* pairs at exactly 200 m and 450 m go to the lower lag, as in gstat */
    sm_vario_params cut = {.cutoff = 1000, .width = 50};
    compute_variogram(&cut, &v);
    sm_test_read_csv(golden("variogram_zinc_log_cutoff.csv"), &t);
    check_variogram(&v, &t, 0, t.nrows);
    sm_vario_free(&v);
    sm_test_table_free(&t);
}

static void test_variogram_directional(void **state)
{
    (void)state;
    sm_test_table t;
    sm_test_read_csv(golden("variogram_zinc_log_dir.csv"), &t);
    const double *dir = sm_test_col(&t, "dir_hor");
    double angles[4] = {0, 45, 90, 135};
    for (int a = 0; a < 4; a++) {
        int first = -1, rows = 0;
        for (int r = 0; r < t.nrows; r++)
            if (dir[r] == angles[a])
                rows++, first = first < 0 ? r : first;
        sm_vario_params p = {.directional = 1, .angle = angles[a], .tolerance = 22.5};
        sm_vario v;
        compute_variogram(&p, &v);
        check_variogram(&v, &t, first, rows);
        sm_vario_free(&v);
    }
    sm_test_table_free(&t);
}

static void test_fits(void **state)
{
    (void)state;
    sm_test_table f;
    sm_test_read_csv(golden("fits.csv"), &f);
    sm_vario v;
    sm_vario_params p = {0};
    compute_variogram(&p, &v);
    const double *method = sm_test_col(&f, "fit_method"), *kappa = sm_test_col(&f, "kappa"),
                 *nug = sm_test_col(&f, "nugget"), *psill = sm_test_col(&f, "psill"),
                 *range = sm_test_col(&f, "range"), *sse = sm_test_col(&f, "sserr"),
                 *s_nug = sm_test_col(&f, "start_nugget"),
                 *s_psill = sm_test_col(&f, "start_psill"),
                 *s_range = sm_test_col(&f, "start_range");
    /* rows: sph m1, m2, m6, m7, then Exp, Gau, Mat(1.5) with method 7 */
    sm_vgm_type types[7] = {SM_VGM_SPH, SM_VGM_SPH, SM_VGM_SPH, SM_VGM_SPH,
                            SM_VGM_EXP, SM_VGM_GAU, SM_VGM_MAT};
    assert_int_equal(f.nrows, 7);
    for (int r = 0; r < f.nrows; r++) {
        sm_vgm start = {.n = 2};
        start.part[0] = (sm_vgm_part){SM_VGM_NUG, s_nug[r], 0, 0, 0, 1};
        start.part[1] = (sm_vgm_part){types[r], s_psill[r], s_range[r], kappa[r], 0, 1};
        sm_fit_result fit;
        assert_int_equal(sm_vgm_fit(&v, &start, (sm_fit_method)method[r], &fit), 0);
        assert_true(fit.converged);
        if (types[r] == SM_VGM_GAU) {
            /* gstat 2.1's Gaussian range derivative lacks a factor 2h/r; with the
             * true one the fit reaches a lower weighted SSE than gstat's */
            assert_true(fit.sse <= sse[r]);
            continue;
        }
        assert_rel(fit.model.part[0].psill + 1e-300, nug[r] + 1e-300, nug[r] == 0 ? 0 : 1e-9,
                   "nugget", r);
        assert_rel(fit.model.part[1].psill, psill[r], 1e-9, "psill", r);
        assert_rel(fit.model.part[1].range, range[r], 1e-9, "range", r);
        assert_rel(fit.sse, sse[r], 1e-9, "sse", r);
        if (r == 4)
            assert_int_equal(fit.fixed_sills, 1); /* Exp: the nugget went negative */
    }
    sm_vario_free(&v);
    sm_test_table_free(&f);
}

/* The model gstat fitted for a metal (model_<metal>.csv). */
static sm_vgm metal_model(const char *metal)
{
    char name[64];
    snprintf(name, sizeof name, "model_%s.csv", metal);
    sm_test_table m;
    sm_test_read_csv(golden(name), &m);
    sm_vgm model = {.n = 2};
    model.part[0] = (sm_vgm_part){SM_VGM_NUG, sm_test_col(&m, "nugget")[0], 0, 0, 0, 1};
    model.part[1] = (sm_vgm_part){
        SM_VGM_SPH, sm_test_col(&m, "psill")[0], sm_test_col(&m, "range")[0], 0.5, 0, 1};
    sm_test_table_free(&m);
    return model;
}

/* Rows of the grid where the k-th and (k+1)-th neighbours tie in distance:
 * gstat's choice there comes from its search tree, not from a rule. */
static int is_tie(const char *what, int row1)
{
    static const struct {
        const char *what;
        int row;
    } ties[] = {{"nmax20", 921}, {"nmax20", 958}, {"nmax20", 1077}, {"p3", 1743}};
    for (unsigned i = 0; i < sizeof ties / sizeof ties[0]; i++)
        if (!strcmp(ties[i].what, what) && ties[i].row == row1)
            return 1;
    return 0;
}

static void check_kriging(const char *metal, int nmax)
{
    char name[64];
    snprintf(name, sizeof name, "krige_%s_%s.csv", metal, nmax ? "nmax20" : "global");
    sm_test_table g;
    sm_test_read_csv(golden(name), &g);
    double *z = log_of(metal);
    const double *x = sm_test_col(&meuse, "x"), *y = sm_test_col(&meuse, "y");
    sm_kdtree tree;
    sm_kdtree_build(&tree, meuse.nrows, x, y);
    sm_vgm model = metal_model(metal);
    sm_kriging k;
    assert_int_equal(sm_kriging_init(&k, &model, meuse.nrows, x, y, z, &tree, nmax, 1, HUGE_VAL),
                     0);
    sm_kriging_scratch *s = sm_kriging_scratch_new(&k);
    const double *gx = sm_test_col(&g, "x"), *gy = sm_test_col(&g, "y"),
                 *pred = sm_test_col(&g, "pred"), *var = sm_test_col(&g, "var");
    int checked = 0;
    for (int r = 0; r < g.nrows; r++) {
        if (nmax && is_tie("nmax20", r + 1))
            continue;
        sm_kriging_result res;
        assert_int_equal(sm_kriging_predict(&k, s, gx[r], gy[r], -1, &res), 0);
        assert_abs(res.pred, pred[r], 1e-10, name, r);
        assert_abs(res.var, var[r], 1e-10, name, r);
        checked++;
    }
    assert_int_equal(checked, g.nrows - (nmax ? 3 : 0));
    sm_kriging_scratch_free(s);
    sm_kriging_free(&k);
    sm_kdtree_free(&tree);
    free(z);
    sm_test_table_free(&g);
}

static void test_kriging_global_and_local(void **state)
{
    (void)state;
    const char *metals[4] = {"zinc", "cadmium", "copper", "lead"};
    for (int m = 0; m < 4; m++) {
        check_kriging(metals[m], 0);
        check_kriging(metals[m], 20);
    }
}

static void check_idw(const char *name, int log_values, double power, int nmax, int nmin,
                      double maxdist, const char *tie_set)
{
    sm_test_table g;
    sm_test_read_csv(golden(name), &g);
    const double *x = sm_test_col(&meuse, "x"), *y = sm_test_col(&meuse, "y");
    double *z = log_of("zinc");
    if (!log_values)
        for (int i = 0; i < meuse.nrows; i++)
            z[i] = exp(z[i]);
    sm_kdtree tree;
    sm_kdtree_build(&tree, meuse.nrows, x, y);
    sm_idw w = {meuse.nrows, x, y, z, &tree, power, 0, nmax, nmin, maxdist};
    sm_nsearch ns, *nb = &ns;
    sm_idw_search_init(&w, nb);
    const double *gx = sm_test_col(&g, "x"), *gy = sm_test_col(&g, "y"),
                 *pred = sm_test_col(&g, "pred");
    int na = 0;
    for (int r = 0; r < g.nrows; r++) {
        if (tie_set && is_tie(tie_set, r + 1))
            continue;
        double v = NAN;
        sm_idw_predict(&w, nb, gx[r], gy[r], -1, &v);
        na += isnan(v);
        assert_abs(v, pred[r], 1e-9 * fmax(1.0, fabs(pred[r])), name, r);
    }
    if (!strcmp(name, "idw_zinc_raw_p3_sparse.csv"))
        assert_int_equal(na, 681); /* as gstat: fewer than 3 samples within 250 m */
    sm_nsearch_free(nb);
    free(z);
    sm_kdtree_free(&tree);
    sm_test_table_free(&g);
}

static void test_idw(void **state)
{
    (void)state;
    check_idw("idw_zinc.csv", 1, 2, 20, 1, HUGE_VAL, "nmax20");
    check_idw("idw_zinc_all.csv", 1, 2, 0, 1, HUGE_VAL, NULL);
    check_idw("idw_zinc_raw_p3.csv", 0, 3, 12, 1, 600, "p3");
    check_idw("idw_zinc_raw_p3_sparse.csv", 0, 3, 12, 3, 250, NULL);
}

static void check_cv(const char *metal, int nmax)
{
    char name[64];
    snprintf(name, sizeof name, "cv_%s%s.csv", metal, nmax ? "_nmax20" : "");
    sm_test_table g;
    sm_test_read_csv(golden(name), &g);
    double *z = log_of(metal);
    sm_cv_setup s = {meuse.nrows,
                     sm_test_col(&meuse, "x"),
                     sm_test_col(&meuse, "y"),
                     z,
                     1,
                     metal_model(metal),
                     2,
                     0,
                     nmax,
                     1,
                     HUGE_VAL,
                     1,
                     1};
    sm_cv cv;
    assert_int_equal(sm_crossval(&s, &cv), 0);
    const double *pred = sm_test_col(&g, "var1.pred"), *var = sm_test_col(&g, "var1.var"),
                 *res = sm_test_col(&g, "residual");
    for (int i = 0; i < meuse.nrows; i++) {
        assert_abs(cv.pred[i], pred[i], 1e-10, name, i);
        assert_abs(cv.var[i], var[i], 1e-10, name, i);
        assert_abs(z[i] - cv.pred[i], res[i], 1e-10, name, i);
    }
    sm_cv_free(&cv);
    free(z);
    sm_test_table_free(&g);
}

static void test_cross_validation(void **state)
{
    (void)state;
    const char *metals[4] = {"zinc", "cadmium", "copper", "lead"};
    for (int m = 0; m < 4; m++) {
        check_cv(metals[m], 0);
        check_cv(metals[m], 20);
    }
}

static int setup(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/meuse/meuse.csv", SM_SOURCE_DIR);
    sm_test_read_csv(path, &meuse);
    assert_int_equal(meuse.nrows, 155);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sm_test_table_free(&meuse);
    sm_test_table_free(&grid);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variogram_defaults),
        cmocka_unit_test(test_variogram_cressie_and_cutoff),
        cmocka_unit_test(test_variogram_directional),
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_kriging_global_and_local),
        cmocka_unit_test(test_idw),
        cmocka_unit_test(test_cross_validation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
