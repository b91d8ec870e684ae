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
} sm_source_set;

/* Loads every source; none (or no samples.gpkg) leaves s empty. */
void sm_nearest_source_load(const sm_config *cfg, sm_source_set *s);
void sm_nearest_source_free(sm_source_set *s);

/* Index of the source nearest to g (-1: none) and its distance in metres. */
int sm_nearest_source_find(const sm_source_set *s, OGRGeometryH g, double *dist);

#endif
