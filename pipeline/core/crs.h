/* Coordinate reference systems through OGR/PROJ. Every SRS soilmap creates
 * uses the traditional GIS axis order (x = easting/longitude), so that
 * EPSG:4326 inputs given as lon/lat transform as analysts expect. */
#ifndef SM_CRS_H
#define SM_CRS_H

#include <ogr_srs_api.h>

/* An SRS from "EPSG:32633", a WKT string, a PROJ string or anything else
 * OSRSetFromUserInput accepts; NULL if it cannot be understood. */
OGRSpatialReferenceH sm_crs_new(const char *text);

/* A copy of srs with the traditional GIS axis order; NULL stays NULL. */
OGRSpatialReferenceH sm_crs_clone(OGRSpatialReferenceH srs);

/* 1 if srs is projected with metre units, the only kind interpolation
 * distances make sense in. */
int sm_crs_is_metric_projected(OGRSpatialReferenceH srs);

/* A short name for messages: "EPSG:32633" or the SRS's name; caller frees. */
char *sm_crs_label(OGRSpatialReferenceH srs);

#endif
