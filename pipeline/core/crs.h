/* Coordinate reference systems through OGR/PROJ. Every SRS soilmap creates
 * uses the traditional GIS axis order (x = easting/longitude), so that
 * EPSG:4326 inputs given as lon/lat transform as analysts expect. */
#ifndef SM_CRS_H
#define SM_CRS_H

#include <ogr_srs_api.h>

/* The name of the CRS `crs: local` gives: engineering metres, for a survey
 * on a site grid without a georeference. */
#define SM_CRS_LOCAL_NAME "local (engineering metres)"

/* An SRS from "EPSG:32633", a WKT string, a PROJ string or anything else
 * OSRSetFromUserInput accepts, or "local"; NULL if it cannot be understood. */
OGRSpatialReferenceH sm_crs_new(const char *text);

/* A copy of srs with the traditional GIS axis order; NULL stays NULL. */
OGRSpatialReferenceH sm_crs_clone(OGRSpatialReferenceH srs);

/* 1 if srs is projected (or local) with metre units, the only kind
 * interpolation distances make sense in. */
int sm_crs_is_metric_projected(OGRSpatialReferenceH srs);

/* 1 for a local (engineering) CRS: no position on the earth, no basemap. */
int sm_crs_is_local(OGRSpatialReferenceH srs);

/* The transformation from src to dst in *ct: NULL when they are the same
 * CRS (nothing to do). -1 when there is none, as between a local CRS and
 * any other. */
int sm_crs_transform(OGRSpatialReferenceH src, OGRSpatialReferenceH dst,
                     OGRCoordinateTransformationH *ct);

/* A short name for messages: "EPSG:32633" or the SRS's name; caller frees. */
char *sm_crs_label(OGRSpatialReferenceH srs);

#endif
