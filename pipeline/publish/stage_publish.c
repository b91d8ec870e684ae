/* The publish stage's descriptor. Its outputs in run.json are
 * the entry points (viewer, layer list, STAC catalog, report); the tiles
 * are many small files and are not hashed one by one. */
#include "core/error.h"
#include "core/log.h"
#include "publish/publish.h"
#include "publish/stage_publish.h"
#include "stage/products.h"
#include "stage/stage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int enabled(const sm_config *cfg) { return cfg->publish.present; }

/* Its inputs are earlier stages' outputs, covered by their keys. */
static int outputs(const sm_config *cfg, sm_paths *paths)
{
    const char *web[] = {"stac/catalog.json", "stac/collection.json", "layers.json", "index.html"};
    char path[SM_PATH_SIZE];
    int rc = SM_OK;
    for (int i = 0; i < 4 && rc == SM_OK; i++) {
        if (i >= 2 && !cfg->publish.viewer)
            continue;
        sm_product_member(path, sizeof path, cfg, SM_PRODUCT_WEB, "%s", web[i]);
        rc = sm_paths_add(paths, "%s", path);
    }
    if (rc == SM_OK && cfg->publish.report)
        rc = sm_products_add(paths, cfg, SM_PRODUCT_REPORT);
    return rc;
}

static int run(const sm_stage_ctx *ctx, json_object *rec)
{
    const sm_config *cfg = ctx->cfg;
    sm_publish_summary s;
    int rc = sm_publish(ctx, &s);
    json_object_object_add(rec, "rasters", json_object_new_int(s.rasters));
    json_object_object_add(rec, "tile_pyramids", json_object_new_int(s.tiled));
    json_object_object_add(rec, "vector_layers", json_object_new_int(s.vectors));
    json_object *z = json_object_new_array();
    json_object_array_add(z, json_object_new_int(s.zmin));
    json_object_array_add(z, json_object_new_int(s.zmax));
    json_object_object_add(rec, "zoom", cfg->publish.tiles && !s.local ? z : NULL);
    if (!cfg->publish.tiles || s.local)
        json_object_put(z);
    json_object_object_add(rec, "tiles", json_object_new_boolean(cfg->publish.tiles));
    /* crs: local: images on the grid in web/images/, no XYZ tiles, no basemap */
    json_object_object_add(rec, "local_canvas", json_object_new_boolean(s.local));
    json_object_object_add(
        rec, "basemap",
        cfg->publish.basemap_url[0] ? json_object_new_string(cfg->publish.basemap_url) : NULL);
    json_object_object_add(rec, "viewer", json_object_new_boolean(cfg->publish.viewer));
    json_object_object_add(rec, "report", json_object_new_boolean(cfg->publish.report));
    if (rc != SM_OK)
        return rc;
    char tiles[64] = "no tiles", viewer[SM_PATH_SIZE + 40] = "no viewer";
    if (cfg->publish.tiles && s.local)
        snprintf(tiles, sizeof tiles, "%d images in local coordinates", s.tiled);
    else if (cfg->publish.tiles)
        snprintf(tiles, sizeof tiles, "%d pyramids, zoom %d-%d", s.tiled, s.zmin, s.zmax);
    if (cfg->publish.viewer)
        snprintf(viewer, sizeof viewer, "viewer: %s/web/index.html", cfg->output);
    sm_log(SM_LOG_RESULT, "publish: %d rasters (%s), %d vector layers, STAC catalog, %s%s",
           s.rasters, tiles, s.vectors, viewer, cfg->publish.report ? ", report.html" : "");
    return rc;
}

/* the web tiles: split among MPI ranks, but not among slices */
const sm_stage sm_stage_publish = {
    .name = "publish",
    .needs_grid = 1,
    .args = "CONFIG",
    .summary = "web products in <output>/web/ (COGs, XYZ tiles, GeoJSON,\n"
               "FlatGeobuf, STAC, a Leaflet viewer) and <output>/report.html",
    .help = "Writes <output>/web/ for web portals: cog/ (every surface, variance, probability\n"
            "and class raster as a Cloud Optimized GeoTIFF), tiles/<id>/{z}/{x}/{y}.png (XYZ\n"
            "pyramids in Web Mercator with legend.json and legend.png), vectors/ (hotspots,\n"
            "recommendations, samples, sources, sites as GeoJSON and FlatGeobuf), stac/ (a STAC\n"
            "catalog of all of it) and index.html, a viewer that works offline from any static\n"
            "web server, e.g.:\n"
            "  python3 -m http.server --bind 127.0.0.1 --directory out/demo/web 8000\n"
            "and <output>/report.html, the run report in one file. No basemap unless\n"
            "publish.basemap gives one; with crs: local the maps are images on a plain\n"
            "metric canvas (web/images/), not web tiles. See docs/publish.md.\n",
    .enabled = enabled,
    .skip_note = "no 'publish' section in the config",
    .outputs = outputs,
    .run = run,
    .all_ranks = 1,
};
