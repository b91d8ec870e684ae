#include "geostat/nscore.h"
#include "core/error.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

typedef struct {
    double z, w;
} datum;

static int by_value(const void *a, const void *b)
{
    double x = ((const datum *)a)->z, y = ((const datum *)b)->z;
    return (x > y) - (x < y);
}

static int check_input(int n, const double *z, const double *w, double *total)
{
    *total = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(z[i]))
            return sm_error_set(SM_EDATA, "normal scores: value %d is not a number", i + 1);
        if (w && (!isfinite(w[i]) || w[i] < 0))
            return sm_error_set(SM_EDATA, "normal scores: weight %d is %g; weights are >= 0", i + 1,
                                w[i]);
        *total += w ? w[i] : 1.0;
    }
    return *total > 0 ? SM_OK : sm_error_set(SM_EDATA, "normal scores: no value with weight");
}

static int check_tails(const sm_nscore *t)
{
    if (t->zmin > t->z[0])
        return sm_error_set(SM_EDATA, "normal scores: zmin %g is above the smallest value %g",
                            t->zmin, t->z[0]);
    if (t->zmax < t->z[t->n - 1])
        return sm_error_set(SM_EDATA, "normal scores: zmax %g is below the largest value %g",
                            t->zmax, t->z[t->n - 1]);
    if (t->lower.kind == SM_TAIL_HYPERBOLIC)
        return sm_error_set(SM_EDATA, "normal scores: the hyperbolic model is for the upper "
                                      "tail only");
    const sm_tail *tails[] = {&t->lower, &t->upper};
    for (int i = 0; i < 2; i++)
        if (tails[i]->kind != SM_TAIL_LINEAR && !(tails[i]->par > 0))
            return sm_error_set(SM_EDATA, "normal scores: a tail parameter must be above 0");
    if (t->upper.kind == SM_TAIL_HYPERBOLIC && (t->upper.par < 1 || !(t->z[t->n - 1] > 0)))
        return sm_error_set(SM_EDATA, "normal scores: the hyperbolic tail needs a parameter "
                                      ">= 1 and a positive largest value");
    if (t->upper.kind != SM_TAIL_HYPERBOLIC && !isfinite(t->zmax))
        return sm_error_set(SM_EDATA, "normal scores: zmax must be finite unless the upper "
                                      "tail is hyperbolic");
    return SM_OK;
}

/* Groups of equal values (positive weight only) become one entry each, at
 * the middle of the group's cumulative frequency. */
static void build_table(sm_nscore *t, datum *d, int n, double total)
{
    double before = 0;
    for (int i = 0; i < n;) {
        double w = 0;
        int j = i;
        for (; j < n && d[j].z == d[i].z; j++)
            w += d[j].w;
        if (w > 0) {
            t->z[t->n] = d[i].z;
            t->cp[t->n] = (before + w / 2) / total;
            t->y[t->n] = gsl_cdf_ugaussian_Pinv(t->cp[t->n]);
            t->n++;
        }
        before += w, i = j;
    }
}

int sm_nscore_fit(sm_nscore *t, int n, const double *z, const double *w, double zmin, double zmax,
                  sm_tail lower, sm_tail upper)
{
    *t = (sm_nscore){.zmin = zmin, .zmax = zmax, .lower = lower, .upper = upper};
    double total;
    int rc = check_input(n, z, w, &total);
    if (rc != SM_OK)
        return rc;
    datum *d = malloc((size_t)n * sizeof *d);
    for (int i = 0; i < n; i++)
        d[i] = (datum){z[i], w ? w[i] : 1.0};
    qsort(d, (size_t)n, sizeof *d, by_value);
    t->z = malloc((size_t)n * sizeof *t->z);
    t->y = malloc((size_t)n * sizeof *t->y);
    t->cp = malloc((size_t)n * sizeof *t->cp);
    build_table(t, d, n, total);
    free(d);
    rc = t->n < 2 ? sm_error_set(SM_EDATA,
                                 "normal scores: %d distinct value%s; at least 2 are "
                                 "needed",
                                 t->n, t->n == 1 ? "" : "s")
                  : check_tails(t);
    if (rc != SM_OK)
        sm_nscore_free(t);
    return rc;
}

void sm_nscore_free(sm_nscore *t)
{
    free(t->z), free(t->y), free(t->cp);
    t->z = t->y = t->cp = NULL;
    t->n = 0;
}

/* The last index i with key[i] <= v, for key[0] <= v < key[n - 1]. */
static int bracket(const double *key, int n, double v)
{
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (key[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double sm_nscore_forward(const sm_nscore *t, double v)
{
    if (v <= t->z[0])
        return t->y[0];
    if (v >= t->z[t->n - 1])
        return t->y[t->n - 1];
    int i = bracket(t->z, t->n, v);
    return t->y[i] + (t->y[i + 1] - t->y[i]) * (v - t->z[i]) / (t->z[i + 1] - t->z[i]);
}

/* GSLIB's powint: from (xlow, ylow) to (xhigh, yhigh), x to the power p. */
static double powint(double xlow, double xhigh, double ylow, double yhigh, double x, double p)
{
    return ylow + (yhigh - ylow) * pow((x - xlow) / (xhigh - xlow), p);
}

static double lower_tail(const sm_nscore *t, double y)
{
    double p = t->lower.kind == SM_TAIL_POWER ? 1.0 / t->lower.par : 1.0;
    return powint(0, t->cp[0], t->zmin, t->z[0], gsl_cdf_ugaussian_P(y), p);
}

static double upper_tail(const sm_nscore *t, double y)
{
    int last = t->n - 1;
    double above = gsl_cdf_ugaussian_Q(y); /* 1 - F(y), exact far out */
    if (t->upper.kind == SM_TAIL_HYPERBOLIC) {
        double w = t->upper.par, lambda = pow(t->z[last], w) * (1 - t->cp[last]);
        return above > 0 ? pow(lambda / above, 1 / w) : HUGE_VAL;
    }
    double p = t->upper.kind == SM_TAIL_POWER ? 1.0 / t->upper.par : 1.0;
    return powint(t->cp[last], 1, t->z[last], t->zmax, 1 - above, p);
}

double sm_nscore_back(const sm_nscore *t, double y)
{
    int last = t->n - 1;
    double z;
    if (y <= t->y[0])
        z = lower_tail(t, y);
    else if (y >= t->y[last])
        z = upper_tail(t, y);
    else {
        int i = bracket(t->y, t->n, y);
        z = t->z[i] + (t->z[i + 1] - t->z[i]) * (y - t->y[i]) / (t->y[i + 1] - t->y[i]);
    }
    return z < t->zmin ? t->zmin : z > t->zmax ? t->zmax : z;
}
