/* The working CRS and the analysis grid: given in the config, or taken from
 * a template raster (`grid.like`), as national reference grids and
 * `gdalwarp -tap` align products. */
#include "config/config.h"
#include "config/yamlread.h"
#include "core/crs.h"
#include "core/error.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The template's cells: square, north-up; their edges give the origin. */
static int read_like(const sm_ynode *n, sm_grid_config *g, char **wkt, double bounds[4])
{
    GDALDatasetH ds = GDALOpenEx(g->like, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        return sm_y_error(n, "%s: not a raster GDAL can open", g->like);
    double gt[6];
    int ok = GDALGetGeoTransform(ds, gt) == CE_None;
    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    if (srs)
        OSRExportToWkt(srs, wkt);
    GDALClose(ds);
    if (!ok || !*wkt)
        return sm_y_error(n, "%s: the raster has no georeference (geotransform and CRS)", g->like);
    if (gt[2] != 0 || gt[4] != 0 || gt[5] >= 0)
        return sm_y_error(n, "%s: the raster is rotated or not north-up; the grid is north-up",
                          g->like);
    if (fabs(gt[1] + gt[5]) > 1e-9 * gt[1])
        return sm_y_error(n, "%s: cells of %g x %g are not square", g->like, gt[1], -gt[5]);
    g->resolution = gt[1];
    g->origin[0] = gt[0], g->origin[1] = gt[3];
    bounds[0] = gt[0], bounds[1] = gt[3] + h * gt[5];
    bounds[2] = gt[0] + w * gt[1], bounds[3] = gt[3];
    return SM_OK;
}

static int load_crs(const sm_ynode *root, sm_config *cfg, const char *like_wkt)
{
    sm_ynode n;
    SM_TRY(sm_y_key_string(root, "crs", !like_wkt, &cfg->crs));
    if (!cfg->crs) {
        cfg->crs = strdup(like_wkt);
        n = *root;
    } else
        sm_y_get(root, "crs", &n);
    OGRSpatialReferenceH srs = sm_crs_new(cfg->crs);
    if (!srs)
        return sm_y_error(&n,
                          "'%s' is not a CRS that PROJ knows (use e.g. EPSG:32633, WKT, or "
                          "'local' for a survey without a georeference)",
                          cfg->crs);
    int ok = sm_crs_is_metric_projected(srs), same = 1;
    if (like_wkt) {
        OGRSpatialReferenceH like = sm_crs_new(like_wkt);
        same = like && OSRIsSame(srs, like);
        OSRDestroySpatialReference(like);
    }
    OSRDestroySpatialReference(srs);
    if (!ok)
        return sm_y_error(&n,
                          "'%s' is not a projected CRS in metres; interpolation needs one "
                          "(e.g. the UTM zone of the area)",
                          cfg->crs);
    if (!same)
        return sm_y_error(&n, "'%s' is not the CRS of grid.like (%s); leave crs out to take it",
                          cfg->crs, cfg->grid.like);
    return SM_OK;
}

/* `extent`: from-samples (default), like (the template's), or 4 numbers. */
static int load_extent(const sm_ynode *grid, sm_grid_config *g, const double *like_bounds)
{
    sm_ynode n;
    g->from_samples = 1;
    if (!sm_y_get(grid, "extent", &n))
        return SM_OK;
    if (!sm_y_is_seq(&n)) {
        static const char *const words[] = {"from-samples", "like", NULL};
        int which;
        SM_TRY(sm_y_choice(&n, words, &which));
        if (which == 1 && !g->like)
            return sm_y_error(&n, "'like' takes the extent of grid.like, which is not given");
        if (which == 1)
            memcpy(g->extent, like_bounds, sizeof g->extent), g->from_samples = 0;
        return SM_OK;
    }
    if (sm_y_seq_len(&n) != 4)
        return sm_y_error(&n, "expected 'from-samples', 'like' or [xmin, ymin, xmax, ymax]");
    for (int i = 0; i < 4; i++) {
        sm_ynode item = sm_y_seq_item(&n, i);
        SM_TRY(sm_y_number(&item, -HUGE_VAL, HUGE_VAL, &g->extent[i]));
    }
    if (g->extent[2] <= g->extent[0] || g->extent[3] <= g->extent[1])
        return sm_y_error(&n, "xmax must exceed xmin and ymax must exceed ymin");
    g->from_samples = 0;
    return SM_OK;
}

static int load_origin(const sm_ynode *grid, sm_grid_config *g)
{
    sm_ynode n;
    if (!sm_y_get(grid, "origin", &n))
        return SM_OK;
    if (g->like)
        return sm_y_error(&n, "give 'origin' or 'like', not both: like sets the origin");
    if (!sm_y_is_seq(&n) || sm_y_seq_len(&n) != 2)
        return sm_y_error(&n, "expected [x, y], a point on the cell edges");
    for (int i = 0; i < 2; i++) {
        sm_ynode item = sm_y_seq_item(&n, i);
        SM_TRY(sm_y_number(&item, -HUGE_VAL, HUGE_VAL, &g->origin[i]));
    }
    return SM_OK;
}

/* `mask`: a path, or {path, layer}. */
static int load_mask(const sm_ynode *grid, sm_grid_config *g)
{
    static const char *const keys[] = {"path", "layer", NULL};
    sm_ynode n;
    if (!sm_y_get(grid, "mask", &n))
        return SM_OK;
    if (!sm_y_is_map(&n))
        return sm_y_key_path(grid, "mask", 1, &g->mask);
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_path(&n, "path", 1, &g->mask));
    return sm_y_key_string(&n, "layer", 0, &g->mask_layer);
}

/* The resolution: given, or the template's (then a given one must agree). */
static int load_resolution(const sm_ynode *grid, sm_grid_config *g)
{
    double like_res = g->resolution;
    SM_TRY(sm_y_key_number(grid, "resolution", !g->like, 1e-6, HUGE_VAL, &g->resolution));
    if (!g->like || g->resolution == like_res)
        return SM_OK;
    sm_ynode n;
    sm_y_get(grid, "resolution", &n);
    return sm_y_error(&n, "%g differs from the %g m cells of grid.like %s; leave it out",
                      g->resolution, like_res, g->like);
}

int sm_config_load_grid(const void *rootp, sm_config *cfg)
{
    static const char *const keys[] = {"resolution", "extent", "buffer", "origin",
                                       "like",       "mask",   NULL};
    const sm_ynode *root = rootp;
    sm_grid_config *g = &cfg->grid;
    sm_ynode grid;
    if (!sm_y_get(root, "grid", &grid))
        return sm_y_error(root, "missing required key 'grid'");
    SM_TRY(sm_y_check_map(&grid, keys));
    SM_TRY(sm_y_key_path(&grid, "like", 0, &g->like));
    char *like_wkt = NULL;
    double like_bounds[4] = {0};
    int rc = SM_OK;
    if (g->like) {
        sm_ynode n;
        sm_y_get(&grid, "like", &n);
        rc = read_like(&n, g, &like_wkt, like_bounds);
    }
    if (rc == SM_OK)
        rc = load_crs(root, cfg, like_wkt);
    CPLFree(like_wkt);
    SM_TRY(rc);
    SM_TRY(load_resolution(&grid, g));
    g->buffer = 0.0;
    SM_TRY(sm_y_key_number(&grid, "buffer", 0, 0.0, HUGE_VAL, &g->buffer));
    SM_TRY(load_origin(&grid, g));
    SM_TRY(load_mask(&grid, g));
    return load_extent(&grid, g, like_bounds);
}

void sm_config_free_grid(sm_config *cfg)
{
    free(cfg->crs);
    free(cfg->grid.like), free(cfg->grid.mask), free(cfg->grid.mask_layer);
    cfg->crs = NULL;
    cfg->grid.like = cfg->grid.mask = cfg->grid.mask_layer = NULL;
}
