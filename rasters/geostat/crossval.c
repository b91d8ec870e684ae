#include "geostat/crossval.h"
#include "core/error.h"
#include "geostat/kdtree.h"
#include "geostat/predictor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A predictor over a training set (all samples, or the other folds') with
 * its own neighbour index. */
typedef struct {
    sm_kdtree tree;
    sm_predictor pred;
} trained;

static int train(trained *t, const sm_cv_setup *s, int n, const double *x, const double *y,
                 const double *z)
{
    int rc = sm_kdtree_build(&t->tree, n, x, y);
    if (rc)
        return rc;
    sm_predictor_setup ps = {.method = s->kriging ? SM_PREDICTOR_KRIGING : SM_PREDICTOR_IDW,
                             .n = n,
                             .x = x,
                             .y = y,
                             .z = z,
                             .tree = &t->tree,
                             .nmax = s->nmax,
                             .nmin = s->nmin,
                             .maxdist = s->maxdist,
                             .model = s->model,
                             .power = s->power,
                             .smoothing = s->smoothing};
    rc = sm_predictor_init(&t->pred, &ps);
    if (rc)
        sm_kdtree_free(&t->tree);
    return rc;
}

static void untrain(trained *t)
{
    sm_predictor_free(&t->pred);
    sm_kdtree_free(&t->tree);
}

/* Predicts at sample i of the setup, leaving out `exclude` of the training
 * set; each sample starts afresh, so the result is the same on any thread.
 * The predictor's code: 1 leaves NAN, a negative status is an error. */
static int predict_one(const sm_predictor *p, sm_predictor_scratch *scratch, const sm_cv_setup *s,
                       int i, int exclude, sm_cv *out)
{
    sm_predictor_result r;
    sm_predictor_scratch_reset(scratch);
    int rc = sm_predictor_predict(p, scratch, s->x[i], s->y[i], exclude, &r);
    out->pred[i] = r.pred, out->var[i] = r.var;
    return rc;
}

/* Predicts the samples of fold f from the training set, in parallel; f = 0
 * is leave-one-out: every sample, each left out of its own prediction. */
static int predict_fold(const trained *t, const sm_cv_setup *s, int f, sm_cv *out)
{
    sm_predictor_failure failure = {SM_OK, ""};
#pragma omp parallel
    {
        sm_predictor_scratch *scratch = sm_predictor_scratch_new(&t->pred);
        if (!scratch)
            sm_predictor_failure_keep(&failure);
#pragma omp for schedule(dynamic, 16)
        for (int i = 0; i < s->n; i++) {
            if (f == 0)
                out->fold[i] = i + 1;
            if (scratch && (f == 0 || out->fold[i] == f) &&
                predict_one(&t->pred, scratch, s, i, f == 0 ? i : -1, out) < 0)
                sm_predictor_failure_keep(&failure);
        }
        sm_predictor_scratch_free(scratch);
    }
    return sm_predictor_failure_report(&failure);
}

static int leave_one_out(const sm_cv_setup *s, sm_cv *out)
{
    trained t;
    int rc = train(&t, s, s->n, s->x, s->y, s->z);
    if (rc)
        return rc;
    rc = predict_fold(&t, s, 0, out);
    untrain(&t);
    return rc;
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
static int assign_folds(int n, int k, unsigned seed, int *fold)
{
    int *order = malloc((size_t)n * sizeof *order);
    if (!order)
        return sm_error_set(SM_EINTERNAL, "cross-validation: out of memory for %d samples", n);
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
    return SM_OK;
}

static int one_fold(const sm_cv_setup *s, int f, double *tx, double *ty, double *tz, sm_cv *out)
{
    int m = 0;
    for (int i = 0; i < s->n; i++)
        if (out->fold[i] != f)
            tx[m] = s->x[i], ty[m] = s->y[i], tz[m++] = s->z[i];
    trained t;
    int rc = train(&t, s, m, tx, ty, tz);
    if (rc)
        return rc;
    rc = predict_fold(&t, s, f, out);
    untrain(&t);
    return rc;
}

static int k_fold(const sm_cv_setup *s, sm_cv *out)
{
    double *buf = malloc(3 * (size_t)s->n * sizeof *buf);
    if (!buf)
        return sm_error_set(SM_EINTERNAL, "cross-validation: out of memory for %d samples", s->n);
    int rc = assign_folds(s->n, s->folds, s->seed, out->fold);
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
    if (!out->pred || !out->var || !out->fold) {
        sm_cv_free(out);
        return sm_error_set(SM_EINTERNAL, "cross-validation: out of memory for %d samples", s->n);
    }
    int rc = s->folds <= 1 ? leave_one_out(s, out) : k_fold(s, out);
    if (rc == SM_OK)
        summarise(s, out);
    else
        sm_cv_free(out); /* nothing half-done for the caller to free */
    return rc;
}

void sm_cv_free(sm_cv *cv)
{
    free(cv->pred), free(cv->var), free(cv->fold);
    memset(cv, 0, sizeof *cv);
}
