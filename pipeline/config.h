/* The run configuration: one YAML file describing a job, loaded and checked
 * into plain structs. docs/config.md documents every key. */
#ifndef SM_CONFIG_H
#define SM_CONFIG_H

typedef enum { SM_CENSOR_HALF_LIMIT, SM_CENSOR_LIMIT, SM_CENSOR_DROP } sm_censor_policy;
typedef enum { SM_DUP_MEAN, SM_DUP_FIRST, SM_DUP_MAX } sm_dup_policy;

typedef struct {
    char *name;             /* the config key, e.g. "cd": names the output fields */
    char *column;           /* the input column */
    char *unit;             /* as written in the config */
    double to_mgkg;         /* factor from unit to mg/kg */
    char *limit_column;     /* column with the detection limit, for "<LOD", "n.d." */
    double detection_limit; /* fixed limit in the column's unit; NAN if none */
} sm_contaminant;

typedef struct {
    char *path, *layer, *crs;
    char *x, *y, *wkt, *id;
    sm_contaminant *contaminants;
    int n_contaminants;
    char **attributes; /* extra columns copied to the output as text */
    int n_attributes;
    sm_censor_policy censored;
    sm_dup_policy duplicates;
    double duplicate_tolerance; /* metres in the working CRS */
    double max_reject_share;    /* 0..1: more rejected rows than this fails the stage */
} sm_samples_config;

typedef struct {
    char *path, *layer, *crs, *wkt;
    char *type;       /* one type for every feature ... */
    char *type_field; /* ... or the attribute that holds it */
    char *name_field;
    char **attributes; /* emission and other attributes to keep */
    int n_attributes;
} sm_source_config;

typedef struct {
    double resolution;
    int from_samples;  /* extent = samples' bounding box + buffer */
    double extent[4];  /* xmin, ymin, xmax, ymax when given */
    double buffer;
} sm_grid_config;

/* Sections that later stages read; the loader checks only that they are
 * mappings, and `soilmap validate` says which are not used yet. */
#define SM_LATER_SECTIONS                                                                          \
    "interpolation", "landuse", "thresholds", "hotspots", "remediation", "screening", "publish"

typedef struct {
    char *file; /* the config file as given */
    char *json; /* the whole document as JSON, for run.json */
    char *project;
    char *output; /* resolved against the config's folder */
    char *crs;    /* user input (EPSG:xxxx or WKT), validated as projected metres */
    sm_grid_config grid;
    sm_samples_config samples;
    sm_source_config *sources;
    int n_sources;
    char *later_present[8]; /* names of later-stage sections present */
    int n_later_present;
} sm_config;

int sm_config_load(const char *file, sm_config *cfg);
void sm_config_free(sm_config *cfg);

#endif
