#include "grid/mask.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"

#include <cpl_error.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

enum { STRIP_BYTES = 1 << 24 }; /* cells rasterised at once */

typedef struct {
    OGRGeometryH *g;
    int n, cap;
} polygons;

static void polygons_free(polygons *p)
{
    for (int i = 0; i < p->n; i++)
        OGR_G_DestroyGeometry(p->g[i]);
    free(p->g);
}

/* One feature's geometry, in the working CRS; only areas make a mask. */
static int add_polygon(polygons *p, OGRFeatureH f, OGRCoordinateTransformationH ct,
                       const char *path)
{
    OGRGeometryH geom = OGR_F_GetGeometryRef(f);
    if (!geom || OGR_G_IsEmpty(geom))
        return SM_OK;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(geom));
    if (t != wkbPolygon && t != wkbMultiPolygon && t != wkbCurvePolygon && t != wkbMultiSurface)
        return sm_error_set(SM_EDATA, "%s: feature %lld is a %s; a mask is made of polygons", path,
                            (long long)OGR_F_GetFID(f), OGRGeometryTypeToName(t));
    OGRGeometryH copy = OGR_G_ForceToMultiPolygon(OGR_G_Clone(geom));
    if (ct && OGR_G_Transform(copy, ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(copy);
        return sm_error_set(SM_EDATA, "%s: feature %lld cannot be transformed into the working CRS",
                            path, (long long)OGR_F_GetFID(f));
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->g = realloc(p->g, (size_t)p->cap * sizeof *p->g);
    }
    p->g[p->n++] = copy;
    return SM_OK;
}

static int read_layer(OGRLayerH layer, OGRSpatialReferenceH srs, const char *path, polygons *p)
{
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(layer);
    OGRCoordinateTransformationH ct = NULL;
    if (!lsrs)
        sm_log(SM_LOG_INFO, "grid.mask: %s has no CRS; read in the working CRS", path);
    else if (sm_crs_transform(lsrs, srs, &ct) != 0)
        return sm_error_set(SM_EDATA, "%s: its CRS cannot be transformed into the working CRS",
                            path);
    int rc = SM_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while (rc == SM_OK && (f = OGR_L_GetNextFeature(layer))) {
        rc = add_polygon(p, f, ct, path);
        OGR_F_Destroy(f);
    }
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (rc == SM_OK && p->n == 0)
        return sm_error_set(SM_EDATA, "%s: no polygon to make a mask of", path);
    return rc;
}

static int read_polygons(const char *path, const char *name, OGRSpatialReferenceH srs, polygons *p)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open the mask: %s", path,
                            CPLGetLastErrorMsg());
    OGRLayerH layer = name ? GDALDatasetGetLayerByName(ds, name) : GDALDatasetGetLayer(ds, 0);
    int rc = layer ? read_layer(layer, srs, path, p)
                   : sm_error_set(SM_EDATA, "%s: no layer '%s'", path, name ? name : "(first)");
    GDALClose(ds);
    return rc;
}

/* Rows [row0, row0 + rows) into the mask's bits. */
static int rasterize_strip(const sm_grid *g, const polygons *p, long row0, int rows, sm_mask *m)
{
    GDALDatasetH mem =
        GDALCreate(GDALGetDriverByName("MEM"), "", (int)g->ncols, rows, 1, GDT_Byte, NULL);
    if (!mem)
        return sm_error_set(SM_EIO, "grid.mask: %s", CPLGetLastErrorMsg());
    double gt[6] = {g->xmin, g->res, 0, g->ymax - row0 * g->res, 0, -g->res};
    GDALSetGeoTransform(mem, gt);
    int band = 1;
    double *burn = malloc((size_t)p->n * sizeof *burn);
    for (int i = 0; i < p->n; i++)
        burn[i] = 1;
    size_t cells = (size_t)g->ncols * (size_t)rows;
    uint8_t *buf = malloc(cells);
    int ok = GDALRasterizeGeometries(mem, 1, &band, p->n, p->g, NULL, NULL, burn, NULL, NULL,
                                     NULL) == CE_None &&
             GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, (int)g->ncols, rows, buf,
                          (int)g->ncols, rows, GDT_Byte, 0, 0) == CE_None;
    size_t first = (size_t)row0 * (size_t)g->ncols;
    for (size_t c = 0; ok && c < cells; c++)
        if (buf[c]) {
            size_t i = first + c;
            m->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
            m->inside++;
        }
    free(buf), free(burn);
    GDALClose(mem);
    return ok ? SM_OK
              : sm_error_set(SM_EIO, "grid.mask: cannot rasterise: %s", CPLGetLastErrorMsg());
}

int sm_mask_load(const sm_grid *g, OGRSpatialReferenceH srs, const char *path, const char *layer,
                 sm_mask **out)
{
    *out = NULL;
    polygons p = {0};
    int rc = read_polygons(path, layer, srs, &p);
    sm_mask *m = calloc(1, sizeof *m);
    m->ncols = g->ncols, m->nrows = g->nrows;
    m->bits = calloc(((size_t)g->ncols * (size_t)g->nrows + 7) / 8, 1);
    long strip = STRIP_BYTES / g->ncols > 0 ? STRIP_BYTES / g->ncols : 1;
    for (long row = 0; rc == SM_OK && row < g->nrows; row += strip)
        rc = rasterize_strip(g, &p, row, (int)(g->nrows - row < strip ? g->nrows - row : strip), m);
    polygons_free(&p);
    if (rc == SM_OK && m->inside == 0)
        rc = sm_error_set(SM_EDATA, "%s: the mask covers no cell centre of the grid", path);
    if (rc != SM_OK) {
        sm_mask_free(m);
        return rc;
    }
    *out = m;
    return SM_OK;
}

void sm_mask_free(sm_mask *m)
{
    if (!m)
        return;
    free(m->bits);
    free(m);
}
