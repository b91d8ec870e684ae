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
    /* in (0, 1]: never 0; exactly 1 once in 2^53 draws, where 2^53 - 0.5
     * rounds up (callers that index with it clamp) */
    return ((double)(h >> 11) + 0.5) * 0x1.0p-53;
}

/* The streams: the third key of every number drawn, so that no two uses
 * share one. A Gaussian draw takes c and c + 1. The paths are common to
 * every realization: their first key is ALL, which no realization has. */
enum { PATH_COARSE = 0, DRAW_COARSE = 1, DRAW_FINE = 3, PATH_FINE = 5 };
static const uint64_t ALL = ~(uint64_t)0;

static double gaussian(uint64_t seed, long r, long node, uint64_t c)
{
    double u1 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, c);
    double u2 = sm_sgs_uniform(seed, (uint64_t)r, (uint64_t)node, c + 1);
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
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

/* A node's conditioning values: position and, for a datum, its index (src
 * >= 0); for a simulated node its cell (for the covariance table) and its
 * index in the field (src = -1 - index). */
enum { NO_CELL = -1 };

typedef struct {
    double x[SM_SGS_MAXNB], y[SM_SGS_MAXNB];
    long col[SM_SGS_MAXNB], row[SM_SGS_MAXNB], src[SM_SGS_MAXNB];
    double C[SM_SGS_MAXNB * SM_SGS_MAXNB], c0[SM_SGS_MAXNB], inv[SM_SGS_MAXNB];
    double w[SM_SGS_MAXNB];
    sm_neighbour nb[SM_SGS_MAXNB];
    double sx[SM_SGS_MAXNB], sy[SM_SGS_MAXNB], sd[SM_SGS_MAXNB];
    long scol[SM_SGS_MAXNB], srow[SM_SGS_MAXNB], sidx[SM_SGS_MAXNB];
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

/* The simple-kriging weights of k's points at cell (col0, row0), centred
 * at (x0, y0), into k->w; returns the kriging variance. */
static double simple_kriging(const sm_sgs *s, system_t *k, double x0, double y0, long col0,
                             long row0)
{
    /* two points at one place make C singular: a tiny nugget, growing until
     * it factors; should none do, the node is drawn unconditioned */
    static const double jitter[] = {0, 1e-9, 1e-6, 1e-3};
    int m = k->m, ok = 0;
    for (int t = 0; t < 4 && !ok; t++) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++)
                k->C[i * m + j] = cov(s, k->x[i], k->y[i], k->col[i], k->row[i], k->x[j], k->y[j],
                                      k->col[j], k->row[j]);
            k->C[i * m + i] += jitter[t] * s->sill;
            k->c0[i] = cov(s, x0, y0, col0, row0, k->x[i], k->y[i], k->col[i], k->row[i]);
        }
        ok = cholesky(k->C, k->inv, m) == 0;
    }
    if (!ok)
        k->m = m = 0;
    /* L y = c0 (y in w), variance = sill - y . y, then L' w = y */
    double var = s->sill;
    for (int i = 0; i < m; i++) {
        k->w[i] = (k->c0[i] - dot(k->C + i * m, k->w, i)) * k->inv[i];
        var -= k->w[i] * k->w[i];
    }
    for (int i = m - 1; i >= 0; i--) {
        double a = k->w[i];
        for (int j = i + 1; j < m; j++)
            a -= k->C[j * m + i] * k->w[j];
        k->w[i] = a * k->inv[i];
    }
    return var > 0 ? var : 0;
}

/* The nodes simulated before the current one, on a window of the grid or
 * on the lattice: field node (i, j) is grid cell (col0 + i * step,
 * row0 + j * step). */
typedef struct {
    long ncols, nrows, col0, row0, step;
    unsigned char *known;
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
        if (c < 0 || r < 0 || c >= f->ncols || r >= f->nrows || !f->known[r * f->ncols + c])
            continue;
        k->sx[ns] = node_x(s, f, c), k->sy[ns] = node_y(s, f, r);
        k->scol[ns] = f->col0 + c * f->step, k->srow[ns] = f->row0 + r * f->step;
        k->sidx[ns] = r * f->ncols + c;
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
            k->x[k->m] = s->x[d], k->y[k->m] = s->y[d];
            k->col[k->m] = k->row[k->m] = NO_CELL, k->src[k->m] = d;
        } else {
            k->x[k->m] = k->sx[b], k->y[k->m] = k->sy[b];
            k->col[k->m] = k->scol[b], k->row[k->m] = k->srow[b], k->src[k->m] = -1 - k->sidx[b];
            b++;
        }
    }
}

/* What a node's value is made of in every realization: the data's part,
 * the spread, and its simulated neighbours (field indices) with their
 * weights. */
typedef struct {
    double base, sd;
    int k;
} plan_t;

/* Solves field node (i, j)'s kriging once: its plan, its neighbours into
 * idx and w. */
static void solve(const sm_sgs *s, const field *f, system_t *k, long i, long j, plan_t *p,
                  long *idx, double *w)
{
    gather(s, f, k, i, j);
    double var = simple_kriging(s, k, node_x(s, f, i), node_y(s, f, j), f->col0 + i * f->step,
                                f->row0 + j * f->step);
    p->base = 0, p->sd = sqrt(var), p->k = 0;
    for (int q = 0; q < k->m; q++)
        if (k->src[q] >= 0)
            p->base += k->w[q] * s->z[k->src[q]];
        else
            idx[p->k] = -1 - k->src[q], w[p->k++] = k->w[q];
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
    if (!(sm_vgm_sill(&s->model) > 0) || !isfinite(sm_vgm_sill(&s->model)))
        return sm_error_set(SM_EDATA, "simulation: the normal scores' variogram has no sill (%g)",
                            sm_vgm_sill(&s->model));
    long S = s->spacing, side = s->ncols > s->nrows ? s->ncols : s->nrows;
    s->ccols = (s->ncols + S - 1) / S, s->crows = (s->nrows + S - 1) / S;
    long cside = s->ccols > s->crows ? s->ccols : s->crows;
    /* Inside the grid, with every lattice node active, a disc of S (k + 1)
     * cells holds at least k^2 >= nmax lattice nodes, so a fine node's nmax
     * nearest simulated nodes are within it. Near the edges and outside a
     * mask it may hold fewer: the node then conditions on what it finds. */
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

/* The lattice's visiting order: Fisher-Yates, the same for every
 * realization. */
static void random_path(uint64_t seed, long n, long *path)
{
    for (long i = 0; i < n; i++)
        path[i] = i;
    for (long i = 0; i < n - 1; i++) {
        double u = sm_sgs_uniform(seed, ALL, (uint64_t)i, PATH_COARSE);
        long j = i + (long)(u * (double)(n - i));
        if (j >= n) /* u == 1 */
            j = n - 1;
        long t = path[i];
        path[i] = path[j], path[j] = t;
    }
}

int sm_sgs_coarse(const sm_sgs *s, int nreal, float *out)
{
    long n = s->ccols * s->crows, S = s->spacing;
    long *path = malloc((size_t)n * sizeof *path), idx[SM_SGS_MAXNB];
    unsigned char *known = calloc((size_t)n, 1);
    double *acc = malloc((size_t)nreal * sizeof *acc), w[SM_SGS_MAXNB];
    system_t *k = malloc(sizeof *k);
    if (!path || !known || !acc || !k) {
        free(path), free(known), free(acc), free(k);
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory for the lattice");
    }
    field f = {s->ccols, s->crows, 0, 0, S, known, s->coarse_off};
    for (long i = 0; i < n * nreal; i++)
        out[i] = NAN;
    random_path(s->seed, n, path);
    for (long i = 0; i < n; i++) {
        long node = path[i], col = node % s->ccols, row = node / s->ccols;
        if (!active(s, col * S, row * S))
            continue;
        plan_t p;
        solve(s, &f, k, col, row, &p, idx, w);
        for (int r = 0; r < nreal; r++)
            acc[r] = p.base + p.sd * gaussian(s->seed, r, node, DRAW_COARSE);
        for (int q = 0; q < p.k; q++) {
            const float *v = out + idx[q] * nreal;
            for (int r = 0; r < nreal; r++)
                acc[r] += w[q] * v[r];
        }
        for (int r = 0; r < nreal; r++)
            out[node * nreal + r] = (float)acc[r];
        known[node] = 1;
    }
    free(path), free(known), free(acc), free(k);
    return SM_OK;
}

/* ---- the blocks ---- */

typedef struct {
    double key;
    long cell;
} step_t;

struct sm_sgs_work {
    int tile;
    unsigned char *known; /* the window: the block and reach cells around it */
    float *v;             /* the window's values in one realization */
    step_t *path;         /* the block's fine cells, in visiting order */
    plan_t *plan;         /* per step */
    long *idx;            /* per step, nmax window indices ... */
    double *w;            /* ... and weights */
    system_t k;
};

static long window_side(const sm_sgs *s, int tile) { return tile + 2 * s->reach; }

double sm_sgs_work_bytes(const sm_sgs *s, int tile)
{
    double side = (double)window_side(s, tile), cells = (double)tile * tile;
    return side * side * (1 + sizeof(float)) +
           cells * (sizeof(step_t) + sizeof(plan_t) + s->nmax * (sizeof(long) + sizeof(double))) +
           sizeof(sm_sgs_work);
}

sm_sgs_work *sm_sgs_work_new(const sm_sgs *s, int tile)
{
    sm_sgs_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    size_t side = (size_t)window_side(s, tile), cells = (size_t)tile * (size_t)tile;
    w->tile = tile;
    w->known = malloc(side * side);
    w->v = malloc(side * side * sizeof *w->v);
    w->path = malloc(cells * sizeof *w->path);
    w->plan = malloc(cells * sizeof *w->plan);
    w->idx = malloc(cells * (size_t)s->nmax * sizeof *w->idx);
    w->w = malloc(cells * (size_t)s->nmax * sizeof *w->w);
    if (!w->known || !w->v || !w->path || !w->plan || !w->idx || !w->w) {
        sm_sgs_work_free(w);
        return NULL;
    }
    return w;
}

void sm_sgs_work_free(sm_sgs_work *w)
{
    if (w)
        free(w->known), free(w->v), free(w->path), free(w->plan), free(w->idx), free(w->w);
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

/* The window around the block, its active lattice nodes known. */
static field window(const sm_sgs *s, sm_sgs_work *w, long x0, long y0, int bw, int bh)
{
    long c0 = x0 - s->reach > 0 ? x0 - s->reach : 0, r0 = y0 - s->reach > 0 ? y0 - s->reach : 0;
    long c1 = x0 + bw + s->reach < s->ncols ? x0 + bw + s->reach : s->ncols;
    long r1 = y0 + bh + s->reach < s->nrows ? y0 + bh + s->reach : s->nrows;
    field f = {c1 - c0, r1 - r0, c0, r0, 1, w->known, s->fine_off};
    for (long row = r0; row < r1; row++)
        for (long col = c0; col < c1; col++)
            f.known[(row - r0) * f.ncols + col - c0] =
                on_lattice(s, col, row) && active(s, col, row);
    return f;
}

/* The block's fine cells in their visiting order, each solved once. */
static long plan_block(const sm_sgs *s, sm_sgs_work *w, const field *f, long x0, long y0, int bw,
                       int bh)
{
    long n = 0;
    for (long row = y0; row < y0 + bh; row++)
        for (long col = x0; col < x0 + bw; col++)
            if (!on_lattice(s, col, row) && active(s, col, row)) {
                long cell = row * s->ncols + col;
                w->path[n++] = (step_t){sm_sgs_uniform(s->seed, ALL, (uint64_t)cell, PATH_FINE),
                                        cell};
            }
    qsort(w->path, (size_t)n, sizeof *w->path, by_key);
    for (long i = 0; i < n; i++) {
        long col = w->path[i].cell % s->ncols - f->col0, row = w->path[i].cell / s->ncols - f->row0;
        solve(s, f, &w->k, col, row, &w->plan[i], w->idx + i * s->nmax, w->w + i * s->nmax);
        f->known[row * f->ncols + col] = 1;
    }
    return n;
}

/* Realization r of the planned block on the window. */
static void realize(const sm_sgs *s, sm_sgs_work *w, const field *f, const float *coarse,
                    int nreal, int r, long n)
{
    long S = s->spacing;
    for (long row = f->row0 + (S - f->row0 % S) % S; row < f->row0 + f->nrows; row += S)
        for (long col = f->col0 + (S - f->col0 % S) % S; col < f->col0 + f->ncols; col += S)
            w->v[(row - f->row0) * f->ncols + col - f->col0] =
                coarse[(row / S * s->ccols + col / S) * nreal + r];
    for (long i = 0; i < n; i++) {
        const plan_t *p = &w->plan[i];
        const long *idx = w->idx + i * s->nmax;
        const double *wt = w->w + i * s->nmax;
        long cell = w->path[i].cell;
        double a = p->base + p->sd * gaussian(s->seed, r, cell, DRAW_FINE);
        for (int q = 0; q < p->k; q++)
            a += wt[q] * w->v[idx[q]];
        w->v[(cell / s->ncols - f->row0) * f->ncols + cell % s->ncols - f->col0] = (float)a;
    }
}

int sm_sgs_block(const sm_sgs *s, sm_sgs_work *w, const float *coarse, int nreal, long x0,
                 long y0, int bw, int bh, float *out)
{
    if (bw > w->tile || bh > w->tile)
        return sm_error_set(SM_EINTERNAL, "simulation: a %dx%d block in %d-cell work space", bw,
                            bh, w->tile);
    field f = window(s, w, x0, y0, bw, bh);
    long n = plan_block(s, w, &f, x0, y0, bw, bh);
    for (int r = 0; r < nreal; r++) {
        realize(s, w, &f, coarse, nreal, r, n);
        for (long row = 0; row < bh; row++)
            for (long col = 0; col < bw; col++) {
                long wi = (row + y0 - f.row0) * f.ncols + col + x0 - f.col0;
                out[(row * bw + col) * nreal + r] = f.known[wi] ? w->v[wi] : NAN;
            }
    }
    return SM_OK;
}

int sm_sgs_realizations(const sm_sgs *s, int nreal, float *out)
{
    long side = s->ncols > s->nrows ? s->ncols : s->nrows;
    float *coarse = calloc((size_t)(s->ccols * s->crows) * (size_t)nreal, sizeof *coarse);
    sm_sgs_work *w = coarse ? sm_sgs_work_new(s, (int)side) : NULL;
    int rc = w ? sm_sgs_coarse(s, nreal, coarse)
               : sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    if (rc == SM_OK)
        rc = sm_sgs_block(s, w, coarse, nreal, 0, 0, (int)s->ncols, (int)s->nrows, out);
    sm_sgs_work_free(w), free(coarse);
    return rc;
}
