#include "hotspots/sample_statistics.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/log.h"
#include "geostat/kdtree.h"
#include "geostat/localstats.h"
#include "grid/points.h"
#include "stage/products.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const quadrants[] = {"", "HH", "LH", "LL", "HL"};

/* ArcGIS's default band: the largest nearest-neighbour distance, so that
 * every sample has at least one neighbour. */
static double default_distance(const sm_points *p)
{
    sm_kdtree t;
    double d = 0;
    if (sm_kdtree_build(&t, p->n, p->x, p->y) != 0)
        return NAN;
    for (int i = 0; i < p->n; i++) {
        sm_neighbour nb[2];
        int k = sm_kdtree_knn(&t, p->x[i], p->y[i], 2, HUGE_VAL, nb);
        double di = k == 2 ? nb[nb[0].index == i ? 1 : 0].dist : 0;
        d = di > d ? di : d;
    }
    sm_kdtree_free(&t);
    return d;
}

/* The layer and its fields in *out; a status (and *out NULL) if either fails. */
static int create_layer(const sm_config *cfg, GDALDatasetH ds, OGRLayerH *out)
{
    OGRSpatialReferenceH srs = sm_crs_new(cfg->crs);
    OGRLayerH l = GDALDatasetCreateLayer(ds, SM_LAYER_SAMPLE_STATISTICS, srs, wkbPoint, NULL);
    OSRDestroySpatialReference(srs);
    *out = NULL;
    if (!l)
        return sm_error_set(SM_EIO, "hotspots.gpkg: cannot create layer sample_statistics: %s",
                            CPLGetLastErrorMsg());
    static const char *const text[] = {"sample_id", "contaminant", "gi_class", "moran_cluster"};
    static const char *const real[] = {"value",   "gi_z",    "gi_p",    "gi_q",
                                       "moran_i", "moran_z", "moran_p", "moran_q"};
    int moran = cfg->hotspots.local_moran, rc = SM_OK;
    for (int i = 0; i < 4 - !moran && rc == SM_OK; i++)
        rc = sm_field_add(l, text[i], OFTString);
    for (int i = 0; i < 8 - 4 * !moran && rc == SM_OK; i++)
        rc = sm_field_add(l, real[i], OFTReal);
    if (rc == SM_OK)
        rc = sm_field_add(l, "n_neighbours", OFTInteger);
    if (rc == SM_OK)
        *out = l;
    return rc;
}

static const char *gi_class(double z, double q, double fdr)
{
    if (!(q <= fdr))
        return "not significant";
    return z > 0 ? "hot spot" : "cold spot";
}

static int write_rows(const sm_config *cfg, OGRLayerH l, const char *name, const sm_points *p,
                      const double *v, const sm_localstats *s, sm_sample_stats_result *r)
{
    double fdr = cfg->hotspots.fdr;
    for (int i = 0; i < p->n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, p->x[i], p->y[i]);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "sample_id"), p->id[i]);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "contaminant"), name);
        sm_field_set_real(f, "value", v[i]);
        sm_field_set_real(f, "gi_z", s->gi_z[i]), sm_field_set_real(f, "gi_p", s->gi_p[i]);
        sm_field_set_real(f, "gi_q", s->gi_q[i]);
        const char *cls = gi_class(s->gi_z[i], s->gi_q[i], fdr);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "gi_class"), cls);
        r->hot += cls[0] == 'h', r->cold += cls[0] == 'c';
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "n_neighbours"), s->n_neighbours[i]);
        if (s->moran_i) {
            sm_field_set_real(f, "moran_i", s->moran_i[i]),
                sm_field_set_real(f, "moran_z", s->moran_z[i]);
            sm_field_set_real(f, "moran_p", s->moran_p[i]),
                sm_field_set_real(f, "moran_q", s->moran_q[i]);
            int q = s->moran_q[i] <= fdr ? s->moran_quadrant[i] : 0;
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "moran_cluster"), quadrants[q]);
        }
        OGRErr err = OGR_L_CreateFeature(l, f);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return sm_error_set(SM_EIO, "hotspots.gpkg: cannot write sample statistics: %s",
                                CPLGetLastErrorMsg());
    }
    return SM_OK;
}

static int one_contaminant(const sm_config *cfg, OGRLayerH l, const char *gpkg, const char *name,
                           sm_sample_stats_result *r)
{
    const sm_hotspots_config *hc = &cfg->hotspots;
    sm_points p;
    int rc = sm_points_load(gpkg, name, &p);
    double *v = calloc((size_t)(p.n > 0 ? p.n : 1), sizeof *v);
    for (int i = 0; i < p.n && rc == SM_OK; i++) {
        v[i] = hc->log_values ? log(p.z[i]) : p.z[i];
        if (!isfinite(v[i]))
            rc = sm_error_set(SM_EDATA,
                              "hotspots.statistics: sample %s has %s = %g, which has "
                              "no logarithm (transform: log)",
                              p.id[i], name, p.z[i]);
    }
    sm_weights_spec w = {hc->weights == SM_WEIGHTS_CFG_KNN ? SM_WEIGHTS_KNN : SM_WEIGHTS_DISTANCE,
                         hc->distance, hc->k};
    if (rc == SM_OK && w.kind == SM_WEIGHTS_DISTANCE && w.distance <= 0)
        w.distance = default_distance(&p);
    r->name = name, r->samples = p.n, r->distance = w.distance;
    sm_localstats s = {0};
    if (rc == SM_OK)
        rc = sm_localstats_compute(p.n, p.x, p.y, v, &w, hc->local_moran, &s);
    if (rc != SM_OK)
        sm_error_set(rc, "hotspots.statistics: %s: %s", name, sm_error_message());
    else
        rc = write_rows(cfg, l, name, &p, v, &s, r);
    sm_localstats_free(&s);
    free(v);
    sm_points_free(&p);
    return rc;
}

int sm_sample_statistics_write(const sm_config *cfg, void *ds, const char *const *names, int n,
                               sm_sample_stats_result *out)
{
    char gpkg[4200];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    OGRLayerH l;
    int rc = create_layer(cfg, ds, &l);
    for (int i = 0; i < n && rc == SM_OK; i++) {
        memset(&out[i], 0, sizeof out[i]);
        rc = one_contaminant(cfg, l, gpkg, names[i], &out[i]);
        if (rc == SM_OK)
            sm_log(SM_LOG_RESULT,
                   "hotspots: %s: Gi* on %d samples: %d hot spots, %d cold spots "
                   "(false-discovery rate %g)",
                   names[i], out[i].samples, out[i].hot, out[i].cold, cfg->hotspots.fdr);
    }
    return rc;
}
