#include "render/tiles.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/outfile.h"
#include "core/progress.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <math.h>
#include <omp.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TILE = 256 };
static const double ORIGIN = 20037508.342789244; /* half the Web Mercator world */

/* The raster's extent in Web Mercator, from its edges densified. */
static int extent_3857(GDALDatasetH ds, double box[4], double *cell)
{
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    OGRSpatialReferenceH src = sm_crs_clone(GDALGetSpatialRef(ds)), merc = sm_crs_new("EPSG:3857");
    OGRCoordinateTransformationH ct = src ? OCTNewCoordinateTransformation(src, merc) : NULL;
    int ok = ct != NULL;
    box[0] = box[1] = HUGE_VAL, box[2] = box[3] = -HUGE_VAL;
    for (int i = 0; ok && i <= 64; i++)
        for (int side = 0; side < 4; side++) {
            double f = i / 64.0, x = gt[0] + (side < 2 ? f * w : side == 2 ? 0 : w) * gt[1];
            double y = gt[3] + (side < 2 ? (side ? h : 0) : f * h) * gt[5];
            ok = OCTTransform(ct, 1, &x, &y, NULL);
            box[0] = fmin(box[0], x), box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x), box[3] = fmax(box[3], y);
        }
    *cell = ok ? (box[2] - box[0]) / w : 0;
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src), OSRDestroySpatialReference(merc);
    return ok ? SM_OK
              : sm_error_set(SM_EDATA, "%s: cannot project to Web Mercator",
                             GDALGetDescription(ds));
}

int sm_tiles_zoom_range(const char *src, int *zmin, int *zmax)
{
    GDALDatasetH ds = GDALOpen(src, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", src);
    double box[4], cell;
    int rc = extent_3857(ds, box, &cell);
    GDALClose(ds);
    if (rc)
        return rc;
    double world = 2 * ORIGIN, span = fmax(box[2] - box[0], box[3] - box[1]);
    *zmax = (int)ceil(log2(world / (TILE * cell)));
    *zmin = (int)floor(log2(world / span));
    *zmax = *zmax < 0 ? 0 : *zmax > 22 ? 22 : *zmax;
    *zmin = *zmin < 0 ? 0 : *zmin > *zmax ? *zmax : *zmin;
    return SM_OK;
}

/* ---- one tile ---- */

typedef struct {
    int z, x, y;
} tile_id;

/* The tile's values: the source warped into a 256 x 256 Web Mercator
 * window; NAN where it has no data. */
static int warp_tile(const sm_tiles_spec *spec, GDALDatasetH src, tile_id t, double *values)
{
    double size = 2 * ORIGIN / (1 << t.z);
    GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", TILE, TILE, 1, GDT_Float64, NULL);
    double gt[6] = {-ORIGIN + t.x * size, size / TILE, 0, ORIGIN - t.y * size, 0, -size / TILE};
    GDALSetGeoTransform(mem, gt);
    OGRSpatialReferenceH merc = sm_crs_new("EPSG:3857");
    GDALSetSpatialRef(mem, merc);
    OSRDestroySpatialReference(merc);
    GDALSetRasterNoDataValue(GDALGetRasterBand(mem, 1), NAN);
    GDALFillRaster(GDALGetRasterBand(mem, 1), NAN, 0); /* cells no source reaches stay empty */
    char *argv[] = {"-r", spec->nearest ? "near" : "bilinear", "-dstnodata", "nan", "-q", NULL};
    GDALWarpAppOptions *o = GDALWarpAppOptionsNew(argv, NULL);
    int err = 0;
    int ok = GDALWarp(NULL, mem, 1, &src, o, &err) != NULL && !err;
    GDALWarpAppOptionsFree(o);
    ok = ok && GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, TILE, TILE, values, TILE,
                            TILE, GDT_Float64, 0, 0) == CE_None;
    GDALClose(mem);
    return ok ? SM_OK
              : sm_error_set(SM_EIO, "tile %d/%d/%d of %s: %s", t.z, t.x, t.y, spec->src,
                             CPLGetLastErrorMsg());
}

/* RGBA bytes, band-interleaved; returns the number of visible pixels. */
static int colour(const sm_colormap *m, const double *values, unsigned char *rgba)
{
    int visible = 0;
    for (int i = 0; i < TILE * TILE; i++) {
        unsigned char c[4];
        sm_colormap_apply(m, values[i], c);
        for (int b = 0; b < 4; b++)
            rgba[b * TILE * TILE + i] = c[b];
        visible += c[3] > 0;
    }
    return visible;
}

/* Writes RGBA bytes (band-interleaved) of w x h as a PNG, atomically. */
static int write_png(const char *path, const unsigned char *rgba, int w, int h)
{
    GDALDatasetH mem = GDALCreate(GDALGetDriverByName("MEM"), "", w, h, 4, GDT_Byte, NULL);
    int ok = GDALDatasetRasterIO(mem, GF_Write, 0, 0, w, h, (void *)rgba, w, h, GDT_Byte, 4, NULL,
                                 0, 0, 0) == CE_None;
    sm_outfile out;
    sm_outfile_begin(&out, path);
    GDALDatasetH png =
        ok ? GDALCreateCopy(GDALGetDriverByName("PNG"), out.tmp, mem, FALSE, NULL, NULL, NULL)
           : NULL;
    GDALClose(mem);
    if (!png || sm_dataset_close(png) != 0) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    }
    char aux[SM_PATH_SIZE]; /* GDAL's PNG driver may leave statistics beside it */
    snprintf(aux, sizeof aux, "%s.aux.xml", out.tmp);
    remove(aux);
    return sm_outfile_commit(&out);
}

static int render_tile(const sm_tiles_spec *spec, GDALDatasetH src, tile_id t, double *values,
                       unsigned char *rgba, int *written)
{
    *written = 0;
    int rc = warp_tile(spec, src, t, values);
    if (rc)
        return rc;
    *written = colour(spec->colors, values, rgba) > 0; /* counts tiles with something to see */
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%d/%d", spec->dir, t.z, t.x);
    rc = sm_make_dirs(path);
    snprintf(path, sizeof path, "%s/%d/%d/%d.png", spec->dir, t.z, t.x, t.y);
    return rc ? rc : write_png(path, rgba, TILE, TILE);
}

/* ---- the pyramid ---- */

static tile_id *list_tiles(const sm_tiles_spec *spec, const double box[4], long *n)
{
    long cap = 64;
    tile_id *t = malloc((size_t)cap * sizeof *t);
    *n = 0;
    for (int z = spec->zmin; z <= spec->zmax; z++) {
        double size = 2 * ORIGIN / (1 << z);
        int x0 = (int)floor((box[0] + ORIGIN) / size), x1 = (int)floor((box[2] + ORIGIN) / size);
        int y0 = (int)floor((ORIGIN - box[3]) / size), y1 = (int)floor((ORIGIN - box[1]) / size);
        for (int x = x0; x <= x1; x++)
            for (int y = y0; y <= y1; y++) {
                if (*n == cap)
                    t = realloc(t, (size_t)(cap *= 2) * sizeof *t);
                t[(*n)++] = (tile_id){z, x, y};
            }
    }
    return t;
}

/* The source as a dataset of the one band to render: gdalwarp warps every
 * band into as many destination bands (its -b needs GDAL 3.7), so a band of
 * a multi-band raster (one probability per tier) goes through a VRT, which
 * reads *base: close it after the VRT. */
static GDALDatasetH open_band(const sm_tiles_spec *spec, GDALDatasetH *base)
{
    *base = GDALOpen(spec->src, GA_ReadOnly);
    if (!*base || GDALGetRasterCount(*base) == 1)
        return *base;
    char band[16];
    snprintf(band, sizeof band, "%d", spec->band);
    char *argv[] = {"-of", "VRT", "-b", band, "-q", NULL};
    GDALTranslateOptions *o = GDALTranslateOptionsNew(argv, NULL);
    GDALDatasetH vrt = GDALTranslate("", *base, o, NULL);
    GDALTranslateOptionsFree(o);
    return vrt;
}

static void close_band(GDALDatasetH src, GDALDatasetH base)
{
    if (src && src != base)
        GDALClose(src);
    if (base)
        GDALClose(base);
}

static int render_all(const sm_tiles_spec *spec, const tile_id *tiles, long n, sm_tiles_result *out)
{
    int rc = SM_OK, failed = 0;
    char msg[2048] = ""; /* errors are per thread: the first one is carried out here */
    long written = 0, done = 0;
    sm_progress_task task;
    sm_progress_begin(&task, "publish", spec->dir);
#pragma omp parallel reduction(+ : written)
    {
        GDALDatasetH base, src = open_band(spec, &base);
        double *values = malloc(sizeof *values * TILE * TILE);
        unsigned char *rgba = malloc(4 * TILE * TILE);
#pragma omp for schedule(dynamic, 4)
        for (long i = 0; i < n; i++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            int w = 0, trc = SM_OK;
            if (!stop && sm_progress_cancelled())
                trc = sm_error_set(SM_ECANCEL, "%s: cancelled", spec->dir);
            else if (!stop)
                trc = src ? render_tile(spec, src, tiles[i], values, rgba, &w)
                          : sm_error_set(SM_ENOINPUT, "%s band %d: cannot open: %s", spec->src,
                                         spec->band, CPLGetLastErrorMsg());
            written += w;
            long finished;
#pragma omp atomic capture
            finished = ++done;
            if (omp_get_thread_num() == 0) /* the bar is not thread-safe */
                sm_progress((double)finished / n, NULL, &task);
            if (trc != SM_OK) {
#pragma omp critical(sm_tiles_error)
                if (rc == SM_OK)
                    rc = trc, snprintf(msg, sizeof msg, "%s", sm_error_message());
#pragma omp atomic write
                failed = 1;
            }
        }
        close_band(src, base);
        free(values), free(rgba);
    }
    sm_progress(1.0, NULL, &task);
    out->written = n, out->empty = n - written;
    return rc == SM_OK ? SM_OK : sm_error_set(rc, "%s", msg);
}

static int write_legend(const sm_tiles_spec *spec)
{
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/legend.json", spec->dir);
    char *json = sm_colormap_json(spec->colors);
    sm_outfile out;
    sm_outfile_begin(&out, path);
    FILE *f = fopen(out.tmp, "w");
    int ok = f && fputs(json, f) >= 0;
    ok = f && fclose(f) == 0 && ok;
    free(json);
    if (!ok) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write", path);
    }
    int rc = sm_outfile_commit(&out);
    /* legend.png: the ramp as a 256 x 16 bar, low on the left */
    const sm_colormap *m = spec->colors;
    unsigned char *bar = malloc(4 * 256 * 16);
    for (int i = 0; i < 256; i++) {
        double v =
            m->discrete ? floor(i * m->n / 256.0)
            : m->log_axis
                ? exp(log(m->stops[0].value) +
                      (log(m->stops[m->n - 1].value) - log(m->stops[0].value)) * i / 255.0)
                : m->stops[0].value + (m->stops[m->n - 1].value - m->stops[0].value) * i / 255.0;
        unsigned char c[4];
        sm_colormap_apply(m, v, c);
        for (int row = 0; row < 16; row++)
            for (int b = 0; b < 4; b++)
                bar[b * 256 * 16 + row * 256 + i] = b == 3 ? 255 : c[b];
    }
    snprintf(path, sizeof path, "%s/legend.png", spec->dir);
    if (rc == SM_OK)
        rc = write_png(path, bar, 256, 16);
    free(bar);
    return rc;
}

int sm_tiles_render(const sm_tiles_spec *spec, sm_tiles_result *out)
{
    memset(out, 0, sizeof *out);
    GDALDatasetH ds = GDALOpen(spec->src, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", spec->src);
    double box[4], cell;
    int rc = spec->band >= 1 && spec->band <= GDALGetRasterCount(ds)
                 ? extent_3857(ds, box, &cell)
                 : sm_error_set(SM_EDATA, "%s: no band %d to render", spec->src, spec->band);
    GDALClose(ds);
    long n = 0;
    tile_id *tiles = rc == SM_OK ? list_tiles(spec, box, &n) : NULL;
    int parts = spec->parts > 0 ? spec->parts : 1;
    long mine = 0;
    for (long i = 0; i < n; i++)
        if (i % parts == spec->part)
            tiles[mine++] = tiles[i];
    if (rc == SM_OK)
        rc = sm_make_dirs(spec->dir);
    if (rc == SM_OK)
        rc = render_all(spec, tiles, mine, out);
    if (rc == SM_OK && spec->part == 0)
        rc = write_legend(spec);
    free(tiles);
    return rc;
}

/* ---- one image on the grid (a local CRS: no Web Mercator) ---- */

/* The band's values, nodata as NAN. */
static int read_band(GDALDatasetH ds, int band, int w, int h, double *v)
{
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    int has;
    double nodata = GDALGetRasterNoDataValue(b, &has);
    if (GDALRasterIO(b, GF_Read, 0, 0, w, h, v, w, h, GDT_Float64, 0, 0) != CE_None)
        return sm_error_set(SM_EIO, "%s band %d: cannot read: %s", GDALGetDescription(ds), band,
                            CPLGetLastErrorMsg());
    for (long i = 0; has && i < (long)w * h; i++)
        if (v[i] == nodata)
            v[i] = NAN;
    return SM_OK;
}

int sm_tiles_image(const sm_tiles_spec *spec, double bounds[4])
{
    GDALDatasetH ds = GDALOpen(spec->src, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", spec->src);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    bounds[0] = gt[0], bounds[1] = gt[3] + h * gt[5];
    bounds[2] = gt[0] + w * gt[1], bounds[3] = gt[3];
    int rc = spec->band >= 1 && spec->band <= GDALGetRasterCount(ds)
                 ? SM_OK
                 : sm_error_set(SM_EDATA, "%s: no band %d to render", spec->src, spec->band);
    double *v = malloc(sizeof *v * (size_t)w * (size_t)h);
    unsigned char *rgba = malloc(4 * (size_t)w * (size_t)h);
    if (rc == SM_OK)
        rc = read_band(ds, spec->band, w, h, v);
    GDALClose(ds);
    for (long i = 0; rc == SM_OK && i < (long)w * h; i++) {
        unsigned char c[4];
        sm_colormap_apply(spec->colors, v[i], c);
        for (int b = 0; b < 4; b++)
            rgba[(size_t)b * w * h + i] = c[b];
    }
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/image.png", spec->dir);
    if (rc == SM_OK)
        rc = sm_make_dirs(spec->dir);
    if (rc == SM_OK)
        rc = write_png(path, rgba, w, h);
    if (rc == SM_OK)
        rc = write_legend(spec);
    free(v), free(rgba);
    return rc;
}
