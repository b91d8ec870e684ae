#include "features/nearest_source.h"
#include "stage/products.h"

#include <gdal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_nearest_source_load(const sm_config *cfg, sm_source_set *s)
{
    memset(s, 0, sizeof *s);
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_SOURCES) : NULL;
    long total = l ? (long)OGR_L_GetFeatureCount(l, TRUE) : 0;
    s->geoms = calloc((size_t)total + 1, sizeof *s->geoms);
    s->env = calloc((size_t)total + 1, sizeof *s->env);
    s->name = calloc((size_t)total + 1, sizeof *s->name);
    s->type = calloc((size_t)total + 1, sizeof *s->type);
    OGRFeatureH f;
    while (l && s->n < total && (f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            s->geoms[s->n] = OGR_G_Clone(g);
            OGR_G_GetEnvelope(g, &s->env[s->n]);
            s->name[s->n] = strdup(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")));
            s->type[s->n++] = strdup(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "type")));
        }
        OGR_F_Destroy(f);
    }
    if (ds)
        GDALClose(ds);
}

void sm_nearest_source_free(sm_source_set *s)
{
    for (int i = 0; i < s->n; i++)
        OGR_G_DestroyGeometry(s->geoms[i]), free(s->name[i]), free(s->type[i]);
    free(s->geoms), free(s->env), free(s->name), free(s->type);
}

static double envelope_gap(const OGREnvelope *a, const OGREnvelope *b)
{
    double dx = fmax(0, fmax(a->MinX - b->MaxX, b->MinX - a->MaxX));
    double dy = fmax(0, fmax(a->MinY - b->MaxY, b->MinY - a->MaxY));
    return hypot(dx, dy);
}

/* The envelope gap is a lower bound that skips most exact (GEOS) distances. */
int sm_nearest_source_find(const sm_source_set *s, OGRGeometryH g, double *dist)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    int best = -1;
    *dist = HUGE_VAL;
    for (int i = 0; i < s->n; i++) {
        if (envelope_gap(&e, &s->env[i]) >= *dist)
            continue;
        double d = OGR_G_Distance(g, s->geoms[i]);
        if (d >= 0 && d < *dist)
            *dist = d, best = i;
    }
    return best;
}
