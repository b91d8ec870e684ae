/* A STAC catalog of a run's web products (STAC 1.0.0): <web>/stac/catalog.json,
 * collection.json and items/<id>.json, one item per product, with the
 * projection extension (proj:epsg, proj:shape, proj:transform, proj:bbox;
 * GDAL 3.6 reads proj:epsg) and the raster extension (nodata, data type,
 * unit, statistics) on raster assets. Hrefs are relative, so the folder can
 * be moved or served as it is. With a local working CRS (local: 1) there
 * are no lon/lat: items have a null geometry and no bbox, proj:epsg null,
 * proj:wkt2 and proj:bbox in local metres, and the collection's extent is
 * the whole world (STAC requires one). */
#ifndef SM_STAC_H
#define SM_STAC_H

#include "core/limits.h"

#include "config/config.h"

/* Tile pyramids of one raster: one per band rendered (a probability raster
 * has a band per guideline tier). */
enum { SM_STAC_MAX_TILES = 9 };

typedef struct {
    char key[32];    /* the asset's key: "tiles", or "tiles_tier2" for band 2 */
    char href[256];  /* the tile template relative to web/ */
    char title[160]; /* what the band shows */
} sm_stac_tiles;

typedef struct {
    char id[96], title[160], unit[32];
    char path[SM_PATH_SIZE]; /* the COG, to read its grid and statistics */
    char href[256];          /* the COG relative to web/ */
    sm_stac_tiles tiles[SM_STAC_MAX_TILES];
    int ntiles;
} sm_stac_raster;

typedef struct {
    char id[96], title[160];
    char geojson_href[256], fgb_href[256]; /* relative to web/ */
    double bbox[4];
    long features;
} sm_stac_vector;

int sm_stac_write(const sm_config *cfg, const char *web, const sm_stac_raster *r, int nr,
                  const sm_stac_vector *v, int nv, int local);

#endif
