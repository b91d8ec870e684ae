/* Weighted least-squares fit of a variogram model to an empirical variogram,
 * as gstat's fit.variogram does it: its weightings (fit.method), Gauss-Newton
 * iterations with weights fixed at the starting model, and its stopping rule,
 * so that fits agree with gstat's. The one deliberate difference: the
 * Gaussian model's range derivative is the true one (gstat 2.1 lacks a
 * factor 2h/r there), so Gaussian fits reach a lower SSE than gstat's. */
#ifndef SM_VGFIT_H
#define SM_VGFIT_H

#include "geostat/variogram.h"
#include "geostat/vgmodel.h"

/* gstat's fit.method codes. */
typedef enum {
    SM_FIT_NJ = 1,        /* weights N_j */
    SM_FIT_NJ_GAMMA2 = 2, /* N_j / gamma_model(h_j)^2 */
    SM_FIT_OLS = 6,       /* unweighted */
    SM_FIT_NJ_H2 = 7      /* N_j / h_j^2 (gstat's default) */
} sm_fit_method;

typedef struct {
    sm_vgm model; /* the fitted model */
    double sse;   /* weighted sum of squared errors at the optimum */
    int iterations;
    int converged;   /* 0: the iteration limit was reached or the fit broke down */
    int singular;    /* the normal equations could not be solved */
    int fixed_sills; /* partial sills that went negative and were fixed at 0 */
} sm_fit_result;

/* Fits start's partial sills and ranges (types, kappas, anisotropy kept). */
int sm_vgm_fit(const sm_vario *v, const sm_vgm *start, sm_fit_method method, sm_fit_result *out);

/* Starting values from the empirical variogram, for one structure of the
 * given type plus a nugget. */
void sm_vgm_initial(const sm_vario *v, sm_vgm_type type, double kappa, sm_vgm *out);

/* The weighted SSE of a model against v. */
double sm_vgm_sse(const sm_vario *v, const sm_vgm *m, sm_fit_method method,
                  const sm_vgm *weights_model);

#endif
