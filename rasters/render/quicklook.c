#include "render/quicklook.h"
#include "core/error.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The band at reduced resolution through RasterIO's buffer size, which
 * makes GDAL read the COG's overviews. */
int sm_quicklook_read(GDALRasterBandH b, const char *path, sm_quicklook *q)
{
    int xs = GDALGetRasterBandXSize(b), ys = GDALGetRasterBandYSize(b);
    double scale = fmin(1.0, fmin((double)SM_QUICKLOOK_MAX / xs, (double)SM_QUICKLOOK_MAX / ys));
    q->w = (int)fmax(1, lround(xs * scale)), q->h = (int)fmax(1, lround(ys * scale));
    size_t n = (size_t)q->w * q->h;
    q->v = malloc(n * sizeof *q->v);
    if (GDALRasterIO(b, GF_Read, 0, 0, xs, ys, q->v, q->w, q->h, GDT_Float64, 0, 0) != CE_None)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", path, CPLGetLastErrorMsg());
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(b, &has_nodata);
    for (size_t i = 0; i < n; i++)
        if (has_nodata && q->v[i] == nodata)
            q->v[i] = NAN;
    return SM_OK;
}

static GDALDatasetH ql_rgba_dataset(const sm_quicklook *q)
{
    size_t n = (size_t)q->w * q->h;
    unsigned char *rgba = malloc(n * 4);
    for (size_t i = 0; i < n; i++)
        sm_colormap_apply(&q->map, q->v[i], rgba + 4 * i);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH ds = mem ? GDALCreate(mem, "", q->w, q->h, 4, GDT_Byte, NULL) : NULL;
    int bands[] = {1, 2, 3, 4};
    if (ds && GDALDatasetRasterIO(ds, GF_Write, 0, 0, q->w, q->h, rgba, q->w, q->h, GDT_Byte, 4,
                                  bands, 4, 4 * q->w, 1) != CE_None) {
        GDALClose(ds);
        ds = NULL;
    }
    free(rgba);
    return ds;
}

/* The quicklook's colours as a PNG (GDAL's PNG driver, in /vsimem/),
 * base64-encoded for a data: URI; caller CPLFree's *b64. */
int sm_quicklook_png_base64(const sm_quicklook *q, const char *path, char **b64)
{
    char vsi[96];
    snprintf(vsi, sizeof vsi, "/vsimem/soilmap-report-%p.png", (const void *)q);
    GDALDatasetH rgba = ql_rgba_dataset(q), png = NULL;
    GDALDriverH driver = GDALGetDriverByName("PNG");
    if (rgba && driver)
        png = GDALCreateCopy(driver, vsi, rgba, FALSE, NULL, NULL, NULL);
    GDALClose(rgba);
    *b64 = NULL;
    if (png) {
        GDALClose(png);
        vsi_l_offset len = 0;
        GByte *bytes = VSIGetMemFileBuffer(vsi, &len, FALSE);
        *b64 = bytes ? CPLBase64Encode((int)len, bytes) : NULL;
    }
    VSIUnlink(vsi);
    if (!*b64)
        return sm_error_set(SM_EINTERNAL, "%s: cannot encode the quicklook as PNG: %s", path,
                            CPLGetLastErrorMsg());
    return SM_OK;
}
