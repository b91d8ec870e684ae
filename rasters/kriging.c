#include "kriging.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int sm_cholesky(const double *A, double *L, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
            double s = A[i * n + j];
            const double *li = L + (size_t)i * n, *lj = L + (size_t)j * n;
            for (int k = 0; k < j; k++)
                s -= li[k] * lj[k];
            if (i == j) {
                /* relative test: a pivot lost to round-off means the system is
                 * singular (e.g. two points at one location) */
                if (!(s > 1e-12 * A[i * n + i]))
                    return -1;
                L[i * n + i] = sqrt(s);
            } else {
                L[i * n + j] = s / lj[j];
            }
        }
    }
    return 0;
}

void sm_forward_solve(const double *L, int n, double *b)
{
    for (int i = 0; i < n; i++) {
        const double *li = L + (size_t)i * n;
        double s = b[i];
        for (int k = 0; k < i; k++)
            s -= li[k] * b[k];
        b[i] = s / li[i];
    }
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double cov(const sm_kriging *k, int i, int j)
{
    return k->sill - sm_vgm_gamma(&k->model, k->x[i] - k->x[j], k->y[i] - k->y[j]);
}

/* Factors C (ids[0..n)) into L, adding a tiny nugget if C is singular; then
 * u = L^-1 1 and v = L^-1 z. Returns 1 if the fallback was needed. */
static int factor(const sm_kriging *k, const int *ids, int n, double *C, double *L, double *u,
                  double *v, double *uu, double *vu)
{
    int singular = 0;
    if (sm_cholesky(C, L, n) != 0) {
        singular = 1;
        for (int i = 0; i < n; i++)
            C[i * n + i] += 1e-10 * k->sill;
        if (sm_cholesky(C, L, n) != 0) /* cannot happen for a valid model */
            for (int i = 0; i < n; i++)
                C[i * n + i] += 1e-6 * k->sill;
        sm_cholesky(C, L, n);
    }
    for (int i = 0; i < n; i++) {
        u[i] = 1.0;
        v[i] = k->z[ids[i]];
    }
    sm_forward_solve(L, n, u);
    sm_forward_solve(L, n, v);
    *uu = dot(u, u, n);
    *vu = dot(v, u, n);
    return singular;
}

int sm_kriging_init(sm_kriging *k, const sm_vgm *model, int n, const double *x, const double *y,
                    const double *z, const sm_kdtree *tree, int nmax, int nmin, double maxdist)
{
    memset(k, 0, sizeof *k);
    k->model = *model;
    k->n = n, k->x = x, k->y = y, k->z = z, k->tree = tree;
    k->nmax = nmax >= n ? 0 : nmax;
    k->nmin = nmin;
    k->maxdist = maxdist;
    k->sill = sm_vgm_sill(model);
    if (!(k->sill > 0))
        return sm_error_set(SM_EDATA, "kriging: the variogram model has no sill (all values "
                                      "equal?); use IDW or a model with a positive sill");
    if (k->nmax > 0 || maxdist < HUGE_VAL)
        return SM_OK;
    /* Global: one factorisation serves every location. */
    size_t nn = (size_t)n * (size_t)n;
    double *C = malloc(nn * sizeof *C);
    int *ids = malloc((size_t)n * sizeof *ids);
    k->L = malloc(nn * sizeof *k->L);
    k->u = malloc((size_t)n * sizeof *k->u);
    k->v = malloc((size_t)n * sizeof *k->v);
    if (!C || !ids || !k->L || !k->u || !k->v) {
        free(C), free(ids);
        sm_kriging_free(k);
        return sm_error_set(SM_EINTERNAL, "kriging: out of memory for the global system of %d "
                                          "samples; use a local neighbourhood (neighbours.max)",
                            n);
    }
    for (int i = 0; i < n; i++) {
        ids[i] = i;
        for (int j = 0; j <= i; j++)
            C[(size_t)i * n + j] = C[(size_t)j * n + i] = cov(k, i, j);
    }
    k->global_singular = factor(k, ids, n, C, k->L, k->u, k->v, &k->uu, &k->vu);
    free(C), free(ids);
    return SM_OK;
}

void sm_kriging_free(sm_kriging *k)
{
    free(k->L), free(k->u), free(k->v);
    k->L = k->u = k->v = NULL;
}

sm_kriging_scratch *sm_kriging_scratch_new(const sm_kriging *k)
{
    int cap = (k->nmax > 0 ? k->nmax : k->n) + 1;
    sm_kriging_scratch *s = calloc(1, sizeof *s);
    size_t c2 = (size_t)cap * (size_t)cap;
    s->nb = malloc((size_t)cap * sizeof *s->nb);
    s->ids = malloc((size_t)cap * sizeof *s->ids);
    s->prev_ids = malloc((size_t)cap * sizeof *s->prev_ids);
    s->C = malloc(c2 * sizeof *s->C);
    s->prevC = malloc(c2 * sizeof *s->prevC);
    s->L = malloc(c2 * sizeof *s->L);
    s->u = malloc((size_t)cap * sizeof *s->u);
    s->v = malloc((size_t)cap * sizeof *s->v);
    s->yv = malloc((size_t)cap * sizeof *s->yv);
    s->zv = malloc((size_t)cap * sizeof *s->zv);
    return s;
}

void sm_kriging_scratch_free(sm_kriging_scratch *s)
{
    if (!s)
        return;
    free(s->nb), free(s->ids), free(s->prev_ids), free(s->C), free(s->prevC), free(s->L);
    free(s->u), free(s->v), free(s->yv), free(s->zv);
    free(s);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The neighbour set for (x0, y0), as ascending sample indices in s->ids. */
static int neighbours(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0,
                      int exclude)
{
    int n = 0;
    if (k->nmax > 0 || k->maxdist < HUGE_VAL) {
        int want = (k->nmax > 0 ? k->nmax : k->n) + (exclude >= 0);
        int found = sm_kdtree_knn(k->tree, x0, y0, want, k->maxdist, s->nb);
        for (int i = 0; i < found && n < want - (exclude >= 0); i++)
            if (s->nb[i].index != exclude)
                s->ids[n++] = s->nb[i].index;
    } else {
        for (int i = 0; i < k->n; i++)
            if (i != exclude)
                s->ids[n++] = i;
    }
    qsort(s->ids, (size_t)n, sizeof *s->ids, cmp_int);
    return n;
}

/* Covariance matrix of s->ids, copying the entries shared with the previous
 * set (both lists ascending) instead of evaluating the model again. */
static void build_matrix(const sm_kriging *k, sm_kriging_scratch *s, int n)
{
    int pos[n > 0 ? n : 1];
    for (int i = 0, p = 0; i < n; i++) {
        while (p < s->prev_k && s->prev_ids[p] < s->ids[i])
            p++;
        pos[i] = s->valid && p < s->prev_k && s->prev_ids[p] == s->ids[i] ? p : -1;
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double c = pos[i] >= 0 && pos[j] >= 0 ? s->prevC[pos[i] * s->prev_k + pos[j]]
                                                  : cov(k, s->ids[i], s->ids[j]);
            s->C[i * n + j] = s->C[j * n + i] = c;
        }
}

static void prepare_local(const sm_kriging *k, sm_kriging_scratch *s, int n)
{
    if (s->valid && n == s->prev_k && memcmp(s->ids, s->prev_ids, (size_t)n * sizeof(int)) == 0)
        return;
    build_matrix(k, s, n);
    /* keep C before factor() may add the fallback nugget to its diagonal */
    memcpy(s->prevC, s->C, (size_t)n * n * sizeof *s->C);
    memcpy(s->prev_ids, s->ids, (size_t)n * sizeof *s->ids);
    s->prev_k = n;
    s->singular = factor(k, s->ids, n, s->C, s->L, s->u, s->v, &s->uu, &s->vu);
    s->valid = 1;
}

int sm_kriging_predict(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0,
                       int exclude, sm_kriging_result *r)
{
    int global = k->L && exclude < 0;
    int n = global ? k->n : neighbours(k, s, x0, y0, exclude);
    r->neighbours = n;
    if (n < k->nmin || n == 0)
        return 1;
    const int *ids = global ? NULL : s->ids;
    const double *L = global ? k->L : s->L, *u = global ? k->u : s->u, *v = global ? k->v : s->v;
    if (!global)
        prepare_local(k, s, n);
    double uu = global ? k->uu : s->uu, vu = global ? k->vu : s->vu;
    double *y = s->yv;
    for (int i = 0; i < n; i++) {
        int id = global ? i : ids[i];
        y[i] = k->sill - sm_vgm_gamma(&k->model, x0 - k->x[id], y0 - k->y[id]);
    }
    sm_forward_solve(L, n, y);
    double yu = dot(y, u, n);
    r->pred = dot(y, v, n) + (1.0 - yu) * vu / uu;
    r->var = k->sill - dot(y, y, n) + (1.0 - yu) * (1.0 - yu) / uu;
    if (r->var < 0) /* round-off next to a sample */
        r->var = 0;
    r->lagrange = (1.0 - yu) / uu;
    if (global ? k->global_singular : s->singular)
        s->singular_cells++;
    return 0;
}
