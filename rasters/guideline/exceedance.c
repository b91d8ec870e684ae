#include "guideline/exceedance.h"

#include <math.h>

double sm_exceedance_probability(double mean, double var, double t)
{
    if (isnan(mean) || isnan(var) || isnan(t))
        return NAN;
    if (!(var > 0))
        return mean > t ? 1.0 : 0.0;
    return 0.5 * erfc((t - mean) / sqrt(2.0 * var));
}
