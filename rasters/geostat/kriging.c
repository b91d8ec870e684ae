#include "geostat/kriging.h"
#include "core/error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A rebuild after this many incremental changes keeps round-off from
 * accumulating along a row of cells. */
enum { MAX_UPDATES = 64 };

/* Right-looking: each column is finished and then subtracted from the
 * columns to its right, so the inner loops carry no dependency from one step
 * to the next. Every element receives the same subtractions in the same
 * order as the textbook row-by-row form, so the result is the same.
 * col: n doubles of scratch, the caller's, so that a factor per cell
 * allocates nothing. */
static int cholesky(const double *A, double *L, int n, int ld, double *col)
{
    for (int i = 0; i < n; i++)
        memcpy(L + (size_t)i * ld, A + (size_t)i * ld, (size_t)(i + 1) * sizeof *L);
    int rc = 0;
    for (int j = 0; j < n && rc == 0; j++) {
        double *lj = L + (size_t)j * ld, s = lj[j];
        /* relative test: a pivot lost to round-off means the system is
         * singular (e.g. two points at one location) */
        if (!(s > 1e-12 * A[(size_t)j * ld + j])) {
            rc = -1;
            break;
        }
        lj[j] = sqrt(s);
        for (int i = j + 1; i < n; i++) /* column j, contiguous for the update */
            col[i] = L[(size_t)i * ld + j] /= lj[j];
        for (int i = j + 1; i < n; i++) {
            double *li = L + (size_t)i * ld, lij = col[i];
            for (int c = j + 1; c <= i; c++)
                li[c] -= lij * col[c];
        }
    }
    return rc;
}

int sm_kriging_cholesky(const double *A, double *L, int n, int ld)
{
    double small[128], *col = n <= 128 ? small : malloc((size_t)n * sizeof *col);
    if (!col)
        return -2;
    int rc = cholesky(A, L, n, ld, col);
    if (col != small)
        free(col);
    return rc;
}

void sm_kriging_reciprocal_diagonal(const double *L, int from, int n, int ld, double *rd)
{
    for (int i = from; i < n; i++)
        rd[i] = 1.0 / L[(size_t)i * ld + i];
}

/* Column by column, as in sm_kriging_cholesky: the inner loop's steps are
 * independent, and each b[i] gets the same operations in the same order as
 * in the row-by-row form. */
void sm_kriging_forward_solve(const double *L, const double *rd, int n, int ld, double *b)
{
    for (int j = 0; j < n; j++) {
        double bj = b[j] *= rd[j];
        for (int i = j + 1; i < n; i++)
            b[i] -= L[(size_t)i * ld + j] * bj;
    }
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* Covariance for a separation (dx, dy). */
static inline double cov_d(const sm_kriging *k, double dx, double dy)
{
    if (k->isotropic)
        return k->sill - sm_vgm_gamma_h(&k->model, sqrt(dx * dx + dy * dy));
    return k->sill - sm_vgm_gamma(&k->model, dx, dy);
}

static double cov(const sm_kriging *k, int i, int j)
{
    return cov_d(k, k->x[i] - k->x[j], k->y[i] - k->y[j]);
}

/* out[i] = the covariance between (x0, y0) and sample ids[i] (sample i if ids
 * is NULL), for n samples; h is scratch. The values equal cov_d's; isotropic
 * models go through one batch evaluation of the variogram. */
static void cov_row(const sm_kriging *k, double x0, double y0, const int *ids, int n, double *h,
                    double *out)
{
    if (!k->isotropic) {
        for (int i = 0; i < n; i++) {
            int id = ids ? ids[i] : i;
            out[i] = cov_d(k, x0 - k->x[id], y0 - k->y[id]);
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        int id = ids ? ids[i] : i;
        double dx = x0 - k->x[id], dy = y0 - k->y[id];
        h[i] = sqrt(dx * dx + dy * dy);
    }
    sm_vgm_gamma_many(&k->model, h, out, n);
    for (int i = 0; i < n; i++)
        out[i] = k->sill - out[i];
}

/* u = L^-1 1 and v = L^-1 z for the samples in slot order. */
static void solve_uv(const sm_kriging *k, const double *L, const double *rd, int n, int ld,
                     const int *slot, double *u, double *v, double *uu, double *vu)
{
    for (int i = 0; i < n; i++) {
        u[i] = 1.0;
        v[i] = k->z[slot[i]];
    }
    sm_kriging_forward_solve(L, rd, n, ld, u);
    sm_kriging_forward_solve(L, rd, n, ld, v);
    *uu = dot(u, u, n);
    *vu = dot(v, u, n);
}

/* Factors C (n x n, stride ld) into L, col: n doubles of scratch; a
 * singular C (coincident samples) gets a nugget of 1e-10 of the sill on its
 * diagonal, more if needed. Returns 0, 1 if it needed the nugget, -1 if even
 * that failed (no prediction). */
static int factor(const sm_kriging *k, double *C, double *L, int n, int ld, double *col)
{
    if (cholesky(C, L, n, ld, col) == 0)
        return 0;
    for (double eps = 1e-10; eps < 1; eps *= 100) {
        for (int i = 0; i < n; i++)
            C[(size_t)i * ld + i] += eps * k->sill;
        if (cholesky(C, L, n, ld, col) == 0)
            return 1;
    }
    return -1;
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
    k->isotropic = sm_vgm_isotropic(model);
    if (!(k->sill > 0))
        return sm_error_set(SM_EDATA, "kriging: the variogram model has no sill (all values "
                                      "equal?); use IDW or a model with a positive sill");
    if (k->nmax > 0 || maxdist < HUGE_VAL)
        return SM_OK;
    if (n > 20000)
        return sm_error_set(SM_ECONFIG,
                            "kriging: a global neighbourhood of %d samples needs "
                            "a %d x %d matrix; set neighbours.max (e.g. 32)",
                            n, n, n);
    /* Global: one factorisation serves every location. */
    size_t nn = (size_t)n * (size_t)n;
    double *C = malloc(nn * sizeof *C);
    int *slot = malloc((size_t)n * sizeof *slot);
    k->L = malloc(nn * sizeof *k->L);
    k->rd = malloc((size_t)n * sizeof *k->rd);
    k->u = malloc((size_t)n * sizeof *k->u);
    k->v = malloc((size_t)n * sizeof *k->v);
    double *col = malloc((size_t)n * sizeof *col);
    if (!C || !slot || !k->L || !k->rd || !k->u || !k->v || !col) {
        free(C), free(slot), free(col);
        sm_kriging_free(k);
        return sm_error_set(SM_EINTERNAL,
                            "kriging: out of memory for the global system of %d "
                            "samples; set neighbours.max",
                            n);
    }
    for (int i = 0; i < n; i++) {
        slot[i] = i;
        for (int j = 0; j <= i; j++)
            C[(size_t)i * n + j] = C[(size_t)j * n + i] = cov(k, i, j);
    }
    k->global_singular = factor(k, C, k->L, n, n, col);
    free(col);
    if (k->global_singular < 0) {
        free(C), free(slot);
        sm_kriging_free(k);
        return sm_error_set(SM_EDATA,
                            "kriging: the covariance matrix of the %d samples is "
                            "singular even with a nugget; check the variogram model",
                            n);
    }
    sm_kriging_reciprocal_diagonal(k->L, 0, n, n, k->rd);
    solve_uv(k, k->L, k->rd, n, n, slot, k->u, k->v, &k->uu, &k->vu);
    free(C), free(slot);
    return SM_OK;
}

void sm_kriging_free(sm_kriging *k)
{
    free(k->L), free(k->rd), free(k->u), free(k->v);
    k->L = k->rd = k->u = k->v = NULL;
}

/* Grow *p to cap elements; on failure *p stays as it was. */
static int grow_ints(int **p, int cap)
{
    int *q = realloc(*p, (size_t)cap * sizeof *q);
    return q ? (*p = q, 0) : -1;
}

static int grow_doubles(double **p, int cap)
{
    double *q = realloc(*p, (size_t)cap * sizeof *q);
    return q ? (*p = q, 0) : -1;
}

/* Sizes the factor's arrays for n samples; -1 (error set) when out of
 * memory, and then the scratch holds no factor until a reserve succeeds. */
static int reserve(sm_kriging_scratch *s, int n)
{
    if (n + 1 <= s->cap)
        return 0;
    int cap = n + 1;
    size_t c2 = (size_t)cap * (size_t)cap;
    free(s->L), free(s->C);
    s->L = s->C = NULL;
    s->cap = 0;   /* until every array has its new size */
    s->valid = 0; /* L moves to a new stride */
    int ok = c2 <= SIZE_MAX / sizeof *s->L;
    if (ok) {
        s->L = malloc(c2 * sizeof *s->L);
        s->C = malloc(c2 * sizeof *s->C);
        ok = s->L && s->C;
    }
    int **iv[] = {&s->ids, &s->key, &s->slot};
    double **dv[] = {&s->u, &s->v, &s->yv, &s->work, &s->h, &s->rd};
    for (int i = 0; ok && i < 3; i++)
        ok = grow_ints(iv[i], cap) == 0;
    for (int i = 0; ok && i < 6; i++)
        ok = grow_doubles(dv[i], cap) == 0;
    if (!ok) {
        sm_error_set(SM_EINTERNAL,
                     "kriging: out of memory for the system of %d neighbours "
                     "(%.0f MB a thread); set or lower neighbours.max",
                     n, 2.0 * (double)c2 * sizeof *s->L / 1e6);
        return -1;
    }
    s->cap = cap;
    return 0;
}

sm_kriging_scratch *sm_kriging_scratch_new(const sm_kriging *k)
{
    sm_kriging_scratch *s = calloc(1, sizeof *s);
    if (!s) {
        sm_error_set(SM_EINTERNAL, "kriging: out of memory for a thread's scratch");
        return NULL;
    }
    int rc = sm_nsearch_init(&s->ns, k->tree, k->nmax > 0 ? k->nmax : k->n, k->maxdist);
    /* A global neighbourhood uses the shared factor; its scratch grows only
     * if leave-one-out asks for a local one. */
    s->yv = malloc(((size_t)k->n + 1) * sizeof *s->yv);
    s->h = malloc(((size_t)k->n + 1) * sizeof *s->h);
    if (rc == SM_OK && !(s->yv && s->h))
        rc = sm_error_set(SM_EINTERNAL,
                          "kriging: out of memory for the covariances of %d "
                          "samples",
                          k->n);
    if (rc == SM_OK && !k->L && reserve(s, k->nmax > 0 ? k->nmax : k->n) != 0)
        rc = SM_EINTERNAL;
    if (rc == SM_OK)
        return s;
    sm_kriging_scratch_free(s);
    return NULL;
}

void sm_kriging_scratch_free(sm_kriging_scratch *s)
{
    if (!s)
        return;
    sm_nsearch_free(&s->ns);
    free(s->ids), free(s->key), free(s->slot), free(s->L), free(s->C);
    free(s->u), free(s->v), free(s->yv), free(s->work), free(s->h), free(s->rd);
    free(s);
}

void sm_kriging_scratch_reset(sm_kriging_scratch *s)
{
    if (!s)
        return;
    s->valid = 0;
    sm_nsearch_reset(&s->ns);
}

/* The neighbour set for (x0, y0), as ascending sample indices in s->ids,
 * with room for its factor; -1 (error set) when out of memory. */
static int neighbours(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0, int exclude)
{
    (void)k;
    sm_neighbour *nb;
    int n = sm_nsearch_find(&s->ns, x0, y0, exclude, &nb);
    if (reserve(s, n) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        s->ids[i] = nb[i].index;
    return n;
}

static void rebuild(const sm_kriging *k, sm_kriging_scratch *s, int n)
{
    int ld = s->cap;
    for (int i = 0; i < n; i++) { /* the lower triangle is all the factor reads */
        int id = s->slot[i] = s->ids[i];
        cov_row(k, k->x[id], k->y[id], s->ids, i + 1, s->h, s->C + (size_t)i * ld);
    }
    s->singular = factor(k, s->C, s->L, n, ld, s->work); /* work: cap >= n doubles */
    if (s->singular >= 0)
        sm_kriging_reciprocal_diagonal(s->L, 0, n, ld, s->rd);
    s->k = n;
    s->updates = 0;
    s->rebuilds++;
}

/* Removes row and column j of the factor: the rows below keep their part
 * left of j; the block right of j absorbs the removed column by a rank-1
 * update. */
static void delete_slot(sm_kriging_scratch *s, int j)
{
    int ld = s->cap, k = s->k;
    double *x = s->work;
    for (int i = j + 1; i < k; i++)
        x[i] = s->L[(size_t)i * ld + j];
    for (int i = j + 1; i < k; i++) { /* shift rows up and columns left */
        double *dst = s->L + (size_t)(i - 1) * ld, *src = s->L + (size_t)i * ld;
        memmove(dst, src, (size_t)j * sizeof *dst);
        memmove(dst + j, src + j + 1, (size_t)(i - j) * sizeof *dst);
    }
    for (int c = j; c < k - 1; c++) { /* rank-1 update of the trailing block */
        double *lc = s->L + (size_t)c * ld;
        double xc = x[c + 1], r = sqrt(lc[c] * lc[c] + xc * xc);    /* well scaled: no hypot */
        double cs = r / lc[c], sn = xc / lc[c], inv_cs = lc[c] / r; /* no divide per row */
        lc[c] = r;
        for (int i = c + 1; i < k - 1; i++) {
            double *li = s->L + (size_t)i * ld;
            li[c] = (li[c] + sn * x[i + 1]) * inv_cs;
            x[i + 1] = cs * x[i + 1] - sn * li[c];
        }
    }
    memmove(s->slot + j, s->slot + j + 1, (size_t)(k - j - 1) * sizeof *s->slot);
    s->k = k - 1;
    sm_kriging_reciprocal_diagonal(s->L, j, k - 1, ld, s->rd);
}

/* Appends sample id as the last row; -1 if it makes the system singular. */
static int append_slot(const sm_kriging *k, sm_kriging_scratch *s, int id)
{
    int ld = s->cap, n = s->k;
    double *row = s->L + (size_t)n * ld;
    cov_row(k, k->x[id], k->y[id], s->slot, n, s->h, row);
    sm_kriging_forward_solve(s->L, s->rd, n, ld, row);
    double d2 = k->sill - dot(row, row, n);
    if (!(d2 > 1e-12 * k->sill))
        return -1;
    row[n] = sqrt(d2);
    s->rd[n] = 1.0 / row[n];
    s->slot[n] = id;
    s->k = n + 1;
    return 0;
}

/* Moves the factor from key to ids by deletions and appends; 0 on success,
 * -1 when a rebuild is the better (or the only) way. */
static int update(const sm_kriging *k, sm_kriging_scratch *s, int n, int *from)
{
    int gone[64], added[64], ngone = 0, nadded = 0;
    for (int a = 0, b = 0; a < s->k || b < n;) {
        if (b >= n || (a < s->k && s->key[a] < s->ids[b])) {
            if (ngone == 64)
                return -1;
            gone[ngone++] = s->key[a++];
        } else if (a >= s->k || s->ids[b] < s->key[a]) {
            if (nadded == 64)
                return -1;
            added[nadded++] = s->ids[b++];
        } else
            a++, b++;
    }
    /* each change costs about n^2 against a rebuild's n^3 / 6 */
    if (s->singular || s->updates + ngone + nadded > MAX_UPDATES || 6 * (ngone + nadded) > n)
        return -1;
    for (int g = 0; g < ngone; g++) {
        int j = 0;
        while (s->slot[j] != gone[g])
            j++;
        delete_slot(s, j);
        if (j < *from)
            *from = j;
    }
    for (int a = 0; a < nadded; a++)
        if (append_slot(k, s, added[a]) != 0)
            return -1;
    s->updates += ngone + nadded;
    s->updated++;
    return 0;
}

/* u and v of the local factor from row `from` on: rows above it did not
 * change, and the arithmetic is that of a full forward solve. */
static void solve_uv_from(const sm_kriging *k, sm_kriging_scratch *s, int n, int from)
{
    double *u = s->u, *v = s->v;
    for (int i = from; i < n; i++)
        u[i] = 1.0, v[i] = k->z[s->slot[i]];
    for (int j = 0; j < n; j++) { /* column by column, as sm_kriging_forward_solve */
        if (j >= from)
            u[j] *= s->rd[j], v[j] *= s->rd[j];
        for (int i = j + 1 > from ? j + 1 : from; i < n; i++) {
            double lij = s->L[(size_t)i * s->cap + j];
            u[i] -= lij * u[j], v[i] -= lij * v[j];
        }
    }
    double uu = 0.0, vu = 0.0;
    for (int i = 0; i < n; i++)
        uu += u[i] * u[i], vu += v[i] * u[i];
    s->uu = uu, s->vu = vu;
}

/* The factor of s->ids (n samples, room reserved by neighbours()): 0, or -1
 * when the system cannot be solved. */
static int prepare_local(const sm_kriging *k, sm_kriging_scratch *s, int n)
{
    if (s->valid && n == s->k && memcmp(s->ids, s->key, (size_t)n * sizeof(int)) == 0)
        return s->singular < 0 ? -1 : 0;
    int from = s->k; /* the first row of L that changed */
    if (!s->valid || update(k, s, n, &from) != 0) {
        rebuild(k, s, n);
        from = 0;
    }
    memcpy(s->key, s->ids, (size_t)n * sizeof *s->ids);
    s->valid = 1;
    if (s->singular < 0)
        return -1;
    solve_uv_from(k, s, n, from);
    return 0;
}

int sm_kriging_predict(const sm_kriging *k, sm_kriging_scratch *s, double x0, double y0,
                       int exclude, sm_kriging_result *r)
{
    r->neighbours = 0;
    if (!s) {
        sm_error_set(SM_EINTERNAL, "kriging: no scratch (sm_kriging_scratch_new failed)");
        return -1;
    }
    int global = k->L && exclude < 0;
    int n = global ? k->n : neighbours(k, s, x0, y0, exclude);
    if (n < 0)
        return -1;
    r->neighbours = n;
    if (n < k->nmin || n == 0)
        return 1;
    if (!global && prepare_local(k, s, n) != 0) {
        s->singular_cells++;
        return 1;
    }
    const double *L = global ? k->L : s->L, *u = global ? k->u : s->u, *v = global ? k->v : s->v;
    const double *rd = global ? k->rd : s->rd;
    const int ld = global ? k->n : s->cap;
    double uu = global ? k->uu : s->uu, vu = global ? k->vu : s->vu;
    double *y = s->yv;
    cov_row(k, x0, y0, global ? NULL : s->slot, n, s->h, y);
    sm_kriging_forward_solve(L, rd, n, ld, y);
    double yu = 0.0, yv = 0.0, yy = 0.0; /* three sums side by side, each in order */
    for (int i = 0; i < n; i++)
        yu += y[i] * u[i], yv += y[i] * v[i], yy += y[i] * y[i];
    r->pred = yv + (1.0 - yu) * vu / uu;
    r->var = k->sill - yy + (1.0 - yu) * (1.0 - yu) / uu;
    if (r->var < 0) /* round-off next to a sample */
        r->var = 0;
    r->lagrange = (1.0 - yu) / uu;
    if (global ? k->global_singular : s->singular)
        s->singular_cells++;
    return 0;
}
