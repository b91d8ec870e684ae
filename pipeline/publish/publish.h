/* The publish stage (publish.c): web products and the report. */
#ifndef SM_PUBLISH_H
#define SM_PUBLISH_H

#include "config/config.h"
#include "stage/stage.h"

typedef struct {
    int rasters, tiled, vectors, zmin, zmax;
    int local; /* crs: local: images on the grid, not XYZ tiles */
} sm_publish_summary;

int sm_publish(const sm_stage_ctx *ctx, sm_publish_summary *out);

/* The analysis grid's extent in lon/lat (xmin, ymin, xmax, ymax); in its
 * own metres when the working CRS is local. */
int sm_publish_bounds(const sm_stage_ctx *ctx, double bbox[4]);

#endif
