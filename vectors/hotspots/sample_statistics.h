/* Statistical hot spots on the samples: Getis-Ord Gi* (and optionally local
 * Moran's I) per contaminant, with Benjamini-Hochberg q-values, as layer
 * "sample_statistics" of hotspots.gpkg (one row per sample and contaminant). */
#ifndef SM_SAMPLE_STATISTICS_H
#define SM_SAMPLE_STATISTICS_H

#include "config/config.h"

typedef struct {
    const char *name;
    int samples, hot, cold; /* significant at the configured false-discovery rate */
    double distance;        /* the distance band used (distance weights) */
} sm_sample_stats_result;

/* Writes the layer into ds (a GDALDatasetH, in a transaction the caller
 * holds). names: the contaminants. */
int sm_sample_statistics_write(const sm_config *cfg, void *ds, const char *const *names, int n,
                               sm_sample_stats_result *out);

#endif
