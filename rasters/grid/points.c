#include "grid/points.h"
#include "core/error.h"
#include "core/outfile.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int grow(sm_points *p, int cap)
{
    p->x = realloc(p->x, (size_t)cap * sizeof *p->x);
    p->y = realloc(p->y, (size_t)cap * sizeof *p->y);
    p->z = realloc(p->z, (size_t)cap * sizeof *p->z);
    p->fid = realloc(p->fid, (size_t)cap * sizeof *p->fid);
    p->id = realloc(p->id, (size_t)cap * sizeof *p->id);
    return p->x && p->y && p->z && p->fid && p->id ? 0 : -1;
}

static int open_samples(const char *gpkg, int update, GDALDatasetH *ds, OGRLayerH *layer)
{
    struct stat st;
    if (stat(gpkg, &st) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: missing; run the ingest stage first", gpkg);
    *ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : 0), NULL, NULL, NULL);
    *layer = *ds ? GDALDatasetGetLayerByName(*ds, "samples") : NULL;
    if (!*layer) {
        if (*ds)
            GDALClose(*ds);
        return sm_error_set(SM_EDATA, "%s: no layer 'samples'; run the ingest stage again", gpkg);
    }
    return SM_OK;
}

int sm_points_load(const char *gpkg, const char *field, sm_points *p)
{
    memset(p, 0, sizeof *p);
    GDALDatasetH ds = NULL;
    OGRLayerH layer = NULL;
    int rc = open_samples(gpkg, 0, &ds, &layer);
    if (rc)
        return rc;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int iv = OGR_FD_GetFieldIndex(defn, field), iid = OGR_FD_GetFieldIndex(defn, "sample_id");
    if (iv < 0 || iid < 0) {
        GDALClose(ds);
        return sm_error_set(SM_EDATA, "%s: no field '%s' in layer samples; run ingest again", gpkg,
                            field);
    }
    int cap = 0, text = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, iv)) == OFTString;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        int set = OGR_F_IsFieldSetAndNotNull(f, iv) && g && !OGR_G_IsEmpty(g);
        double v = set && !text ? OGR_F_GetFieldAsDouble(f, iv) : NAN;
        if (set && text) { /* an attribute kept as text: a number, or not used */
            const char *s = OGR_F_GetFieldAsString(f, iv);
            char *end;
            v = strtod(s, &end);
            if (end == s || *end || !isfinite(v))
                set = 0, p->skipped += *s != '\0';
        }
        if (set) {
            if (p->n == cap && grow(p, cap = cap ? 2 * cap : 1024) != 0) {
                OGR_F_Destroy(f);
                GDALClose(ds);
                return sm_error_set(SM_EINTERNAL, "out of memory reading samples");
            }
            p->x[p->n] = OGR_G_GetX(g, 0);
            p->y[p->n] = OGR_G_GetY(g, 0);
            p->z[p->n] = v;
            p->fid[p->n] = (long)OGR_F_GetFID(f);
            p->id[p->n++] = strdup(OGR_F_GetFieldAsString(f, iid));
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return SM_OK;
}

void sm_points_free(sm_points *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->id[i]);
    free(p->x), free(p->y), free(p->z), free(p->fid), free(p->id);
    memset(p, 0, sizeof *p);
}

static OGRLayerH create_cv_layer(GDALDatasetH ds, OGRLayerH samples, const char *name)
{
    static const char *const fields[] = {"sample_id", "fold",     "observed", "predicted",
                                         "variance",  "residual", "zscore"};
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++)
        if (!strcmp(OGR_L_GetName(GDALDatasetGetLayer(ds, i)), name)) {
            GDALDatasetDeleteLayer(ds, i);
            break;
        }
    OGRLayerH layer =
        GDALDatasetCreateLayer(ds, name, OGR_L_GetSpatialRef(samples), wkbPoint, NULL);
    for (int i = 0; layer && i < 7; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], i == 0   ? OFTString
                                                     : i == 1 ? OFTInteger
                                                              : OFTReal);
        OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return NULL;
    }
    return layer;
}

static void set_real(OGRFeatureH f, int i, double v)
{
    if (!isnan(v))
        OGR_F_SetFieldDouble(f, i, v);
}

static int write_cv_rows(OGRLayerH layer, const sm_points *p, const sm_cv_rows *r)
{
    for (int i = 0; i < p->n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        double res = r->observed[i] - r->pred[i];
        OGR_F_SetFieldString(f, 0, p->id[i]);
        OGR_F_SetFieldInteger(f, 1, r->fold[i]);
        set_real(f, 2, r->observed[i]);
        set_real(f, 3, r->pred[i]);
        set_real(f, 4, r->var ? r->var[i] : NAN);
        set_real(f, 5, res);
        set_real(f, 6, r->var && r->var[i] > 0 ? res / sqrt(r->var[i]) : NAN);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, p->x[i], p->y[i]);
        OGR_F_SetGeometryDirectly(f, g);
        OGRErr err = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return -1;
    }
    return 0;
}

int sm_points_write_cv(const char *gpkg, const char *contaminant, const sm_points *p,
                       const sm_cv_rows *rows)
{
    GDALDatasetH ds = NULL;
    OGRLayerH samples = NULL;
    int rc = open_samples(gpkg, 1, &ds, &samples);
    if (rc)
        return rc;
    char name[160];
    snprintf(name, sizeof name, "cv_%s", contaminant);
    /* One SQLite transaction: a killed process leaves the old layer or the
     * new one, never half of it. */
    int bad = GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE;
    OGRLayerH layer = bad ? NULL : create_cv_layer(ds, samples, name);
    bad = bad || !layer || write_cv_rows(layer, p, rows) != 0;
    if (!bad)
        bad = GDALDatasetCommitTransaction(ds) != OGRERR_NONE;
    else
        GDALDatasetRollbackTransaction(ds);
    rc = bad ? sm_error_set(SM_EIO, "%s: cannot write layer %s: %s", gpkg, name,
                            CPLGetLastErrorMsg())
             : SM_OK;
    if (sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", gpkg, CPLGetLastErrorMsg());
    return rc;
}

int sm_points_extent(const char *gpkg, double bbox[4])
{
    GDALDatasetH ds = NULL;
    OGRLayerH layer = NULL;
    int rc = open_samples(gpkg, 0, &ds, &layer);
    if (rc)
        return rc;
    OGREnvelope e;
    if (OGR_L_GetExtent(layer, &e, TRUE) != OGRERR_NONE)
        rc = sm_error_set(SM_EDATA, "%s: the samples layer is empty", gpkg);
    else
        bbox[0] = e.MinX, bbox[1] = e.MinY, bbox[2] = e.MaxX, bbox[3] = e.MaxY;
    GDALClose(ds);
    return rc;
}
