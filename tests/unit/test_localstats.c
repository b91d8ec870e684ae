/* Local spatial statistics: Gi*, local Moran's I and BH q-values, by hand, by
 * brute force, and against R spdep 1.2-7 on the Meuse data (golden files from
 * scripts/reference/meuse-spdep.R; R is not needed to run these tests). */
#include "core/error.h"
#include "geostat/localstats.h"
#include "testutil.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sm_test_table meuse;

static void assert_near(double got, double want, double tol, const char *what, int i)
{
    if (isnan(want) && isnan(got))
        return;
    if (!(fabs(got - want) <= tol))
        fail_msg("%s[%d]: %.17g, expected %.17g (difference %.3g > %.1g)", what, i, got, want,
                 fabs(got - want), tol);
}

/* 5 points on a line at x = 0, 100, 200, 300, 600 with values 1, 3, 7, 5, 9
 * and a 150 m band: neighbours 0:{1} 1:{0,2} 2:{1,3} 3:{2} 4:{} (isolated).
 *   n = 5, mean 25/5 = 5, z = -4, -2, 2, 0, 4, sum z^2 = 40, m2 = 8, S = 2 sqrt 2.
 * Gi*: W_i = S1_i = k_i + 1 = 2, 3, 3, 2, 1;
 *   (n W - W^2)/(n - 1) = (10-4)/4 = 1.5 for W = 2, (15-9)/4 = 1.5 for W = 3,
 *   (5-1)/4 = 1 for W = 1, so the denominators are 2 sqrt 2 sqrt 1.5 = 2 sqrt 3
 *   (points 0-3) and 2 sqrt 2 (point 4).
 *   Numerators sum_{j in N(i) + i} z_j: -4-2 = -6, -2-4+2 = -4, 2-2+0 = 0,
 *   0+2 = 2, 4 (the isolated point: just itself).
 *   Gi* = -6/(2 sqrt 3) = -sqrt 3, -4/(2 sqrt 3) = -2/sqrt 3, 0,
 *         2/(2 sqrt 3) = 1/sqrt 3, 4/(2 sqrt 2) = sqrt 2.
 * Local Moran: lag = mean of the neighbours' z = -2, -1, -1, 2, none;
 *   I = (z/m2) lag = (-4/8)(-2) = 1, (-2/8)(-1) = 0.25, (2/8)(-1) = -0.25,
 *   (0/8)(2) = 0, NAN.  E = -1/(n-1) = -0.25.
 *   b2 = (sum z^4 / n) / m2^2 = ((256+16+16+0+256)/5)/64 = 1.7,
 *   A = (n - b2)/(n-1) = 0.825, B = (2 b2 - n)/((n-1)(n-2)) = -1.6/12 = -2/15,
 *   V = A/k + B (1 - 1/k) - E^2: k = 1: 0.825 - 0.0625 = 61/80;
 *   k = 2: 0.4125 - 1/15 - 0.0625 = 17/60.
 *   z = 1.25/sqrt(61/80), 0.5/sqrt(17/60), 0, 0.25/sqrt(61/80), NAN.
 *   Quadrants: LL, LL, HL, LH (z = 0 counts as Low), none = 3, 3, 4, 2, 0. */
static void test_line_by_hand(void **state)
{
    (void)state;
    const double x[5] = {0, 100, 200, 300, 600}, y[5] = {0}, v[5] = {1, 3, 7, 5, 9};
    const double gi[5] = {-sqrt(3), -2 / sqrt(3), 0, 1 / sqrt(3), sqrt(2)};
    const double mi[5] = {1, 0.25, -0.25, 0, NAN};
    const double mz[5] = {1.25 / sqrt(61.0 / 80), 0.5 / sqrt(17.0 / 60), 0, 0.25 / sqrt(61.0 / 80),
                          NAN};
    const int nn[5] = {1, 2, 2, 1, 0}, quad[5] = {3, 3, 4, 2, 0};
    sm_weights_spec w = {SM_WEIGHTS_DISTANCE, 150, 0};
    sm_localstats s;
    assert_int_equal(sm_localstats_compute(5, x, y, v, &w, 1, &s), SM_OK);
    assert_int_equal(s.n, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s.n_neighbours[i], nn[i]);
        assert_near(s.gi_z[i], gi[i], 1e-12, "gi_z", i);
        assert_near(s.gi_p[i], erfc(fabs(gi[i]) / sqrt(2)), 1e-12, "gi_p", i);
        assert_near(s.moran_i[i], mi[i], 1e-12, "moran_i", i);
        assert_near(s.moran_z[i], mz[i], 1e-12, "moran_z", i);
        assert_int_equal(s.moran_quadrant[i], quad[i]);
    }
    assert_true(isnan(s.moran_p[4]) && isnan(s.moran_q[4]));
    assert_near(s.gi_p[2], 1, 1e-15, "gi_p", 2);
    sm_localstats_free(&s);
    assert_null(s.gi_z);

    /* Gi* alone leaves the Moran arrays out */
    assert_int_equal(sm_localstats_compute(5, x, y, v, &w, 0, &s), SM_OK);
    assert_null(s.moran_i);
    assert_null(s.moran_quadrant);
    assert_near(s.gi_z[4], sqrt(2), 1e-12, "gi_z", 4);
    sm_localstats_free(&s);
}

/* p = 0.02 NA 0.3 0.02 0.011 NA 0.8 0.05 0.049 0.3: m = 8 non-missing.
 * Sorted with rank k and p m / k:
 *   0.011 (1) 0.088, 0.02 (2) 0.08, 0.02 (3) 0.05333, 0.049 (4) 0.098,
 *   0.05 (5) 0.08, 0.3 (6) 0.4, 0.3 (7) 0.342857, 0.8 (8) 0.8.
 * Running minimum from the top: 0.8, 0.342857 (k 7 and 6), 0.08 (k 5, 4),
 * 0.05333 (k 3, 2, 1). Ties share the value, NA stays NA. Same as
 * p.adjust(p, "BH") in R. */
static void test_bh_by_hand(void **state)
{
    (void)state;
    const double p[10] = {0.02, NAN, 0.3, 0.02, 0.011, NAN, 0.8, 0.05, 0.049, 0.3};
    const double want[10] = {0.16 / 3, NAN, 2.4 / 7, 0.16 / 3, 0.16 / 3,
                             NAN,      0.8, 0.08,    0.08,     2.4 / 7};
    double q[10];
    sm_bh_adjust(10, p, q);
    for (int i = 0; i < 10; i++) {
        assert_true(isnan(q[i]) == isnan(want[i]));
        assert_near(q[i], want[i], 1e-12, "q", i);
    }
    double r[10];
    memcpy(r, p, sizeof r);
    sm_bh_adjust(10, r, r); /* in place */
    for (int i = 0; i < 10; i++)
        assert_near(r[i], want[i], 1e-12, "q in place", i);
    sm_bh_adjust(0, NULL, NULL);
}

/* Benjamini & Hochberg's (1995) own 15 p-values; want is R 4.2.2's
 * sprintf("%.17g", p.adjust(p, "BH")). */
static void test_bh_against_r(void **state)
{
    (void)state;
    const double p[15] = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                          0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
    const double want[15] = {0.0015,
                             0.0030000000000000001,
                             0.0094999999999999998,
                             0.035624999999999997,
                             0.060299999999999999,
                             0.063857142857142862,
                             0.063857142857142862,
                             0.064500000000000002,
                             0.076500000000000012,
                             0.48599999999999999,
                             0.58118181818181813,
                             0.71487499999999993,
                             0.75323076923076926,
                             0.81321428571428567,
                             1};
    double q[15], rev_p[15], rev_q[15];
    sm_bh_adjust(15, p, q);
    for (int i = 0; i < 15; i++) {
        assert_near(q[i], want[i], 1e-12, "q", i);
        rev_p[i] = p[14 - i];
    }
    sm_bh_adjust(15, rev_p, rev_q); /* the input order does not matter */
    for (int i = 0; i < 15; i++)
        assert_near(rev_q[i], want[14 - i], 1e-12, "q reversed", i);
}

static void expect_error(int n, const double *x, const double *y, const double *v,
                         const sm_weights_spec *w, int status, const char *words)
{
    sm_localstats s;
    sm_error_clear();
    assert_int_equal(sm_localstats_compute(n, x, y, v, w, 1, &s), status);
    assert_non_null(strstr(sm_error_message(), words));
    assert_null(s.gi_z); /* nothing to free, nothing leaked */
    assert_null(s.moran_i);
    sm_localstats_free(&s);
}

static void test_degenerate_input(void **state)
{
    (void)state;
    const double x[5] = {0, 1, 2, 3, 4}, y[5] = {0, 0, 0, 0, 0};
    const double same[5] = {0.1, 0.1, 0.1, 0.1, 0.1}, v[5] = {1, 2, 3, 4, 6};
    sm_weights_spec band = {SM_WEIGHTS_DISTANCE, 1.5, 0}, knn = {SM_WEIGHTS_KNN, 0, 2};
    expect_error(5, x, y, same, &band, SM_EDATA, "all 5 values are equal");
    expect_error(2, x, y, v, &band, SM_EDATA, "at least 3 points, got 2");
    expect_error(0, x, y, v, &knn, SM_EDATA, "at least 3 points, got 0");
    knn.k = 5;
    expect_error(5, x, y, v, &knn, SM_EDATA, "k = 5 nearest neighbours needs at least 6");
    knn.k = 0;
    expect_error(5, x, y, v, &knn, SM_ECONFIG, "k = 0");
    band.distance = -1;
    expect_error(5, x, y, v, &band, SM_ECONFIG, "distance band -1 m");
    band.distance = NAN;
    expect_error(5, x, y, v, &band, SM_ECONFIG, "distance band");
    band.distance = 1.5;
    const double bad[5] = {1, 2, NAN, 4, 5};
    expect_error(5, x, y, bad, &band, SM_EDATA, "point 2 has a non-finite");
    expect_error(5, bad, y, v, &band, SM_EDATA, "point 2 has a non-finite");
}

/* A band so small that nobody has a neighbour: Gi*_i = z_i / S for every
 * point (W_i = S1_i = 1), and no local Moran at all. A band holding every
 * point: n S1 - W^2 = 0, Gi* is 0/0 and reported as NAN (q too), while local
 * Moran is defined (k_i = n - 1). */
static void test_isolated_and_everywhere(void **state)
{
    (void)state;
    const double x[5] = {0, 100, 200, 300, 400}, y[5] = {0}, v[5] = {1, 2, 3, 4, 6};
    double mean = 16.0 / 5, m2 = 0;
    for (int i = 0; i < 5; i++)
        m2 += (v[i] - mean) * (v[i] - mean) / 5;
    sm_weights_spec w = {SM_WEIGHTS_DISTANCE, 50, 0};
    sm_localstats s;
    assert_int_equal(sm_localstats_compute(5, x, y, v, &w, 1, &s), SM_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s.n_neighbours[i], 0);
        assert_near(s.gi_z[i], (v[i] - mean) / sqrt(m2), 1e-12, "gi_z", i);
        assert_true(isnan(s.moran_i[i]) && isnan(s.moran_z[i]) && isnan(s.moran_q[i]));
        assert_int_equal(s.moran_quadrant[i], 0);
    }
    sm_localstats_free(&s);

    w.distance = 1000;
    assert_int_equal(sm_localstats_compute(5, x, y, v, &w, 1, &s), SM_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(s.n_neighbours[i], 4);
        assert_true(isnan(s.gi_z[i]) && isnan(s.gi_p[i]) && isnan(s.gi_q[i]));
        assert_true(isfinite(s.moran_z[i]) && isfinite(s.moran_q[i]));
    }
    sm_localstats_free(&s);
}

/* ---- brute force: every pair, sorted by (distance, index) ---------------- */

typedef struct {
    double d2;
    int j;
} pair;

static int by_distance(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->d2 != q->d2)
        return p->d2 < q->d2 ? -1 : 1;
    return p->j - q->j;
}

/* Gi* and local Moran's I from the definitions, O(n^2). */
static void brute_force(int n, const double *x, const double *y, const double *v,
                        const sm_weights_spec *w, double *gi, double *mi, double *mz, int *count)
{
    double mean = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++)
        mean += v[i] / n;
    for (int i = 0; i < n; i++) {
        double z = v[i] - mean;
        m2 += z * z / n, m4 += z * z * z * z / n;
    }
    double b2 = m4 / (m2 * m2), a = (n - b2) / (n - 1), b = (2 * b2 - n) / ((n - 1.0) * (n - 2));
    pair *p = malloc((size_t)n * sizeof *p);
    for (int i = 0; i < n; i++) {
        int m = 0;
        for (int j = 0; j < n; j++)
            if (j != i)
                p[m++] = (pair){(x[j] - x[i]) * (x[j] - x[i]) + (y[j] - y[i]) * (y[j] - y[i]), j};
        qsort(p, (size_t)m, sizeof *p, by_distance);
        int k = 0;
        double lx = v[i];
        while (k < m &&
               (w->kind == SM_WEIGHTS_KNN ? k < w->k : p[k].d2 <= w->distance * w->distance))
            lx += v[p[k++].j];
        double wi = k + 1;
        gi[i] = (lx - mean * wi) / (sqrt(m2) * sqrt((n * wi - wi * wi) / (n - 1)));
        double lag = (lx - v[i]) / k - mean, e = -1.0 / (n - 1);
        mi[i] = (v[i] - mean) / m2 * lag;
        mz[i] = (mi[i] - e) / sqrt(a / k + b * (1 - 1.0 / k) - e * e);
        count[i] = k;
    }
    free(p);
}

/* Points on a coarse lattice: many coincident points and exactly tied
 * distances, where a neighbour chosen wrongly changes the sums. */
static void lattice(int n, double *x, double *y, double *v)
{
    unsigned r = 7;
    for (int i = 0; i < n; i++) {
        r = r * 1103515245u + 12345u;
        x[i] = 10.0 * ((r >> 8) % 12);
        y[i] = 10.0 * ((r >> 12) % 9);
        v[i] = (r >> 16) % 1000 / 10.0;
    }
}

static void compare_brute_force(int n, const double *x, const double *y, const double *v,
                                const sm_weights_spec *w)
{
    double *gi = malloc(3 * (size_t)n * sizeof *gi), *mi = gi + n, *mz = gi + 2 * n;
    int *count = malloc((size_t)n * sizeof *count);
    brute_force(n, x, y, v, w, gi, mi, mz, count);
    sm_localstats s, one;
    assert_int_equal(sm_localstats_compute(n, x, y, v, w, 1, &s), SM_OK);
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    assert_int_equal(sm_localstats_compute(n, x, y, v, w, 1, &one), SM_OK);
    omp_set_num_threads(threads);
    for (int i = 0; i < n; i++) {
        assert_int_equal(s.n_neighbours[i], count[i]);
        assert_near(s.gi_z[i], gi[i], 1e-10, "gi_z", i);
        assert_near(s.moran_i[i], mi[i], 1e-10, "moran_i", i);
        assert_near(s.moran_z[i], mz[i], 1e-10, "moran_z", i);
        /* bit for bit whatever the thread count */
        assert_memory_equal(&s.gi_z[i], &one.gi_z[i], sizeof(double));
        assert_memory_equal(&s.moran_z[i], &one.moran_z[i], sizeof(double));
    }
    sm_localstats_free(&s);
    sm_localstats_free(&one);
    free(gi);
    free(count);
}

static void test_brute_force_with_ties(void **state)
{
    (void)state;
    enum { N = 400 }; /* 108 lattice sites: about 4 points on each */
    double x[N], y[N], v[N];
    lattice(N, x, y, v);
    const sm_weights_spec specs[] = {
        {SM_WEIGHTS_KNN, 0, 1},      {SM_WEIGHTS_KNN, 0, 3},         {SM_WEIGHTS_KNN, 0, 8},
        {SM_WEIGHTS_KNN, 0, 25},     {SM_WEIGHTS_DISTANCE, 10, 0},   {SM_WEIGHTS_DISTANCE, 15, 0},
        {SM_WEIGHTS_DISTANCE, 0, 0}, {SM_WEIGHTS_DISTANCE, 31.7, 0},
    };
    for (size_t c = 0; c < sizeof specs / sizeof *specs; c++)
        compare_brute_force(N, x, y, v, &specs[c]);
}

/* Four points at one place and k = 2: for point 3 the k + 1 = 3 nearest by
 * (distance, index) are points 0, 1, 2, so i itself is not among them and
 * nothing may be dropped but the surplus: its neighbours are 0 and 1. Points
 * 0-2 drop themselves and keep the two other lowest indices. */
static void test_knn_coincident_points(void **state)
{
    (void)state;
    const double x[8] = {0, 0, 0, 0, 10, 20, 30, 0}, y[8] = {0, 0, 0, 0, 0, 0, 0, 50};
    const double v[8] = {1, 10, 100, 1000, 3, 5, 8, 13};
    /* neighbours and the sums of their values (self included for Gi*) */
    const int nb[8][2] = {{1, 2}, {0, 2}, {0, 1}, {0, 1}, {0, 1}, {4, 6}, {5, 4}, {0, 1}};
    double mean = 0, m2 = 0;
    for (int i = 0; i < 8; i++)
        mean += v[i] / 8;
    for (int i = 0; i < 8; i++)
        m2 += (v[i] - mean) * (v[i] - mean) / 8;
    sm_weights_spec w = {SM_WEIGHTS_KNN, 0, 2};
    sm_localstats s;
    assert_int_equal(sm_localstats_compute(8, x, y, v, &w, 1, &s), SM_OK);
    for (int i = 0; i < 8; i++) {
        double sum = v[i] + v[nb[i][0]] + v[nb[i][1]];
        double want = (sum - 3 * mean) / (sqrt(m2) * sqrt((8 * 3 - 9) / 7.0));
        assert_int_equal(s.n_neighbours[i], 2);
        assert_near(s.gi_z[i], want, 1e-12, "gi_z", i);
        double lag = (v[nb[i][0]] + v[nb[i][1]]) / 2 - mean;
        assert_near(s.moran_i[i], (v[i] - mean) / m2 * lag, 1e-12, "moran_i", i);
    }
    sm_localstats_free(&s);
}

/* ---- R spdep on the Meuse data -------------------------------------------- */

static const char *golden(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/tests/golden/meuse/%s", SM_SOURCE_DIR, name);
    return buf;
}

static sm_weights_spec spec_named(const char *w)
{
    if (!strcmp(w, "knn8"))
        return (sm_weights_spec){SM_WEIGHTS_KNN, 0, 8};
    return (sm_weights_spec){SM_WEIGHTS_DISTANCE, atof(w + 1), 0};
}

/* Relative 1e-9, absolute near 0 (z-scores and I cross zero). */
typedef struct {
    double worst; /* largest |got - want| / max(|want|, floor) */
} diff;

static void check(diff *d, double got, double want, double floor, const char *what, int i)
{
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("%s[%d]: %.17g, spdep NA", what, i, got);
        return;
    }
    double r = fabs(got - want) / fmax(fabs(want), floor);
    if (!(r <= 1e-9))
        fail_msg("%s[%d]: %.17g, spdep %.17g (relative %.3g)", what, i, got, want, r);
    d->worst = fmax(d->worst, r);
}

static void check_localg(const char *metal, const char *w)
{
    char name[64];
    snprintf(name, sizeof name, "localG_%s_%s.csv", metal, w);
    sm_test_table g;
    sm_test_read_csv(golden(name), &g);
    assert_int_equal(g.nrows, meuse.nrows);
    const double *nn = sm_test_col(&g, "n_neighbours"), *z = sm_test_col(&g, "gi_z"),
                 *p = sm_test_col(&g, "gi_p"), *q = sm_test_col(&g, "gi_q");
    sm_weights_spec spec = spec_named(w);
    sm_localstats s;
    assert_int_equal(sm_localstats_compute(meuse.nrows, sm_test_col(&meuse, "x"),
                                           sm_test_col(&meuse, "y"), sm_test_col(&meuse, metal),
                                           &spec, 0, &s),
                     SM_OK);
    diff dz = {0}, dp = {0}, dq = {0};
    for (int i = 0; i < g.nrows; i++) {
        assert_int_equal(s.n_neighbours[i], (int)nn[i]);
        check(&dz, s.gi_z[i], z[i], 1, "gi_z", i);
        check(&dp, s.gi_p[i], p[i], 1e-300, "gi_p", i);
        check(&dq, s.gi_q[i], q[i], 1e-300, "gi_q", i);
    }
    print_message("%-26s max relative difference: z %.2g  p %.2g  q %.2g\n", name, dz.worst,
                  dp.worst, dq.worst);
    sm_localstats_free(&s);
    sm_test_table_free(&g);
}

static void check_localmoran(const char *w)
{
    char name[64];
    snprintf(name, sizeof name, "localmoran_zinc_%s.csv", w);
    sm_test_table g;
    sm_test_read_csv(golden(name), &g);
    const double *nn = sm_test_col(&g, "n_neighbours"), *ii = sm_test_col(&g, "Ii"),
                 *z = sm_test_col(&g, "Z_Ii"), *p = sm_test_col(&g, "p"), *q = sm_test_col(&g, "q"),
                 *quad = sm_test_col(&g, "quadrant");
    sm_weights_spec spec = spec_named(w);
    sm_localstats s;
    assert_int_equal(sm_localstats_compute(meuse.nrows, sm_test_col(&meuse, "x"),
                                           sm_test_col(&meuse, "y"), sm_test_col(&meuse, "zinc"),
                                           &spec, 1, &s),
                     SM_OK);
    diff di = {0}, dz = {0}, dp = {0}, dq = {0};
    int isolated = 0;
    for (int i = 0; i < g.nrows; i++) {
        assert_int_equal(s.n_neighbours[i], (int)nn[i]);
        if (nn[i] == 0) { /* spdep (zero.policy): I = 0, Z NA; soilmap: all NAN */
            assert_true(isnan(s.moran_i[i]) && isnan(s.moran_z[i]) && isnan(s.moran_p[i]));
            assert_true(isnan(z[i]) && isnan(q[i]));
            assert_int_equal(s.moran_quadrant[i], 0);
            isolated++;
            continue;
        }
        check(&di, s.moran_i[i], ii[i], 1, "moran_i", i);
        check(&dz, s.moran_z[i], z[i], 1, "moran_z", i);
        check(&dp, s.moran_p[i], p[i], 1e-300, "moran_p", i);
        check(&dq, s.moran_q[i], q[i], 1e-300, "moran_q", i);
        assert_int_equal(s.moran_quadrant[i], (int)quad[i]);
    }
    print_message("%-26s max relative difference: I %.2g  z %.2g  p %.2g  q %.2g "
                  "(%d isolated)\n",
                  name, di.worst, dz.worst, dp.worst, dq.worst, isolated);
    sm_localstats_free(&s);
    sm_test_table_free(&g);
}

static void test_meuse_gi_star_against_spdep(void **state)
{
    (void)state;
    check_localg("zinc", "d500");
    check_localg("zinc", "knn8");
    check_localg("zinc", "d100"); /* 81 points without a neighbour */
    check_localg("cadmium", "d500");
}

static void test_meuse_local_moran_against_spdep(void **state)
{
    (void)state;
    check_localmoran("d500");
    check_localmoran("knn8");
    check_localmoran("d100");
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
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_by_hand),
        cmocka_unit_test(test_bh_by_hand),
        cmocka_unit_test(test_bh_against_r),
        cmocka_unit_test(test_degenerate_input),
        cmocka_unit_test(test_isolated_and_everywhere),
        cmocka_unit_test(test_brute_force_with_ties),
        cmocka_unit_test(test_knn_coincident_points),
        cmocka_unit_test(test_meuse_gi_star_against_spdep),
        cmocka_unit_test(test_meuse_local_moran_against_spdep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
