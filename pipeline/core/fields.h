/* Small helpers for writing OGR features: fields by name, non-finite
 * numbers as NULL (a GeoPackage or CSV reader then sees "unknown", not NaN). */
#ifndef SM_FIELDS_H
#define SM_FIELDS_H

#include <ogr_api.h>

/* Adds the field `name` of `type` to layer l. SM_OK, or SM_ECANTCREAT with a
 * message naming the layer, the field and GDAL's reason: a layer that lacks
 * a field must not be written as if it were complete. */
int sm_field_add(OGRLayerH l, const char *name, OGRFieldType type);
void sm_field_set_real(OGRFeatureH f, const char *name, double v);
void sm_field_set_text(OGRFeatureH f, const char *name, const char *v);

/* Copies the vector dataset src (a file; sql, when not NULL, selects what)
 * to the CSV file path through GDAL, atomically; lco: extra layer creation
 * options (NULL-terminated, may be NULL). Values are quoted only where CSV
 * needs it. */
int sm_csv_export(const char *src, const char *sql, const char *layer_name, const char *const *lco,
                  const char *path);

#endif
