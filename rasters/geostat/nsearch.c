#include "geostat/nsearch.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int all_samples(const sm_nsearch *s) { return s->k >= s->tree->n; }

int sm_nsearch_init(sm_nsearch *s, const sm_kdtree *t, int k, double radius)
{
    memset(s, 0, sizeof *s);
    s->tree = t;
    s->k = k <= 0 || k > t->n ? t->n : k;
    s->radius = radius;
    s->buf_cap = (all_samples(s) ? t->n : s->k) + 1;
    s->buf = malloc((size_t)s->buf_cap * sizeof *s->buf);
    s->tmp = malloc((size_t)s->buf_cap * sizeof *s->tmp);
    return s->buf && s->tmp ? SM_OK : sm_error_set(SM_EINTERNAL, "out of memory");
}

void sm_nsearch_free(sm_nsearch *s)
{
    free(s->cand);
    free(s->cx);
    free(s->cy);
    free(s->buf);
    free(s->tmp);
    memset(s, 0, sizeof *s);
}

void sm_nsearch_reset(sm_nsearch *s) { s->block_valid = s->last_valid = 0; }

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void sm_nsearch_block(sm_nsearch *s, double cx, double cy, double reach)
{
    const sm_kdtree *t = s->tree;
    /* Every sample among the k nearest of a point q within reach of the
     * centre c lies within d_k(q) + |q - c| <= d_k(c) + 2 reach of c, and
     * within radius + reach. */
    double bound = s->radius == HUGE_VAL ? HUGE_VAL : s->radius + reach;
    if (!all_samples(s)) {
        int found = sm_kdtree_knn_set(t, cx, cy, s->k, s->radius, s->buf);
        if (found == s->k)
            bound = fmin(bound, sqrt(s->buf[0].dist) + 2.0 * reach);
    }
    bound *= 1.0 + 1e-12; /* round-off must not lose a sample on the bound */
    s->m = sm_kdtree_within(t, cx, cy, bound, &s->cand, &s->cap);
    qsort(s->cand, (size_t)s->m, sizeof *s->cand, cmp_int);
    if (s->m + 1 > s->buf_cap) {
        s->buf_cap = s->m + 1;
        s->buf = realloc(s->buf, (size_t)s->buf_cap * sizeof *s->buf);
        s->tmp = realloc(s->tmp, (size_t)s->buf_cap * sizeof *s->tmp);
    }
    if (s->m > s->xy_cap) {
        s->xy_cap = s->m;
        s->cx = realloc(s->cx, (size_t)s->xy_cap * sizeof *s->cx);
        s->cy = realloc(s->cy, (size_t)s->xy_cap * sizeof *s->cy);
    }
    for (int i = 0; i < s->m; i++)
        s->cx[i] = t->x[s->cand[i]], s->cy[i] = t->y[s->cand[i]];
    s->block_valid = 1;
    s->last_valid = 0;
}

static int later(const sm_neighbour *a, const sm_neighbour *b)
{
    return a->dist > b->dist || (a->dist == b->dist && a->index > b->index);
}

/* Moves the k-th smallest (distance, index) of a[0..n) to a[k-1] (Wirth's
 * selection; the pairs are distinct, so the order is strict). */
static void select_kth(sm_neighbour *a, int n, int k)
{
    int l = 0, r = n - 1, kk = k - 1;
    while (l < r) {
        sm_neighbour x = a[kk];
        int i = l, j = r;
        do {
            while (later(&x, &a[i]))
                i++;
            while (later(&a[j], &x))
                j--;
            if (i <= j) {
                sm_neighbour t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            r = j;
    }
}

/* The block's candidates within r2 (squared distances), in candidate order.
 * Every candidate is written and only those within count: no branch to
 * mispredict in the loop that runs most often. */
static int filter(sm_nsearch *s, double x, double y, double r2)
{
    int n = 0;
    for (int i = 0; i < s->m; i++) {
        double dx = s->cx[i] - x, dy = s->cy[i] - y, d2 = dx * dx + dy * dy;
        s->buf[n] = (sm_neighbour){s->cand[i], d2};
        n += d2 <= r2;
    }
    return n;
}

/* Drops the `extra` farthest of a[0..n), keeping the order of the rest: the
 * usual case, where the bound from the last cell lets in only a few more
 * than k. */
static int drop_farthest(sm_neighbour *a, int n, int extra)
{
    for (; extra > 0; extra--, n--) {
        int far = 0;
        for (int i = 1; i < n; i++)
            far = later(&a[i], &a[far]) ? i : far;
        memmove(a + far, a + far + 1, (size_t)(n - far - 1) * sizeof *a);
    }
    return n;
}

/* The k nearest of the n > k in s->buf, kept in their order. */
static int keep_nearest(sm_nsearch *s, int n)
{
    if (n - s->k <= 4)
        return drop_farthest(s->buf, n, n - s->k);
    memcpy(s->tmp, s->buf, (size_t)n * sizeof *s->tmp);
    select_kth(s->tmp, n, s->k);
    sm_neighbour last = s->tmp[s->k - 1];
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (!later(&s->buf[i], &last))
            s->buf[kept++] = s->buf[i];
    return kept;
}

/* From the block's candidates: the k nearest within the radius, kept in
 * candidate (ascending index) order. */
static int from_block(sm_nsearch *s, double x, double y)
{
    double r2 = s->radius == HUGE_VAL ? HUGE_VAL : s->radius * s->radius;
    int n = -1;
    if (s->last_valid) { /* a tighter bound that still holds all k */
        double b = (s->last_dk + hypot(x - s->last_x, y - s->last_y)) * (1.0 + 1e-12);
        if (b * b < r2 && (n = filter(s, x, y, b * b)) < s->k)
            n = -1;
    }
    if (n < 0)
        n = filter(s, x, y, r2);
    s->last_valid = n >= s->k;
    if (n > s->k)
        n = keep_nearest(s, n);
    if (s->last_valid) {
        double worst = 0; /* not fmax: libm's call costs a tenth of an IDW run */
        for (int i = 0; i < n; i++)
            worst = s->buf[i].dist > worst ? s->buf[i].dist : worst;
        s->last_x = x, s->last_y = y, s->last_dk = sqrt(worst);
    }
    return n;
}

static int by_index(const void *a, const void *b)
{
    int x = ((const sm_neighbour *)a)->index, y = ((const sm_neighbour *)b)->index;
    return (x > y) - (x < y);
}

static void sort_by_index(sm_neighbour *a, int n)
{
    if (n > 64) {
        qsort(a, (size_t)n, sizeof *a, by_index);
        return;
    }
    for (int i = 1; i < n; i++) { /* few: insertion sort */
        sm_neighbour v = a[i];
        int j = i - 1;
        for (; j >= 0 && a[j].index > v.index; j--)
            a[j + 1] = a[j];
        a[j + 1] = v;
    }
}

/* From the tree, leaving one sample out: one more is asked for, then the
 * excluded sample, or else the farthest (the heap's root), is dropped. */
static int from_tree(sm_nsearch *s, double x, double y, int exclude)
{
    int want = s->k + (exclude >= 0 && !all_samples(s));
    int found = sm_kdtree_knn_set(s->tree, x, y, want, s->radius, s->buf);
    int has_excluded = 0;
    for (int i = 0; i < found; i++)
        has_excluded |= s->buf[i].index == exclude;
    int start = exclude >= 0 && !has_excluded && found == want && want > s->k;
    int n = 0;
    for (int i = start; i < found; i++)
        if (s->buf[i].index != exclude)
            s->buf[n++] = s->buf[i];
    sort_by_index(s->buf, n);
    return n;
}

int sm_nsearch_find(sm_nsearch *s, double x, double y, int exclude, sm_neighbour **out)
{
    *out = s->buf;
    if (s->block_valid && exclude < 0)
        return from_block(s, x, y);
    return from_tree(s, x, y, exclude);
}
