#include "classify/classarea.h"
#include "core/error.h"

#include <gdal.h>
#include <stdlib.h>

enum { ROWS = 256 }; /* rows read at a time: the rasters' block height */

static GDALRasterBandH open_band(const char *path, GDALDatasetH *ds)
{
    *ds = GDALOpen(path, GA_ReadOnly);
    if (!*ds)
        sm_error_set(SM_EDATA, "%s: cannot open: %s", path, CPLGetLastErrorMsg());
    return *ds ? GDALGetRasterBand(*ds, 1) : NULL;
}

static void tally(const int *lu, const int *cls, size_t n, int n_landuse, int n_class, long *cells)
{
    for (size_t i = 0; i < n; i++)
        if (lu[i] >= 1 && lu[i] <= n_landuse && cls[i] >= 0 && cls[i] < n_class)
            cells[(size_t)(lu[i] - 1) * n_class + cls[i]]++;
}

static int count_bands(GDALRasterBandH lb, GDALRasterBandH cb, const char *classes, int n_landuse,
                       int n_class, long *cells)
{
    int w = GDALGetRasterBandXSize(cb), h = GDALGetRasterBandYSize(cb);
    if (GDALGetRasterBandXSize(lb) != w || GDALGetRasterBandYSize(lb) != h)
        return sm_error_set(SM_EDATA, "%s: not the size of landuse.tif", classes);
    int *lu = malloc((size_t)w * ROWS * sizeof *lu), *cls = malloc((size_t)w * ROWS * sizeof *cls);
    int rc = lu && cls ? SM_OK : sm_error_set(SM_EINTERNAL, "%s: out of memory", classes);
    for (int y = 0; y < h && rc == SM_OK; y += ROWS) {
        int rows = h - y < ROWS ? h - y : ROWS;
        if (GDALRasterIO(lb, GF_Read, 0, y, w, rows, lu, w, rows, GDT_Int32, 0, 0) != CE_None ||
            GDALRasterIO(cb, GF_Read, 0, y, w, rows, cls, w, rows, GDT_Int32, 0, 0) != CE_None)
            rc = sm_error_set(SM_EDATA, "%s: cannot read: %s", classes, CPLGetLastErrorMsg());
        else
            tally(lu, cls, (size_t)w * rows, n_landuse, n_class, cells);
    }
    free(lu), free(cls);
    return rc;
}

int sm_class_area_count(const char *landuse, const char *classes, int n_landuse, int n_class,
                        long *cells)
{
    GDALDatasetH lds = NULL, cds = NULL;
    GDALRasterBandH lb = open_band(landuse, &lds), cb = lb ? open_band(classes, &cds) : NULL;
    int rc = lb && cb ? count_bands(lb, cb, classes, n_landuse, n_class, cells) : SM_EDATA;
    if (lds)
        GDALClose(lds);
    if (cds)
        GDALClose(cds);
    return rc;
}
