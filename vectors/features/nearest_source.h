/* The pollution sources of a run (layer "sources" of <out>/samples.gpkg) in
 * memory, for "which source is nearest to this hotspot or site". */
#ifndef SM_NEAREST_SOURCE_H
#define SM_NEAREST_SOURCE_H

#include "config/config.h"

#include <ogr_api.h>

typedef struct {
    OGRGeometryH *geoms;
    OGREnvelope *env;
    char **name, **type;
    int n;
} sm_sources;

/* Loads every source; none (or no samples.gpkg) leaves s empty. */
void sm_sources_load(const sm_config *cfg, sm_sources *s);
void sm_sources_free(sm_sources *s);

/* Index of the source nearest to g (-1: none) and its distance in metres. */
int sm_sources_nearest(const sm_sources *s, OGRGeometryH g, double *dist);

#endif
