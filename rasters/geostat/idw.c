#include "geostat/idw.h"

#include <math.h>

int sm_idw_search_init(const sm_idw *w, sm_nsearch *s)
{
    return sm_nsearch_init(s, w->tree, w->nmax, w->maxdist);
}

int sm_idw_predict(const sm_idw *w, sm_nsearch *s, double x0, double y0, int exclude, double *pred)
{
    sm_neighbour *nb;
    int n = sm_nsearch_find(s, x0, y0, exclude, &nb);
    if (n < w->nmin || n == 0)
        return 1;
    double sw = 0.0, swz = 0.0, s2 = w->smoothing * w->smoothing;
    /* nb is in sample order: the sums do not depend on how it was found */
    for (int i = 0; i < n; i++) {
        double d2 = nb[i].dist; /* squared */
        if (d2 == 0.0 && s2 == 0.0) {
            *pred = w->z[nb[i].index]; /* exact at a sample */
            return 0;
        }
        d2 += s2;
        double wt = w->power == 2.0 ? 1.0 / d2 : pow(d2, -0.5 * w->power);
        sw += wt;
        swz += wt * w->z[nb[i].index];
    }
    *pred = swz / sw;
    return 0;
}
