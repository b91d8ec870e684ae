#include "stage/products.h"
#include "core/error.h"
#include "grid/points.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
    const char *name;
    const char *extension; /* of a folder's members; NULL: a file */
} catalogue[] = {
    [SM_PRODUCT_SAMPLES] = {"samples.gpkg", NULL},
    [SM_PRODUCT_REJECTS] = {"rejects.csv", NULL},
    [SM_PRODUCT_SURFACE] = {"surfaces", ".tif"},
    [SM_PRODUCT_VARIOGRAM] = {"variogram", ".json"},
    [SM_PRODUCT_CLASS] = {"classes", ".tif"},
    [SM_PRODUCT_SIMULATION] = {"simulation", ""},
    [SM_PRODUCT_HOTSPOTS] = {"hotspots.gpkg", NULL},
    [SM_PRODUCT_HOTSPOT_IDS] = {"hotspot-ids.tif", NULL},
    [SM_PRODUCT_RECOMMENDATIONS] = {"recommendations.csv", NULL},
    [SM_PRODUCT_SITES] = {"sites_screened.gpkg", NULL},
    [SM_PRODUCT_SITES_CSV] = {"sites_screened.csv", NULL},
    [SM_PRODUCT_SITES_REJECTS] = {"sites_rejects.csv", NULL},
    [SM_PRODUCT_STORE_REJECTS] = {"store-rejects.csv", NULL},
    [SM_PRODUCT_WEB] = {"web", ""},
    [SM_PRODUCT_REPORT] = {"report.html", NULL},
    [SM_PRODUCT_MANIFEST] = {"run.json", NULL},
    [SM_PRODUCT_SLICES] = {"slices", ""},
};

const char *sm_product_name(sm_product p) { return catalogue[p].name; }

void sm_product_path(char *out, size_t size, const sm_config *cfg, sm_product p)
{
    snprintf(out, size, "%s/%s", cfg->output, catalogue[p].name);
}

void sm_product_member(char *out, size_t size, const sm_config *cfg, sm_product p,
                       const char *member, ...)
{
    int len = snprintf(out, size, "%s/%s", cfg->output, catalogue[p].name);
    if (!catalogue[p].extension || len < 0 || (size_t)len + 1 >= size)
        return;
    out[len++] = '/';
    va_list ap;
    va_start(ap, member);
    int m = vsnprintf(out + len, size - (size_t)len, member, ap);
    va_end(ap);
    if (m >= 0 && (size_t)(len + m) < size)
        snprintf(out + len + m, size - (size_t)(len + m), "%s", catalogue[p].extension);
}

int sm_products_add(sm_paths *paths, const sm_config *cfg, sm_product p)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, cfg, p);
    return sm_paths_add(paths, "%s", path);
}

int sm_products_interpolated(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS])
{
    const sm_interp_config *ic = &cfg->interpolation;
    int n = ic->n_contaminants ? ic->n_contaminants : cfg->samples.n_contaminants;
    for (int i = 0; i < n && i < SM_MAX_CONTAMINANTS; i++)
        names[i] = ic->n_contaminants ? ic->contaminants[i] : cfg->samples.contaminants[i].name;
    return n < SM_MAX_CONTAMINANTS ? n : SM_MAX_CONTAMINANTS;
}

int sm_products_classified(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS])
{
    const sm_thresholds_config *tc = &cfg->thresholds;
    if (!tc->n_contaminants)
        return sm_products_interpolated(cfg, names);
    int n = tc->n_contaminants < SM_MAX_CONTAMINANTS ? tc->n_contaminants : SM_MAX_CONTAMINANTS;
    for (int i = 0; i < n; i++)
        names[i] = tc->contaminants[i];
    return n;
}

void sm_products_surfaces(const sm_config *cfg, const char *name, char *conc, char *mean, char *var,
                          size_t size)
{
    const sm_interp_config *ic = sm_config_interp(cfg, name);
    int log_files = ic->log_transform && ic->back_transform != SM_BACK_NONE;
    sm_product_member(conc, size, cfg, SM_PRODUCT_SURFACE, "%s", name);
    sm_product_member(mean, size, cfg, SM_PRODUCT_SURFACE, "%s%s", name, log_files ? "_log" : "");
    sm_product_member(var, size, cfg, SM_PRODUCT_SURFACE, "%s%s", name,
                      log_files ? "_logvar" : "_var");
}

int sm_products_conc_is_log(const sm_config *cfg, const char *name)
{
    const sm_interp_config *ic = sm_config_interp(cfg, name);
    return ic->log_transform && ic->back_transform == SM_BACK_NONE;
}

int sm_products_grid(const sm_config *cfg, sm_grid *g)
{
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    double bbox[4];
    int rc = cfg->grid.from_samples ? sm_points_extent(gpkg, bbox) : SM_OK;
    if (rc == SM_OK)
        rc = sm_grid_make(&cfg->grid, cfg->grid.from_samples ? bbox : NULL, g);
    return rc;
}
