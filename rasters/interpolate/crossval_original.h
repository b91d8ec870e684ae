/* Cross-validation figures on the original scale when the samples were
 * interpolated as logarithms: the residuals a user of the mg/kg surface
 * meets, next to the log-scale ones the variogram model is judged by. */
#ifndef SM_CROSSVAL_ORIGINAL_H
#define SM_CROSSVAL_ORIGINAL_H

#include "config/config.h"
#include "geostat/crossval.h"

/* From log-scale observations, predictions and kriging variances (var NULL
 * for IDW; NAN entries are skipped): observed exp(obs), predicted back-
 * transformed as the surface is, exp(pred + var / 2) for `unbiased` (the
 * lognormal mean without the Lagrange term, which cross-validation does not
 * keep) and exp(pred) otherwise. Fills out's mean_error, mae, rmse, r2 and
 * used; msdr is NAN (no original-scale variance); out's arrays are NULL. */
void sm_cv_original(const double *obs, const double *pred, const double *var, int n,
                    sm_back_transform back, sm_cv *out);

#endif
