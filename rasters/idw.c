#include "idw.h"

#include <math.h>

int sm_idw_predict(const sm_idw *w, sm_neighbour *nb, double x0, double y0, int exclude,
                   double *pred)
{
    int want = (w->nmax > 0 && w->nmax < w->n ? w->nmax : w->n) + (exclude >= 0);
    int found = sm_kdtree_knn(w->tree, x0, y0, want, w->maxdist, nb);
    int used = 0;
    double sw = 0.0, swz = 0.0, s2 = w->smoothing * w->smoothing;
    for (int i = 0; i < found && used < want - (exclude >= 0); i++) {
        if (nb[i].index == exclude)
            continue;
        used++;
        double d = nb[i].dist;
        if (d == 0.0 && s2 == 0.0) {
            *pred = w->z[nb[i].index]; /* exact at a sample */
            return 0;
        }
        double d2 = d * d + s2;
        double wt = w->power == 2.0 ? 1.0 / d2 : pow(d2, -0.5 * w->power);
        sw += wt;
        swz += wt * w->z[nb[i].index];
    }
    if (used < w->nmin || used == 0)
        return 1;
    *pred = swz / sw;
    return 0;
}
