/* The empirical (semi)variogram as gstat computes it: pairs binned by distance
 * into lags of equal width up to a cutoff, with the Matheron or the robust
 * Cressie-Hawkins estimator, optionally for one direction. */
#ifndef SM_VARIOGRAM_H
#define SM_VARIOGRAM_H

typedef enum { SM_VARIO_MATHERON, SM_VARIO_CRESSIE } sm_vario_estimator;

typedef struct {
    double cutoff; /* <= 0: one third of the samples' bounding-box diagonal */
    double width;  /* <= 0: cutoff / 15 */
    sm_vario_estimator estimator;
    int directional;  /* 0: all directions */
    double angle;     /* degrees clockwise from north */
    double tolerance; /* half-width of the direction window, degrees */
} sm_vario_params;

typedef struct {
    int nlags;
    long *np;      /* pairs per lag */
    double *dist;  /* mean pair distance per lag */
    double *gamma; /* semivariance per lag; NAN where np = 0 */
    double cutoff, width;
} sm_vario;

/* gstat's default cutoff for these points. */
double sm_vario_default_cutoff(int n, const double *x, const double *y);

int sm_vario_compute(int n, const double *x, const double *y, const double *z,
                     const sm_vario_params *p, sm_vario *out);
void sm_vario_free(sm_vario *v);

#endif
