#include "interpolate/crossval_original.h"

#include <math.h>
#include <string.h>

static double back(double pred, double var, sm_back_transform bt)
{
    return bt == SM_BACK_UNBIASED && isfinite(var) ? exp(pred + 0.5 * var) : exp(pred);
}

void sm_cv_original(const double *obs, const double *pred, const double *var, int n,
                    sm_back_transform bt, sm_cv *out)
{
    memset(out, 0, sizeof *out);
    double se = 0, ae = 0, e = 0, so = 0, soo = 0;
    long used = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(obs[i]) || !isfinite(pred[i]))
            continue;
        double o = exp(obs[i]), p = back(pred[i], var ? var[i] : NAN, bt),
               r = o - p; /* gstat: observed - predicted */
        e += r, ae += fabs(r), se += r * r, so += o, soo += o * o, used++;
    }
    out->used = used, out->msdr = NAN;
    if (used == 0) {
        out->mean_error = out->mae = out->rmse = out->r2 = NAN;
        return;
    }
    double sst = soo - so * so / used;
    out->mean_error = e / used, out->mae = ae / used, out->rmse = sqrt(se / used);
    out->r2 = sst > 0 ? 1 - se / sst : NAN;
}
