/* Vector layers for web maps: hotspots (with their first recommendations),
 * recommendations, samples, sources and screened sites as GeoJSON (RFC 7946,
 * WGS84) and FlatGeobuf (with a spatial index), converted by GDAL into
 * <out>/web/vectors/. Layers whose stage did not run are skipped. With a
 * local working CRS (crs: local) there is no lon/lat: the layers keep
 * their local metres (plain GeoJSON, not RFC 7946). */
#ifndef SM_WEBVECTORS_H
#define SM_WEBVECTORS_H

#include "config/config.h"

enum { SM_WEBVECTORS_MAX = 8 };

typedef struct {
    const char *name; /* hotspots, recommendations, samples, sources, sites */
    long features;
    double bbox[4]; /* lon/lat, or local metres */
} sm_web_layer;

typedef struct {
    sm_web_layer layers[SM_WEBVECTORS_MAX];
    int n;
} sm_web_vectors;

int sm_webvectors_write(const sm_config *cfg, int local, sm_web_vectors *out);

#endif
