#include "geostat/sgsim.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the counter-based generator ---- */

/* SplitMix64's finaliser: a bijection that scrambles every input bit. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30, x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27, x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double sm_sgs_uniform(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = mix(seed + 0x9e3779b97f4a7c15ULL);
    h = mix(h ^ a);
    h = mix(h ^ (b * 0xd1b54a32d192ed03ULL));
    h = mix(h ^ (c * 0x8cb92ba72f3d8dd7ULL));
    return ((double)(h >> 11) + 0.5) * 0x1.0p-53; /* in (0, 1), never 0 */
}

static double gaussian(uint64_t seed, long r, long node)
{
    double u1 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, 1);
    double u2 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, 2);
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The visiting order of realization r: Fisher-Yates on the node indices. */
static void random_path(uint64_t seed, long r, long n, long *path)
{
    for (long i = 0; i < n; i++)
        path[i] = i;
    for (long i = 0; i < n - 1; i++) {
        long j = i + (long)(sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)i, 0) * (double)(n - i));
        long t = path[i];
        path[i] = path[j], path[j] = t;
    }
}

/* ---- the search for simulated nodes: grid offsets by distance ---- */

typedef struct {
    int di, dj;
    double d2;
} offset;

static int by_distance(const void *a, const void *b)
{
    const offset *p = a, *q = b;
    if (p->d2 != q->d2)
        return p->d2 < q->d2 ? -1 : 1;
    return p->dj != q->dj ? p->dj - q->dj : p->di - q->di;
}

/* Every offset within the radius (but the node itself), nearest first, ties
 * in a fixed order; *n their count. */
static offset *make_offsets(const sm_sgs *s, long *n)
{
    long reach =
        (long)fmin(ceil(s->radius / s->res), (double)(s->ncols > s->nrows ? s->ncols : s->nrows));
    long side = 2 * reach + 1;
    offset *o = malloc((size_t)(side * side) * sizeof *o);
    *n = 0;
    for (long dj = -reach; dj <= reach; dj++)
        for (long di = -reach; di <= reach; di++) {
            double d2 = (double)(di * di + dj * dj) * s->res * s->res;
            if ((di || dj) && d2 <= s->radius * s->radius)
                o[(*n)++] = (offset){(int)di, (int)dj, d2};
        }
    qsort(o, (size_t)*n, sizeof *o, by_distance);
    return o;
}

/* ---- one node ---- */

typedef struct {
    double x[SM_SGS_MAXNB], y[SM_SGS_MAXNB], v[SM_SGS_MAXNB];
    double C[SM_SGS_MAXNB * SM_SGS_MAXNB], c0[SM_SGS_MAXNB];
    sm_neighbour nb[SM_SGS_MAXNB];
    int m;
} system_t;

static void add_point(system_t *k, double x, double y, double v)
{
    k->x[k->m] = x, k->y[k->m] = y, k->v[k->m] = v;
    k->m++;
}

/* In-place Cholesky of the m x m matrix A (lower triangle); 0 on success. */
static int cholesky(double *A, int m)
{
    for (int j = 0; j < m; j++) {
        double d = A[j * m + j];
        for (int k = 0; k < j; k++)
            d -= A[j * m + k] * A[j * m + k];
        if (!(d > 0))
            return -1;
        A[j * m + j] = sqrt(d);
        for (int i = j + 1; i < m; i++) {
            double s = A[i * m + j];
            for (int k = 0; k < j; k++)
                s -= A[i * m + k] * A[j * m + k];
            A[i * m + j] = s / A[j * m + j];
        }
    }
    return 0;
}

/* The simple-kriging mean and variance at (x0, y0) from k's points. */
static void simple_kriging(const sm_vgm *model, system_t *k, double x0, double y0, double *mean,
                           double *var)
{
    int m = k->m;
    double sill = sm_vgm_sill(model);
    for (int jitter = 0; jitter < 2; jitter++) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++)
                k->C[i * m + j] = sm_vgm_cov(model, k->x[i] - k->x[j], k->y[i] - k->y[j]);
            k->C[i * m + i] += jitter * 1e-9 * sill; /* two points at one place */
            k->c0[i] = sm_vgm_cov(model, x0 - k->x[i], y0 - k->y[i]);
        }
        if (cholesky(k->C, m) == 0)
            break;
    }
    /* L w = c0, then mean = w . (L^-1 v), variance = sill - w . w */
    double w[SM_SGS_MAXNB], u[SM_SGS_MAXNB];
    *mean = 0, *var = sill;
    for (int i = 0; i < m; i++) {
        double a = k->c0[i], b = k->v[i];
        for (int j = 0; j < i; j++)
            a -= k->C[i * m + j] * w[j], b -= k->C[i * m + j] * u[j];
        w[i] = a / k->C[i * m + i], u[i] = b / k->C[i * m + i];
        *mean += w[i] * u[i], *var -= w[i] * w[i];
    }
    if (*var < 0)
        *var = 0;
}

typedef struct {
    const sm_sgs *s;
    const offset *off;
    long noff;
    unsigned char *done; /* per node: simulated already */
    double *out;
    system_t k;
} walk;

static void gather(walk *w, long node, double x0, double y0)
{
    const sm_sgs *s = w->s;
    w->k.m = 0;
    int nd =
        s->tree && s->ndata > 0 ? sm_kdtree_knn(s->tree, x0, y0, s->ndata, s->radius, w->k.nb) : 0;
    for (int i = 0; i < nd; i++)
        add_point(&w->k, s->x[w->k.nb[i].index], s->y[w->k.nb[i].index], s->z[w->k.nb[i].index]);
    long col = node % s->ncols, row = node / s->ncols;
    int found = 0;
    for (long i = 0; i < w->noff && found < s->nsim; i++) {
        long c = col + w->off[i].di, r = row + w->off[i].dj;
        if (c < 0 || r < 0 || c >= s->ncols || r >= s->nrows || !w->done[r * s->ncols + c])
            continue;
        add_point(&w->k, s->xmin + (c + 0.5) * s->res, s->ymax - (r + 0.5) * s->res,
                  w->out[r * s->ncols + c]);
        found++;
    }
}

int sm_sgs_realization(const sm_sgs *s, long r, double *out)
{
    if (s->ndata + s->nsim > SM_SGS_MAXNB || s->ndata < 0 || s->nsim < 0)
        return sm_error_set(SM_EDATA,
                            "simulation: %d data and %d simulated neighbours; at most "
                            "%d in all",
                            s->ndata, s->nsim, SM_SGS_MAXNB);
    if (!(s->radius > 0) || !(s->res > 0) || s->ncols < 1 || s->nrows < 1)
        return sm_error_set(SM_EDATA, "simulation: no grid or no search radius");
    long n = s->ncols * s->nrows;
    long *path = malloc((size_t)n * sizeof *path);
    walk *w = calloc(1, sizeof *w);
    w->s = s, w->out = out;
    w->done = calloc((size_t)n, 1);
    w->off = make_offsets(s, &w->noff);
    random_path(s->seed, r, n, path);
    for (long i = 0; i < n; i++) {
        long node = path[i];
        double x0 = s->xmin + (node % s->ncols + 0.5) * s->res;
        double y0 = s->ymax - (node / s->ncols + 0.5) * s->res, mean, var;
        gather(w, node, x0, y0);
        simple_kriging(&s->model, &w->k, x0, y0, &mean, &var);
        out[node] = mean + sqrt(var) * gaussian(s->seed, r, node);
        w->done[node] = 1;
    }
    free((void *)w->off), free(w->done), free(w), free(path);
    return SM_OK;
}
