#include "core/units.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <strings.h>

static const struct {
    const char *name;
    double to_mgkg;
} units[] = {
    {"mg/kg", 1.0},
    {"ppm", 1.0},
    {"µg/g", 1.0}, /* micro sign U+00B5 */
    {"μg/g", 1.0},
    {"ug/g", 1.0},
    {"µg/kg", 1e-3},
    {"μg/kg", 1e-3}, /* Greek mu */
    {"ug/kg", 1e-3},
    {"ng/g", 1e-3},
    {"ppb", 1e-3},
    {"g/kg", 1e3},
    {"mg/g", 1e3},
    {"%", 1e4},
    {"ng/kg", 1e-6},
    /* the SI way of writing them, as lab sheets and journals do */
    {"mg kg-1", 1.0},
    {"µg kg-1", 1e-3},
    {"μg kg-1", 1e-3},
    {"ug kg-1", 1e-3},
    {"g kg-1", 1e3},
    {"ng kg-1", 1e-6},
};

int sm_unit_to_mgkg(const char *unit, double *factor)
{
    for (unsigned i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(unit, units[i].name) == 0) {
            *factor = units[i].to_mgkg;
            return 0;
        }
    return -1;
}

const char *sm_unit_names(void)
{
    return "mg/kg, ppm, µg/g, µg/kg (ug/kg), ng/g, ppb, g/kg, mg/g, %, ng/kg (or written "
           "mg kg-1, µg kg-1, g kg-1, ng kg-1)";
}

const char *sm_unit_convert(double value, double to_mgkg, double *mgkg)
{
    if (to_mgkg == SM_UNIT_AS_GIVEN) {
        *mgkg = value;
        return isfinite(value) ? NULL : "not a finite number";
    }
    *mgkg = value * to_mgkg;
    if (!isfinite(*mgkg))
        return "infinite after conversion to mg/kg";
    if (*mgkg > SM_MGKG_MAX)
        return "more than 1e6 mg/kg (100 % of the mass): not a possible concentration";
    /* a subnormal or zero result from a positive value has lost its digits */
    if (value > 0 && *mgkg < DBL_MIN)
        return "number too small after conversion to mg/kg (it would read as 0)";
    return NULL;
}
