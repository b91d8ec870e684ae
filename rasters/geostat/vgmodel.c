#include "geostat/vgmodel.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_gamma.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>
#include <strings.h>

static const char *const names[SM_VGM_NTYPES] = {"Nug", "Sph", "Exp", "Gau", "Mat"};

const char *sm_vgm_type_name(sm_vgm_type t) { return t < SM_VGM_NTYPES ? names[t] : "?"; }

int sm_vgm_type_parse(const char *name, sm_vgm_type *t)
{
    for (int i = 0; i < SM_VGM_NTYPES; i++)
        if (strcasecmp(name, names[i]) == 0) {
            *t = (sm_vgm_type)i;
            return 0;
        }
    return -1;
}

/* Matérn with gstat's parameterisation: 1 - 2^(1-k)/Gamma(k) r^k K_k(r), r = h/a. */
static double matern(double r, double kappa)
{
    if (r > 700.0)
        return 1.0;
    gsl_sf_result k;
    /* GSL's error handler would abort; a failed evaluation means underflow
     * far out, where the variogram has reached its sill. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int status = gsl_sf_bessel_Knu_e(kappa, r, &k);
    gsl_set_error_handler(old);
    if (status != GSL_SUCCESS)
        return 1.0;
    return 1.0 - exp((1.0 - kappa) * M_LN2 - gsl_sf_lngamma(kappa) + kappa * log(r)) * k.val;
}

/* The unit-sill structures of r = h / a > 0; each is inlined where a loop
 * over many distances evaluates one type. */
static inline double sph(double r) { return r >= 1.0 ? 1.0 : r * (1.5 - 0.5 * r * r); }
static inline double expo(double r) { return 1.0 - exp(-r); }
static inline double gau(double r) { return 1.0 - exp(-r * r); }

double sm_vgm_unit(sm_vgm_type type, double h, double a, double kappa)
{
    if (h <= 0.0)
        return 0.0;
    double r = h / a;
    switch (type) {
    case SM_VGM_NUG:
        return 1.0;
    case SM_VGM_SPH:
        return sph(r);
    case SM_VGM_EXP:
        return expo(r);
    case SM_VGM_GAU:
        return gau(r);
    case SM_VGM_MAT:
        return matern(r, kappa);
    case SM_VGM_NTYPES:
        break;
    }
    return NAN;
}

/* Distance in the part's isotropic space: the component across the main
 * direction is stretched by 1/ratio. */
static double reduced_distance(const sm_vgm_part *p, double dx, double dy)
{
    if (p->anis_ratio >= 1.0 || p->anis_ratio <= 0.0)
        return sqrt(dx * dx + dy * dy);
    double t = p->anis_angle * M_PI / 180.0;
    double along = dx * sin(t) + dy * cos(t);
    double across = (dx * cos(t) - dy * sin(t)) / p->anis_ratio;
    return sqrt(along * along + across * across);
}

double sm_vgm_gamma(const sm_vgm *m, double dx, double dy)
{
    if (sm_vgm_isotropic(m)) /* one distance for all parts */
        return sm_vgm_gamma_h(m, sqrt(dx * dx + dy * dy));
    double g = 0.0;
    for (int i = 0; i < m->n; i++) {
        const sm_vgm_part *p = &m->part[i];
        g += p->psill * sm_vgm_unit(p->type, reduced_distance(p, dx, dy), p->range, p->kappa);
    }
    return g;
}

double sm_vgm_gamma_h(const sm_vgm *m, double h)
{
    if (h <= 0.0)
        return 0.0;
    double g = 0.0;
    for (int i = 0; i < m->n; i++) {
        const sm_vgm_part *p = &m->part[i];
        g += p->type == SM_VGM_NUG ? p->psill
                                   : p->psill * sm_vgm_unit(p->type, h, p->range, p->kappa);
    }
    return g;
}

/* One structure added to g[0..n): the type is chosen once, not per
 * distance. The arithmetic per element is that of sm_vgm_gamma_h. */
static void add_part(const sm_vgm_part *p, const double *h, double *g, int n)
{
    double a = p->range, c = p->psill;
    switch (p->type) {
    case SM_VGM_NUG:
        for (int i = 0; i < n; i++)
            g[i] += h[i] <= 0.0 ? 0.0 : c;
        return;
    case SM_VGM_SPH:
        for (int i = 0; i < n; i++)
            g[i] += h[i] <= 0.0 ? 0.0 : c * sph(h[i] / a);
        return;
    case SM_VGM_EXP:
        for (int i = 0; i < n; i++)
            g[i] += h[i] <= 0.0 ? 0.0 : c * expo(h[i] / a);
        return;
    case SM_VGM_GAU:
        for (int i = 0; i < n; i++)
            g[i] += h[i] <= 0.0 ? 0.0 : c * gau(h[i] / a);
        return;
    default:
        for (int i = 0; i < n; i++)
            g[i] += h[i] <= 0.0 ? 0.0 : c * sm_vgm_unit(p->type, h[i], a, p->kappa);
    }
}

void sm_vgm_gamma_many(const sm_vgm *m, const double *h, double *g, int n)
{
    for (int i = 0; i < n; i++)
        g[i] = 0.0;
    for (int p = 0; p < m->n; p++)
        add_part(&m->part[p], h, g, n);
}

double sm_vgm_sill(const sm_vgm *m)
{
    double s = 0.0;
    for (int i = 0; i < m->n; i++)
        s += m->part[i].psill;
    return s;
}

int sm_vgm_isotropic(const sm_vgm *m)
{
    for (int i = 0; i < m->n; i++)
        if (m->part[i].anis_ratio > 0.0 && m->part[i].anis_ratio < 1.0)
            return 0;
    return 1;
}

json_object *sm_vgm_json(const sm_vgm *m)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < m->n; i++) {
        const sm_vgm_part *p = &m->part[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "model", json_object_new_string(sm_vgm_type_name(p->type)));
        json_object_object_add(o, "psill", json_object_new_double(p->psill));
        json_object_object_add(o, "range", json_object_new_double(p->range));
        if (p->type == SM_VGM_MAT)
            json_object_object_add(o, "kappa", json_object_new_double(p->kappa));
        if (p->anis_ratio < 1.0) {
            json_object_object_add(o, "anis_angle", json_object_new_double(p->anis_angle));
            json_object_object_add(o, "anis_ratio", json_object_new_double(p->anis_ratio));
        }
        json_object_array_add(a, o);
    }
    return a;
}
