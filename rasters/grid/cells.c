#include "grid/cells.h"
#include "core/error.h"

#include <cpl_error.h>
#include <gdal_alg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAXCELLS = 1 << 20 };

static int cell_of(const sm_grid *g, double x, double y, int *col, int *row)
{
    *col = (int)floor((x - g->xmin) / g->res), *row = (int)floor((g->ymax - y) / g->res);
    return *col >= 0 && *row >= 0 && *col < g->ncols && *row < g->nrows;
}

static void single_cell(const sm_grid *g, OGRGeometryH point, sm_cells *c)
{
    c->w = c->h = 1;
    c->mask = calloc(1, 1);
    c->n = c->mask[0] = cell_of(g, OGR_G_GetX(point, 0), OGR_G_GetY(point, 0), &c->x0, &c->y0);
}

/* Cells whose centres lie inside the polygon (rasterised by GDAL); a polygon
 * smaller than a cell gets the cell of a point on its surface. */
static void polygon_cells(const sm_grid *g, OGRGeometryH poly, sm_cells *c)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(poly, &e);
    int x1, y1, x2, y2;
    cell_of(g, e.MinX, e.MaxY, &x1, &y1), cell_of(g, e.MaxX, e.MinY, &x2, &y2);
    c->x0 = x1 < 0 ? 0 : x1, c->y0 = y1 < 0 ? 0 : y1;
    c->w = (int)((x2 >= g->ncols ? g->ncols - 1 : x2) - c->x0 + 1);
    c->h = (int)((y2 >= g->nrows ? g->nrows - 1 : y2) - c->y0 + 1);
    if (c->w > 0 && c->h > 0 && (long)c->w * c->h <= MAXCELLS) {
        GDALDatasetH mem =
            GDALCreate(GDALGetDriverByName("MEM"), "", c->w, c->h, 1, GDT_Byte, NULL);
        double gt[6] = {g->xmin + c->x0 * g->res, g->res, 0, g->ymax - c->y0 * g->res, 0, -g->res};
        GDALSetGeoTransform(mem, gt);
        int band = 1;
        double one = 1;
        c->mask = calloc((size_t)c->w * c->h, 1);
        if (GDALRasterizeGeometries(mem, 1, &band, 1, &poly, NULL, NULL, &one, NULL, NULL, NULL) ==
                CE_None &&
            GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, c->w, c->h, c->mask, c->w, c->h,
                         GDT_Byte, 0, 0) == CE_None)
            for (int i = 0; i < c->w * c->h; i++)
                c->n += c->mask[i];
        GDALClose(mem);
    }
    if (c->n == 0) {
        free(c->mask);
        OGRGeometryH p = OGR_G_PointOnSurface(poly);
        single_cell(g, p ? p : poly, c);
        if (p)
            OGR_G_DestroyGeometry(p);
    }
}

void sm_cells_of(const sm_grid *g, OGRGeometryH geom, sm_cells *c)
{
    memset(c, 0, sizeof *c);
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(geom));
    if (t == wkbPoint)
        single_cell(g, geom, c);
    else
        polygon_cells(g, geom, c);
}

/* Band values of the site's window, NAN for nodata. */
int sm_cells_read(GDALDatasetH ds, int band, const sm_cells *c, double *buf)
{
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    if (!b || GDALRasterIO(b, GF_Read, c->x0, c->y0, c->w, c->h, buf, c->w, c->h, GDT_Float64, 0,
                           0) != CE_None)
        return sm_error_set(SM_EIO, "%s: cannot read: %s", GDALGetDescription(ds),
                            CPLGetLastErrorMsg());
    int has;
    double nodata = GDALGetRasterNoDataValue(b, &has);
    for (int i = 0; has && i < c->w * c->h; i++)
        if (buf[i] == nodata)
            buf[i] = NAN;
    return SM_OK;
}

/* Mean and maximum of buf over the mask (NAN cells skipped). */
void sm_cells_mean_max(const sm_cells *c, const double *buf, double *mean, double *max)
{
    double s = 0;
    int n = 0;
    *max = NAN;
    for (int i = 0; i < c->w * c->h; i++)
        if (c->mask[i] && !isnan(buf[i])) {
            s += buf[i], n++;
            *max = isnan(*max) || buf[i] > *max ? buf[i] : *max;
        }
    *mean = n ? s / n : NAN;
}
