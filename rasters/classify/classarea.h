/* Cells per land-use class and exceedance class: one pass over
 * classes/landuse.tif and a classes/<c>_class.tif the classify stage has
 * just written, for the areas above each tier that run.json records. */
#ifndef SM_CLASSAREA_H
#define SM_CLASSAREA_H

/* cells[u * n_class + k] += the cells with land use u + 1 (landuse.tif
 * holds 1..n_landuse, 0 for none) and class k (0..n_class - 1); other
 * values (no land use, nodata, masked out) are not counted. cells must hold
 * n_landuse * n_class counts, zeroed by the caller. SM_EDATA, naming the
 * file, when a raster cannot be read or the two differ in size. */
int sm_class_area_count(const char *landuse, const char *classes, int n_landuse, int n_class,
                        long *cells);

#endif
