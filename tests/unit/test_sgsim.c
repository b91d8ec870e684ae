/* Sequential Gaussian simulation against simple kriging: with every datum
 * and every simulated node in the neighbourhood, SGS draws exactly from the
 * conditional Gaussian distribution, so over N realizations each node's
 * mean and variance, and two nodes' covariance, must match simple kriging's
 * within their Monte-Carlo error (4 standard errors, from N). */
#include "core/error.h"
#include "geostat/kdtree.h"
#include "geostat/sgsim.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { NC = 6, NR = 6, NREAL = 2000 };
static const double dx[] = {12, 33, 52}, dy[] = {47, 22, 8}, dz[] = {1.2, -0.8, 0.3};

static sm_vgm exp_model(void)
{
    sm_vgm m = {.n = 1};
    m.part[0] = (sm_vgm_part){.type = SM_VGM_EXP, .psill = 1, .range = 15, .anis_ratio = 1};
    return m;
}

static void node_xy(int node, double *x, double *y)
{
    *x = (node % NC + 0.5) * 10, *y = 60 - (node / NC + 0.5) * 10;
}

/* Simple kriging from the three data alone: C^-1 by Gauss-Jordan (3 x 3). */
static void sk(const sm_vgm *m, double xa, double ya, double xb, double yb, double *mean,
               double *cov)
{
    double A[3][7];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            A[i][j] = sm_vgm_cov(m, dx[i] - dx[j], dy[i] - dy[j]);
        A[i][3] = sm_vgm_cov(m, xa - dx[i], ya - dy[i]); /* ca */
        A[i][4] = sm_vgm_cov(m, xb - dx[i], yb - dy[i]); /* cb */
        A[i][5] = dz[i];
    }
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < 3; i++) {
            if (i == p)
                continue;
            double f = A[i][p] / A[p][p];
            for (int j = 0; j < 6; j++)
                A[i][j] -= f * A[p][j];
        }
    /* A[i][3] / A[i][i] = (C^-1 ca)_i, and so on */
    double ca_b = 0;
    *mean = 0;
    for (int i = 0; i < 3; i++) {
        double wa = A[i][3] / A[i][i];
        *mean += wa * dz[i];
        ca_b += wa * sm_vgm_cov(m, xb - dx[i], yb - dy[i]);
    }
    *cov = sm_vgm_cov(m, xa - xb, ya - yb) - ca_b;
}

/* The 6 x 6 grid of 10 m cells over the three data. */
static sm_sgs on_grid(const sm_kdtree *tree, int nmax, double radius, int spacing, uint64_t seed)
{
    sm_sgs s = {.n = 3,
                .x = dx,
                .y = dy,
                .z = dz,
                .tree = tree,
                .model = exp_model(),
                .nmax = nmax,
                .radius = radius,
                .ncols = NC,
                .nrows = NR,
                .xmin = 0,
                .ymax = 60,
                .res = 10,
                .spacing = spacing,
                .seed = seed};
    assert_int_equal(sm_sgs_init(&s), SM_OK);
    return s;
}

/* nreal realizations: the lattice, then the grid in blocks of bw x bh
 * cells, into out[cell * nreal + r]. */
static void blocked(const sm_sgs *s, int nreal, int bw, int bh, float *out)
{
    float *coarse = malloc(NC * NR * (size_t)nreal * sizeof *coarse),
          *block = malloc((size_t)(bw * bh * nreal) * sizeof *block);
    sm_sgs_work *w = sm_sgs_work_new(s, bw > bh ? bw : bh);
    assert_non_null(w);
    assert_int_equal(sm_sgs_coarse(s, nreal, coarse), SM_OK);
    for (int y0 = 0; y0 < NR; y0 += bh)
        for (int x0 = 0; x0 < NC; x0 += bw) {
            assert_int_equal(sm_sgs_block(s, w, coarse, nreal, x0, y0, bw, bh, block), SM_OK);
            for (int j = 0; j < bh; j++)
                for (int i = 0; i < bw; i++)
                    memcpy(&out[((y0 + j) * NC + x0 + i) * nreal], &block[(j * bw + i) * nreal],
                           (size_t)nreal * sizeof *out);
        }
    sm_sgs_work_free(w);
    free(coarse), free(block);
}

typedef struct {
    double sum[NC * NR], sq[NC * NR], cross;
} moments;

/* Each node's mean and variance against simple kriging's, within 4
 * Monte-Carlo standard errors. */
static void check_nodes(const sm_sgs *s, const moments *mo, const int *nodes, int n)
{
    for (int i = 0; i < n; i++) {
        int k = nodes[i];
        double x, y, mean, var;
        node_xy(k, &x, &y);
        sk(&s->model, x, y, x, y, &mean, &var);
        double m = mo->sum[k] / NREAL, v = (mo->sq[k] - NREAL * m * m) / (NREAL - 1);
        print_message("node %2d: mean %.4f (SK %.4f), variance %.4f (SK %.4f)\n", k, m, mean, v,
                      var);
        assert_true(fabs(m - mean) <= 4 * sqrt(var / NREAL));
        assert_true(fabs(v - var) <= 4 * var * sqrt(2.0 / (NREAL - 1)));
    }
}

/* Nodes a and b's covariance against simple kriging's. */
static void check_covariance(const sm_sgs *s, const moments *mo, int a, int b)
{
    double xa, ya, xb, yb, ma, mb, va, vb, cab, unused;
    node_xy(a, &xa, &ya), node_xy(b, &xb, &yb);
    sk(&s->model, xa, ya, xa, ya, &ma, &va), sk(&s->model, xb, yb, xb, yb, &mb, &vb);
    sk(&s->model, xa, ya, xb, yb, &unused, &cab);
    double c = (mo->cross - NREAL * (mo->sum[a] / NREAL) * (mo->sum[b] / NREAL)) / (NREAL - 1);
    print_message("nodes %d, %d: covariance %.4f (SK %.4f)\n", a, b, c, cab);
    assert_true(fabs(c - cab) <= 4 * sqrt((va * vb + cab * cab) / NREAL));
}

static void run(const sm_sgs *s, int bw, int bh, int a, int b, moments *mo)
{
    memset(mo, 0, sizeof *mo);
    float *out = malloc(NC * NR * (size_t)NREAL * sizeof *out);
    if (bw == NC && bh == NR)
        assert_int_equal(sm_sgs_realizations(s, NREAL, out), SM_OK);
    else
        blocked(s, NREAL, bw, bh, out);
    for (int r = 0; r < NREAL; r++) {
        for (int k = 0; k < NC * NR; k++) {
            double v = out[k * NREAL + r];
            mo->sum[k] += v, mo->sq[k] += v * v;
        }
        mo->cross += (double)out[a * NREAL + r] * out[b * NREAL + r];
    }
    free(out);
}

/* One block over the grid: plain SGS. */
static void test_matches_simple_kriging(void **state)
{
    (void)state;
    sm_kdtree tree;
    assert_int_equal(sm_kdtree_build(&tree, 3, dx, dy), 0);
    sm_sgs s = on_grid(&tree, NC * NR + 3, HUGE_VAL, 1, 20261206);
    moments mo;
    const int a = 14, b = 15; /* neighbours in a row, near the first datum */
    run(&s, NC, NR, a, b, &mo);
    const int nodes[] = {0, a, b, 21, 35};
    check_nodes(&s, &mo, nodes, 5);
    check_covariance(&s, &mo, a, b);
    sm_sgs_free(&s);
    sm_kdtree_free(&tree);
}

/* The two-level scheme: a lattice every 2 cells, then 3 x 3 blocks. Each
 * node's distribution stays exact (it conditions on a subset of the
 * field), and so does the covariance of two nodes of one block; two nodes
 * of different blocks meet only through the lattice, and are not checked. */
static void test_blocks_match_simple_kriging(void **state)
{
    (void)state;
    sm_kdtree tree;
    assert_int_equal(sm_kdtree_build(&tree, 3, dx, dy), 0);
    sm_sgs s = on_grid(&tree, NC * NR + 3, HUGE_VAL, 2, 99);
    moments mo;
    const int a = 19, b = 20; /* cells (1, 3) and (2, 3): one block, off the lattice */
    run(&s, 3, 3, a, b, &mo);
    const int nodes[] = {0, 7, a, b, 27, 35};
    check_nodes(&s, &mo, nodes, 6);
    check_covariance(&s, &mo, a, b);
    sm_sgs_free(&s);
    sm_kdtree_free(&tree);
}

/* Realization r is a function of (seed, r) alone: the same in a run of 5
 * realizations as in one of 7, and its lattice the same in any blocking;
 * other realizations and seeds differ. */
static void test_reproducible(void **state)
{
    (void)state;
    sm_kdtree tree;
    assert_int_equal(sm_kdtree_build(&tree, 3, dx, dy), 0);
    sm_sgs s = on_grid(&tree, 8, 40, 2, 7);
    float five[NC * NR * 5], seven[NC * NR * 7], b[NC * NR * 7];
    assert_int_equal(sm_sgs_realizations(&s, 5, five), SM_OK);
    assert_int_equal(sm_sgs_realizations(&s, 7, seven), SM_OK);
    blocked(&s, 7, 3, 2, b);
    int differ = 0;
    for (int k = 0; k < NC * NR; k++) {
        assert_memory_equal(&five[k * 5], &seven[k * 7], 5 * sizeof *five);
        differ += five[k * 5 + 3] != five[k * 5 + 4];
        if ((k % NC) % 2 == 0 && (k / NC) % 2 == 0) /* the lattice */
            assert_memory_equal(&b[k * 7], &seven[k * 7], 7 * sizeof *b);
    }
    assert_int_equal(differ, NC * NR);
    sm_sgs_free(&s);
    s.seed = 8;
    assert_int_equal(sm_sgs_init(&s), SM_OK);
    assert_int_equal(sm_sgs_realizations(&s, 5, b), SM_OK);
    assert_memory_not_equal(b, five, sizeof five);
    sm_sgs_free(&s);
    s.nmax = 300;
    assert_int_equal(sm_sgs_init(&s), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "300 neighbours; give 1 to 256"));
    sm_kdtree_free(&tree);
}

/* The generator's numbers are uniform: mean 1/2, variance 1/12. */
static void test_uniform(void **state)
{
    (void)state;
    const int n = 200000;
    double s = 0, q = 0;
    for (int i = 0; i < n; i++) {
        double u = sm_sgs_uniform(1, 2, (uint64_t)i, 3);
        assert_true(u > 0 && u < 1);
        s += u, q += u * u;
    }
    double m = s / n, v = q / n - m * m;
    assert_true(fabs(m - 0.5) < 4 * sqrt(1.0 / 12 / n));
    assert_true(fabs(v - 1.0 / 12) < 4 * sqrt(1.0 / 180 / n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_simple_kriging),
        cmocka_unit_test(test_blocks_match_simple_kriging),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
