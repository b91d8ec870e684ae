#include "grid/window.h"
#include "core/error.h"
#include "core/outfile.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_utils.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int sm_window_open(sm_window *w, const char *path, int tile)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    w->ds = GDALOpen(path, GA_ReadOnly);
    if (!w->ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open; run the stage that writes it", path);
    w->nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(w->ds, 1), &w->has_nodata);
    if (tile <= 0) /* a caller that forgot sm_grid_tile */
        return sm_error_set(SM_EINTERNAL, "%s: tile size %d", path, tile);
    w->buf = malloc((size_t)tile * tile * sizeof *w->buf);
    return w->buf ? SM_OK : sm_error_set(SM_EINTERNAL, "out of memory for a %d-cell tile", tile);
}

int sm_window_read(sm_window *win, int band, int x0, int y0, int w, int h)
{
    GDALRasterBandH b = GDALGetRasterBand(win->ds, band);
    if (!b || GDALRasterIO(b, GF_Read, x0, y0, w, h, win->buf, w, h, GDT_Float64, 0, 0) != CE_None)
        return sm_error_set(SM_EIO, "%s: cannot read band %d: %s", win->path, band,
                            CPLGetLastErrorMsg());
    if (win->has_nodata)
        for (size_t i = 0; i < (size_t)w * h; i++)
            if (win->buf[i] == win->nodata)
                win->buf[i] = NAN;
    return SM_OK;
}

void sm_window_close(sm_window *w)
{
    if (w->ds)
        GDALClose(w->ds);
    free(w->buf);
    memset(w, 0, sizeof *w);
}

int sm_warp_to_grid(GDALDatasetH src, const sm_grid *g, OGRSpatialReferenceH srs,
                    const char *resampling, const char *dst_nodata, const char *dst,
                    const char *label)
{
    if (!GDALGetSpatialRef(src))
        return sm_error_set(SM_ECONFIG, "%s: the raster has no CRS", label);
    char *wkt = NULL, te[4][32], ts[2][24];
    OSRExportToWkt(srs, &wkt);
    snprintf(te[0], 32, "%.17g", g->xmin), snprintf(te[1], 32, "%.17g", g->ymin);
    snprintf(te[2], 32, "%.17g", g->xmax), snprintf(te[3], 32, "%.17g", g->ymax);
    snprintf(ts[0], 24, "%ld", g->ncols), snprintf(ts[1], 24, "%ld", g->nrows);
    char *argv[] = {"-of",
                    "VRT",
                    "-r",
                    (char *)resampling,
                    "-t_srs",
                    wkt,
                    "-te",
                    te[0],
                    te[1],
                    te[2],
                    te[3],
                    "-ts",
                    ts[0],
                    ts[1],
                    dst_nodata ? "-dstnodata" : NULL,
                    (char *)dst_nodata,
                    NULL};
    GDALWarpAppOptions *o = GDALWarpAppOptionsNew(argv, NULL);
    int err = 0;
    GDALDatasetH out = GDALWarp(dst, NULL, 1, &src, o, &err);
    GDALWarpAppOptionsFree(o);
    CPLFree(wkt);
    if (!out || sm_dataset_close(out) != 0)
        return sm_error_set(SM_EIO, "%s: cannot warp onto the grid: %s", label,
                            CPLGetLastErrorMsg());
    return SM_OK;
}
