#include "geostat/vgfit.h"
#include "core/error.h"

#include <float.h>
#include <math.h>
#include <string.h>

enum { MAXP = 2 * SM_VGM_MAXPARTS, MAX_ITER = 200 };

/* gstat's convergence rule: stop when the relative decrease of the weighted
 * SSE falls below this (DEF_fit_limit in gstat's defaults.h). */
static const double FIT_LIMIT = 1e-5;

/* The free parameters, per structure in order: its sill (unless fixed), then
 * its range (unless a nugget), as gstat orders them. */
typedef struct {
    int part[MAXP];
    int is_range[MAXP];
    int n;
} params;

static void collect(const sm_vgm *m, const int *fixed, params *p)
{
    p->n = 0;
    for (int i = 0; i < m->n; i++) {
        if (!fixed[i])
            p->part[p->n] = i, p->is_range[p->n++] = 0;
        if (m->part[i].type != SM_VGM_NUG)
            p->part[p->n] = i, p->is_range[p->n++] = 1;
    }
}

static double *param_ptr(sm_vgm *m, const params *p, int k)
{
    sm_vgm_part *part = &m->part[p->part[k]];
    return p->is_range[k] ? &part->range : &part->psill;
}

/* d gamma / d range of one structure (sill included). */
static double range_derivative(const sm_vgm_part *s, double h)
{
    double r = s->range;
    switch (s->type) {
    case SM_VGM_SPH:
        return h > r ? 0.0 : s->psill * 1.5 * (h / (r * r)) * (-1.0 + h * (h / (r * r)));
    case SM_VGM_EXP:
        return s->psill * (-h / r / r) * exp(-h / r);
    case SM_VGM_GAU: /* the true derivative; gstat 2.1 drops the factor 2h/r */
        return s->psill * (-2.0 * h * h / (r * r * r)) * exp(-(h / r) * (h / r));
    default: { /* Matérn: a central difference of 0.1 % of the range, as gstat */
        double rr = fmax(1e-20, r);
        return s->psill *
               (sm_vgm_unit(s->type, h, rr * 1.001, s->kappa) -
                sm_vgm_unit(s->type, h, rr * 0.999, s->kappa)) /
               (2.0 * rr * 0.001);
    }
    }
}

static double weight(const sm_vario *v, int j, sm_fit_method method, const sm_vgm *start)
{
    double np = (double)v->np[j], h = v->dist[j];
    switch (method) {
    case SM_FIT_NJ:
        return np;
    case SM_FIT_NJ_GAMMA2: {
        double g = sm_vgm_gamma_h(start, h);
        return fabs(g) > 1e-30 ? np / (g * g) : HUGE_VAL;
    }
    case SM_FIT_OLS:
        return 1.0;
    case SM_FIT_NJ_H2:
        return fabs(h) > 1e-30 ? np / (h * h) : HUGE_VAL;
    }
    return 0.0;
}

double sm_vgm_sse(const sm_vario *v, const sm_vgm *m, sm_fit_method method, const sm_vgm *wm)
{
    double sse = 0.0;
    for (int j = 0; j < v->nlags; j++) {
        if (v->np[j] == 0)
            continue;
        double r = v->gamma[j] - sm_vgm_gamma_h(m, v->dist[j]);
        sse += weight(v, j, method, wm ? wm : m) * r * r;
    }
    return sse;
}

/* Cholesky solve of the small normal equations; -1 if not positive definite. */
static int solve_normal(double A[MAXP][MAXP], double *b, int n)
{
    double L[MAXP][MAXP] = {{0}};
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = A[i][j];
            for (int k = 0; k < j; k++)
                s -= L[i][k] * L[j][k];
            if (i == j) {
                if (!(s > 0))
                    return -1;
                L[i][i] = sqrt(s);
            } else {
                L[i][j] = s / L[j][j];
            }
        }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < i; k++)
            b[i] -= L[i][k] * b[k];
        b[i] /= L[i][i];
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int k = i + 1; k < n; k++)
            b[i] -= L[k][i] * b[k];
        b[i] /= L[i][i];
    }
    return 0;
}

/* One Gauss-Newton step: beta solving the weighted least-squares problem of
 * the residuals linearised at m. */
static int gauss_newton_step(const sm_vario *v, const sm_vgm *m, const params *p, const double *w,
                             double *beta)
{
    double A[MAXP][MAXP] = {{0}}, b[MAXP] = {0};
    for (int j = 0; j < v->nlags; j++) {
        if (v->np[j] == 0)
            continue;
        double h = v->dist[j], y = v->gamma[j] - sm_vgm_gamma_h(m, h), X[MAXP];
        for (int k = 0; k < p->n; k++) {
            const sm_vgm_part *s = &m->part[p->part[k]];
            X[k] = p->is_range[k] ? range_derivative(s, h)
                                  : sm_vgm_unit(s->type, h, s->range, s->kappa);
        }
        for (int a = 0; a < p->n; a++) {
            b[a] += w[j] * X[a] * y;
            for (int c = 0; c < p->n; c++)
                A[a][c] += w[j] * X[a] * X[c];
        }
    }
    memcpy(beta, b, sizeof b);
    return solve_normal(A, beta, p->n);
}

/* gstat's fit_GaussNewton: weights fixed at the start, steps bounded when
 * they are large against the parameters, stop on a relative SSE decrease
 * below FIT_LIMIT or after MAX_ITER. Returns iterations, or -1 if singular. */
static int gauss_newton(const sm_vario *v, sm_vgm *m, const params *p, const double *w,
                        sm_fit_method method, const sm_vgm *wm, double *sse)
{
    double old = DBL_MAX;
    int any_range = 0;
    for (int k = 0; k < p->n; k++)
        any_range |= p->is_range[k];
    for (int it = 1; it <= MAX_ITER; it++) {
        double beta[MAXP], norm_b = 0, norm_p = 0;
        if (gauss_newton_step(v, m, p, w, beta) != 0)
            return -1;
        for (int k = 0; k < p->n; k++) {
            double x = *param_ptr(m, p, k);
            norm_b += beta[k] * beta[k], norm_p += x * x;
        }
        int bounded = 0;
        if (any_range && norm_p > 0 && norm_b / norm_p > 0.2) {
            double f = 0.2 / (norm_b / norm_p);
            for (int k = 0; k < p->n; k++)
                beta[k] *= f;
            bounded = 1;
        }
        for (int k = 0; k < p->n; k++)
            *param_ptr(m, p, k) += beta[k];
        *sse = sm_vgm_sse(v, m, method, wm);
        double step = old - *sse;
        if (*sse > 10 * DBL_EPSILON)
            step /= *sse;
        old = *sse;
        if (step < FIT_LIMIT && step >= 0 && !bounded)
            return it;
    }
    return MAX_ITER + 1;
}

int sm_vgm_fit(const sm_vario *v, const sm_vgm *start, sm_fit_method method, sm_fit_result *out)
{
    memset(out, 0, sizeof *out);
    out->model = *start;
    int fixed[SM_VGM_MAXPARTS] = {0}, lags = 0;
    double w[v->nlags > 0 ? v->nlags : 1];
    for (int j = 0; j < v->nlags; j++) {
        lags += v->np[j] > 0;
        if (v->np[j] > 0 && method == SM_FIT_NJ_H2 && v->dist[j] == 0)
            return sm_error_set(SM_EDATA, "variogram fit: a lag has mean distance 0, which "
                                          "fit method 7 cannot weight; use another method");
        w[j] = v->np[j] > 0 ? weight(v, j, method, start) : 0.0;
        if (isinf(w[j]))
            return sm_error_set(SM_EDATA, "variogram fit: infinite weight (the starting model "
                                          "is 0 at a lag); give other starting values");
    }
    for (int i = 0; i < out->model.n; i++) /* gstat starts a zero sill at 1 */
        if (out->model.part[i].psill == 0)
            out->model.part[i].psill = 1.0;
    const sm_vgm *wm = method == SM_FIT_NJ_GAMMA2 ? start : NULL;
    sm_vgm restart;
    for (int round = 0; round <= SM_VGM_MAXPARTS; round++) {
        params p;
        collect(&out->model, fixed, &p);
        if (p.n > lags) { /* underdetermined: as gstat, a singular fit */
            out->singular = 1;
            out->converged = 0;
            break;
        }
        int it = gauss_newton(v, &out->model, &p, w, method, wm, &out->sse);
        out->iterations += it > 0 ? it : 0;
        out->converged = it > 0 && it <= MAX_ITER;
        out->singular = it < 0;
        /* As R's fit.variogram: a negative partial sill is fixed at zero, the
         * ranges go back to their starting values, and the fit runs again. */
        int refit = 0;
        for (int i = 0; i < out->model.n; i++)
            if (!fixed[i] && out->model.part[i].psill < 0) {
                out->model.part[i].psill = 0.0;
                fixed[i] = 1;
                out->fixed_sills++;
                refit = 1;
            }
        if (!refit || out->singular)
            break;
        for (int i = 0; i < out->model.n; i++)
            out->model.part[i].range = start->part[i].range;
        /* R's fit.variogram calls itself again: method 2 takes its weights
         * from this new starting model */
        if (method == SM_FIT_NJ_GAMMA2) {
            restart = out->model;
            wm = &restart;
            for (int j = 0; j < v->nlags; j++)
                w[j] = v->np[j] > 0 ? weight(v, j, method, &restart) : 0.0;
        }
    }
    for (int i = 0; i < out->model.n; i++)
        if (out->model.part[i].type != SM_VGM_NUG && !(out->model.part[i].range > 0))
            out->converged = 0; /* a negative range is no model */
    return SM_OK;
}

void sm_vgm_initial(const sm_vario *v, sm_vgm_type type, double kappa, sm_vgm *m)
{
    /* As automap does: nugget from the first lags, sill from the last ones,
     * range a third of the largest lag distance. */
    double first = HUGE_VAL, gmax = 0.0, dmax = 0.0, tail = 0.0;
    int ntail = 0;
    for (int j = 0; j < v->nlags; j++) {
        if (v->np[j] == 0)
            continue;
        first = fmin(first, v->gamma[j]);
        gmax = fmax(gmax, v->gamma[j]);
        dmax = fmax(dmax, v->dist[j]);
    }
    for (int j = v->nlags - 1; j >= 0 && ntail < 5; j--)
        if (v->np[j] > 0)
            tail += v->gamma[j], ntail++;
    double sill = ntail ? tail / ntail : gmax;
    memset(m, 0, sizeof *m);
    m->n = 2;
    m->part[0] = (sm_vgm_part){SM_VGM_NUG, fmin(first, sill) * 0.5, 0, 0, 0, 1};
    double range = dmax > 0 ? dmax / 3.0 : 1.0;
    if (type == SM_VGM_EXP || type == SM_VGM_MAT)
        range /= 3.0; /* their range parameter is a third of the practical range */
    else if (type == SM_VGM_GAU)
        range /= sqrt(3.0);
    m->part[1] = (sm_vgm_part){type, fmax(sill - m->part[0].psill, 1e-12), range, kappa, 0, 1};
}
