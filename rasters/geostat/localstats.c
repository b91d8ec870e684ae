#include "geostat/localstats.h"
#include "core/error.h"
#include "geostat/kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Summaries of the values that every local statistic needs. */
typedef struct {
    double mean, m2, m4; /* mean, sum z^2 / n, sum z^4 / n */
} moments;

static int check_input(int n, const double *x, const double *y, const double *v,
                       const sm_weights_spec *w)
{
    if (w->kind == SM_WEIGHTS_DISTANCE && !(isfinite(w->distance) && w->distance >= 0))
        return sm_error_set(SM_ECONFIG,
                            "local statistics: distance band %g m must be finite "
                            "and >= 0",
                            w->distance);
    if (w->kind == SM_WEIGHTS_KNN && w->k < 1)
        return sm_error_set(SM_ECONFIG,
                            "local statistics: k = %d nearest neighbours must be "
                            ">= 1",
                            w->k);
    if (w->kind != SM_WEIGHTS_DISTANCE && w->kind != SM_WEIGHTS_KNN)
        return sm_error_set(SM_ECONFIG, "local statistics: unknown weights kind %d", (int)w->kind);
    if (n < 3)
        return sm_error_set(SM_EDATA, "local statistics: need at least 3 points, got %d", n);
    if (w->kind == SM_WEIGHTS_KNN && w->k >= n)
        return sm_error_set(SM_EDATA,
                            "local statistics: k = %d nearest neighbours needs at "
                            "least %d points, got %d",
                            w->k, w->k + 1, n);
    int varies = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(v[i]))
            return sm_error_set(SM_EDATA,
                                "local statistics: point %d has a non-finite "
                                "coordinate or value",
                                i);
        varies |= v[i] != v[0];
    }
    /* Compared exactly: the mean of equal values need not round back to the
     * value, which would leave a tiny spurious variance. */
    if (!varies)
        return sm_error_set(SM_EDATA,
                            "local statistics: all %d values are equal (%g): with "
                            "no variance, Gi* and local Moran's I are undefined",
                            n, v[0]);
    return SM_OK;
}

static moments moments_of(int n, const double *v)
{
    moments m = {0, 0, 0};
    for (int i = 0; i < n; i++)
        m.mean += v[i];
    m.mean /= n;
    double c = 0; /* a second pass corrects the mean's rounding, as R's mean() does */
    for (int i = 0; i < n; i++)
        c += v[i] - m.mean;
    m.mean += c / n;
    for (int i = 0; i < n; i++) {
        double z2 = (v[i] - m.mean) * (v[i] - m.mean);
        m.m2 += z2;
        m.m4 += z2 * z2;
    }
    m.m2 /= n;
    m.m4 /= n;
    return m;
}

/* Per-thread buffers for the neighbour searches. */
typedef struct {
    int *idx, cap;     /* neighbour indices; grown by sm_kdtree_within */
    sm_neighbour *knn; /* k + 1 candidates (kNN only) */
} search_scratch;

static int scratch_init(search_scratch *s, const sm_weights_spec *w)
{
    *s = (search_scratch){NULL, 0, NULL};
    if (w->kind != SM_WEIGHTS_KNN)
        return 1;
    s->knn = malloc((size_t)(w->k + 1) * sizeof *s->knn);
    s->idx = malloc((size_t)(w->k + 1) * sizeof *s->idx);
    s->cap = w->k + 1;
    return s->knn && s->idx;
}

/* Indices of i's neighbours (never i itself) into s->idx; returns their number. */
static int neighbours_of(const sm_kdtree *t, const sm_weights_spec *w, int i, search_scratch *s)
{
    if (w->kind == SM_WEIGHTS_DISTANCE) {
        int m = sm_kdtree_within(t, t->x[i], t->y[i], w->distance, &s->idx, &s->cap);
        /* i itself is found at distance 0; coincident points have other
         * indices and stay */
        for (int j = 0; j < m; j++)
            if (s->idx[j] == i) {
                s->idx[j] = s->idx[--m];
                break;
            }
        return m;
    }
    int m = sm_kdtree_knn(t, t->x[i], t->y[i], w->k + 1, HUGE_VAL, s->knn);
    /* Drops exactly the entry of i. When more than k other points coincide
     * with i and have lower indices, i is not among the k + 1 (ties go by
     * index); the cap at k then drops the last candidate instead. */
    int kept = 0;
    for (int j = 0; j < m; j++)
        if (s->knn[j].index != i && kept < w->k)
            s->idx[kept++] = s->knn[j].index;
    return kept;
}

/* For every i: k_i and the sum of z_j = v_j - mean over i's neighbours. Each
 * point is independent, so the result is the same on any number of threads. */
static int neighbour_sums(int n, const double *x, const double *y, const double *v, double mean,
                          const sm_weights_spec *w, int *count, double *zsum)
{
    sm_kdtree tree;
    int rc = sm_kdtree_build(&tree, n, x, y);
    if (rc)
        return rc;
    int failed = 0;
#pragma omp parallel
    {
        search_scratch s;
        int ok = scratch_init(&s, w);
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 256)
        for (int i = 0; i < n; i++) {
            if (!ok)
                continue;
            int m = neighbours_of(&tree, w, i, &s);
            double sum = 0;
            for (int j = 0; j < m; j++)
                sum += v[s.idx[j]] - mean;
            count[i] = m;
            zsum[i] = sum;
        }
        free(s.idx);
        free(s.knn);
    }
    sm_kdtree_free(&tree);
    if (failed)
        return sm_error_set(SM_EINTERNAL, "local statistics: out of memory finding neighbours");
    return SM_OK;
}

static double two_sided_p(double z) { return erfc(fabs(z) / M_SQRT2); }

/* Gi* with binary weights and i in its own neighbourhood: W_i = S1_i = k_i + 1. */
static void gi_star(int n, const double *v, const moments *mo, const int *count, const double *zsum,
                    sm_localstats *out)
{
    double s = sqrt(mo->m2);
    for (int i = 0; i < n; i++) {
        double wi = count[i] + 1.0;
        double var = (n * wi - wi * wi) / (n - 1);
        /* var is 0 when the neighbourhood is every point: Gi* is then 0/0 */
        out->gi_z[i] = var > 0 ? ((v[i] - mo->mean) + zsum[i]) / (s * sqrt(var)) : NAN;
        out->gi_p[i] = two_sided_p(out->gi_z[i]);
    }
}

static int quadrant(double z, double lag)
{
    static const int code[2][2] = {{3, 2}, {4, 1}}; /* [value high][lag high] */
    return code[z > 0][lag > 0];
}

/* Local Moran's I with row-standardised weights (W_i = 1, S2_i = 1/k_i) and
 * Anselin's moments under total randomisation (spdep conditional = FALSE). */
static void moran_local(int n, const double *v, const moments *mo, const int *count,
                        const double *zsum, sm_localstats *out)
{
    double b2 = mo->m4 / (mo->m2 * mo->m2);
    double a = (n - b2) / (n - 1), b = (2 * b2 - n) / ((double)(n - 1) * (n - 2));
    double e = -1.0 / (n - 1);
    for (int i = 0; i < n; i++) {
        if (count[i] == 0) {
            out->moran_i[i] = out->moran_z[i] = out->moran_p[i] = NAN;
            out->moran_quadrant[i] = 0;
            continue;
        }
        double z = v[i] - mo->mean, lag = zsum[i] / count[i], s2 = 1.0 / count[i];
        double var = a * s2 + b * (1 - s2) - e * e;
        out->moran_i[i] = z / mo->m2 * lag;
        out->moran_z[i] = var > 0 ? (out->moran_i[i] - e) / sqrt(var) : NAN;
        out->moran_p[i] = two_sided_p(out->moran_z[i]);
        out->moran_quadrant[i] = quadrant(z, lag);
    }
}

typedef struct {
    double p;
    int i;
} ranked_p;

static int by_p(const void *a, const void *b)
{
    const ranked_p *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int bh_adjust(int n, const double *p, double *q)
{
    ranked_p *r = malloc((size_t)(n > 0 ? n : 1) * sizeof *r);
    if (!r)
        return sm_error_set(SM_EINTERNAL, "out of memory adjusting %d p-values", n);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(p[i]))
            q[i] = NAN;
        else
            r[m++] = (ranked_p){p[i], i};
    }
    qsort(r, (size_t)m, sizeof *r, by_p);
    /* From the largest p down, a running minimum: tied p-values all get the
     * value of the highest rank among them, as p.adjust does. */
    double run = HUGE_VAL;
    for (int k = m; k >= 1; k--) {
        run = fmin(run, (double)m / k * r[k - 1].p);
        q[r[k - 1].i] = fmin(run, 1.0);
    }
    free(r);
    return SM_OK;
}

void sm_bh_adjust(int n, const double *p, double *q)
{
    if (bh_adjust(n, p, q) != SM_OK)
        for (int i = 0; i < n; i++)
            q[i] = NAN; /* the message says why */
}

static int alloc_out(int n, int local_moran, sm_localstats *out)
{
    size_t d = (size_t)n * sizeof(double), k = (size_t)n * sizeof(int);
    out->n = n;
    out->gi_z = malloc(d), out->gi_p = malloc(d), out->gi_q = malloc(d);
    out->n_neighbours = malloc(k);
    int ok = out->gi_z && out->gi_p && out->gi_q && out->n_neighbours;
    if (local_moran) {
        out->moran_i = malloc(d), out->moran_z = malloc(d);
        out->moran_p = malloc(d), out->moran_q = malloc(d);
        out->moran_quadrant = malloc(k);
        ok = ok && out->moran_i && out->moran_z && out->moran_p && out->moran_q &&
             out->moran_quadrant;
    }
    if (ok)
        return SM_OK;
    sm_localstats_free(out);
    return sm_error_set(SM_EINTERNAL, "out of memory for local statistics of %d points", n);
}

int sm_localstats_compute(int n, const double *x, const double *y, const double *v,
                          const sm_weights_spec *w, int local_moran, sm_localstats *out)
{
    memset(out, 0, sizeof *out);
    int rc = check_input(n, x, y, v, w);
    if (rc || (rc = alloc_out(n, local_moran, out)))
        return rc;
    moments mo = moments_of(n, v);
    double *zsum = malloc((size_t)n * sizeof *zsum);
    rc = zsum ? neighbour_sums(n, x, y, v, mo.mean, w, out->n_neighbours, zsum)
              : sm_error_set(SM_EINTERNAL, "out of memory for local statistics of %d points", n);
    if (rc == SM_OK) {
        gi_star(n, v, &mo, out->n_neighbours, zsum, out);
        rc = bh_adjust(n, out->gi_p, out->gi_q);
    }
    if (rc == SM_OK && local_moran) {
        moran_local(n, v, &mo, out->n_neighbours, zsum, out);
        rc = bh_adjust(n, out->moran_p, out->moran_q);
    }
    free(zsum);
    if (rc)
        sm_localstats_free(out);
    return rc;
}

void sm_localstats_free(sm_localstats *s)
{
    free(s->gi_z), free(s->gi_p), free(s->gi_q), free(s->n_neighbours);
    free(s->moran_i), free(s->moran_z), free(s->moran_p), free(s->moran_q);
    free(s->moran_quadrant);
    memset(s, 0, sizeof *s);
}
