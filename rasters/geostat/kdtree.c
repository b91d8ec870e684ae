#include "geostat/kdtree.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Leaves hold up to this many points: small enough to prune well, large
 * enough that the tree is shallow. */
enum { LEAF = 8 };

/* The tree is implicit: node i covers perm[lo..hi) and has children 2i+1 and
 * 2i+2, each with half of the points (the lower half gets the extra one). */

typedef struct {
    const double *key;
    int *perm;
} sort_ctx;

static void swap(int *a, int *b)
{
    int t = *a;
    *a = *b;
    *b = t;
}

static int less(const double *key, int a, int b)
{
    return key[a] < key[b] || (key[a] == key[b] && a < b);
}

/* Quickselect: puts the m-th smallest (by key, then index) of perm[lo..hi) at m. */
static void select_nth(int *perm, int lo, int hi, int m, const double *key)
{
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        /* median of three as pivot */
        if (less(key, perm[mid], perm[lo]))
            swap(&perm[mid], &perm[lo]);
        if (less(key, perm[hi - 1], perm[lo]))
            swap(&perm[hi - 1], &perm[lo]);
        if (less(key, perm[hi - 1], perm[mid]))
            swap(&perm[hi - 1], &perm[mid]);
        int pivot = perm[mid];
        swap(&perm[mid], &perm[hi - 1]);
        int store = lo;
        for (int i = lo; i < hi - 1; i++)
            if (less(key, perm[i], pivot))
                swap(&perm[i], &perm[store++]);
        swap(&perm[store], &perm[hi - 1]);
        if (store == m)
            return;
        if (m < store)
            hi = store;
        else
            lo = store + 1;
    }
}

static void build(sm_kdtree *t, int node, int lo, int hi)
{
    if (hi - lo <= LEAF || node >= t->nnodes)
        return;
    double xmin = HUGE_VAL, xmax = -HUGE_VAL, ymin = HUGE_VAL, ymax = -HUGE_VAL;
    for (int i = lo; i < hi; i++) {
        int p = t->perm[i];
        xmin = fmin(xmin, t->x[p]), xmax = fmax(xmax, t->x[p]);
        ymin = fmin(ymin, t->y[p]), ymax = fmax(ymax, t->y[p]);
    }
    int axis = (ymax - ymin) > (xmax - xmin);
    const double *key = axis ? t->y : t->x;
    int mid = lo + (hi - lo + 1) / 2;
    select_nth(t->perm, lo, hi, mid, key);
    t->axis[node] = (unsigned char)axis;
    t->split[node] = key[t->perm[mid]];
    build(t, 2 * node + 1, lo, mid);
    build(t, 2 * node + 2, mid, hi);
}

int sm_kdtree_build(sm_kdtree *t, int n, const double *x, const double *y)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->x = x;
    t->y = y;
    int leaves = 1;
    while (leaves * LEAF < n)
        leaves *= 2;
    t->nnodes = leaves - 1; /* internal nodes */
    t->perm = malloc((size_t)(n > 0 ? n : 1) * sizeof *t->perm);
    t->split = calloc((size_t)t->nnodes + 1, sizeof *t->split);
    t->axis = calloc((size_t)t->nnodes + 1, 1);
    if (!t->perm || !t->split || !t->axis) {
        sm_kdtree_free(t);
        return sm_error_set(SM_EINTERNAL, "out of memory building the neighbour index");
    }
    for (int i = 0; i < n; i++)
        t->perm[i] = i;
    build(t, 0, 0, n);
    return SM_OK;
}

void sm_kdtree_free(sm_kdtree *t)
{
    free(t->perm);
    free(t->split);
    free(t->axis);
    memset(t, 0, sizeof *t);
}

/* A bounded max-heap of the best candidates so far, keyed (squared distance,
 * index): the root is the worst kept candidate. */
typedef struct {
    sm_neighbour *h;
    int n, k;
    double r2; /* squared search radius */
} heap;

static int worse(const sm_neighbour *a, const sm_neighbour *b)
{
    return a->dist > b->dist || (a->dist == b->dist && a->index > b->index);
}

/* Puts c at position i of the heap's first n entries and sifts it down. */
static void sift_down(sm_neighbour *h, int n, int i, sm_neighbour c)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        const sm_neighbour *best = &c;
        if (l < n && worse(&h[l], best))
            m = l, best = &h[l];
        if (r < n && worse(&h[r], best))
            m = r;
        if (m == i)
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = c;
}

static void heap_offer(heap *hp, int index, double d2)
{
    sm_neighbour c = {index, d2};
    if (d2 > hp->r2)
        return;
    if (hp->n == hp->k) {
        if (worse(&hp->h[0], &c))
            sift_down(hp->h, hp->n, 0, c); /* replaces the farthest */
        return;
    }
    int i = hp->n++;
    while (i > 0 && worse(&c, &hp->h[(i - 1) / 2])) {
        hp->h[i] = hp->h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    hp->h[i] = c;
}

/* Squared distance beyond which nothing new can be accepted. */
static double bound(const heap *hp) { return hp->n == hp->k ? hp->h[0].dist : hp->r2; }

static void search(const sm_kdtree *t, int node, int lo, int hi, double qx, double qy, heap *hp)
{
    if (hi - lo <= LEAF || node >= t->nnodes) {
        for (int i = lo; i < hi; i++) {
            int p = t->perm[i];
            double dx = t->x[p] - qx, dy = t->y[p] - qy;
            heap_offer(hp, p, dx * dx + dy * dy);
        }
        return;
    }
    int mid = lo + (hi - lo + 1) / 2;
    double diff = (t->axis[node] ? qy : qx) - t->split[node];
    /* Points equal to the split value sit on both sides' boundary, so the far
     * side is visited when diff*diff <= bound (ties by index stay exact). */
    if (diff < 0) {
        search(t, 2 * node + 1, lo, mid, qx, qy, hp);
        if (diff * diff <= bound(hp))
            search(t, 2 * node + 2, mid, hi, qx, qy, hp);
    } else {
        search(t, 2 * node + 2, mid, hi, qx, qy, hp);
        if (diff * diff <= bound(hp))
            search(t, 2 * node + 1, lo, mid, qx, qy, hp);
    }
}

int sm_kdtree_knn_set(const sm_kdtree *t, double qx, double qy, int k, double radius,
                      sm_neighbour *out)
{
    if (k <= 0 || t->n == 0)
        return 0;
    heap hp = {out, 0, k, radius == HUGE_VAL ? HUGE_VAL : radius * radius};
    search(t, 0, 0, t->n, qx, qy, &hp);
    return hp.n;
}

int sm_kdtree_knn(const sm_kdtree *t, double qx, double qy, int k, double radius, sm_neighbour *out)
{
    int n = sm_kdtree_knn_set(t, qx, qy, k, radius, out);
    /* heap order to ascending order: move the farthest to the end, k log k */
    for (int end = n - 1; end > 0; end--) {
        sm_neighbour farthest = out[0];
        sift_down(out, end, 0, out[end]);
        out[end] = farthest;
    }
    for (int i = 0; i < n; i++)
        out[i].dist = sqrt(out[i].dist);
    return n;
}

typedef struct {
    int **out;
    int *cap;
    int n;
    double r2;
} range_query;

static void collect(const sm_kdtree *t, int node, int lo, int hi, double qx, double qy,
                    range_query *q)
{
    if (hi - lo <= LEAF || node >= t->nnodes) {
        for (int i = lo; i < hi; i++) {
            int p = t->perm[i];
            double dx = t->x[p] - qx, dy = t->y[p] - qy;
            if (dx * dx + dy * dy > q->r2)
                continue;
            if (q->n == *q->cap) {
                *q->cap = *q->cap ? 2 * *q->cap : 256;
                *q->out = realloc(*q->out, (size_t)*q->cap * sizeof **q->out);
            }
            (*q->out)[q->n++] = p;
        }
        return;
    }
    int mid = lo + (hi - lo + 1) / 2;
    double diff = (t->axis[node] ? qy : qx) - t->split[node];
    if (diff <= 0 || diff * diff <= q->r2)
        collect(t, 2 * node + 1, lo, mid, qx, qy, q);
    if (diff >= 0 || diff * diff <= q->r2)
        collect(t, 2 * node + 2, mid, hi, qx, qy, q);
}

int sm_kdtree_within(const sm_kdtree *t, double qx, double qy, double radius, int **out, int *cap)
{
    range_query q = {out, cap, 0, radius == HUGE_VAL ? HUGE_VAL : radius * radius};
    if (t->n > 0)
        collect(t, 0, 0, t->n, qx, qy, &q);
    return q.n;
}
