/* The predictor is a thin dispatch: on the Meuse data its kriging and IDW
 * give bit for bit what sm_kriging_predict and sm_idw_predict give, with or
 * without a search block; exclude leaves a sample out exactly as dropping
 * it from the data does; too few neighbours is no prediction. */
#include "geostat/idw.h"
#include "geostat/kdtree.h"
#include "geostat/kriging.h"
#include "geostat/predictor.h"
#include "core/error.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sm_test_table meuse, grid; /* grid: the points of krige_zinc_nmax20.csv */
static const double *mx, *my, *gx, *gy;
static double *lz; /* ln(zinc) */
static sm_vgm zinc_model;
static sm_kdtree tree;

static const char *golden(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/golden/meuse/%s", SM_SOURCE_DIR, name);
    return buf;
}

static sm_predictor_setup kriging_setup(int nmax, int nmin, double maxdist)
{
    return (sm_predictor_setup){.method = SM_PREDICTOR_KRIGING,
                                .n = meuse.nrows,
                                .x = mx,
                                .y = my,
                                .z = lz,
                                .tree = &tree,
                                .nmax = nmax,
                                .nmin = nmin,
                                .maxdist = maxdist,
                                .model = zinc_model};
}

static sm_predictor_setup idw_setup(int nmax, int nmin, double maxdist, double power)
{
    return (sm_predictor_setup){.method = SM_PREDICTOR_IDW,
                                .n = meuse.nrows,
                                .x = mx,
                                .y = my,
                                .z = lz,
                                .tree = &tree,
                                .nmax = nmax,
                                .nmin = nmin,
                                .maxdist = maxdist,
                                .power = power};
}

/* Every grid point, in order, through the predictor and through kriging
 * itself, each with its own scratch: the factor updates follow the same
 * path, so every figure must be identical. */
static void check_kriging_equal(int nmax)
{
    sm_predictor_setup ps = kriging_setup(nmax, 1, HUGE_VAL);
    sm_predictor p;
    sm_kriging k;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_OK);
    assert_int_equal(
        sm_kriging_init(&k, &zinc_model, meuse.nrows, mx, my, lz, &tree, nmax, 1, HUGE_VAL), SM_OK);
    sm_predictor_scratch *ps_scratch = sm_predictor_scratch_new(&p);
    sm_kriging_scratch *ks = sm_kriging_scratch_new(&k);
    assert_non_null(ps_scratch);
    for (int r = 0; r < grid.nrows; r++) {
        sm_predictor_result a;
        sm_kriging_result b;
        assert_int_equal(sm_predictor_predict(&p, ps_scratch, gx[r], gy[r], -1, &a), 0);
        assert_int_equal(sm_kriging_predict(&k, ks, gx[r], gy[r], -1, &b), 0);
        if (a.pred != b.pred || a.var != b.var || a.lagrange != b.lagrange)
            fail_msg("nmax %d, point %d: %.17g %.17g %.17g, kriging %.17g %.17g %.17g", nmax, r,
                     a.pred, a.var, a.lagrange, b.pred, b.var, b.lagrange);
        assert_int_equal(a.neighbours, nmax ? nmax : meuse.nrows);
        assert_int_equal(b.neighbours, a.neighbours);
    }
    sm_predictor_counts c = sm_predictor_scratch_counts(ps_scratch);
    assert_true(c.rebuilds == ks->rebuilds && c.updates == ks->updated);
    assert_true(nmax == 0 || c.updates > 0); /* the local fast path was taken */
    sm_predictor_scratch_free(ps_scratch);
    sm_kriging_scratch_free(ks);
    sm_kriging_free(&k);
    sm_predictor_free(&p);
}

static void test_kriging_equals_direct(void **state)
{
    (void)state;
    check_kriging_equal(20);
    check_kriging_equal(0); /* the global neighbourhood: one factor */
}

static void test_idw_equals_direct(void **state)
{
    (void)state;
    sm_predictor_setup ps = idw_setup(12, 1, 600, 3);
    sm_predictor p;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_OK);
    sm_idw w = {meuse.nrows, mx, my, lz, &tree, 3, 0, 12, 1, 600};
    sm_nsearch ns;
    assert_int_equal(sm_idw_search_init(&w, &ns), SM_OK);
    sm_predictor_scratch *s = sm_predictor_scratch_new(&p);
    assert_non_null(s);
    int none = 0;
    for (int r = 0; r < grid.nrows; r++) {
        sm_predictor_result a;
        double b = NAN;
        int ra = sm_predictor_predict(&p, s, gx[r], gy[r], -1, &a);
        assert_int_equal(ra, sm_idw_predict(&w, &ns, gx[r], gy[r], -1, &b));
        assert_memory_equal(&a.pred, &b, sizeof b); /* bit for bit, NAN included */
        assert_true(isnan(a.var) && isnan(a.lagrange));
        none += ra != 0;
    }
    assert_int_equal(none, 0); /* every grid point has a sample within 600 m */
    sm_predictor_counts c = sm_predictor_scratch_counts(s);
    assert_true(c.singular == 0 && c.rebuilds == 0 && c.updates == 0);
    sm_predictor_scratch_free(s);
    sm_nsearch_free(&ns);
    sm_predictor_free(&p);
}

/* Bit for bit, NAN included (the struct's padding is not compared). */
static void assert_same(const sm_predictor_result *a, const sm_predictor_result *b)
{
    assert_memory_equal(&a->pred, &b->pred, sizeof a->pred);
    assert_memory_equal(&a->var, &b->var, sizeof a->var);
    assert_memory_equal(&a->lagrange, &b->lagrange, sizeof a->lagrange);
    assert_int_equal(a->neighbours, b->neighbours);
}

/* A block's search finds exactly what the tree finds: predictions made
 * block by block equal those made point by point. */
static void check_blocks(const sm_predictor_setup *ps)
{
    sm_predictor p;
    assert_int_equal(sm_predictor_init(&p, ps), SM_OK);
    sm_predictor_scratch *blocked = sm_predictor_scratch_new(&p);
    sm_predictor_scratch *plain = sm_predictor_scratch_new(&p);
    assert_true(blocked && plain);
    for (int r0 = 0; r0 < grid.nrows; r0 += 16) {
        int r1 = r0 + 16 < grid.nrows ? r0 + 16 : grid.nrows;
        double cx = 0, cy = 0, reach = 0;
        for (int r = r0; r < r1; r++)
            cx += gx[r] / (r1 - r0), cy += gy[r] / (r1 - r0);
        for (int r = r0; r < r1; r++)
            reach = fmax(reach, hypot(gx[r] - cx, gy[r] - cy));
        sm_predictor_block(blocked, cx, cy, reach);
        for (int r = r0; r < r1; r++) {
            sm_predictor_result a, b;
            assert_int_equal(sm_predictor_predict(&p, blocked, gx[r], gy[r], -1, &a), 0);
            assert_int_equal(sm_predictor_predict(&p, plain, gx[r], gy[r], -1, &b), 0);
            assert_same(&a, &b);
        }
    }
    sm_predictor_scratch_free(blocked);
    sm_predictor_scratch_free(plain);
    sm_predictor_free(&p);
}

static void test_blocks_change_nothing(void **state)
{
    (void)state;
    sm_predictor_setup k = kriging_setup(20, 1, HUGE_VAL), w = idw_setup(16, 1, HUGE_VAL, 2);
    check_blocks(&k);
    check_blocks(&w);
}

/* exclude = i against a predictor built without sample i, at sample i. */
static void check_exclude(sm_predictor_setup ps)
{
    int n = meuse.nrows;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y),
           *z = malloc((size_t)n * sizeof *z);
    sm_predictor p;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_OK);
    sm_predictor_scratch *s = sm_predictor_scratch_new(&p);
    for (int i = 0; i < n; i += 7) {
        int m = 0;
        for (int j = 0; j < n; j++)
            if (j != i)
                x[m] = mx[j], y[m] = my[j], z[m++] = lz[j];
        sm_kdtree t;
        assert_int_equal(sm_kdtree_build(&t, m, x, y), SM_OK);
        sm_predictor_setup qs = ps;
        qs.n = m, qs.x = x, qs.y = y, qs.z = z, qs.tree = &t;
        sm_predictor q;
        assert_int_equal(sm_predictor_init(&q, &qs), SM_OK);
        sm_predictor_scratch *qscratch = sm_predictor_scratch_new(&q);
        sm_predictor_result a, b, self;
        sm_predictor_scratch_reset(s);
        assert_int_equal(sm_predictor_predict(&p, s, mx[i], my[i], i, &a), 0);
        assert_int_equal(sm_predictor_predict(&q, qscratch, mx[i], my[i], -1, &b), 0);
        if (a.pred != b.pred || !(a.var == b.var || (isnan(a.var) && isnan(b.var))))
            fail_msg("sample %d left out: %.17g %.17g, without it %.17g %.17g", i, a.pred, a.var,
                     b.pred, b.var);
        sm_predictor_scratch_reset(s);
        assert_int_equal(sm_predictor_predict(&p, s, mx[i], my[i], -1, &self), 0);
        assert_true(self.pred != a.pred); /* the sample itself weighs in */
        if (ps.method == SM_PREDICTOR_IDW)
            assert_true(self.pred == lz[i]); /* exact at a sample */
        sm_predictor_scratch_free(qscratch);
        sm_predictor_free(&q);
        sm_kdtree_free(&t);
    }
    sm_predictor_scratch_free(s);
    sm_predictor_free(&p);
    free(x), free(y), free(z);
}

static void test_exclude_leaves_the_sample_out(void **state)
{
    (void)state;
    check_exclude(kriging_setup(20, 1, HUGE_VAL));
    check_exclude(idw_setup(20, 1, HUGE_VAL, 2));
}

/* nmin 3 within 250 m, as idw_zinc_raw_p3_sparse.csv: gstat leaves 681 of
 * the grid points without a prediction, and so must both methods. */
static void test_too_few_neighbours(void **state)
{
    (void)state;
    sm_predictor_setup setups[2] = {kriging_setup(12, 3, 250), idw_setup(12, 3, 250, 3)};
    for (int m = 0; m < 2; m++) {
        sm_predictor p;
        assert_int_equal(sm_predictor_init(&p, &setups[m]), SM_OK);
        sm_predictor_scratch *s = sm_predictor_scratch_new(&p);
        int none = 0;
        for (int r = 0; r < grid.nrows; r++) {
            sm_predictor_result res;
            int within = 0;
            for (int i = 0; i < meuse.nrows; i++)
                within += hypot(mx[i] - gx[r], my[i] - gy[r]) <= 250;
            int rc = sm_predictor_predict(&p, s, gx[r], gy[r], -1, &res);
            assert_int_equal(rc, within < 3);
            assert_true(rc == 0 ? !isnan(res.pred) : isnan(res.pred) && isnan(res.var));
            if (m == 0)
                assert_int_equal(res.neighbours, within < 12 ? within : 12);
            none += rc;
        }
        assert_int_equal(none, 681);
        sm_predictor_scratch_free(s);
        sm_predictor_free(&p);
    }
}

static void test_setup_errors(void **state)
{
    (void)state;
    sm_predictor_setup ps = kriging_setup(20, 1, HUGE_VAL);
    ps.model = (sm_vgm){.n = 1};
    ps.model.part[0] = (sm_vgm_part){SM_VGM_NUG, 0.0, 0, 0, 0, 1};
    sm_predictor p;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "no sill"));
    sm_predictor_free(&p); /* safe after a failed init */
    ps.method = (sm_predictor_method)0;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_EINTERNAL);
    sm_predictor_free(&p);
}

/* A thread without a scratch gets an error, not a missing value, and the
 * first thread's error is what the caller reports. */
static void test_errors_are_not_missing_values(void **state)
{
    (void)state;
    sm_predictor_setup ps = idw_setup(16, 1, HUGE_VAL, 2);
    sm_predictor p;
    assert_int_equal(sm_predictor_init(&p, &ps), SM_OK);
    sm_predictor_result r;
    sm_predictor_scratch_reset(NULL); /* a thread without a scratch goes on */
    sm_predictor_block(NULL, gx[0], gy[0], 10);
    assert_int_equal(sm_predictor_predict(&p, NULL, gx[0], gy[0], -1, &r), SM_EINTERNAL);
    assert_true(isnan(r.pred) && isnan(r.var));
    sm_predictor_failure f = {SM_OK, ""};
    assert_int_equal(sm_predictor_failure_report(&f), SM_OK);
    sm_predictor_failure_keep(&f);
    sm_error_set(SM_EDATA, "a later error");
    sm_predictor_failure_keep(&f); /* the first one stays */
    sm_error_clear();
    assert_int_equal(sm_predictor_failure_report(&f), SM_EINTERNAL);
    assert_non_null(strstr(sm_error_message(), "no scratch"));
    sm_predictor_free(&p);
}

static int setup(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/data/meuse/meuse.csv", SM_SOURCE_DIR);
    sm_test_read_csv(path, &meuse);
    sm_test_read_csv(golden("krige_zinc_nmax20.csv"), &grid);
    mx = sm_test_col(&meuse, "x"), my = sm_test_col(&meuse, "y");
    gx = sm_test_col(&grid, "x"), gy = sm_test_col(&grid, "y");
    const double *zinc = sm_test_col(&meuse, "zinc");
    lz = malloc((size_t)meuse.nrows * sizeof *lz);
    for (int i = 0; i < meuse.nrows; i++)
        lz[i] = log(zinc[i]);
    sm_test_table m;
    sm_test_read_csv(golden("model_zinc.csv"), &m);
    zinc_model = (sm_vgm){.n = 2};
    zinc_model.part[0] = (sm_vgm_part){SM_VGM_NUG, sm_test_col(&m, "nugget")[0], 0, 0, 0, 1};
    zinc_model.part[1] = (sm_vgm_part){
        SM_VGM_SPH, sm_test_col(&m, "psill")[0], sm_test_col(&m, "range")[0], 0.5, 0, 1};
    sm_test_table_free(&m);
    return sm_kdtree_build(&tree, meuse.nrows, mx, my);
}

static int teardown(void **state)
{
    (void)state;
    sm_kdtree_free(&tree);
    free(lz);
    sm_test_table_free(&grid);
    sm_test_table_free(&meuse);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kriging_equals_direct),
        cmocka_unit_test(test_idw_equals_direct),
        cmocka_unit_test(test_blocks_change_nothing),
        cmocka_unit_test(test_exclude_leaves_the_sample_out),
        cmocka_unit_test(test_too_few_neighbours),
        cmocka_unit_test(test_setup_errors),
        cmocka_unit_test(test_errors_are_not_missing_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
