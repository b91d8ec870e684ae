#include "grid/grid.h"
#include "core/error.h"

#include <json-c/json.h>
#include <math.h>

int sm_grid_make(const sm_grid_config *cfg, const double *bbox, sm_grid *g)
{
    const double *src = cfg->from_samples ? bbox : cfg->extent;
    double grow = cfg->from_samples ? cfg->buffer : 0.0;
    double r = cfg->resolution;
    if (!src || !(src[2] >= src[0]) || !(src[3] >= src[1]))
        return sm_error_set(SM_EDATA, "grid: no extent (no samples were accepted?)");
    const double *o = cfg->origin;
    g->res = r;
    g->mask = NULL;
    /* An edge on the origin's lattice up to rounding stays where it is: a
     * template's bottom (top + rows x -res) or a national grid's far edge in
     * coordinates of millions of metres is off by more than 1e-9 of a cell. */
    const double eps = 1e-6; /* of a cell */
    g->xmin = o[0] + floor((src[0] - grow - o[0]) / r + eps) * r;
    g->ymin = o[1] + floor((src[1] - grow - o[1]) / r + eps) * r;
    g->ncols = (long)ceil((src[2] + grow - g->xmin) / r - eps);
    g->nrows = (long)ceil((src[3] + grow - g->ymin) / r - eps);
    if (g->ncols < 1)
        g->ncols = 1;
    if (g->nrows < 1)
        g->nrows = 1;
    g->xmax = g->xmin + g->ncols * r;
    g->ymax = g->ymin + g->nrows * r;
    /* GDAL rasters hold at most INT_MAX columns or rows. */
    if (g->ncols > 2147483647L || g->nrows > 2147483647L)
        return sm_error_set(SM_ECONFIG,
                            "grid: %ld x %ld cells is more than a raster can hold; "
                            "use a coarser resolution",
                            g->ncols, g->nrows);
    return SM_OK;
}

int sm_grid_tile(const sm_grid *g, int configured)
{
    if (configured > 0)
        return configured;
    int tile = 256;
    while (tile > 64 && ((g->ncols + tile - 1) / tile) * ((g->nrows + tile - 1) / tile) < 16)
        tile /= 2;
    return tile;
}

json_object *sm_grid_json(const sm_grid *g)
{
    json_object *o = json_object_new_object();
    json_object *ext = json_object_new_array();
    double e[4] = {g->xmin, g->ymin, g->xmax, g->ymax};
    for (int i = 0; i < 4; i++)
        json_object_array_add(ext, json_object_new_double(e[i]));
    json_object_object_add(o, "extent", ext);
    json_object_object_add(o, "resolution", json_object_new_double(g->res));
    json_object_object_add(o, "columns", json_object_new_int64(g->ncols));
    json_object_object_add(o, "rows", json_object_new_int64(g->nrows));
    return o;
}
