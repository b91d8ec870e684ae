#include "render/quicklook.h"
#include "core/error.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    double gt[6] = {0, 1, 0, 0, 0, -1};
    GDALDatasetH ds = GDALGetBandDataset(b);
    if (ds)
        GDALGetGeoTransform(ds, gt);
    double sx = (double)xs / q->w, sy = (double)ys / q->h;
    q->geo[0] = gt[0], q->geo[1] = gt[1] * sx, q->geo[2] = gt[2] * sy;
    q->geo[3] = gt[3], q->geo[4] = gt[4] * sx, q->geo[5] = gt[5] * sy;
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(b, &has_nodata);
    for (size_t i = 0; i < n; i++)
        if (has_nodata && q->v[i] == nodata)
            q->v[i] = NAN;
    return SM_OK;
}

int sm_quicklook_minmax(GDALRasterBandH b, const char *path, double mm[2])
{
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO");
    mm[0] = mm[1] = NAN;
    CPLErr err = GDALComputeRasterMinMax(b, FALSE, mm);
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", NULL);
    if (err != CE_None || !isfinite(mm[0]) || !isfinite(mm[1]))
        return sm_error_set(SM_EDATA, "%s: cannot compute the value range: %s", path,
                            CPLGetLastErrorMsg());
    return SM_OK;
}

double sm_quicklook_scale_length(double max_m)
{
    if (!(max_m > 0))
        return 0;
    double p = pow(10, floor(log10(max_m))), best = p;
    for (int k = 1; k <= 5; k++)
        if (k * p <= max_m && (k == 1 || k == 2 || k == 5))
            best = k * p;
    return best;
}

/* Sizes in the overlay's own pixels, proportional to its width: the page
 * shrinks a quicklook to its column, and the text must stay legible. */
static double unit_px(int width) { return width / 380.0; }

static void scale_bar(FILE *f, const sm_quicklook *q, int width, int height)
{
    double map_m = fabs(q->geo[1]) * q->w, px_per_m = width / map_m, u = unit_px(width);
    double len = sm_quicklook_scale_length(map_m / 5);
    if (!(len > 0) || !isfinite(px_per_m))
        return;
    double bar = len * px_per_m, x0 = 8 * u, y0 = height - 8 * u, font = 11 * u;
    char label[32];
    if (len >= 1000)
        snprintf(label, sizeof label, "%g km", len / 1000);
    else
        snprintf(label, sizeof label, "%g m", len);
    fprintf(f,
            "<g class=\"scalebar\" data-metres=\"%g\"><rect x=\"%.1f\" y=\"%.1f\" "
            "width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" fill-opacity=\"0.85\"/>"
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#000\"/>"
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" "
            "stroke=\"#000\" stroke-width=\"%.1f\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" font-family=\"sans-serif\">%s</text>"
            "</g>\n",
            len, x0 - 4 * u, y0 - font - 2 * u, bar + 12 * u + 0.65 * font * strlen(label),
            font + 8 * u, x0, y0 - 4 * u, bar / 2, 4 * u, x0 + bar / 2, y0 - 4 * u, bar / 2, 4 * u,
            0.8 * u, x0 + bar + 4 * u, y0, font, label);
}

void sm_quicklook_overlay(FILE *f, const sm_quicklook *q, int width, int height, const double *x,
                          const double *y, int n)
{
    fprintf(f,
            "<svg class=\"overlay\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "role=\"img\" aria-label=\"sample points and scale bar\">\n<g class=\"samples\">",
            width, height, width, height);
    /* pixel (c, r) of the quicklook from (x, y): the geotransform inverted,
     * without rotation (the grid is north up) */
    double kx = width / (double)q->w, ky = height / (double)q->h, u = unit_px(width);
    for (int i = 0; i < n; i++) {
        double c = (x[i] - q->geo[0]) / q->geo[1], r = (y[i] - q->geo[3]) / q->geo[5];
        if (c >= 0 && c <= q->w && r >= 0 && r <= q->h)
            fprintf(f,
                    "<circle class=\"sample\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\" fill=\"#000\" "
                    "stroke=\"#fff\" stroke-width=\"%.2f\"/>",
                    c * kx, r * ky, 1.6 * u, 0.5 * u);
    }
    fputs("</g>\n", f);
    scale_bar(f, q, width, height);
    fputs("</svg>\n", f);
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
