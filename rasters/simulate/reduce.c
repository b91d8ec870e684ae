#include "simulate/reduce.h"
#include "core/error.h"
#include "grid/mask.h"
#include "grid/window.h"
#include "simulate/zones.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sm_sgs_work *work;
    float *vals;     /* every realization: cell c's at vals[c * nreal ..] */
    double *sorted;  /* one cell's, sorted */
    sm_window lu, ph; /* ph unused with a constant pH */
    long *area;      /* this thread's counts, added to the job's at the end */
    sm_sim_zones *zones; /* this thread's sums per hotspot, likewise */
    long cells;
    int rc;
} scratch_t;

static size_t area_size(const sm_sim_job *j)
{
    return (size_t)j->nreal * (size_t)(j->ntiers ? j->ntiers : 1) * (size_t)(j->nclasses + 1);
}

void *sm_sim_scratch_new(void *ctx)
{
    sm_sim_job *j = ctx;
    scratch_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    size_t cells = (size_t)j->tile * (size_t)j->tile;
    s->work = sm_sgs_work_new(&j->sgs, j->tile);
    s->vals = malloc(cells * (size_t)j->nreal * sizeof *s->vals);
    s->sorted = malloc((size_t)j->nreal * sizeof *s->sorted);
    s->area = calloc(area_size(j), sizeof *s->area);
    if (j->zones && j->zones->n)
        s->zones = sm_sim_zones_partial(j->zones, j->nreal);
    if (!s->work || !s->vals || !s->sorted || !s->area || (j->zones && j->zones->n && !s->zones))
        s->rc = sm_error_set(SM_EINTERNAL, "simulation: out of memory for a thread's tile");
    if (s->rc == SM_OK && j->ntiers)
        s->rc = sm_window_open(&s->lu, j->landuse, j->tile);
    if (s->rc == SM_OK && j->ntiers && j->ph[0])
        s->rc = sm_window_open(&s->ph, j->ph, j->tile);
    return s;
}

void sm_sim_scratch_free(void *ctx, void *scratch)
{
    sm_sim_job *j = ctx;
    scratch_t *s = scratch;
    if (!s)
        return;
    if (s->area) {
        size_t n = area_size(j);
#pragma omp critical(sm_simulate_area)
        {
            for (size_t i = 0; i < n; i++)
                j->area[i] += s->area[i];
            j->cells += s->cells;
            if (s->zones)
                sm_sim_zones_add(j->zones, s->zones, j->nreal);
        }
    }
    sm_window_close(&s->lu), sm_window_close(&s->ph);
    sm_sgs_work_free(s->work);
    sm_sim_zones_free(s->zones), free(s->zones);
    free(s->vals), free(s->sorted), free(s->area), free(s);
}

double sm_sim_quantile(const double *sorted, int n, double p)
{
    double h = (n - 1) * p;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

static int by_value(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

void sm_sim_sort(double *v, int n) { qsort(v, (size_t)n, sizeof *v, by_value); }

/* Flat data: every realization of every cell in the study area is the value. */
static void realize_flat(const sm_sim_job *j, scratch_t *s, int x0, int y0, int w, int h)
{
    const sm_mask *mask = j->ctx->grid->mask;
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            int in = !mask || sm_mask_has(mask, x0 + col, y0 + row);
            float *v = s->vals + ((size_t)row * (size_t)w + (size_t)col) * (size_t)j->nreal;
            for (int r = 0; r < j->nreal; r++)
                v[r] = in ? (float)j->flat : NAN;
        }
}

/* Every realization of the tile, back-transformed. */
static int realize(const sm_sim_job *j, scratch_t *s, int x0, int y0, int w, int h)
{
    if (!isnan(j->flat)) {
        realize_flat(j, s, x0, y0, w, h);
        return SM_OK;
    }
    int rc = sm_sgs_block(&j->sgs, s->work, j->coarse, j->nreal, x0, y0, w, h, s->vals);
    size_t n = (size_t)w * (size_t)h * (size_t)j->nreal;
    for (size_t i = 0; rc == SM_OK && i < n; i++)
        if (!isnan(s->vals[i]))
            s->vals[i] = (float)sm_nscore_back(&j->ns, s->vals[i]);
    return rc;
}

/* The share of realizations above each tier of the cell's land use, each
 * one above counted into its realization's area. */
static void exceedance(const sm_sim_job *j, scratch_t *s, const float *v, double lu, double ph,
                       double *out, size_t plane)
{
    if (isnan(lu) || lu < 1)
        return;
    int cls = (int)lu, nt = j->ntiers, stride = j->nclasses + 1;
    const double *tv = sm_guideline_values(&j->gl, cls - 1, ph);
    for (int t = 0; tv && t < nt; t++) {
        if (isnan(tv[t]))
            continue;
        int above = 0;
        for (int r = 0; r < j->nreal; r++)
            if (v[r] > tv[t]) {
                long *a = s->area + ((size_t)r * (size_t)nt + (size_t)t) * (size_t)stride;
                above++, a[0]++, a[cls]++;
            }
        out[(size_t)(SM_SIM_FIXED_BANDS + t) * plane] = (double)above / j->nreal;
    }
}

static void reduce_cell(const sm_sim_job *j, scratch_t *s, const float *v, double lu, double ph,
                        double *out, size_t plane)
{
    double sum = 0;
    for (int r = 0; r < j->nreal; r++)
        sum += v[r], s->sorted[r] = v[r];
    sm_sim_sort(s->sorted, j->nreal);
    out[0] = sum / j->nreal;
    out[plane] = sm_sim_quantile(s->sorted, j->nreal, 0.05);
    out[2 * plane] = sm_sim_quantile(s->sorted, j->nreal, 0.95);
    if (j->ntiers)
        exceedance(j, s, v, lu, ph, out, plane);
}

typedef struct {
    const sm_sim_job *j;
    const scratch_t *s;
} cell_ctx;

/* The guideline value of the hotspot tier at tile cell c (NAN: none). */
static double hotspot_value(const void *ctx, long c)
{
    const cell_ctx *k = ctx;
    const sm_sim_job *j = k->j;
    double lu = k->s->lu.ds ? k->s->lu.buf[c] : NAN;
    if (isnan(lu) || lu < 1 || j->hotspot_tier < 1 || j->hotspot_tier > j->ntiers)
        return NAN;
    const double *tv =
        sm_guideline_values(&j->gl, (int)lu - 1, k->s->ph.ds ? k->s->ph.buf[c] : j->ph_value);
    return tv ? tv[j->hotspot_tier - 1] : NAN;
}

int sm_sim_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out, size_t plane)
{
    const sm_sim_job *j = ctx;
    scratch_t *s = scratch;
    if (!s)
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory for a thread's tile");
    if (s->rc == SM_OK)
        s->rc = realize(j, s, x0, y0, w, h);
    if (s->rc == SM_OK && s->lu.ds)
        s->rc = sm_window_read(&s->lu, 1, x0, y0, w, h);
    if (s->rc == SM_OK && s->ph.ds)
        s->rc = sm_window_read(&s->ph, 1, x0, y0, w, h);
    if (s->rc != SM_OK)
        return s->rc;
    int nbands = SM_SIM_FIXED_BANDS + j->ntiers;
    for (size_t c = 0; c < (size_t)w * (size_t)h; c++) {
        for (int b = 0; b < nbands; b++)
            out[(size_t)b * plane + c] = NAN;
        const float *v = s->vals + c * (size_t)j->nreal;
        if (isnan(v[0]))
            continue;
        s->cells++;
        reduce_cell(j, s, v, s->lu.ds ? s->lu.buf[c] : NAN, s->ph.ds ? s->ph.buf[c] : j->ph_value,
                    out + c, plane);
    }
    cell_ctx k = {j, s};
    if (s->zones)
        sm_sim_zones_accumulate(j, j->zones, s->zones, x0, y0, w, h, s->vals, hotspot_value, &k);
    return SM_OK;
}
