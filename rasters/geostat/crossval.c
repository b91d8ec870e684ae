#include "geostat/crossval.h"
#include "core/error.h"
#include "geostat/idw.h"
#include "geostat/kdtree.h"
#include "geostat/kriging.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Predicts sample i from the others (exclude = i) or from a training subset
 * (exclude = -1 and a tree/arrays of that subset). */
typedef struct {
    const sm_cv_setup *s;
    sm_kdtree tree;
    sm_kriging kr;
    sm_idw idw;
} predictor;

static int predictor_init(predictor *p, const sm_cv_setup *s, int n, const double *x,
                          const double *y, const double *z)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    int rc = sm_kdtree_build(&p->tree, n, x, y);
    if (rc)
        return rc;
    if (s->kriging)
        return sm_kriging_init(&p->kr, &s->model, n, x, y, z, &p->tree, s->nmax, s->nmin,
                               s->maxdist);
    p->idw = (sm_idw){n, x, y, z, &p->tree, s->power, s->smoothing, s->nmax, s->nmin, s->maxdist};
    return SM_OK;
}

static void predictor_free(predictor *p)
{
    if (p->s->kriging)
        sm_kriging_free(&p->kr);
    sm_kdtree_free(&p->tree);
}

/* Predicts at sample i of the setup, leaving out `exclude` of p's points. */
static void predict_one(const predictor *p, void *scratch, int i, int exclude, sm_cv *out)
{
    const sm_cv_setup *s = p->s;
    out->pred[i] = out->var[i] = NAN;
    if (s->kriging) {
        sm_kriging_result r;
        sm_kriging_scratch_reset(scratch); /* the same result on any thread */
        if (sm_kriging_predict(&p->kr, scratch, s->x[i], s->y[i], exclude, &r) == 0)
            out->pred[i] = r.pred, out->var[i] = r.var;
    } else {
        double v;
        if (sm_idw_predict(&p->idw, scratch, s->x[i], s->y[i], exclude, &v) == 0)
            out->pred[i] = v;
    }
}

static void *scratch_new(const predictor *p)
{
    if (p->s->kriging)
        return sm_kriging_scratch_new(&p->kr);
    sm_nsearch *ns = malloc(sizeof *ns);
    sm_idw_search_init(&p->idw, ns);
    return ns;
}

static void scratch_free(const predictor *p, void *scratch)
{
    if (p->s->kriging)
        sm_kriging_scratch_free(scratch);
    else {
        sm_nsearch_free(scratch);
        free(scratch);
    }
}

static int leave_one_out(const sm_cv_setup *s, sm_cv *out)
{
    predictor p;
    int rc = predictor_init(&p, s, s->n, s->x, s->y, s->z);
    if (rc)
        return rc;
#pragma omp parallel
    {
        void *scratch = scratch_new(&p);
#pragma omp for schedule(dynamic, 16)
        for (int i = 0; i < s->n; i++) {
            out->fold[i] = i + 1;
            predict_one(&p, scratch, i, i, out);
        }
        scratch_free(&p, scratch);
    }
    predictor_free(&p);
    return SM_OK;
}

/* splitmix64: a small, well-mixed, seedable generator, so folds are the same
 * on every platform. */
static unsigned long long next_random(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Folds of near-equal size: a seeded shuffle of 0..n-1 dealt round-robin. */
static void assign_folds(int n, int k, unsigned seed, int *fold)
{
    int *order = malloc((size_t)n * sizeof *order);
    unsigned long long state = seed;
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(next_random(&state) % (unsigned long long)(i + 1));
        int t = order[i];
        order[i] = order[j], order[j] = t;
    }
    for (int i = 0; i < n; i++)
        fold[order[i]] = i % k + 1;
    free(order);
}

static int one_fold(const sm_cv_setup *s, int f, double *tx, double *ty, double *tz, sm_cv *out)
{
    int m = 0;
    for (int i = 0; i < s->n; i++)
        if (out->fold[i] != f)
            tx[m] = s->x[i], ty[m] = s->y[i], tz[m++] = s->z[i];
    predictor p;
    int rc = predictor_init(&p, s, m, tx, ty, tz);
    if (rc)
        return rc;
#pragma omp parallel
    {
        void *scratch = scratch_new(&p);
#pragma omp for schedule(dynamic, 16)
        for (int i = 0; i < s->n; i++)
            if (out->fold[i] == f)
                predict_one(&p, scratch, i, -1, out);
        scratch_free(&p, scratch);
    }
    predictor_free(&p);
    return SM_OK;
}

static int k_fold(const sm_cv_setup *s, sm_cv *out)
{
    assign_folds(s->n, s->folds, s->seed, out->fold);
    double *buf = malloc(3 * (size_t)s->n * sizeof *buf);
    int rc = SM_OK;
    for (int f = 1; f <= s->folds && rc == SM_OK; f++)
        rc = one_fold(s, f, buf, buf + s->n, buf + 2 * s->n, out);
    free(buf);
    return rc;
}

static void summarise(const sm_cv_setup *s, sm_cv *out)
{
    double se = 0, sa = 0, ss = 0, sz = 0, mean = 0;
    long n = 0, nz = 0;
    for (int i = 0; i < s->n; i++)
        if (!isnan(out->pred[i]))
            mean += s->z[i], n++;
    mean = n ? mean / n : NAN;
    double stot = 0;
    for (int i = 0; i < s->n; i++) {
        if (isnan(out->pred[i]))
            continue;
        double r = s->z[i] - out->pred[i]; /* gstat: observed - predicted */
        se += r, sa += fabs(r), ss += r * r;
        stot += (s->z[i] - mean) * (s->z[i] - mean);
        if (out->var[i] > 0)
            sz += r * r / out->var[i], nz++;
    }
    out->used = n;
    out->mean_error = n ? se / n : NAN;
    out->mae = n ? sa / n : NAN;
    out->rmse = n ? sqrt(ss / n) : NAN;
    out->msdr = nz ? sz / nz : NAN;
    out->r2 = stot > 0 ? 1.0 - ss / stot : NAN;
}

int sm_crossval(const sm_cv_setup *s, sm_cv *out)
{
    memset(out, 0, sizeof *out);
    if (s->n < 3)
        return sm_error_set(SM_EDATA, "cross-validation needs at least 3 samples, got %d", s->n);
    if (s->folds > s->n)
        return sm_error_set(SM_ECONFIG, "cross-validation: %d folds for %d samples", s->folds,
                            s->n);
    out->pred = malloc((size_t)s->n * sizeof *out->pred);
    out->var = malloc((size_t)s->n * sizeof *out->var);
    out->fold = malloc((size_t)s->n * sizeof *out->fold);
    int rc = s->folds <= 1 ? leave_one_out(s, out) : k_fold(s, out);
    if (rc == SM_OK)
        summarise(s, out);
    return rc;
}

void sm_cv_free(sm_cv *cv)
{
    free(cv->pred), free(cv->var), free(cv->fold);
    memset(cv, 0, sizeof *cv);
}
