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

/* The streams: the third key of every number drawn, so that no two uses
 * share one. A Gaussian draw takes c and c + 1. */
enum { PATH_COARSE = 0, DRAW_COARSE = 1, DRAW_FINE = 3, PATH_FINE = 5 };

static double gaussian(uint64_t seed, long r, long node, uint64_t c)
{
    double u1 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, c);
    double u2 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, c + 1);
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The lattice's visiting order in realization r: Fisher-Yates. */
static void random_path(uint64_t seed, long r, long n, long *path)
{
    for (long i = 0; i < n; i++)
        path[i] = i;
    for (long i = 0; i < n - 1; i++) {
        double u = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)i, PATH_COARSE);
        long j = i + (long)(u * (double)(n - i));
        long t = path[i];
        path[i] = path[j], path[j] = t;
    }
}

/* ---- the search for simulated nodes: offsets by distance ---- */

typedef struct {
    int di, dj;
    long d2; /* in units squared: exact, so ties are ties */
} offset;

struct sm_sgs_offsets {
    offset *o;
    long n;
    double unit; /* metres between nodes */
};

static int by_distance(const void *a, const void *b)
{
    const offset *p = a, *q = b;
    if (p->d2 != q->d2)
        return p->d2 < q->d2 ? -1 : 1;
    return p->dj != q->dj ? p->dj - q->dj : p->di - q->di;
}

/* Every offset within reach units and the radius (but the node itself),
 * nearest first, ties in a fixed order. */
static sm_sgs_offsets *make_offsets(long reach, double unit, double radius)
{
    sm_sgs_offsets *s = calloc(1, sizeof *s);
    long side = 2 * reach + 1;
    if (s)
        s->o = malloc((size_t)(side * side) * sizeof *s->o);
    if (!s || !s->o) {
        free(s);
        return NULL;
    }
    s->unit = unit;
    for (long dj = -reach; dj <= reach; dj++)
        for (long di = -reach; di <= reach; di++) {
            long d2 = di * di + dj * dj;
            if (d2 && d2 <= reach * reach && (double)d2 * unit * unit <= radius * radius)
                s->o[s->n++] = (offset){(int)di, (int)dj, d2};
        }
    qsort(s->o, (size_t)s->n, sizeof *s->o, by_distance);
    return s;
}

static void free_offsets(sm_sgs_offsets *s)
{
    if (s)
        free(s->o);
    free(s);
}

/* ---- one node ---- */

/* A node's conditioning values: position, value and, for grid nodes, the
 * cell (col NO_CELL for a datum), whose covariances come from the table. */
enum { NO_CELL = -1 };

typedef struct {
    double x[SM_SGS_MAXNB], y[SM_SGS_MAXNB], v[SM_SGS_MAXNB];
    long col[SM_SGS_MAXNB], row[SM_SGS_MAXNB];
    double C[SM_SGS_MAXNB * SM_SGS_MAXNB], c0[SM_SGS_MAXNB], inv[SM_SGS_MAXNB];
    sm_neighbour nb[SM_SGS_MAXNB];
    double sx[SM_SGS_MAXNB], sy[SM_SGS_MAXNB], sv[SM_SGS_MAXNB], sd[SM_SGS_MAXNB];
    long scol[SM_SGS_MAXNB], srow[SM_SGS_MAXNB];
    int m;
} system_t;

/* ---- covariances ---- */

/* Between two cells, the covariance depends on their offset alone: a table
 * over offsets up to twice the fine search's reach (GSLIB's covtab) serves
 * most pairs; others, and pairs with a datum, are computed. */
struct sm_sgs_covtab {
    long half;
    double *c;
};

static sm_sgs_covtab *make_covtab(const sm_sgs *s)
{
    sm_sgs_covtab *t = malloc(sizeof *t);
    long half = 2 * s->reach, side = 2 * half + 1;
    if (t)
        t->c = malloc((size_t)(side * side) * sizeof *t->c);
    if (!t || !t->c) {
        free(t);
        return NULL;
    }
    t->half = half;
    for (long dr = -half; dr <= half; dr++)
        for (long dc = -half; dc <= half; dc++)
            t->c[(dr + half) * side + dc + half] =
                sm_vgm_cov(&s->model, (double)dc * s->res, -(double)dr * s->res);
    return t;
}

static void free_covtab(sm_sgs_covtab *t)
{
    if (t)
        free(t->c);
    free(t);
}

static double cov(const sm_sgs *s, double xa, double ya, long ca, long ra, double xb, double yb,
                  long cb, long rb)
{
    const sm_sgs_covtab *t = s->covtab;
    long dc = ca - cb, dr = ra - rb;
    if (ca != NO_CELL && cb != NO_CELL && labs(dc) <= t->half && labs(dr) <= t->half)
        return t->c[(dr + t->half) * (2 * t->half + 1) + dc + t->half];
    return sm_vgm_cov(&s->model, xa - xb, ya - yb);
}

/* a . b over n terms, in four running sums: the additions of one sum wait
 * on each other, four sums keep the FPU busy (the order is fixed, so the
 * result is the same on every run and thread). */
static inline double dot(const double *a, const double *b, int n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 4 <= n; k += 4)
        s0 += a[k] * b[k], s1 += a[k + 1] * b[k + 1], s2 += a[k + 2] * b[k + 2],
            s3 += a[k + 3] * b[k + 3];
    for (; k < n; k++)
        s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

/* In-place Cholesky of the m x m matrix A (lower triangle, row by row),
 * with the reciprocals of the diagonal in inv (a division per element
 * would cost more than the rest); 0 on success. */
static int cholesky(double *A, double *inv, int m)
{
    for (int j = 0; j < m; j++) {
        const double *rj = A + j * m;
        double d = rj[j] - dot(rj, rj, j);
        if (!(d > 0))
            return -1;
        A[j * m + j] = sqrt(d);
        inv[j] = 1 / A[j * m + j];
        for (int i = j + 1; i < m; i++)
            A[i * m + j] = (A[i * m + j] - dot(A + i * m, rj, j)) * inv[j];
    }
    return 0;
}

/* The simple-kriging mean and variance at cell (c0, r0), centred at
 * (x0, y0), from k's points. */
static void simple_kriging(const sm_sgs *s, system_t *k, double x0, double y0, long col0,
                           long row0, double *mean, double *var)
{
    int m = k->m;
    for (int jitter = 0; jitter < 2; jitter++) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++)
                k->C[i * m + j] = cov(s, k->x[i], k->y[i], k->col[i], k->row[i], k->x[j], k->y[j],
                                      k->col[j], k->row[j]);
            k->C[i * m + i] += jitter * 1e-9 * s->sill; /* two points at one place */
            k->c0[i] = cov(s, x0, y0, col0, row0, k->x[i], k->y[i], k->col[i], k->row[i]);
        }
        if (cholesky(k->C, k->inv, m) == 0)
            break;
    }
    /* L w = c0, then mean = w . (L^-1 v), variance = sill - w . w */
    double w[SM_SGS_MAXNB], u[SM_SGS_MAXNB];
    *mean = 0, *var = s->sill;
    for (int i = 0; i < m; i++) {
        const double *ri = k->C + i * m;
        w[i] = (k->c0[i] - dot(ri, w, i)) * k->inv[i];
        u[i] = (k->v[i] - dot(ri, u, i)) * k->inv[i];
        *mean += w[i] * u[i], *var -= w[i] * w[i];
    }
    if (*var < 0)
        *var = 0;
}

/* The nodes simulated so far, on a window of the grid or on the lattice:
 * field node (i, j) is grid cell (col0 + i * step, row0 + j * step). */
typedef struct {
    long ncols, nrows, col0, row0, step;
    double *v; /* NAN: not simulated (yet, or ever) */
    const sm_sgs_offsets *off;
} field;

static double node_x(const sm_sgs *s, const field *f, long i)
{
    return s->xmin + ((double)(f->col0 + i * f->step) + 0.5) * s->res;
}

static double node_y(const sm_sgs *s, const field *f, long j)
{
    return s->ymax - ((double)(f->row0 + j * f->step) + 0.5) * s->res;
}

/* The nearest simulated nodes of field node (i, j), nearest first. */
static int simulated_near(const sm_sgs *s, const field *f, system_t *k, long i, long j)
{
    int ns = 0;
    for (long q = 0; q < f->off->n && ns < s->nmax; q++) {
        long c = i + f->off->o[q].di, r = j + f->off->o[q].dj;
        if (c < 0 || r < 0 || c >= f->ncols || r >= f->nrows || isnan(f->v[r * f->ncols + c]))
            continue;
        k->sx[ns] = node_x(s, f, c), k->sy[ns] = node_y(s, f, r);
        k->scol[ns] = f->col0 + c * f->step, k->srow[ns] = f->row0 + r * f->step;
        k->sv[ns] = f->v[r * f->ncols + c];
        k->sd[ns] = sqrt((double)f->off->o[q].d2) * f->off->unit;
        ns++;
    }
    return ns;
}

/* The nmax nearest of the data and the simulated nodes (a datum first at
 * equal distance) into k's points. */
static void gather(const sm_sgs *s, const field *f, system_t *k, long i, long j)
{
    double x0 = node_x(s, f, i), y0 = node_y(s, f, j);
    int ns = simulated_near(s, f, k, i, j), a = 0, b = 0;
    /* no datum beyond the farthest of nmax simulated nodes can be taken
     * (the slack keeps one at that very distance, which goes first) */
    double r = ns == s->nmax ? fmin(s->radius, k->sd[ns - 1] * (1 + 1e-12)) : s->radius;
    int nd = s->tree && s->n > 0 ? sm_kdtree_knn(s->tree, x0, y0, s->nmax, r, k->nb) : 0;
    for (k->m = 0; k->m < s->nmax && (a < nd || b < ns); k->m++) {
        if (a < nd && (b >= ns || k->nb[a].dist <= k->sd[b])) {
            int d = k->nb[a++].index;
            k->x[k->m] = s->x[d], k->y[k->m] = s->y[d], k->v[k->m] = s->z[d];
            k->col[k->m] = k->row[k->m] = NO_CELL;
        } else {
            k->x[k->m] = k->sx[b], k->y[k->m] = k->sy[b], k->v[k->m] = k->sv[b];
            k->col[k->m] = k->scol[b], k->row[k->m] = k->srow[b];
            b++;
        }
    }
}

/* Field node (i, j) drawn from its conditional distribution, rounded to the
 * float that is stored, so that later nodes condition on what is written. */
static double draw(const sm_sgs *s, const field *f, system_t *k, long i, long j, long r,
                   long key, uint64_t stream)
{
    double mean, var;
    gather(s, f, k, i, j);
    simple_kriging(s, k, node_x(s, f, i), node_y(s, f, j), f->col0 + i * f->step,
                   f->row0 + j * f->step, &mean, &var);
    return (float)(mean + sqrt(var) * gaussian(s->seed, r, key, stream));
}

static int active(const sm_sgs *s, long col, long row)
{
    return !s->active || s->active(s->active_ctx, col, row);
}

/* ---- set-up ---- */

int sm_sgs_init(sm_sgs *s)
{
    s->coarse_off = s->fine_off = NULL;
    s->covtab = NULL;
    if (s->nmax < 1 || s->nmax > SM_SGS_MAXNB)
        return sm_error_set(SM_EDATA, "simulation: %d neighbours; give 1 to %d", s->nmax,
                            SM_SGS_MAXNB);
    if (!(s->radius > 0) || !(s->res > 0) || s->ncols < 1 || s->nrows < 1 || s->spacing < 1)
        return sm_error_set(SM_EDATA, "simulation: no grid or no search radius");
    long S = s->spacing, side = s->ncols > s->nrows ? s->ncols : s->nrows;
    s->ccols = (s->ncols + S - 1) / S, s->crows = (s->nrows + S - 1) / S;
    long cside = s->ccols > s->crows ? s->ccols : s->crows;
    /* A disc of S (k + 1) cells holds at least k^2 >= nmax lattice nodes, so
     * a fine node's nmax nearest simulated nodes are always within it. */
    double k = ceil(sqrt((double)s->nmax));
    s->reach = (long)fmin(fmin(ceil(s->radius / s->res), (double)(S * (k + 1))), (double)side);
    /* The lattice's search is capped, to keep the offsets in memory. */
    long creach = (long)fmin(fmin(ceil(s->radius / (s->res * S)), (double)cside), 512);
    s->sill = sm_vgm_sill(&s->model);
    s->fine_off = make_offsets(s->reach, s->res, s->radius);
    s->coarse_off = make_offsets(creach, s->res * S, s->radius);
    s->covtab = make_covtab(s);
    if (!s->fine_off || !s->coarse_off || !s->covtab) {
        sm_sgs_free(s);
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    }
    return SM_OK;
}

void sm_sgs_free(sm_sgs *s)
{
    free_offsets(s->coarse_off), free_offsets(s->fine_off), free_covtab(s->covtab);
    s->coarse_off = s->fine_off = NULL;
    s->covtab = NULL;
}

/* ---- the lattice ---- */

int sm_sgs_coarse(const sm_sgs *s, long r, float *out)
{
    long n = s->ccols * s->crows, S = s->spacing;
    long *path = malloc((size_t)n * sizeof *path);
    double *v = malloc((size_t)n * sizeof *v);
    system_t *k = malloc(sizeof *k);
    int rc = path && v && k ? SM_OK : sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    if (rc == SM_OK) {
        field f = {s->ccols, s->crows, 0, 0, S, v, s->coarse_off};
        for (long i = 0; i < n; i++)
            v[i] = NAN;
        random_path(s->seed, r, n, path);
        for (long i = 0; i < n; i++) {
            long col = path[i] % s->ccols, row = path[i] / s->ccols;
            if (active(s, col * S, row * S))
                v[path[i]] = draw(s, &f, k, col, row, r, path[i], DRAW_COARSE);
        }
        for (long i = 0; i < n; i++)
            out[i] = (float)v[i];
    }
    free(path), free(v), free(k);
    return rc;
}

/* ---- the blocks ---- */

typedef struct {
    double key;
    long cell;
} step_t;

struct sm_sgs_work {
    int tile;
    double *v;    /* the window: the block and reach cells around it */
    step_t *path; /* the block's fine cells */
    system_t k;
};

sm_sgs_work *sm_sgs_work_new(const sm_sgs *s, int tile)
{
    sm_sgs_work *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    long side = tile + 2 * s->reach;
    w->tile = tile;
    w->v = malloc((size_t)(side * side) * sizeof *w->v);
    w->path = malloc((size_t)tile * (size_t)tile * sizeof *w->path);
    if (!w->v || !w->path) {
        sm_sgs_work_free(w);
        return NULL;
    }
    return w;
}

void sm_sgs_work_free(sm_sgs_work *w)
{
    if (w)
        free(w->v), free(w->path);
    free(w);
}

static int by_key(const void *a, const void *b)
{
    const step_t *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return p->cell < q->cell ? -1 : p->cell > q->cell;
}

static int on_lattice(const sm_sgs *s, long col, long row)
{
    return col % s->spacing == 0 && row % s->spacing == 0;
}

/* The window around the block with the lattice nodes in it. */
static field window(const sm_sgs *s, sm_sgs_work *w, const float *coarse, long x0, long y0,
                    int bw, int bh)
{
    long c0 = x0 - s->reach > 0 ? x0 - s->reach : 0, r0 = y0 - s->reach > 0 ? y0 - s->reach : 0;
    long c1 = x0 + bw + s->reach < s->ncols ? x0 + bw + s->reach : s->ncols;
    long r1 = y0 + bh + s->reach < s->nrows ? y0 + bh + s->reach : s->nrows;
    field f = {c1 - c0, r1 - r0, c0, r0, 1, w->v, s->fine_off};
    for (long row = r0; row < r1; row++)
        for (long col = c0; col < c1; col++)
            f.v[(row - r0) * f.ncols + col - c0] =
                on_lattice(s, col, row)
                    ? coarse[row / s->spacing * s->ccols + col / s->spacing]
                    : NAN;
    return f;
}

int sm_sgs_block(const sm_sgs *s, sm_sgs_work *w, long r, const float *coarse, long x0, long y0,
                 int bw, int bh, float *out)
{
    if (bw > w->tile || bh > w->tile)
        return sm_error_set(SM_EINTERNAL, "simulation: a %dx%d block in %d-cell work space", bw,
                            bh, w->tile);
    field f = window(s, w, coarse, x0, y0, bw, bh);
    long n = 0;
    for (long row = y0; row < y0 + bh; row++)
        for (long col = x0; col < x0 + bw; col++)
            if (!on_lattice(s, col, row) && active(s, col, row)) {
                long cell = row * s->ncols + col;
                w->path[n++] =
                    (step_t){sm_sgs_uniform(s->seed, (uint64_t)r, (uint64_t)cell, PATH_FINE), cell};
            }
    qsort(w->path, (size_t)n, sizeof *w->path, by_key);
    for (long i = 0; i < n; i++) {
        long col = w->path[i].cell % s->ncols - f.col0, row = w->path[i].cell / s->ncols - f.row0;
        f.v[row * f.ncols + col] = draw(s, &f, &w->k, col, row, r, w->path[i].cell, DRAW_FINE);
    }
    for (long row = 0; row < bh; row++)
        for (long col = 0; col < bw; col++)
            out[row * bw + col] = (float)f.v[(row + y0 - f.row0) * f.ncols + col + x0 - f.col0];
    return SM_OK;
}

int sm_sgs_realization(const sm_sgs *s, long r, float *out)
{
    long side = s->ncols > s->nrows ? s->ncols : s->nrows;
    float *coarse = calloc((size_t)(s->ccols * s->crows), sizeof *coarse);
    sm_sgs_work *w = coarse ? sm_sgs_work_new(s, (int)side) : NULL;
    int rc = w ? sm_sgs_coarse(s, r, coarse) : sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    if (rc == SM_OK)
        rc = sm_sgs_block(s, w, r, coarse, 0, 0, (int)s->ncols, (int)s->nrows, out);
    sm_sgs_work_free(w), free(coarse);
    return rc;
}
