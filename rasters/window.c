#include "window.h"
#include "error.h"

#include <cpl_error.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int sm_window_open(sm_window *w, const char *path, int tile)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    w->ds = GDALOpen(path, GA_ReadOnly);
    if (!w->ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open; run the stage that writes it",
                            path);
    w->nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(w->ds, 1), &w->has_nodata);
    w->buf = malloc((size_t)tile * tile * sizeof *w->buf);
    return w->buf ? SM_OK : sm_error_set(SM_EINTERNAL, "out of memory for a %d-cell tile", tile);
}

int sm_window_read(sm_window *win, int band, int x0, int y0, int w, int h)
{
    GDALRasterBandH b = GDALGetRasterBand(win->ds, band);
    if (!b || GDALRasterIO(b, GF_Read, x0, y0, w, h, win->buf, w, h, GDT_Float64, 0, 0) !=
                  CE_None)
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
