/* The samples of one contaminant, read back from <out>/samples.gpkg for the
 * stages after ingest: coordinates, the value, and the sample's identity. */
#ifndef SM_POINTS_H
#define SM_POINTS_H

typedef struct {
    int n;
    double *x, *y, *z;
    long *fid;   /* feature id in the samples layer */
    char **id;   /* sample_id */
    int skipped; /* text values that are not numbers (a text field only) */
} sm_points;

/* Samples whose field is not null (a text field: holds a number);
 * SM_ENOINPUT if samples.gpkg is missing
 * (run ingest first). */
int sm_points_load(const char *gpkg, const char *field, sm_points *out);
void sm_points_free(sm_points *p);

/* Per-sample cross-validation results, as layer "cv_<contaminant>" of the
 * GeoPackage (replaced if present), in one transaction. */
typedef struct {
    const double *pred, *var; /* on the interpolation's (transformed) scale */
    const double *observed;
    const int *fold;
} sm_cv_rows;

int sm_points_write_cv(const char *gpkg, const char *contaminant, const sm_points *p,
                       const sm_cv_rows *rows);

/* Bounding box (xmin, ymin, xmax, ymax) of every sample in samples.gpkg. */
int sm_points_extent(const char *gpkg, double bbox[4]);

#endif
