#include "publish/stac.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/outfile.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char STAC_VERSION[] = "1.0.0";
static const char PROJ_EXT[] = "https://stac-extensions.github.io/projection/v1.1.0/schema.json";
static const char RASTER_EXT[] = "https://stac-extensions.github.io/raster/v1.1.0/schema.json";
static const char COG_TYPE[] = "image/tiff; application=geotiff; profile=cloud-optimized";

static json_object *numbers(const double *v, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_double(v[i]));
    return a;
}

static json_object *bbox_polygon(const double *b)
{
    json_object *g = json_object_new_object(), *rings = json_object_new_array(),
                *ring = json_object_new_array();
    double pts[5][2] = {{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}, {b[0], b[1]}};
    for (int i = 0; i < 5; i++)
        json_object_array_add(ring, numbers(pts[i], 2));
    json_object_array_add(rings, ring);
    json_object_object_add(g, "type", json_object_new_string("Polygon"));
    json_object_object_add(g, "coordinates", rings);
    return g;
}

static json_object *stac_link(const char *rel, const char *href, const char *type)
{
    json_object *l = json_object_new_object();
    json_object_object_add(l, "rel", json_object_new_string(rel));
    json_object_object_add(l, "href", json_object_new_string(href));
    if (type)
        json_object_object_add(l, "type", json_object_new_string(type));
    return l;
}

static int write_json(json_object *o, const char *path)
{
    int rc = sm_json_write(o, path);
    json_object_put(o);
    return rc;
}

/* ---- raster items ---- */

static const char *stac_type(GDALDataType t)
{
    switch (t) {
    case GDT_Byte:
        return "uint8";
    case GDT_Float32:
        return "float32";
    case GDT_Float64:
        return "float64";
    case GDT_Int32:
        return "int32";
    default:
        return "other";
    }
}

/* The band's description for the raster extension, with exact statistics
 * (PAM off, so no .aux.xml is left beside the product). */
static json_object *band_json(GDALRasterBandH b, const char *unit)
{
    json_object *o = json_object_new_object(), *st = json_object_new_object();
    int has;
    double nodata = GDALGetRasterNoDataValue(b, &has), mn, mx, mean, sd;
    if (has)
        json_object_object_add(o, "nodata", json_object_new_double(nodata));
    json_object_object_add(o, "data_type",
                           json_object_new_string(stac_type(GDALGetRasterDataType(b))));
    if (unit[0])
        json_object_object_add(o, "unit", json_object_new_string(unit));
    if (*GDALGetDescription(b)) /* which tier a probability band is of */
        json_object_object_add(o, "description", json_object_new_string(GDALGetDescription(b)));
    if (GDALComputeRasterStatistics(b, FALSE, &mn, &mx, &mean, &sd, NULL, NULL) == CE_None) {
        json_object_object_add(st, "minimum", json_object_new_double(mn));
        json_object_object_add(st, "maximum", json_object_new_double(mx));
        json_object_object_add(st, "mean", json_object_new_double(mean));
        json_object_object_add(st, "stddev", json_object_new_double(sd));
    }
    json_object_object_add(o, "statistics", st);
    return o;
}

static void grid_properties(GDALDatasetH ds, json_object *props, double bbox_ll[4])
{
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    OGRSpatialReferenceH srs = sm_crs_clone(GDALGetSpatialRef(ds)), ll = sm_crs_new("EPSG:4326");
    const char *auth = srs ? OSRGetAuthorityName(srs, NULL) : NULL;
    if (auth && !strcmp(auth, "EPSG"))
        json_object_object_add(props, "proj:epsg",
                               json_object_new_int(atoi(OSRGetAuthorityCode(srs, NULL))));
    else { /* a local CRS has no code: null, as the projection extension says, and its WKT */
        char *wkt = NULL;
        const char *opts[] = {"FORMAT=WKT2_2019", NULL};
        json_object_object_add(props, "proj:epsg", NULL);
        if (srs && OSRExportToWktEx(srs, &wkt, opts) == OGRERR_NONE)
            json_object_object_add(props, "proj:wkt2", json_object_new_string(wkt));
        CPLFree(wkt);
    }
    double shape[2] = {h, w}, transform[6] = {gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]};
    double pb[4] = {gt[0], gt[3] + h * gt[5], gt[0] + w * gt[1], gt[3]};
    json_object *s = json_object_new_array();
    json_object_array_add(s, json_object_new_int((int)shape[0]));
    json_object_array_add(s, json_object_new_int((int)shape[1]));
    json_object_object_add(props, "proj:shape", s);
    json_object_object_add(props, "proj:transform", numbers(transform, 6));
    json_object_object_add(props, "proj:bbox", numbers(pb, 4));
    OGRCoordinateTransformationH ct = NULL;
    if (srs && sm_crs_transform(srs, ll, &ct) != 0) /* local: no lon/lat */
        ct = NULL;
    if (!ct || !OCTTransformBounds(ct, pb[0], pb[1], pb[2], pb[3], &bbox_ll[0], &bbox_ll[1],
                                   &bbox_ll[2], &bbox_ll[3], 21))
        bbox_ll[0] = bbox_ll[1] = bbox_ll[2] = bbox_ll[3] = NAN;
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(srs), OSRDestroySpatialReference(ll);
}

static json_object *item_base(const sm_config *cfg, const char *id, const char *title,
                              const char *datetime, const double *bbox)
{
    json_object *item = json_object_new_object(), *props = json_object_new_object(),
                *links = json_object_new_array();
    json_object_object_add(item, "type", json_object_new_string("Feature"));
    json_object_object_add(item, "stac_version", json_object_new_string(STAC_VERSION));
    json_object_object_add(item, "id", json_object_new_string(id));
    json_object_object_add(item, "collection", json_object_new_string(cfg->project));
    if (bbox && !isnan(bbox[0])) {
        json_object_object_add(item, "bbox", numbers(bbox, 4));
        json_object_object_add(item, "geometry", bbox_polygon(bbox));
    } else /* not on the earth (crs: local): a null geometry and no bbox, as STAC allows */
        json_object_object_add(item, "geometry", NULL);
    json_object_object_add(props, "datetime", json_object_new_string(datetime));
    json_object_object_add(props, "title", json_object_new_string(title));
    json_object_object_add(item, "properties", props);
    json_object_array_add(links, stac_link("root", "../catalog.json", "application/json"));
    json_object_array_add(links, stac_link("parent", "../collection.json", "application/json"));
    json_object_array_add(links, stac_link("collection", "../collection.json", "application/json"));
    json_object_object_add(item, "links", links);
    json_object_object_add(item, "assets", json_object_new_object());
    return item;
}

static json_object *asset(const char *href, const char *type, const char *role, const char *title)
{
    json_object *a = json_object_new_object(), *roles = json_object_new_array();
    char rel[300];
    snprintf(rel, sizeof rel, "../../%s", href); /* items live in web/stac/items/ */
    json_object_object_add(a, "href", json_object_new_string(rel));
    json_object_object_add(a, "type", json_object_new_string(type));
    json_object_array_add(roles, json_object_new_string(role));
    json_object_object_add(a, "roles", roles);
    if (title)
        json_object_object_add(a, "title", json_object_new_string(title));
    return a;
}

static int raster_item(const sm_config *cfg, const char *dir, const sm_stac_raster *r,
                       const char *datetime, double *union_bbox)
{
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO");
    GDALDatasetH ds = GDALOpen(r->path, GA_ReadOnly);
    if (!ds) {
        CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", NULL);
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", r->path);
    }
    json_object *props = json_object_new_object(), *bands = json_object_new_array();
    double bbox[4];
    grid_properties(ds, props, bbox);
    for (int b = 1; b <= GDALGetRasterCount(ds); b++)
        json_object_array_add(bands, band_json(GDALGetRasterBand(ds, b), r->unit));
    GDALClose(ds);
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", NULL);
    json_object *item = item_base(cfg, r->id, r->title, datetime, bbox), *p, *assets;
    json_object_object_get_ex(item, "properties", &p);
    json_object_object_foreach(props, key, val)
        json_object_object_add(p, key, json_object_get(val));
    json_object_put(props);
    json_object *ext = json_object_new_array();
    json_object_array_add(ext, json_object_new_string(PROJ_EXT));
    json_object_array_add(ext, json_object_new_string(RASTER_EXT));
    json_object_object_add(item, "stac_extensions", ext);
    json_object_object_get_ex(item, "assets", &assets);
    json_object *data = asset(r->href, COG_TYPE, "data", r->title);
    json_object_object_add(data, "raster:bands", bands);
    json_object_object_add(assets, "data", data);
    for (int k = 0; k < r->ntiles; k++) {
        char title[300];
        if (strstr(r->tiles[k].href, "{z}"))
            snprintf(title, sizeof title, "%s: XYZ tiles {z}/{x}/{y}.png, Web Mercator",
                     r->tiles[k].title);
        else
            snprintf(title, sizeof title,
                     "%s: PNG image on the grid, a pixel a cell, local "
                     "coordinates (proj:bbox)",
                     r->tiles[k].title);
        json_object_object_add(assets, r->tiles[k].key,
                               asset(r->tiles[k].href, "image/png", "visual", title));
    }
    for (int i = 0; !isnan(bbox[0]) && i < 4; i++)
        union_bbox[i] = i < 2 ? fmin(union_bbox[i], bbox[i]) : fmax(union_bbox[i], bbox[i]);
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/items/%s.json", dir, r->id);
    return write_json(item, path);
}

/* local: v->bbox is in local metres, not lon/lat: proj:bbox, no bbox. */
static int vector_item(const sm_config *cfg, const char *dir, const sm_stac_vector *v,
                       const char *datetime, int local, double *union_bbox)
{
    json_object *item = item_base(cfg, v->id, v->title, datetime, local ? NULL : v->bbox), *assets,
                *props, *ext = json_object_new_array();
    json_object_object_get_ex(item, "assets", &assets);
    json_object_object_get_ex(item, "properties", &props);
    json_object_object_add(props, "features", json_object_new_int64(v->features));
    if (local) {
        json_object_array_add(ext, json_object_new_string(PROJ_EXT));
        json_object_object_add(props, "proj:epsg", NULL);
        json_object_object_add(props, "proj:bbox", numbers(v->bbox, 4));
    }
    json_object_object_add(item, "stac_extensions", ext);
    json_object_object_add(
        assets, "geojson",
        asset(v->geojson_href, "application/geo+json", "data", "GeoJSON (RFC 7946)"));
    json_object_object_add(
        assets, "flatgeobuf",
        asset(v->fgb_href, "application/vnd.flatgeobuf", "data", "FlatGeobuf with spatial index"));
    for (int i = 0; v->features && !local && i < 4; i++)
        union_bbox[i] = i < 2 ? fmin(union_bbox[i], v->bbox[i]) : fmax(union_bbox[i], v->bbox[i]);
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/items/%s.json", dir, v->id);
    return write_json(item, path);
}

/* ---- catalog and collection ---- */

static int write_collection(const sm_config *cfg, const char *dir, const double *bbox,
                            const char *datetime, const char *const *ids, int n)
{
    json_object *c = json_object_new_object(), *links = json_object_new_array(),
                *extent = json_object_new_object(), *spatial = json_object_new_object(),
                *temporal = json_object_new_object(), *bboxes = json_object_new_array(),
                *intervals = json_object_new_array(), *interval = json_object_new_array();
    json_object_object_add(c, "type", json_object_new_string("Collection"));
    json_object_object_add(c, "stac_version", json_object_new_string(STAC_VERSION));
    json_object_object_add(c, "id", json_object_new_string(cfg->project));
    json_object_object_add(
        c, "description",
        json_object_new_string(
            "soilmap run: contaminant surfaces, exceedance classes and probabilities, hotspots, "
            "recommendations and screened sites"));
    json_object_object_add(c, "license", json_object_new_string("other"));
    json_object_array_add(bboxes, numbers(bbox, 4));
    json_object_object_add(spatial, "bbox", bboxes);
    json_object_array_add(interval, json_object_new_string(datetime));
    json_object_array_add(interval, json_object_new_string(datetime));
    json_object_array_add(intervals, interval);
    json_object_object_add(temporal, "interval", intervals);
    json_object_object_add(extent, "spatial", spatial);
    json_object_object_add(extent, "temporal", temporal);
    json_object_object_add(c, "extent", extent);
    json_object_array_add(links, stac_link("root", "./catalog.json", "application/json"));
    json_object_array_add(links, stac_link("parent", "./catalog.json", "application/json"));
    for (int i = 0; i < n; i++) {
        char href[200];
        snprintf(href, sizeof href, "./items/%s.json", ids[i]);
        json_object_array_add(links, stac_link("item", href, "application/geo+json"));
    }
    json_object_object_add(c, "links", links);
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/collection.json", dir);
    return write_json(c, path);
}

static int write_catalog(const sm_config *cfg, const char *dir)
{
    json_object *c = json_object_new_object(), *links = json_object_new_array();
    json_object_object_add(c, "type", json_object_new_string("Catalog"));
    json_object_object_add(c, "stac_version", json_object_new_string(STAC_VERSION));
    json_object_object_add(c, "id", json_object_new_string(cfg->project));
    json_object_object_add(c, "description", json_object_new_string("soilmap products"));
    json_object_array_add(links, stac_link("root", "./catalog.json", "application/json"));
    json_object_array_add(links, stac_link("child", "./collection.json", "application/json"));
    json_object_object_add(c, "links", links);
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/catalog.json", dir);
    return write_json(c, path);
}

/* The products describe the samples, so their datetime is the sample
 * file's modification time (not the run's, which would make every forced
 * rerun write a different catalog). */
static void product_datetime(const sm_config *cfg, char *out, size_t size)
{
    struct stat st;
    time_t t = stat(cfg->samples.path, &st) == 0 ? st.st_mtime : 0;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sm_stac_write(const sm_config *cfg, const char *web, const sm_stac_raster *r, int nr,
                  const sm_stac_vector *v, int nv, int local)
{
    char dir[SM_PATH_SIZE], items[SM_PATH_SIZE], datetime[40];
    snprintf(dir, sizeof dir, "%s/stac", web);
    snprintf(items, sizeof items, "%s/items", dir);
    int rc = sm_make_dirs(items);
    product_datetime(cfg, datetime, sizeof datetime);
    double bbox[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    const char **ids = calloc((size_t)(nr + nv + 1), sizeof *ids);
    for (int i = 0; i < nr && rc == SM_OK; i++)
        rc = raster_item(cfg, dir, &r[i], datetime, bbox), ids[i] = r[i].id;
    for (int i = 0; i < nv && rc == SM_OK; i++)
        rc = vector_item(cfg, dir, &v[i], datetime, local, bbox), ids[nr + i] = v[i].id;
    if (!(bbox[0] <= bbox[2])) { /* nothing on the earth (crs: local): the whole world, since a
                                  * collection's spatial extent is required */
        bbox[0] = -180, bbox[1] = -90, bbox[2] = 180, bbox[3] = 90;
    }
    if (rc == SM_OK)
        rc = write_collection(cfg, dir, bbox, datetime, ids, nr + nv);
    if (rc == SM_OK)
        rc = write_catalog(cfg, dir);
    free(ids);
    return rc;
}
