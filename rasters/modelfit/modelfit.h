/* A contaminant's variogram model from the config: given, or fitted. */
#ifndef SM_MODELFIT_H
#define SM_MODELFIT_H

#include "config/config.h"
#include "geostat/variogram.h"
#include "geostat/vgfit.h"

typedef struct {
    sm_vgm model;
    int fitted; /* the model came from a fit */
    sm_fit_result fit;
    int fit_fallback; /* the fit failed; the starting model was used */
} sm_modelfit;

/* The model for experimental variogram v under settings ic. A fit that
 * does not converge fails (SM_EDATA, naming the contaminant) or, with
 * on_fit_failure: start, falls back to the starting model with a warning
 * prefixed by stage. */
int sm_modelfit_choose(const sm_interp_config *ic, const char *name, const char *stage,
                       const sm_vario *v, sm_modelfit *out);

#endif
