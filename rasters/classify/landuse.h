/* Land use on the analysis grid: <out>/classes/landuse.tif, a Byte raster
 * whose cell holds 1 + the index of the project's land-use class in
 * thresholds.classes (0: no class). It comes from a polygon layer with a
 * class attribute (rasterised with GDAL), from a raster of class codes (warped
 * with nearest neighbour by GDAL), from the samples' own classes (each cell
 * the nearest sample's, up to landuse.max_distance), or from one default
 * class. */
#ifndef SM_LANDUSE_H
#define SM_LANDUSE_H

#include "config/config.h"
#include "grid/grid.h"
#include "stage/stage.h"

enum { SM_LANDUSE_MAX_UNMAPPED = 16 };

typedef struct {
    long *cells;                                   /* per class of thresholds.classes */
    long unmapped;                                 /* cells whose class the config does not map */
    long uncovered;                                /* cells the land-use data does not cover */
    char *unmapped_names[SM_LANDUSE_MAX_UNMAPPED]; /* the classes not mapped */
    long samples_with_class, samples_without_class; /* landuse.column */
    int n_unmapped_names;
} sm_landuse_summary;

/* Index of class name in thresholds.classes, whatever the case, or -1. */
int sm_landuse_class_index(const sm_config *cfg, const char *name);

int sm_landuse_make(const sm_stage_ctx *ctx, const char *path, sm_landuse_summary *out);
void sm_landuse_summary_free(sm_landuse_summary *s);

#endif
