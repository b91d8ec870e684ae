/* Quicklooks: a raster band read at reduced resolution, coloured by a ramp
 * from colormap.h and encoded as a PNG (GDAL's MEM and PNG drivers, in
 * /vsimem/), base64-encoded for a data: URI in an HTML page. */
#ifndef SM_QUICKLOOK_H
#define SM_QUICKLOOK_H

#include "render/colormap.h"

#include <gdal.h>

/* Quicklooks at most this many pixels on a side: enough to read a map, small
 * enough that a page of them stays a few MB (GDAL reads the COG overviews). */
enum { SM_QUICKLOOK_MAX = 600 };

typedef struct {
    int w, h;
    double *v; /* w * h values, NAN where nodata */
    sm_colormap map;
} sm_quicklook;

/* Band b of the raster at path (named in messages) into q->w, q->h and q->v,
 * at most SM_QUICKLOOK_MAX on a side; q->map is left to the caller. The
 * caller frees q->v, also on error. SM_EDATA if the band cannot be read. */
int sm_quicklook_read(GDALRasterBandH b, const char *path, sm_quicklook *q);

/* q's values coloured by q->map (sm_colormap_apply) as a PNG, base64-encoded;
 * caller CPLFree's *b64. SM_EINTERNAL if the PNG cannot be made. */
int sm_quicklook_png_base64(const sm_quicklook *q, const char *path, char **b64);

#endif
