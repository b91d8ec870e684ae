#include "simulate/zones.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/outfile.h"
#include "grid/cells.h"
#include "simulate/reduce.h"
#include "stage/products.h"

#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double ONE = 4294967296.0; /* 2^32: the fixed point's unit */

static sm_fixed fix(double v) { return (sm_fixed)llround(v * ONE); }

/* ---- the hotspots' cells ---- */

typedef struct {
    long cell;
    int zone;
} zone_cell;

static int by_cell(const void *a, const void *b)
{
    const zone_cell *p = a, *q = b;
    return (p->cell > q->cell) - (p->cell < q->cell);
}

/* Appends the cells of feature f as hotspot z. */
static int add_cells(const sm_grid *g, OGRFeatureH f, int z, zone_cell **all, long *n, long *cap)
{
    OGRGeometryH geom = OGR_F_GetGeometryRef(f);
    if (!geom)
        return SM_OK;
    sm_cells c;
    sm_cells_of(g, geom, &c);
    if (*n + c.n > *cap) {
        *cap = 2 * (*n + c.n) + 64;
        zone_cell *grown = realloc(*all, (size_t)*cap * sizeof *grown);
        if (!grown) {
            free(c.mask);
            return sm_error_set(SM_EINTERNAL, "simulation: out of memory for the hotspots");
        }
        *all = grown;
    }
    for (int j = 0; j < c.h; j++)
        for (int i = 0; i < c.w; i++)
            if (c.mask[j * c.w + i])
                (*all)[(*n)++] = (zone_cell){(long)(c.y0 + j) * g->ncols + c.x0 + i, z};
    free(c.mask);
    return SM_OK;
}

static int read_zones(const sm_sim_job *j, OGRLayerH l, sm_sim_zones *z)
{
    long cap = 0, n = 0, fcap = OGR_L_GetFeatureCount(l, TRUE);
    zone_cell *all = NULL;
    int idf = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "id"), rc = SM_OK;
    z->id = calloc((size_t)fcap + 1, sizeof *z->id);
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (rc == SM_OK && z->n < fcap && (f = OGR_L_GetNextFeature(l))) {
        z->id[z->n] = idf >= 0 ? OGR_F_GetFieldAsInteger64(f, idf) : OGR_F_GetFID(f);
        rc = add_cells(j->ctx->grid, f, z->n++, &all, &n, &cap);
        OGR_F_Destroy(f);
    }
    if (n) /* no hotspot kept: no cells, and qsort takes no NULL */
        qsort(all, (size_t)n, sizeof *all, by_cell);
    z->ncells = n;
    z->cell = malloc(((size_t)n + 1) * sizeof *z->cell);
    z->zone = malloc(((size_t)n + 1) * sizeof *z->zone);
    for (long i = 0; z->cell && z->zone && i < n; i++)
        z->cell[i] = all[i].cell, z->zone[i] = all[i].zone;
    free(all);
    return rc;
}

static int alloc_sums(sm_sim_zones *z, int nreal)
{
    size_t k = (size_t)z->n * (size_t)nreal + 1;
    z->sum = calloc(k, sizeof *z->sum);
    z->ratio = calloc(k, sizeof *z->ratio);
    z->above = calloc(k, sizeof *z->above);
    z->cells = calloc((size_t)z->n + 1, sizeof *z->cells);
    z->judged = calloc((size_t)z->n + 1, sizeof *z->judged);
    if (z->sum && z->ratio && z->above && z->cells && z->judged)
        return SM_OK;
    return sm_error_set(SM_EINTERNAL, "simulation: out of memory for the hotspots");
}

int sm_sim_zones_load(const sm_sim_job *j, sm_sim_zones *z)
{
    char path[SM_PATH_SIZE];
    memset(z, 0, sizeof *z);
    sm_product_path(path, sizeof path, j->cfg, SM_PRODUCT_HOTSPOTS);
    if (!j->cfg->hotspots.present || !j->has_gl || access(path, F_OK) != 0)
        return SM_OK;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_HOTSPOTS) : NULL;
    int rc = l ? read_zones(j, l, z)
               : sm_error_set(SM_ENOINPUT, "%s: cannot read layer %s (run hotspots first)", path,
                              SM_LAYER_HOTSPOTS);
    if (ds)
        GDALClose(ds);
    if (rc == SM_OK && (!z->cell || !z->zone))
        rc = sm_error_set(SM_EINTERNAL, "simulation: out of memory for the hotspots");
    return rc == SM_OK ? alloc_sums(z, j->nreal) : rc;
}

void sm_sim_zones_free(sm_sim_zones *z)
{
    if (!z)
        return;
    free(z->id), free(z->cell), free(z->zone);
    free(z->sum), free(z->ratio), free(z->above), free(z->cells), free(z->judged);
    memset(z, 0, sizeof *z);
}

sm_sim_zones *sm_sim_zones_partial(const sm_sim_zones *z, int nreal)
{
    sm_sim_zones *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n = z->n;
    if (alloc_sums(p, nreal) != SM_OK) {
        sm_sim_zones_free(p), free(p);
        return NULL;
    }
    return p;
}

void sm_sim_zones_add(sm_sim_zones *into, const sm_sim_zones *from, int nreal)
{
    size_t k = (size_t)into->n * (size_t)nreal;
    for (size_t i = 0; i < k; i++)
        into->sum[i] += from->sum[i], into->ratio[i] += from->ratio[i],
            into->above[i] += from->above[i];
    for (int h = 0; h < into->n; h++)
        into->cells[h] += from->cells[h], into->judged[h] += from->judged[h];
}

/* ---- accumulating ---- */

/* The first hotspot cell at or after grid index cell. */
static long lower_bound(const sm_sim_zones *z, long cell)
{
    long lo = 0, hi = z->ncells;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (z->cell[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void add_cell(sm_sim_zones *acc, int h, const float *v, int nreal, double t)
{
    sm_fixed *sum = acc->sum + (size_t)h * (size_t)nreal,
             *ratio = acc->ratio + (size_t)h * (size_t)nreal;
    long *above = acc->above + (size_t)h * (size_t)nreal;
    acc->cells[h]++;
    for (int r = 0; r < nreal; r++)
        sum[r] += fix(v[r]);
    if (isnan(t) || !(t > 0))
        return;
    acc->judged[h]++;
    for (int r = 0; r < nreal; r++)
        ratio[r] += fix(v[r] / t), above[r] += v[r] > t;
}

void sm_sim_zones_accumulate(const sm_sim_job *j, const sm_sim_zones *z, sm_sim_zones *acc,
                             int x0, int y0, int w, int h, const float *vals,
                             double (*tv)(const void *ctx, long c), const void *ctx)
{
    long ncols = j->ctx->grid->ncols;
    for (long row = y0; z->n && row < y0 + h; row++) {
        long end = row * ncols + x0 + w;
        for (long i = lower_bound(z, row * ncols + x0); i < z->ncells && z->cell[i] < end; i++) {
            long c = (row - y0) * w + z->cell[i] % ncols - x0;
            const float *v = vals + c * j->nreal;
            if (!isnan(v[0]))
                add_cell(acc, z->zone[i], v, j->nreal, tv(ctx, c));
        }
    }
}

/* ---- the results ---- */

typedef struct {
    double p_mean_above, ucl95, mean, area_ha[3]; /* area: P10, P50, P90 */
} zone_result;

static void result_of(const sm_sim_job *j, const sm_sim_zones *z, int h, double *buf,
                      zone_result *out)
{
    int R = j->nreal;
    if (z->cells[h] == 0) { /* a polygon with no cell centre in the grid */
        *out = (zone_result){NAN, NAN, NAN, {NAN, NAN, NAN}};
        return;
    }
    const sm_fixed *sum = z->sum + (size_t)h * (size_t)R, *ratio = z->ratio + (size_t)h * (size_t)R;
    const long *above = z->above + (size_t)h * (size_t)R;
    double cell_ha = j->ctx->grid->res * j->ctx->grid->res / 1e4;
    int over = 0;
    out->mean = 0;
    for (int r = 0; r < R; r++) {
        buf[r] = (double)sum[r] / ONE / (double)z->cells[h];
        out->mean += buf[r] / R;
        over += z->judged[h] && (double)ratio[r] / ONE / (double)z->judged[h] > 1;
    }
    sm_sim_sort(buf, R);
    out->ucl95 = sm_sim_quantile(buf, R, 0.95);
    out->p_mean_above = z->judged[h] ? (double)over / R : NAN;
    for (int r = 0; r < R; r++)
        buf[r] = (double)above[r] * cell_ha;
    sm_sim_sort(buf, R);
    const double p[] = {0.10, 0.50, 0.90};
    for (int k = 0; k < 3; k++)
        out->area_ha[k] = z->judged[h] ? sm_sim_quantile(buf, R, p[k]) : NAN;
}

static const char *const field_suffix[] = {"p_mean_above", "ucl95", "area_p10_ha", "area_p50_ha",
                                           "area_p90_ha"};
enum { NFIELDS = 5 };

static void field_values(const zone_result *r, double *v)
{
    v[0] = r->p_mean_above, v[1] = r->ucl95;
    v[2] = r->area_ha[0], v[3] = r->area_ha[1], v[4] = r->area_ha[2];
}

/* The fields <c>_<suffix> on the layer (added when missing): their indices. */
static int ensure_fields(const sm_sim_job *j, OGRLayerH l, int *idx)
{
    for (int k = 0; k < NFIELDS; k++) {
        char name[96];
        snprintf(name, sizeof name, "%s_%s", j->name, field_suffix[k]);
        idx[k] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name);
        if (idx[k] >= 0)
            continue;
        OGRFieldDefnH fd = OGR_Fld_Create(name, OFTReal);
        OGRErr e = OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return sm_error_set(SM_EIO, "hotspots: cannot add field %s: %s", name,
                                CPLGetLastErrorMsg());
        idx[k] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), name);
    }
    return SM_OK;
}

static int update_features(const sm_sim_job *j, const sm_sim_zones *z, OGRLayerH l,
                           const zone_result *res)
{
    int idx[NFIELDS], rc = ensure_fields(j, l, idx);
    int idf = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "id");
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (rc == SM_OK && (f = OGR_L_GetNextFeature(l))) {
        long id = idf >= 0 ? OGR_F_GetFieldAsInteger64(f, idf) : OGR_F_GetFID(f);
        for (int h = 0; h < z->n; h++)
            if (z->id[h] == id) {
                double v[NFIELDS];
                field_values(&res[h], v);
                for (int k = 0; k < NFIELDS; k++)
                    if (isnan(v[k]))
                        OGR_F_SetFieldNull(f, idx[k]);
                    else
                        OGR_F_SetFieldDouble(f, idx[k], v[k]);
                if (OGR_L_SetFeature(l, f) != OGRERR_NONE)
                    rc = sm_error_set(SM_EIO, "hotspots: cannot update hotspot %ld: %s", id,
                                      CPLGetLastErrorMsg());
            }
        OGR_F_Destroy(f);
    }
    return rc;
}

/* In one transaction: a killed run leaves the file as it was. */
static int write_gpkg(const sm_sim_job *j, const sm_sim_zones *z, const zone_result *res)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, j->cfg, SM_PRODUCT_HOTSPOTS);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_HOTSPOTS) : NULL;
    if (!l) {
        if (ds)
            GDALClose(ds);
        return sm_error_set(SM_EIO, "%s: cannot open for update: %s", path, CPLGetLastErrorMsg());
    }
    GDALDatasetStartTransaction(ds, FALSE);
    int rc = update_features(j, z, l, res);
    if (rc == SM_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        rc = sm_error_set(SM_EIO, "%s: cannot commit: %s", path, CPLGetLastErrorMsg());
    if (rc != SM_OK)
        GDALDatasetRollbackTransaction(ds);
    if (sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    return rc;
}

static json_object *zone_json(const sm_sim_zones *z, int h, const zone_result *r)
{
    json_object *o = json_object_new_object();
    double v[NFIELDS];
    field_values(r, v);
    json_object_object_add(o, "id", json_object_new_int64(z->id[h]));
    json_object_object_add(o, "cells", json_object_new_int64(z->cells[h]));
    json_object_object_add(o, "mean", json_object_new_double(r->mean));
    for (int k = 0; k < NFIELDS; k++)
        json_object_object_add(o, field_suffix[k], sm_json_number(v[k]));
    return o;
}

int sm_sim_zones_write(const sm_sim_job *j, const sm_sim_zones *z, json_object *out)
{
    if (!z || z->n == 0)
        return SM_OK;
    zone_result *res = calloc((size_t)z->n, sizeof *res);
    double *buf = malloc((size_t)j->nreal * sizeof *buf);
    if (!res || !buf) {
        free(res), free(buf);
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory for the hotspots");
    }
    json_object *a = json_object_new_array();
    for (int h = 0; h < z->n; h++) {
        result_of(j, z, h, buf, &res[h]);
        json_object_array_add(a, zone_json(z, h, &res[h]));
    }
    json_object_object_add(out, "hotspots", a);
    int rc = write_gpkg(j, z, res);
    free(res), free(buf);
    return rc;
}
