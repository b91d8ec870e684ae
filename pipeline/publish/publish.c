/* The publish stage: <out>/web/ for web portals and anyone with a browser.
 *   cog/       every surface, variance, probability and class raster (hard
 *              links to the run's COGs, so nothing is copied)
 *   tiles/<id>/{z}/{x}/{y}.png  colour-ramped XYZ pyramids, with legends
 *              (images/<id>/image.png, one picture on the grid, when the
 *              working CRS is local: Web Mercator cannot hold it)
 *   vectors/   GeoJSON and FlatGeobuf layers
 *   stac/      a STAC catalog of all of it
 *   index.html the Leaflet viewer (layers.json tells it what there is)
 * and <out>/report.html. docs/publish.md describes them. */
#include "publish/publish.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/ranks.h"
#include "core/version.h"
#include "features/webvectors.h"
#include "publish/report.h"
#include "publish/stac.h"
#include "render/colormap.h"
#include "render/quicklook.h"
#include "render/tiles.h"
#include "stage/products.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAXP = 160, PATH = SM_PATH_SIZE };

typedef struct {
    sm_stac_raster stac; /* stac.tiles[k]: the pyramid of band bands[k] */
    int bands[SM_STAC_MAX_TILES];
    char ids[SM_STAC_MAX_TILES][96]; /* the pyramids' folders under web/tiles/ */
    int classes;                     /* a class raster: nearest neighbour, its colour table */
    char kind[16];
    int local; /* an image on the grid in images/<id>/, not a pyramid */
} product;

typedef struct {
    product p[MAXP];
    int n;
    int local; /* crs: local */
} products;

/* A pyramid of band `band` of p, named id, shown as title. */
static void add_pyramid(product *p, const char *key, const char *id, const char *title, int band)
{
    int k = p->stac.ntiles++;
    sm_stac_tiles *t = &p->stac.tiles[k];
    snprintf(t->key, sizeof t->key, "%s", key);
    if (p->local)
        snprintf(t->href, sizeof t->href, "images/%s/image.png", id);
    else
        snprintf(t->href, sizeof t->href, "tiles/%s/{z}/{x}/{y}.png", id);
    snprintf(t->title, sizeof t->title, "%s", title);
    snprintf(p->ids[k], sizeof p->ids[k], "%s", id);
    p->bands[k] = band;
}

/* One pyramid per tier of a probability raster (a band each, described by
 * classify as "P(cd > intervention)"); ids <c>_prob_tier<k>. */
static void add_tier_pyramids(product *p)
{
    GDALDatasetH ds = GDALOpen(p->stac.path, GA_ReadOnly);
    int n = ds ? GDALGetRasterCount(ds) : 0;
    for (int b = 1; b <= n && b <= SM_STAC_MAX_TILES; b++) {
        const char *desc = GDALGetDescription(GDALGetRasterBand(ds, b));
        char key[32], id[128], title[160];
        snprintf(key, sizeof key, "tiles_tier%d", b);
        snprintf(id, sizeof id, "%s_tier%d", p->stac.id, b);
        if (*desc)
            snprintf(title, sizeof title, "%s", desc);
        else
            snprintf(title, sizeof title, "%s, tier %d", p->stac.title, b);
        add_pyramid(p, key, id, title, b);
    }
    if (ds)
        GDALClose(ds);
}

static void add(products *ps, const char *path, const char *id, const char *title, const char *unit,
                int tiles, int classes, const char *kind)
{
    product *p = &ps->p[ps->n];
    memset(p, 0, sizeof *p);
    snprintf(p->stac.path, sizeof p->stac.path, "%s", path);
    struct stat st;
    if (ps->n == MAXP || stat(p->stac.path, &st) != 0)
        return;
    snprintf(p->stac.id, sizeof p->stac.id, "%s", id);
    snprintf(p->stac.title, sizeof p->stac.title, "%s", title);
    snprintf(p->stac.unit, sizeof p->stac.unit, "%s", unit);
    snprintf(p->stac.href, sizeof p->stac.href, "cog/%s.tif", id);
    p->classes = classes;
    p->local = ps->local;
    snprintf(p->kind, sizeof p->kind, "%s", kind);
    if (tiles && !strcmp(kind, "prob"))
        add_tier_pyramids(p);
    else if (tiles)
        add_pyramid(p, "tiles", id, title, 1);
    ps->n++;
}

static void list_products(const sm_config *cfg, products *ps)
{
    const char *names[SM_MAX_CONTAMINANTS];
    char file[PATH], id[96], title[160], unit[40];
    int n = sm_products_interpolated(cfg, names);
    ps->n = 0;
    for (int i = 0; i < n; i++) {
        const char *u = sm_config_unit(cfg, names[i]);
        sm_product_member(file, sizeof file, cfg, SM_PRODUCT_SURFACE, "%s", names[i]);
        snprintf(title, sizeof title, "%s concentration", names[i]);
        add(ps, file, names[i], title, u, cfg->publish.tiles, 0, "surface");
        snprintf(id, sizeof id, "%s_var", names[i]);
        sm_product_member(file, sizeof file, cfg, SM_PRODUCT_SURFACE, "%s", id);
        snprintf(title, sizeof title, "%s kriging variance", names[i]);
        snprintf(unit, sizeof unit, "(%s)^2", u);
        add(ps, file, id, title, unit, 0, 0, "variance");
    }
    n = cfg->thresholds.present ? sm_products_classified(cfg, names) : 0;
    static const char *const what[][3] = {{"prob", "probability of exceeding each tier", "1"},
                                          {"class", "exceedance class", "1"},
                                          {"ratio", "ratio to the first tier", "0"}};
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) {
            snprintf(id, sizeof id, "%s_%s", names[i], what[k][0]);
            sm_product_member(file, sizeof file, cfg, SM_PRODUCT_CLASS, "%s", id);
            snprintf(title, sizeof title, "%s %s", names[i], what[k][1]);
            add(ps, file, id, title, k == 2 ? "ratio" : "",
                cfg->publish.tiles && what[k][2][0] == '1', k == 1, what[k][0]);
        }
    static const char *const summary[][2] = {{"n_exceeding", "contaminants above the first tier"},
                                             {"max_ratio", "maximum ratio to the first tier"},
                                             {"nemerow", "Nemerow integrated pollution index"},
                                             {"pli", "pollution load index"}};
    for (int k = 0; cfg->thresholds.present && k < 4; k++) {
        sm_product_member(file, sizeof file, cfg, SM_PRODUCT_CLASS, "%s", summary[k][0]);
        add(ps, file, summary[k][0], summary[k][1], "", 0, 0, "summary");
    }
}

/* ---- COGs: hard links into web/cog/ (a copy across file systems) ---- */

static int link_file(const char *from, const char *to)
{
    unlink(to);
    if (link(from, to) == 0 || CPLCopyFile(to, from) == 0)
        return SM_OK;
    return sm_error_set(SM_EIO, "%s: cannot link or copy %s", to, from);
}

static int publish_cogs(const sm_config *cfg, const products *ps)
{
    char dir[PATH], to[PATH + 300], aux[PATH + 8], aux_to[PATH + 310];
    sm_product_member(dir, sizeof dir, cfg, SM_PRODUCT_WEB, "cog");
    int rc = sm_make_dirs(dir);
    for (int i = 0; i < ps->n && rc == SM_OK; i++) {
        sm_product_member(to, sizeof to, cfg, SM_PRODUCT_WEB, "%s", ps->p[i].stac.href);
        rc = link_file(ps->p[i].stac.path, to);
        snprintf(aux, sizeof aux, "%s.aux.xml", ps->p[i].stac.path); /* category names */
        snprintf(aux_to, sizeof aux_to, "%s.aux.xml", to);
        if (rc == SM_OK && access(aux, F_OK) == 0)
            rc = link_file(aux, aux_to);
    }
    return rc;
}

/* ---- tiles ---- */

static int class_colours(const char *path, sm_colormap *m)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", path);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALColorTableH ct = GDALGetRasterColorTable(b);
    char **names = GDALGetRasterCategoryNames(b);
    int n = CSLCount(names);
    unsigned char rgba[SM_COLORMAP_MAXSTOPS][4];
    for (int k = 0; k < n && k < SM_COLORMAP_MAXSTOPS; k++) {
        const GDALColorEntry *e = ct ? GDALGetColorEntry(ct, k) : NULL;
        rgba[k][0] = e ? e->c1 : 128, rgba[k][1] = e ? e->c2 : 128;
        rgba[k][2] = e ? e->c3 : 128, rgba[k][3] = 220;
    }
    sm_colormap_classes(GDALGetDescription(b), n, (const unsigned char(*)[4])rgba,
                        (const char *const *)names, m);
    GDALClose(ds);
    return SM_OK;
}

/* The ramp of sm_colormap_surface over the surface's exact range, as the
 * report's quicklooks have it. */
static int surface_colours(const product *p, sm_colormap *m)
{
    GDALDatasetH ds = GDALOpen(p->stac.path, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open", p->stac.path);
    double mm[2];
    int rc = sm_quicklook_minmax(GDALGetRasterBand(ds, 1), p->stac.path, mm);
    GDALClose(ds);
    char title[200];
    snprintf(title, sizeof title, "%s (%s)", p->stac.title, p->stac.unit);
    if (rc == SM_OK)
        sm_colormap_surface(title, mm[0], mm[1], m);
    return rc;
}

/* Pyramid k of p. */
static int publish_tiles(const sm_config *cfg, const product *p, int k, int zmin, int zmax)
{
    sm_colormap m;
    const char *id = p->ids[k];
    int rc = p->classes ? class_colours(p->stac.path, &m)
             : !strcmp(p->kind, "prob")
                 ? (sm_colormap_probability(p->stac.tiles[k].title, &m), SM_OK)
                 : surface_colours(p, &m);
    char dir[PATH];
    sm_product_member(dir, sizeof dir, cfg, SM_PRODUCT_WEB, "%s/%s", p->local ? "images" : "tiles",
                      id);
    sm_tiles_spec spec = {p->stac.path, p->bands[k], dir,       &m,         p->classes,
                          zmin,         zmax,        sm_rank(), sm_nranks()};
    sm_tiles_result r;
    double bounds[4];
    if (rc == SM_OK && p->local)
        return sm_rank() == 0 ? sm_tiles_image(&spec, bounds) : SM_OK;
    if (rc == SM_OK)
        rc = sm_tiles_render(&spec, &r);
    if (rc == SM_OK)
        sm_log(SM_LOG_DEBUG, "publish: %s: %ld tiles (%ld transparent), zoom %d-%d", id, r.written,
               r.empty, zmin, zmax);
    return rc;
}

/* web/tiles/ (or web/images/) holds this run's pyramids only: those of
 * products gone, of tiers a new table lacks, or all of them with
 * publish.tiles off or in the folder the CRS does not use, are removed so
 * that nothing stale is served. */
static int prune_tiles(const sm_config *cfg, const products *ps, const char *sub, int used)
{
    char dir[PATH], path[PATH + 300];
    sm_product_member(dir, sizeof dir, cfg, SM_PRODUCT_WEB, "%s", sub);
    char **names = VSIReadDir(dir);
    int rc = SM_OK;
    for (int i = 0; names && names[i] && rc == SM_OK; i++) {
        int keep = !strcmp(names[i], ".") || !strcmp(names[i], "..");
        for (int j = 0; j < ps->n && !keep && used; j++)
            for (int k = 0; k < ps->p[j].stac.ntiles && !keep; k++)
                keep = !strcmp(names[i], ps->p[j].ids[k]);
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!keep && CPLUnlinkTree(path) != 0)
            rc = sm_error_set(SM_EIO, "%s: cannot remove the stale pyramid", path);
    }
    CSLDestroy(names);
    if (rc == SM_OK && !used && access(dir, F_OK) == 0 && rmdir(dir) != 0)
        rc = sm_error_set(SM_EIO, "%s: cannot remove", dir);
    return rc;
}

/* ---- the viewer ---- */

static int copy_into(const char *from, const char *to_dir, const char *name)
{
    char src[PATH], dst[PATH + 300];
    snprintf(src, sizeof src, "%s/%s", from, name);
    snprintf(dst, sizeof dst, "%s/%s", to_dir, name);
    return CPLCopyFile(dst, src) == 0 ? SM_OK
                                      : sm_error_set(SM_EIO, "%s: cannot copy %s", dst, src);
}

/* Leaflet from Debian's libjs-leaflet (scripts/setup installs it). */
static int copy_viewer(const char *web)
{
    static const char *const own[] = {"index.html", "viewer.js", "viewer.css"};
    static const char *const leaflet[] = {"leaflet.js",
                                          "leaflet.css",
                                          "images/layers.png",
                                          "images/layers-2x.png",
                                          "images/marker-icon.png",
                                          "images/marker-icon-2x.png",
                                          "images/marker-shadow.png"};
    const char *lib = "/usr/share/javascript/leaflet";
    char dir[PATH];
    int rc = SM_OK;
    for (unsigned i = 0; rc == SM_OK && i < 3; i++)
        rc = copy_into(SM_DATA_DIR "/viewer", web, own[i]);
    snprintf(dir, sizeof dir, "%s/lib/leaflet/images", web);
    if (rc == SM_OK)
        rc = sm_make_dirs(dir);
    snprintf(dir, sizeof dir, "%s/lib/leaflet", web);
    for (unsigned i = 0; rc == SM_OK && i < sizeof leaflet / sizeof *leaflet; i++)
        rc = copy_into(lib, dir, leaflet[i]);
    if (rc != SM_OK)
        sm_error_set(rc, "%s (is Debian's libjs-leaflet installed? scripts/setup installs it)",
                     sm_error_message());
    return rc;
}

/* {"cd": "mg/kg", ...}: the unit of each contaminant's values, for popups. */
static json_object *units_json(const sm_config *cfg)
{
    json_object *u = json_object_new_object();
    for (int i = 0; i < cfg->samples.n_contaminants; i++) {
        const char *name = cfg->samples.contaminants[i].name;
        json_object_object_add(u, name, json_object_new_string(sm_config_unit(cfg, name)));
    }
    return u;
}

static int write_layers(const sm_config *cfg, const char *web, const products *ps,
                        const sm_web_vectors *wv, const double *bbox, int zmin, int zmax)
{
    json_object *o = json_object_new_object(), *tiles = json_object_new_array(),
                *vectors = json_object_new_array(), *b = json_object_new_array();
    for (int i = 0; i < 4; i++)
        json_object_array_add(b, json_object_new_double(bbox[i]));
    json_object_object_add(o, "project", json_object_new_string(cfg->project));
    /* "local": bounds and vectors in local metres, images in place of tiles */
    json_object_object_add(o, "crs", json_object_new_string(ps->local ? "local" : "EPSG:4326"));
    json_object_object_add(o, "bounds", b);
    if (cfg->publish.basemap_url[0]) { /* only when asked: a basemap fetches from its server */
        json_object *bm = json_object_new_object();
        json_object_object_add(bm, "url", json_object_new_string(cfg->publish.basemap_url));
        json_object_object_add(bm, "attribution",
                               json_object_new_string(cfg->publish.basemap_attribution));
        json_object_object_add(o, "basemap", bm);
    }
    json_object_object_add(o, "units", units_json(cfg));
    json_object_object_add(o, "minzoom", json_object_new_int(zmin));
    json_object_object_add(o, "maxzoom", json_object_new_int(zmax));
    for (int i = 0; i < ps->n; i++)
        for (int k = 0; k < ps->p[i].stac.ntiles; k++) {
            const product *p = &ps->p[i];
            json_object *t = json_object_new_object();
            char url[300];
            json_object_object_add(t, "id", json_object_new_string(p->ids[k]));
            json_object_object_add(t, "title", json_object_new_string(p->stac.tiles[k].title));
            json_object_object_add(t, "url", json_object_new_string(p->stac.tiles[k].href));
            snprintf(url, sizeof url, "%s/%s/legend.json", p->local ? "images" : "tiles",
                     p->ids[k]);
            json_object_object_add(t, "legend", json_object_new_string(url));
            json_object_object_add(t, "minzoom", json_object_new_int(zmin));
            json_object_object_add(t, "maxzoom", json_object_new_int(zmax));
            if (!strcmp(p->kind, "prob"))
                json_object_object_add(t, "tier", json_object_new_int(p->bands[k]));
            if (p->stac.unit[0])
                json_object_object_add(t, "unit", json_object_new_string(p->stac.unit));
            json_object_array_add(tiles, t);
        }
    if (!cfg->publish.tiles) /* the viewer says why it shows no raster map */
        json_object_object_add(
            o, "note",
            json_object_new_string("No raster maps: the config switches tiles off "
                                   "(publish.tiles: false). The rasters are in cog/ as "
                                   "Cloud Optimized GeoTIFFs, listed in stac/."));
    if (ps->local)
        json_object_object_add(
            o, "local_note",
            json_object_new_string("Local coordinates (crs: local, engineering metres): the "
                                   "survey has no georeference, so the maps are drawn on a "
                                   "plain metric canvas without a basemap."));
    for (int i = 0; i < wv->n; i++) {
        const char *id = wv->layers[i].name;
        if (!strcmp(id, "recommendations"))
            continue; /* shown in the hotspots' popups */
        json_object *v = json_object_new_object();
        char url[300];
        snprintf(url, sizeof url, "vectors/%s.geojson", id);
        json_object_object_add(v, "id", json_object_new_string(id));
        json_object_object_add(v, "title", json_object_new_string(id));
        json_object_object_add(v, "url", json_object_new_string(url));
        json_object_object_add(
            v, "visible", json_object_new_boolean(!strcmp(id, "hotspots") || !strcmp(id, "sites")));
        json_object_array_add(vectors, v);
    }
    json_object_object_add(o, "tiles", tiles);
    json_object_object_add(o, "vectors", vectors);
    char path[PATH];
    snprintf(path, sizeof path, "%s/layers.json", web);
    int rc = sm_json_write(o, path);
    json_object_put(o);
    return rc;
}

/* ---- the stage ---- */

static void stac_vectors(const sm_web_vectors *wv, sm_stac_vector *v)
{
    for (int i = 0; i < wv->n; i++) {
        const sm_web_layer *l = &wv->layers[i];
        snprintf(v[i].id, sizeof v[i].id, "%s", l->name);
        snprintf(v[i].title, sizeof v[i].title, "%s", l->name);
        snprintf(v[i].geojson_href, sizeof v[i].geojson_href, "vectors/%s.geojson", l->name);
        snprintf(v[i].fgb_href, sizeof v[i].fgb_href, "vectors/%s.fgb", l->name);
        memcpy(v[i].bbox, l->bbox, sizeof v[i].bbox);
        v[i].features = l->features;
    }
}

static int zoom_range(const sm_config *cfg, const products *ps, int *zmin, int *zmax)
{
    *zmin = cfg->publish.zmin, *zmax = cfg->publish.zmax;
    if (ps->local) /* no zoom levels: one image each */
        *zmin = *zmax = 0;
    if (*zmin >= 0 || ps->n == 0)
        return SM_OK;
    return sm_tiles_zoom_range(ps->p[0].stac.path, zmin, zmax);
}

static int publish_rasters(const sm_config *cfg, const products *ps, int zmin, int zmax)
{
    int rc = sm_rank() == 0 ? publish_cogs(cfg, ps) : SM_OK;
    if (rc == SM_OK && sm_rank() == 0)
        rc = prune_tiles(cfg, ps, "tiles", cfg->publish.tiles && !ps->local);
    if (rc == SM_OK && sm_rank() == 0)
        rc = prune_tiles(cfg, ps, "images", cfg->publish.tiles && ps->local);
    for (int i = 0; i < ps->n && rc == SM_OK; i++)
        for (int k = 0; k < ps->p[i].stac.ntiles && rc == SM_OK; k++)
            rc = publish_tiles(cfg, &ps->p[i], k, zmin, zmax);
    return rc;
}

/* A part switched off (publish.viewer or publish.report: false) leaves
 * nothing of an earlier run that would show stale results. */
static int remove_stale(const sm_config *cfg, const char *web)
{
    static const char *const viewer[] = {"index.html", "viewer.js", "viewer.css", "layers.json",
                                         "lib"};
    char path[PATH + 300];
    for (unsigned i = 0; !cfg->publish.viewer && i < sizeof viewer / sizeof *viewer; i++) {
        snprintf(path, sizeof path, "%s/%s", web, viewer[i]);
        if (access(path, F_OK) == 0 && CPLUnlinkTree(path) != 0)
            return sm_error_set(SM_EIO, "%s: cannot remove", path);
    }
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_REPORT);
    if (!cfg->publish.report && access(path, F_OK) == 0 && unlink(path) != 0)
        return sm_error_set(SM_EIO, "%s: cannot remove", path);
    return SM_OK;
}

int sm_publish(const sm_stage_ctx *ctx, sm_publish_summary *out)
{
    const sm_config *cfg = ctx->cfg;
    memset(out, 0, sizeof *out);
    char web[PATH];
    sm_product_path(web, sizeof web, cfg, SM_PRODUCT_WEB);
    products *ps = malloc(sizeof *ps);
    ps->local = sm_crs_is_local(ctx->srs);
    list_products(cfg, ps);
    sm_web_vectors wv;
    sm_stac_vector *sv = calloc(SM_WEBVECTORS_MAX, sizeof *sv);
    int zmin = 0, zmax = 0;
    int rc = sm_make_dirs(web);
    if (rc == SM_OK)
        rc = zoom_range(cfg, ps, &zmin, &zmax);
    if (rc == SM_OK)
        rc = publish_rasters(cfg, ps, zmin, zmax);
    if (sm_rank() != 0) { /* under MPI the other ranks render their share of the tiles only */
        free(sv), free(ps);
        return rc;
    }
    if (rc == SM_OK)
        rc = sm_webvectors_write(cfg, ps->local, &wv);
    sm_stac_raster *sr = calloc((size_t)ps->n + 1, sizeof *sr);
    for (int i = 0; i < ps->n; i++)
        sr[i] = ps->p[i].stac;
    if (rc == SM_OK)
        stac_vectors(&wv, sv), rc = sm_stac_write(cfg, web, sr, ps->n, sv, wv.n, ps->local);
    double bbox[4];
    if (rc == SM_OK)
        rc = sm_publish_bounds(ctx, bbox);
    if (rc == SM_OK && cfg->publish.viewer)
        rc = copy_viewer(web);
    if (rc == SM_OK && cfg->publish.viewer)
        rc = write_layers(cfg, web, ps, &wv, bbox, zmin, zmax);
    char report[PATH];
    sm_product_path(report, sizeof report, cfg, SM_PRODUCT_REPORT);
    if (rc == SM_OK && cfg->publish.report)
        rc = sm_report_write(cfg, report);
    if (rc == SM_OK)
        rc = remove_stale(cfg, web);
    out->rasters = ps->n, out->vectors = wv.n, out->zmin = zmin, out->zmax = zmax;
    out->local = ps->local;
    for (int i = 0; i < ps->n; i++)
        out->tiled += ps->p[i].stac.ntiles;
    free(sr), free(sv), free(ps);
    return rc;
}

int sm_publish_bounds(const sm_stage_ctx *ctx, double bbox[4])
{
    const sm_grid g = *ctx->grid;
    if (sm_crs_is_local(ctx->srs)) { /* no lon/lat: the grid's own metres */
        bbox[0] = g.xmin, bbox[1] = g.ymin, bbox[2] = g.xmax, bbox[3] = g.ymax;
        return SM_OK;
    }
    OGRSpatialReferenceH ll = sm_crs_new("EPSG:4326");
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(ctx->srs, ll);
    int ok = ct && OCTTransformBounds(ct, g.xmin, g.ymin, g.xmax, g.ymax, &bbox[0], &bbox[1],
                                      &bbox[2], &bbox[3], 21);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(ll);
    return ok ? SM_OK : sm_error_set(SM_EDATA, "cannot express the grid in lon/lat");
}
