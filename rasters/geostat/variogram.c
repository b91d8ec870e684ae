#include "geostat/variogram.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double sm_vario_default_cutoff(int n, const double *x, const double *y)
{
    double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
    for (int i = 0; i < n; i++) {
        x0 = fmin(x0, x[i]), x1 = fmax(x1, x[i]);
        y0 = fmin(y0, y[i]), y1 = fmax(y1, y[i]);
    }
    /* gstat multiplies by DEF_fraction = 0.33333, not by exactly 1/3 */
    return n > 0 ? hypot(x1 - x0, y1 - y0) * 0.33333 : 0.0;
}

/* 1 if the pair's direction (either way round) is within the window: gstat's
 * test |cos(angle between pair and direction)| >= cos(tolerance). */
static int in_direction(const sm_vario_params *p, double dx, double dy)
{
    if (p->tolerance >= 90.0)
        return 1;
    double h = sqrt(dx * dx + dy * dy);
    if (h == 0)
        return 1;
    double a = p->angle * M_PI / 180.0; /* clockwise from north */
    double c = (dx * sin(a) + dy * cos(a)) / h;
    return !(fabs(c) < cos(p->tolerance * M_PI / 180.0));
}

/* Sums for one lag; kept per chunk of rows so that the result does not depend
 * on the number of threads. */
typedef struct {
    double sum_d, sum_g; /* pair distance; squared (Matheron) or root (Cressie) difference */
    long np;
} lag_sum;

/* Per-thread room for one row's pairs within the cutoff. */
typedef struct {
    int *j;
    double *d2;
} row_pairs;

/* Row i's pairs in two passes: the first only measures and keeps those
 * within the cutoff, with no branch (whether a pair is in reach is a coin
 * toss the processor cannot predict); the second adds them up in the same
 * order as one pass would. */
static void accumulate_row(int i, int n, const double *x, const double *y, const double *z,
                           const sm_vario_params *p, int nlags, double cutoff, double width,
                           lag_sum *acc, row_pairs *near)
{
    double cutoff2 = cutoff * cutoff * (1.0 + 1e-12); /* the exact test follows */
    int m = 0;
    for (int j = i + 1; j < n; j++) {
        double dx = x[j] - x[i], dy = y[j] - y[i];
        near->j[m] = j;
        near->d2[m] = dx * dx + dy * dy;
        m += near->d2[m] <= cutoff2;
    }
    for (int q = 0; q < m; q++) {
        int j = near->j[q];
        double dx = x[j] - x[i], dy = y[j] - y[i], h = sqrt(near->d2[q]);
        if (h > cutoff || (p->directional && !in_direction(p, dx, dy)))
            continue;
        /* lags are (k w, (k+1) w]: a pair on a boundary goes to the lower lag */
        double frac = h / width;
        int lag = h > 0 && frac == floor(frac) ? (int)frac - 1 : (int)floor(frac);
        if (lag >= nlags)
            lag = nlags - 1;
        double diff = z[j] - z[i];
        acc[lag].sum_d += h;
        acc[lag].sum_g += p->estimator == SM_VARIO_CRESSIE ? sqrt(fabs(diff)) : diff * diff;
        acc[lag].np++;
    }
}

static double estimate(const sm_vario_params *p, const lag_sum *s)
{
    if (s->np == 0)
        return NAN;
    double np = (double)s->np;
    if (p->estimator == SM_VARIO_CRESSIE) /* Cressie & Hawkins (1980) */
        return 0.5 * pow(s->sum_g / np, 4.0) / (0.457 + 0.494 / np);
    return 0.5 * s->sum_g / np;
}

int sm_vario_compute(int n, const double *x, const double *y, const double *z,
                     const sm_vario_params *p, sm_vario *v)
{
    memset(v, 0, sizeof *v);
    v->cutoff = p->cutoff > 0 ? p->cutoff : sm_vario_default_cutoff(n, x, y);
    v->width = p->width > 0 ? p->width : v->cutoff / 15.0;
    if (!(v->cutoff > 0) || !(v->width > 0))
        return sm_error_set(SM_EDATA, "variogram: the samples have no spread (all at one point?)");
    v->nlags = (int)ceil(v->cutoff / v->width - 1e-9);
    if (v->nlags < 1 || v->nlags > 10000)
        return sm_error_set(SM_ECONFIG, "variogram: %g / %g gives %d lags; choose a wider lag",
                            v->cutoff, v->width, v->nlags);
    enum { CHUNK = 64 };
    int nchunks = (n + CHUNK - 1) / CHUNK, nl = v->nlags;
    lag_sum *acc = calloc((size_t)nchunks * (size_t)nl, sizeof *acc);
    int failed = !acc;
#pragma omp parallel
    {
        row_pairs near = {malloc((size_t)n * sizeof(int)), malloc((size_t)n * sizeof(double))};
        int ok = acc && near.j && near.d2;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic)
        for (int c = 0; c < nchunks; c++)
            for (int i = c * CHUNK; ok && i < n && i < (c + 1) * CHUNK; i++)
                accumulate_row(i, n, x, y, z, p, nl, v->cutoff, v->width, acc + (size_t)c * nl,
                               &near);
        free(near.j), free(near.d2);
    }
    if (failed) {
        free(acc);
        return sm_error_set(SM_EINTERNAL, "variogram: out of memory for %d samples", n);
    }
    v->np = calloc((size_t)nl, sizeof *v->np);
    v->dist = calloc((size_t)nl, sizeof *v->dist);
    v->gamma = calloc((size_t)nl, sizeof *v->gamma);
    for (int l = 0; l < nl; l++) {
        lag_sum s = {0, 0, 0};
        for (int c = 0; c < nchunks; c++) {
            const lag_sum *a = &acc[(size_t)c * nl + l];
            s.sum_d += a->sum_d, s.sum_g += a->sum_g, s.np += a->np;
        }
        v->np[l] = s.np;
        v->dist[l] = s.np ? s.sum_d / (double)s.np : NAN;
        v->gamma[l] = estimate(p, &s);
    }
    free(acc);
    return SM_OK;
}

void sm_vario_free(sm_vario *v)
{
    free(v->np);
    free(v->dist);
    free(v->gamma);
    memset(v, 0, sizeof *v);
}
