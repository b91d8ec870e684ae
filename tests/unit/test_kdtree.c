/* The neighbour index and the block search against brute force. */
#include "geostat/kdtree.h"
#include "geostat/nsearch.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { N = 3000 };
static double xs[N], ys[N];

/* Points with deliberate duplicates and points on a lattice (many equal
 * distances), plus uniform ones. */
static void make_points(void)
{
    unsigned r = 7;
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        if (i % 10 == 0) { /* lattice */
            xs[i] = 100.0 * (i / 10 % 20);
            ys[i] = 100.0 * (i / 200);
        } else if (i % 10 == 1 && i > 1) { /* a copy of an earlier point */
            xs[i] = xs[i - 2], ys[i] = ys[i - 2];
        } else {
            xs[i] = (r >> 8) % 100000 / 50.0;
            ys[i] = (r >> 4) % 99991 / 50.0;
        }
    }
}

typedef struct {
    double d2;
    int i;
} pair;

static int by_pair(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->d2 != q->d2)
        return p->d2 < q->d2 ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* The k nearest within radius by brute force, in (distance, index) order. */
static int brute(double x, double y, int k, double radius, pair *out)
{
    pair *all = malloc(N * sizeof *all);
    int n = 0;
    for (int i = 0; i < N; i++) {
        double d2 = (xs[i] - x) * (xs[i] - x) + (ys[i] - y) * (ys[i] - y);
        if (radius == HUGE_VAL || d2 <= radius * radius)
            all[n++] = (pair){d2, i};
    }
    qsort(all, (size_t)n, sizeof *all, by_pair);
    n = n < k ? n : k;
    memcpy(out, all, (size_t)n * sizeof *out);
    free(all);
    return n;
}

static void test_knn_matches_brute_force(void **state)
{
    (void)state;
    sm_kdtree t;
    assert_int_equal(sm_kdtree_build(&t, N, xs, ys), 0);
    sm_neighbour nb[65];
    pair want[65];
    int ks[4] = {1, 8, 32, 64};
    double radii[3] = {HUGE_VAL, 150.0, 40.0};
    for (int q = 0; q < 400; q++) {
        /* query points on lattice nodes, on samples and in between */
        double x = q % 3 == 0 ? 100.0 * (q % 20) : q % 3 == 1 ? xs[q * 7] : q * 4.9;
        double y = q % 3 == 0 ? 100.0 * (q % 15) : q % 3 == 1 ? ys[q * 7] : q * 3.1;
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 3; b++) {
                int n = sm_kdtree_knn(&t, x, y, ks[a], radii[b], nb);
                int m = brute(x, y, ks[a], radii[b], want);
                assert_int_equal(n, m);
                for (int i = 0; i < n; i++) {
                    assert_int_equal(nb[i].index, want[i].i);
                    assert_true(fabs(nb[i].dist - sqrt(want[i].d2)) < 1e-9);
                }
            }
    }
    sm_kdtree_free(&t);
}

/* The block search returns the same set as brute force for every point of
 * the block, in ascending index order. */
static void test_block_search_matches_brute_force(void **state)
{
    (void)state;
    sm_kdtree t;
    sm_kdtree_build(&t, N, xs, ys);
    int ks[3] = {4, 32, 100};
    double radii[2] = {HUGE_VAL, 120.0};
    pair want[101];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 2; b++) {
            sm_nsearch s;
            assert_int_equal(sm_nsearch_init(&s, &t, ks[a], radii[b]), 0);
            for (int blk = 0; blk < 30; blk++) {
                double cx = 50.0 + 67.0 * blk, cy = 40.0 + 61.0 * blk, reach = 0.5 * hypot(80, 80);
                sm_nsearch_block(&s, cx, cy, reach);
                for (int c = 0; c < 64; c++) { /* an 8 x 8 block of 10 m cells */
                    double x = cx - 35 + 10 * (c % 8), y = cy - 35 + 10 * (c / 8);
                    sm_neighbour *nb;
                    int n = sm_nsearch_find(&s, x, y, -1, &nb);
                    int m = brute(x, y, ks[a], radii[b], want);
                    assert_int_equal(n, m);
                    qsort(want, (size_t)m, sizeof *want, by_pair); /* then by index: */
                    int *idx = malloc((size_t)(m > 0 ? m : 1) * sizeof *idx);
                    for (int i = 0; i < m; i++)
                        idx[i] = want[i].i;
                    for (int i = 1; i < m; i++) /* insertion sort by index */
                        for (int j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
                            int tmp = idx[j];
                            idx[j] = idx[j - 1], idx[j - 1] = tmp;
                        }
                    for (int i = 0; i < n; i++)
                        assert_int_equal(nb[i].index, idx[i]);
                    free(idx);
                }
            }
            sm_nsearch_free(&s);
        }
    sm_kdtree_free(&t);
}

static void test_leave_one_out_search(void **state)
{
    (void)state;
    sm_kdtree t;
    sm_kdtree_build(&t, N, xs, ys);
    sm_nsearch s;
    sm_nsearch_init(&s, &t, 16, HUGE_VAL);
    pair want[17];
    for (int i = 0; i < N; i += 37) {
        sm_neighbour *nb;
        int n = sm_nsearch_find(&s, xs[i], ys[i], i, &nb);
        int m = brute(xs[i], ys[i], 17, HUGE_VAL, want);
        /* the 16 nearest other than sample i itself */
        int expect = 0;
        for (int j = 0; j < m && expect < 16; j++)
            if (want[j].i != i)
                expect++;
        assert_int_equal(n, expect);
        for (int j = 0; j < n; j++)
            assert_true(nb[j].index != i);
    }
    sm_nsearch_free(&s);
    sm_kdtree_free(&t);
}

static void test_within_radius(void **state)
{
    (void)state;
    sm_kdtree t;
    sm_kdtree_build(&t, N, xs, ys);
    int *out = NULL, cap = 0;
    for (int q = 0; q < 50; q++) {
        double x = q * 37.0, y = q * 29.0, r = 50.0 + q;
        int n = sm_kdtree_within(&t, x, y, r, &out, &cap);
        int m = 0;
        for (int i = 0; i < N; i++)
            m += (xs[i] - x) * (xs[i] - x) + (ys[i] - y) * (ys[i] - y) <= r * r;
        assert_int_equal(n, m);
    }
    free(out);
    sm_kdtree_free(&t);
}

static int setup(void **state)
{
    (void)state;
    make_points();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_knn_matches_brute_force),
        cmocka_unit_test(test_block_search_matches_brute_force),
        cmocka_unit_test(test_leave_one_out_search),
        cmocka_unit_test(test_within_radius),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
