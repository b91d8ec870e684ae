/* Variogram models as gstat defines them: nugget, spherical, exponential,
 * Gaussian and Matérn structures, summed (nested), each with an optional
 * geometric anisotropy. */
#ifndef SM_VGMODEL_H
#define SM_VGMODEL_H

typedef enum {
    SM_VGM_NUG,
    SM_VGM_SPH,
    SM_VGM_EXP,
    SM_VGM_GAU,
    SM_VGM_MAT,
    SM_VGM_NTYPES
} sm_vgm_type;

typedef struct {
    sm_vgm_type type;
    double psill;      /* partial sill */
    double range;      /* gstat's range parameter a (Exp: 1/3 of the practical range) */
    double kappa;      /* Matérn smoothness */
    double anis_angle; /* direction of longest range, degrees clockwise from north */
    double anis_ratio; /* minor range / major range, (0, 1]; 1 = isotropic */
} sm_vgm_part;

enum { SM_VGM_MAXPARTS = 4 };

typedef struct {
    sm_vgm_part part[SM_VGM_MAXPARTS];
    int n;
} sm_vgm;

/* gstat's short names: "Nug", "Sph", "Exp", "Gau", "Mat". */
const char *sm_vgm_type_name(sm_vgm_type t);
int sm_vgm_type_parse(const char *name, sm_vgm_type *t);

/* One structure's unit-sill variogram at (isotropic) distance h. */
double sm_vgm_unit(sm_vgm_type type, double h, double range, double kappa);

/* The model's semivariance for a separation (dx, dy); gamma(0) = 0. */
double sm_vgm_gamma(const sm_vgm *m, double dx, double dy);

/* The same for an isotropic distance (anisotropy ignored). */
double sm_vgm_gamma_h(const sm_vgm *m, double h);

/* sm_vgm_gamma_h for n distances at once, into g (not h itself): the same
 * values, faster for the many evaluations of kriging. */
void sm_vgm_gamma_many(const sm_vgm *m, const double *h, double *g, int n);

/* Total sill: the covariance at distance zero. */
double sm_vgm_sill(const sm_vgm *m);

/* Covariance sill - gamma, with the nugget included only at zero distance. */
static inline double sm_vgm_cov(const sm_vgm *m, double dx, double dy)
{
    return sm_vgm_sill(m) - sm_vgm_gamma(m, dx, dy);
}

/* 1 if every part's anisotropy ratio is 1. */
int sm_vgm_isotropic(const sm_vgm *m);

/* A model as JSON: [{model, psill, range[, kappa][, anis_angle, anis_ratio]}]. */
struct json_object;
struct json_object *sm_vgm_json(const sm_vgm *m);

#endif
