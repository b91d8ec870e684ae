/* The run configuration: one YAML file describing a job, loaded and checked
 * into plain structs. docs/config.md documents every key. */
#ifndef SM_CONFIG_H
#define SM_CONFIG_H

#include "core/limits.h"

typedef enum { SM_CENSOR_HALF_LIMIT, SM_CENSOR_LIMIT, SM_CENSOR_DROP } sm_censor_policy;
typedef enum { SM_DUP_MEAN, SM_DUP_FIRST, SM_DUP_MAX } sm_dup_policy;

typedef struct {
    char *name;             /* the config key, e.g. "cd": names the output fields */
    char *column;           /* the input column */
    char *unit;             /* as written in the config */
    double to_mgkg;         /* factor from unit to mg/kg; SM_UNIT_AS_GIVEN: not a mass
                             * fraction soilmap converts, values stay in `unit` */
    char *limit_column;     /* column with the detection limit, for "<LOD", "n.d." */
    double detection_limit; /* fixed limit in the column's unit; NAN if none */
} sm_contaminant;

typedef struct {
    char *path, *layer, *crs;
    char *x, *y, *wkt, *id;
    char *encoding; /* of the file's text (a CPLRecode name); NULL: UTF-8 */
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
    int from_samples; /* extent = samples' bounding box + buffer */
    double extent[4]; /* xmin, ymin, xmax, ymax when given */
    double buffer;
    double origin[2]; /* cell edges fall on origin + k * resolution */
    char *like;       /* a raster whose origin, resolution and CRS the grid takes */
    char *mask;       /* polygons: cells outside are no data in every product */
    char *mask_layer;
} sm_grid_config;

typedef enum { SM_INTERP_IDW, SM_INTERP_KRIGING } sm_interp_method;
typedef enum { SM_BACK_UNBIASED, SM_BACK_EXP, SM_BACK_NONE } sm_back_transform;

/* A variogram structure as given in the config (type by gstat's name). */
typedef struct {
    int type; /* sm_vgm_type */
    double psill, range, kappa, anis_angle, anis_ratio;
} sm_structure_config;

typedef struct sm_interp_config {
    int present;
    sm_interp_method method;
    char **contaminants; /* NULL: every contaminant */
    int n_contaminants;
    int log_transform;
    sm_back_transform back_transform;
    double power, smoothing; /* IDW */
    int nmax, nmin;          /* nmax 0: all samples (global) */
    double maxdist;          /* HUGE_VAL: unlimited */
    /* variogram */
    int cressie;
    double cutoff, width; /* 0: gstat's defaults */
    double *directions;   /* directional variograms to report */
    int n_directions;
    double direction_tolerance; /* 0: 90 / number of directions */
    int model_auto;             /* choose Sph, Exp or Gau by the best fit */
    double nugget;              /* NAN: from the data */
    sm_structure_config structures[3];
    int n_structures;
    int fit_method;      /* 0: use the model as given */
    int fail_on_bad_fit; /* else fall back to the starting model */
    /* cross-validation: 0 none, 1 leave-one-out, k > 1 folds */
    int cv_folds;
    unsigned cv_seed;
    /* output */
    int tile;
    int float64;
    char **creation_options;
    int n_creation_options;
    /* interpolation.per: for each named contaminant, these settings with
     * the keys given under its name replacing the shared ones */
    char **per_names;
    struct sm_interp_config *per;
    int n_per;
} sm_interp_config;

/* The `landuse` section: a polygon layer with a class attribute, a raster
 * of class codes, a samples column (each cell takes the nearest sample's
 * class), or one class for the whole area. */
typedef struct {
    char *path, *layer, *field; /* path NULL: column or default_class */
    char *column;               /* a samples.attributes column */
    double max_distance;        /* column: cells farther from any sample get no class */
    int all_touched;            /* rasterising: every cell a polygon touches */
    char *default_class;
    double *codes; /* raster: cell value codes[i] is class code_class[i] */
    char **code_class;
    int n_codes;
} sm_landuse_config;

typedef struct {
    char *contaminant, *land_use; /* land_use: a category of the regime */
    int tier;
    double value;
} sm_threshold_override;

typedef enum { SM_PH_NONE, SM_PH_VALUE, SM_PH_RASTER, SM_PH_SAMPLES } sm_ph_source;

/* The `thresholds` section: which guideline values apply where. */
typedef struct {
    int present;
    char *table, *regime;
    char **classes;     /* the project's land-use classes ... */
    char ***categories; /* ... each onto regime categories (NULL-terminated):
                         * per contaminant, the first the table has applies */
    int n_classes;
    char **contaminants; /* default: every interpolated one */
    int n_contaminants;
    sm_threshold_override *overrides;
    int n_overrides;
    sm_ph_source ph_source;
    double ph_value;         /* SM_PH_VALUE */
    char *ph_path;           /* SM_PH_RASTER */
    char *ph_column;         /* SM_PH_SAMPLES: a samples.attributes column */
    char **background_names; /* reference values for the pollution load index */
    double *background;
    int n_background;
} sm_thresholds_config;

typedef enum { SM_WEIGHTS_CFG_DISTANCE, SM_WEIGHTS_CFG_KNN } sm_weights_cfg;

/* The `hotspots` section. */
typedef struct {
    int present;
    int by_probability; /* else by the predicted value */
    double probability; /* P(exceed) at least this */
    int tier;           /* the tier whose exceedance makes a hotspot */
    double min_area_ha;
    int connectivity; /* 4 or 8 */
    int statistics;   /* Gi* on the samples */
    sm_weights_cfg weights;
    double distance; /* 0: the largest nearest-neighbour distance */
    int k;
    double fdr; /* false-discovery rate for the Benjamini-Hochberg cut */
    int local_moran;
    int log_values; /* statistics on log values */
} sm_hotspots_config;

/* The `remediation` section: the store and how technologies are ranked. */
typedef struct {
    int present;
    char *store;                    /* the SpatiaLite file */
    char *catalogue;                /* folder of the catalogue CSVs `store init` loads */
    double w_env, w_social, w_econ; /* sustainability weights, summing to 1 */
    double nature_bonus;            /* added to a nature-based option's score (0-1 scale) */
    int cases;                      /* nearest comparable case studies per recommendation */
    int top;                        /* recommendations kept per hotspot */
    char **urgent;                  /* land-use classes where slow options score lower */
    int n_urgent;
} sm_remediation_config;

/* The `screening` section: a registry of candidate sites. */
typedef struct {
    int present;
    char *sites, *layer, *crs; /* crs: for a CSV (default EPSG:4326) */
    char *x, *y;               /* CSV coordinate columns (default lon, lat) */
    char *id, *name;           /* attributes naming a site */
    char *landuse;             /* attribute with the site's land-use class (else landuse.tif) */
    double sample_distance;    /* metres: samples counted around a site */
} sm_screening_config;

/* A tail of the normal-score back-transform beyond the data (nscore.h):
 * model SM_TAIL_*, its parameter (power, omega) and its bound (NAN: the
 * default). */
typedef struct {
    int model;
    double par, bound;
} sm_tail_config;

/* The `simulation` section: sequential Gaussian simulation. */
typedef struct {
    int present;
    int realizations;
    unsigned long seed;
    char **contaminants; /* NULL: every kriged contaminant */
    int n_contaminants;
    int nmax;            /* 0: the interpolation's neighbours.max (32 if global) */
    double maxdist;      /* NAN: the interpolation's neighbours.radius */
    int lattice;         /* the coarse lattice's spacing in cells; 0: automatic */
    double declustering; /* cell size in metres for declustering weights; 0: none */
    sm_tail_config lower, upper;
} sm_simulation_config;

/* The `publish` section: web products. */
typedef struct {
    int present;
    int tiles;      /* XYZ pyramids (publish.tiles: false switches them off) */
    int zmin, zmax; /* -1: from the grid */
    int viewer;
    int report;
    /* publish.basemap: a tile URL template under the viewer's maps and its
     * credit line; "" (the default): no basemap, nothing fetched */
    char basemap_url[512];
    char basemap_attribution[256];
} sm_publish_config;

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
    sm_interp_config interpolation;
    sm_landuse_config landuse;
    sm_thresholds_config thresholds;
    sm_hotspots_config hotspots;
    sm_simulation_config simulation;
    sm_remediation_config remediation;
    sm_screening_config screening;
    sm_publish_config publish;
} sm_config;

int sm_config_load(const char *file, sm_config *cfg);

/* The samples' contaminant of that name, or NULL. */
const sm_contaminant *sm_config_contaminant(const sm_config *cfg, const char *name);

/* The unit of a contaminant's values after ingest: "mg/kg" for a mass
 * fraction (converted), else the unit as the config gives it. */
const char *sm_contaminant_unit(const sm_contaminant *c);
/* The same, by contaminant name; "mg/kg" when the name is not a sample's. */
const char *sm_config_unit(const sm_config *cfg, const char *contaminant);

/* The working CRS and the grid section (config_grid.c); root is a sm_ynode. */
int sm_config_load_grid(const void *root, sm_config *cfg);
void sm_config_free_grid(sm_config *cfg);

/* The interpolation settings of one contaminant: interpolation.per's for
 * it when given, else the shared ones. */
const sm_interp_config *sm_config_interp(const sm_config *cfg, const char *contaminant);

/* The interpolation section (config_interpolation.c); root is a sm_ynode. */
int sm_config_load_interpolation(const void *root, const sm_config *cfg, sm_interp_config *out);
void sm_config_free_interpolation(sm_interp_config *ic);

/* The landuse, thresholds and hotspots sections (config_classify.c). */
int sm_config_load_classify(const void *root, sm_config *cfg);
void sm_config_free_classify(sm_config *cfg);

/* The simulation section (config_simulation.c). */
int sm_config_load_simulation(const void *root, sm_config *cfg);
void sm_config_free_simulation(sm_config *cfg);

/* The remediation section (config_remediation.c). */
int sm_config_load_remediation(const void *root, sm_config *cfg);
void sm_config_free_remediation(sm_config *cfg);

/* The publish section (config_remediation.c). */
int sm_config_load_publish(const void *root, sm_config *cfg);

/* The screening section (config_remediation.c). */
int sm_config_load_screening(const void *root, sm_config *cfg);
void sm_config_free_screening(sm_config *cfg);
void sm_config_free(sm_config *cfg);

#endif
