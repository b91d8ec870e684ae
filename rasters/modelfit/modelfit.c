/* The variogram model of a contaminant as the config's interpolation
 * settings ask for it: given by hand, or fitted to an experimental
 * variogram from a starting model (and for `model: auto`, the best of
 * Sph, Exp and Gau by weighted SSE). Interpolate fits the values'
 * variogram with it, simulate the normal scores'. */
#include "modelfit/modelfit.h"
#include "core/error.h"
#include "core/log.h"

#include <math.h>
#include <string.h>

static sm_vgm config_model(const sm_interp_config *ic, const sm_vgm *fallback)
{
    sm_vgm m = {.n = 0};
    double nugget = !isnan(ic->nugget) ? ic->nugget : fallback ? fallback->part[0].psill : 0.0;
    m.part[m.n++] = (sm_vgm_part){SM_VGM_NUG, nugget, 0, 0, 0, 1};
    int ns = ic->n_structures;
    for (int i = 0; i < ns; i++) {
        const sm_structure_config *s = &ic->structures[i];
        const sm_vgm_part *f = fallback && fallback->n > 1 ? &fallback->part[1] : NULL;
        /* nested structures without values share the sill and spread their
         * ranges, short to long, so that the fit can tell them apart */
        double psill = f ? f->psill / ns : 1.0,
               range = f ? f->range * 2.0 * (i + 1) / (ns + 1) : 1.0;
        m.part[m.n++] = (sm_vgm_part){(sm_vgm_type)s->type,
                                      !isnan(s->psill) ? s->psill : psill,
                                      !isnan(s->range) ? s->range : range,
                                      s->kappa,
                                      s->anis_angle,
                                      s->anis_ratio};
    }
    return m;
}

/* Fits each candidate type (Sph, Exp, Gau for "auto"), keeps the lowest SSE. */
static int fit_model(const sm_interp_config *ic, const char *name, const char *stage,
                     const sm_vario *v, sm_modelfit *res)
{
    sm_vgm_type types[3] = {SM_VGM_SPH, SM_VGM_EXP, SM_VGM_GAU};
    int ntypes = ic->model_auto ? 3 : 1;
    int best = -1;
    sm_vgm first_start = {.n = 0};
    for (int t = 0; t < ntypes; t++) {
        sm_vgm initial, start;
        sm_vgm_type type = ic->model_auto ? types[t] : (sm_vgm_type)ic->structures[0].type;
        sm_vgm_initial(v, type, ic->structures[0].kappa, &initial);
        start = config_model(ic, &initial);
        if (ic->model_auto)
            start.part[1].type = type;
        if (t == 0)
            first_start = start;
        sm_fit_result fit;
        int rc = sm_vgm_fit(v, &start, (sm_fit_method)ic->fit_method, &fit);
        if (rc)
            return rc;
        if (fit.converged && (best < 0 || fit.sse < res->fit.sse))
            res->fit = fit, best = t;
    }
    res->fitted = best >= 0;
    if (best >= 0) {
        res->model = res->fit.model;
        return SM_OK;
    }
    if (ic->fail_on_bad_fit)
        return sm_error_set(SM_EDATA,
                            "%s: the variogram fit did not converge; give the model "
                            "by hand (fit: none) or set on_fit_failure: start",
                            name);
    sm_log(SM_LOG_WARN,
           "%s: %s: the variogram fit did not converge; using the "
           "starting model",
           stage, name);
    res->fit_fallback = 1;
    res->model = first_start;
    return SM_OK;
}

int sm_modelfit_choose(const sm_interp_config *ic, const char *name, const char *stage,
                       const sm_vario *v, sm_modelfit *res)
{
    memset(res, 0, sizeof *res);
    if (ic->fit_method == 0) {
        res->model = config_model(ic, NULL);
        return SM_OK;
    }
    return fit_model(ic, name, stage, v, res);
}

