#include "simulate/scores.h"
#include "core/error.h"
#include "geostat/variogram.h"
#include "stage/products.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(sm_sim_job *j, sm_simulate_result *res)
{
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, j->cfg, SM_PRODUCT_SAMPLES);
    int rc = sm_points_load(gpkg, j->name, &j->pts);
    if (rc)
        return rc;
    res->n = j->pts.n;
    if (j->pts.n == 0)
        return sm_error_set(SM_EDATA, "simulate: %s: no samples with a value", j->name);
    if (j->pts.n < j->ic->nmin)
        return sm_error_set(SM_EDATA, "simulate: %s: %d samples, fewer than neighbours.min (%d)",
                            j->name, j->pts.n, j->ic->nmin);
    return sm_kdtree_build(&j->tree, j->pts.n, j->pts.x, j->pts.y);
}

/* ---- declustering ---- */

typedef struct {
    double cx, cy; /* the sample's cell */
    int i;
} cell_of;

static int by_cell(const void *a, const void *b)
{
    const cell_of *p = a, *q = b;
    if (p->cx != q->cx)
        return p->cx < q->cx ? -1 : 1;
    if (p->cy != q->cy)
        return p->cy < q->cy ? -1 : 1;
    return p->i - q->i;
}

/* Cell declustering with one cell size (GSLIB's declus without the search
 * over sizes): each sample weighs 1 / (samples in its cell), so a cluster
 * around a smelter counts as much as its area, not as its number. */
static int decluster(sm_sim_job *j)
{
    double size = j->sc->declustering;
    int n = j->pts.n;
    if (!(size > 0))
        return SM_OK;
    cell_of *c = malloc((size_t)n * sizeof *c);
    j->weights = malloc((size_t)n * sizeof *j->weights);
    if (!c || !j->weights) {
        free(c);
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    }
    for (int i = 0; i < n; i++)
        c[i] = (cell_of){floor(j->pts.x[i] / size), floor(j->pts.y[i] / size), i};
    qsort(c, (size_t)n, sizeof *c, by_cell);
    int ncells = 0;
    for (int a = 0, b; a < n; a = b, ncells++) {
        for (b = a; b < n && c[b].cx == c[a].cx && c[b].cy == c[a].cy; b++)
            ;
        for (int k = a; k < b; k++)
            j->weights[c[k].i] = 1.0 / (b - a);
    }
    for (int i = 0; i < n; i++) /* mean weight 1 */
        j->weights[i] *= (double)n / ncells;
    free(c);
    return SM_OK;
}

/* ---- the normal-score table ---- */

static int smallest(const sm_points *p, int largest)
{
    int k = 0;
    for (int i = 1; i < p->n; i++)
        if (largest ? p->z[i] > p->z[k] : p->z[i] < p->z[k])
            k = i;
    return k;
}

/* zmin: tails.lower.min, else 0 (or the smallest value if below);
 * zmax: tails.upper.max, else the largest value + 2 (largest - zmin). */
static int bounds(const sm_sim_job *j, double *zmin, double *zmax)
{
    const sm_simulation_config *sc = j->sc;
    const sm_points *p = &j->pts;
    int lo = smallest(p, 0), hi = smallest(p, 1);
    *zmin = isfinite(sc->lower.bound) ? sc->lower.bound : fmin(0.0, p->z[lo]);
    *zmax = isfinite(sc->upper.bound) ? sc->upper.bound : p->z[hi] + 2 * (p->z[hi] - *zmin);
    if (*zmin > p->z[lo])
        return sm_error_set(SM_ECONFIG,
                            "simulation.tails.lower.min: %g is above %s's smallest value, %g "
                            "(sample %s)",
                            *zmin, j->name, p->z[lo], p->id[lo]);
    if (*zmax < p->z[hi])
        return sm_error_set(SM_ECONFIG,
                            "simulation.tails.upper.max: %g is below %s's largest value, %g "
                            "(sample %s)",
                            *zmax, j->name, p->z[hi], p->id[hi]);
    if (sc->upper.model == SM_TAIL_HYPERBOLIC && !(p->z[hi] > 0))
        return sm_error_set(SM_EDATA,
                            "simulate: %s: the hyperbolic upper tail needs a positive largest "
                            "value (it is %g); set simulation.tails.upper.model: linear",
                            j->name, p->z[hi]);
    return SM_OK;
}

static int score(sm_sim_job *j, sm_simulate_result *res)
{
    const sm_simulation_config *sc = j->sc;
    int rc = bounds(j, &res->zmin, &res->zmax);
    if (rc)
        return rc;
    sm_tail lower = {(sm_tail_kind)sc->lower.model, sc->lower.par},
            upper = {(sm_tail_kind)sc->upper.model, sc->upper.par};
    rc = sm_nscore_fit(&j->ns, j->pts.n, j->pts.z, j->weights, res->zmin, res->zmax, lower, upper);
    if (rc) { /* name the contaminant: the message alone does not */
        char why[512];
        snprintf(why, sizeof why, "%s", sm_error_message());
        return sm_error_set(rc, "simulate: %s: %s", j->name, why);
    }
    j->scores = malloc((size_t)j->pts.n * sizeof *j->scores);
    if (!j->scores)
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    for (int i = 0; i < j->pts.n; i++)
        j->scores[i] = sm_nscore_forward(&j->ns, j->pts.z[i]);
    return SM_OK;
}

/* ---- the variogram of the scores ---- */

/* Fitted as the interpolation's settings say; a model given by hand (fit:
 * none) describes the values, so its sills are scaled to the scores'
 * variance, 1. */
static int model(sm_sim_job *j, sm_simulate_result *res)
{
    const sm_interp_config *ic = j->ic;
    sm_vario_params vp = {ic->cutoff, ic->width, ic->cressie ? SM_VARIO_CRESSIE : SM_VARIO_MATHERON,
                          0,          0,         0};
    sm_vario v;
    int rc = sm_vario_compute(j->pts.n, j->pts.x, j->pts.y, j->scores, &vp, &v);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", sm_error_message());
        return sm_error_set(rc, "simulate: %s: %s", j->name, why);
    }
    rc = sm_modelfit_choose(ic, j->name, "simulate", &v, &res->vg);
    sm_vario_free(&v);
    double sill = sm_vgm_sill(&res->vg.model);
    if (rc == SM_OK && ic->fit_method == 0 && sill > 0)
        for (int i = 0; i < res->vg.model.n; i++)
            res->vg.model.part[i].psill /= sill;
    return rc;
}

/* Every value equal: no distribution to transform and no variogram, but
 * no doubt either. gstat stops there; every realization is the value. */
static int flat(sm_sim_job *j, sm_simulate_result *res)
{
    for (int i = 1; i < j->pts.n; i++)
        if (j->pts.z[i] != j->pts.z[0])
            return 0;
    j->flat = res->zmin = res->zmax = j->pts.z[0];
    return 1;
}

int sm_sim_scores(sm_sim_job *j, sm_simulate_result *res)
{
    j->flat = NAN;
    int rc = load(j, res);
    if (rc == SM_OK && flat(j, res))
        return SM_OK;
    if (rc == SM_OK)
        rc = decluster(j);
    if (rc == SM_OK)
        rc = score(j, res);
    return rc == SM_OK ? model(j, res) : rc;
}
