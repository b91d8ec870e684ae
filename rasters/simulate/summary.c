#include "simulate/summary.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "simulate/reduce.h"
#include "simulate/zones.h"
#include "stage/products.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>

static const char *const tail_names[] = {"linear", "power", "hyperbolic"};

/* The distribution of an area over the realizations: its mean and the
 * percentiles an agency quotes (R's type 7 quantiles). */
static json_object *distribution(double *a, int n, double *mean)
{
    static const double p[] = {0.05, 0.10, 0.50, 0.90, 0.95};
    static const char *const name[] = {"p05", "p10", "p50", "p90", "p95"};
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += a[i];
    sm_sim_sort(a, n);
    json_object *o = json_object_new_object();
    *mean = sum / n;
    json_object_object_add(o, "mean", json_object_new_double(*mean));
    for (int k = 0; k < 5; k++)
        json_object_object_add(o, name[k], json_object_new_double(sm_sim_quantile(a, n, p[k])));
    return o;
}

/* Tier t's area in m2 over the realizations, on land-use column k (0: all). */
static json_object *area_json(const sm_sim_job *j, int t, int k, double *a, double *mean)
{
    double cell = j->ctx->grid->res * j->ctx->grid->res;
    size_t stride = (size_t)j->nclasses + 1;
    for (int r = 0; r < j->nreal; r++)
        a[r] = (double)j->area[((size_t)r * (size_t)j->ntiers + (size_t)t) * stride + (size_t)k] *
               cell;
    return distribution(a, j->nreal, mean);
}

static json_object *tiers_json(const sm_sim_job *j, sm_simulate_result *res)
{
    json_object *tiers = json_object_new_array();
    double *a = malloc((size_t)j->nreal * sizeof *a), unused;
    for (int t = 0; a && t < j->ntiers; t++) {
        json_object *o = json_object_new_object(), *lu = json_object_new_object();
        json_object_object_add(o, "tier", json_object_new_int(t + 1));
        json_object_object_add(o, "name", json_object_new_string(j->gl.tier_names[t]));
        json_object_object_add(o, "area_m2", area_json(j, t, 0, a, &res->area_mean[t]));
        for (int c = 0; c < j->nclasses; c++)
            json_object_object_add(lu, j->cfg->thresholds.classes[c],
                                   area_json(j, t, c + 1, a, &unused));
        json_object_object_add(o, "area_m2_by_land_use", lu);
        json_object_array_add(tiers, o);
    }
    free(a);
    return tiers;
}

static json_object *tail_json(const sm_tail *t)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "model", json_object_new_string(tail_names[t->kind]));
    if (t->kind != SM_TAIL_LINEAR)
        json_object_object_add(o, "parameter", json_object_new_double(t->par));
    return o;
}

static json_object *scores_json(const sm_sim_job *j, const sm_simulate_result *res)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "distinct_values", json_object_new_int(j->ns.n));
    json_object_object_add(o, "declustering_cell_m",
                           j->sc->declustering > 0 ? json_object_new_double(j->sc->declustering)
                                                   : json_object_new_null());
    json_object_object_add(o, "zmin", sm_json_number(res->zmin));
    json_object_object_add(o, "zmax", sm_json_number(res->zmax));
    json_object_object_add(o, "lower_tail", tail_json(&j->ns.lower));
    json_object_object_add(o, "upper_tail", tail_json(&j->ns.upper));
    return o;
}

static json_object *method_json(const sm_sim_job *j, const sm_simulate_result *res)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "realizations", json_object_new_int(j->nreal));
    json_object_object_add(o, "seed", json_object_new_int64((int64_t)j->sc->seed));
    json_object_object_add(o, "neighbours", json_object_new_int(res->nmax));
    json_object_object_add(o, "radius", sm_json_number(isfinite(res->radius) ? res->radius : NAN));
    json_object_object_add(o, "lattice_spacing_cells", json_object_new_int(res->lattice));
    json_object_object_add(o, "tile_cells", json_object_new_int(res->tile));
    json_object_object_add(o, "normal_score_model", sm_vgm_json(&res->vg.model));
    json_object_object_add(o, "model_fitted", json_object_new_boolean(res->vg.fitted));
    return o;
}

int sm_sim_write_json(const sm_sim_job *j, sm_simulate_result *res)
{
    char path[SM_PATH_SIZE];
    res->cells = j->cells;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "contaminant", json_object_new_string(j->name));
    json_object_object_add(o, "unit", json_object_new_string(sm_config_unit(j->cfg, j->name)));
    json_object_object_add(o, "samples", json_object_new_int(j->pts.n));
    json_object_object_add(o, "method", method_json(j, res));
    json_object_object_add(o, "all_values_equal", json_object_new_boolean(!isnan(j->flat)));
    json_object_object_add(o, "normal_scores",
                           isnan(j->flat) ? scores_json(j, res) : json_object_new_null());
    json_object_object_add(o, "cells", json_object_new_int64(j->cells));
    json_object_object_add(o, "cell_area_m2",
                           json_object_new_double(j->ctx->grid->res * j->ctx->grid->res));
    json_object_object_add(o, "tiers", tiers_json(j, res));
    int rc = sm_sim_zones_write(j, j->zones, o);
    sm_product_member(path, sizeof path, j->cfg, SM_PRODUCT_SIMULATION, "%s.json", j->name);
    if (rc == SM_OK)
        rc = sm_json_write(o, path);
    json_object_put(o);
    return rc;
}
