/* Quicklooks: a raster band read at reduced resolution, coloured by a ramp
 * from colormap.h and encoded as a PNG (GDAL's MEM and PNG drivers, in
 * /vsimem/), base64-encoded for a data: URI in an HTML page. */
#ifndef SM_QUICKLOOK_H
#define SM_QUICKLOOK_H

#include "render/colormap.h"

#include <gdal.h>
#include <stdio.h>

/* Quicklooks at most this many pixels on a side: enough to read a map, small
 * enough that a page of them stays a few MB (GDAL reads the COG overviews). */
enum { SM_QUICKLOOK_MAX = 600 };

typedef struct {
    int w, h;
    double *v;     /* w * h values, NAN where nodata */
    double geo[6]; /* GDAL geotransform of the quicklook's pixels */
    sm_colormap map;
} sm_quicklook;

/* Band b of the raster at path (named in messages) into q->w, q->h and q->v,
 * at most SM_QUICKLOOK_MAX on a side; q->map is left to the caller. The
 * caller frees q->v, also on error. SM_EDATA if the band cannot be read. */
int sm_quicklook_read(GDALRasterBandH b, const char *path, sm_quicklook *q);

/* The exact minimum and maximum of band b (every cell, not the overviews,
 * and no .aux.xml left behind), for sm_colormap_surface: the report and the
 * web tiles colour a surface over the same range. SM_EDATA naming path if
 * the band cannot be read or has no value. */
int sm_quicklook_minmax(GDALRasterBandH b, const char *path, double mm[2]);

/* An SVG drawn over a quicklook shown width x height px (absolutely placed
 * by the page's CSS, class "overlay"): the n sample points (x, y in the
 * raster's CRS, metres) as circles of class "sample", and a metric scale
 * bar (class "scalebar") of a round length about a fifth of the map's
 * width, labelled in m or km. */
void sm_quicklook_overlay(FILE *f, const sm_quicklook *q, int width, int height, const double *x,
                          const double *y, int n);

/* The scale bar's length: 1, 2 or 5 x 10^k metres, at most max_m. */
double sm_quicklook_scale_length(double max_m);

/* q's values coloured by q->map (sm_colormap_apply) as a PNG, base64-encoded;
 * caller CPLFree's *b64. SM_EINTERNAL if the PNG cannot be made. */
int sm_quicklook_png_base64(const sm_quicklook *q, const char *path, char **b64);

#endif
