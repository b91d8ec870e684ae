/* The product catalogue: every file and folder a run writes in its output
 * folder is named here and nowhere else, so a stage reaches another stage's
 * results through this module, never through that stage's code. */
#ifndef SM_PRODUCTS_H
#define SM_PRODUCTS_H

#include "config/config.h"
#include "grid/grid.h"
#include "stage/paths.h"

#include <stddef.h>

typedef enum {
    SM_PRODUCT_SAMPLES,         /* samples.gpkg: layers samples, sources, cv_<c> */
    SM_PRODUCT_REJECTS,         /* rejects.csv */
    SM_PRODUCT_SURFACE,         /* surfaces/<c>.tif, <c>_var.tif, <c>_log.tif, <c>_logvar.tif */
    SM_PRODUCT_VARIOGRAM,       /* variogram/<c>.json */
    SM_PRODUCT_CLASS,           /* classes/<c>_{ratio,class,prob}.tif, landuse.tif, ... */
    SM_PRODUCT_SIMULATION,      /* simulation/<c>_{etype,q05,q95,p<k>}.tif, <c>.json */
    SM_PRODUCT_HOTSPOTS,        /* hotspots.gpkg: hotspots, sample_statistics, tables */
    SM_PRODUCT_HOTSPOT_IDS,     /* hotspot-ids.tif: each cell's hotspot */
    SM_PRODUCT_RECOMMENDATIONS, /* recommendations.csv */
    SM_PRODUCT_SITES,           /* sites_screened.gpkg */
    SM_PRODUCT_SITES_CSV,       /* sites_screened.csv */
    SM_PRODUCT_SITES_REJECTS,   /* sites_rejects.csv */
    SM_PRODUCT_STORE_REJECTS,   /* store-rejects.csv (store import) */
    SM_PRODUCT_WEB,             /* web/... */
    SM_PRODUCT_REPORT,          /* report.html */
    SM_PRODUCT_MANIFEST,        /* run.json */
    SM_PRODUCT_SLICES           /* slices/<i>-of-<n> (--tile-range) */
} sm_product;

/* The layers of the GeoPackages. */
#define SM_LAYER_SAMPLES "samples"
#define SM_LAYER_SOURCES "sources"
#define SM_LAYER_HOTSPOTS "hotspots"
#define SM_LAYER_SAMPLE_STATISTICS "sample_statistics"
#define SM_LAYER_SITES "sites"

/* The product's name within the output folder ("samples.gpkg", "surfaces"). */
const char *sm_product_name(sm_product p);

/* <output>/<product>: a file, or a folder. */
void sm_product_path(char *out, size_t size, const sm_config *cfg, sm_product p);

/* A file in a folder product: <output>/<folder>/<member><extension>, the
 * member printf-style: ("%s_var", "cd") under SM_PRODUCT_SURFACE is
 * <output>/surfaces/cd_var.tif. */
void sm_product_member(char *out, size_t size, const sm_config *cfg, sm_product p,
                       const char *member, ...) __attribute__((format(printf, 5, 6)));

/* Adds <output>/<product> to a stage's list of files. */
int sm_products_add(sm_paths *paths, const sm_config *cfg, sm_product p);

/* The contaminants with surfaces, in order; returns how many. */
int sm_products_interpolated(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS]);

/* The contaminants with classes (all interpolated ones unless the
 * thresholds section lists some). */
int sm_products_classified(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS]);

/* A contaminant's surfaces as later stages read them: the concentration in
 * mg/kg, and the kriging mean and variance on the interpolation's scale
 * (<c>_log, <c>_logvar under log kriging with a back-transform). */
void sm_products_surfaces(const sm_config *cfg, const char *name, char *conc, char *mean, char *var,
                          size_t size);

/* 1 when a contaminant's concentration surface holds ln(value): log
 * interpolation without a back-transform. */
int sm_products_conc_is_log(const sm_config *cfg, const char *name);

/* The run's analysis grid (from the samples' extent needs samples.gpkg). */
int sm_products_grid(const sm_config *cfg, sm_grid *g);

#endif
