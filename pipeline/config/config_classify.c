/* The `landuse`, `thresholds` and `hotspots` sections of the run config
 * (docs/config.md). */
#include "config/config.h"
#include "config/yamlread.h"
#include "core/error.h"
#include "core/limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A mapping of names to text: {residential: residential-parkland, ...}. */
static int load_name_map(const sm_ynode *map, char ***keys, char ***values, int *n)
{
    int len = sm_y_map_len(map);
    if (len < 1)
        return sm_y_error(map, "expected a mapping such as {residential: residential-parkland}");
    *keys = calloc((size_t)len, sizeof **keys);
    *values = calloc((size_t)len, sizeof **values);
    sm_ycursor at = {0};
    sm_ynode v;
    const char *key;
    for (int i = 0; sm_y_map_next(map, &at, &v, &key); i++) {
        (*keys)[i] = strdup(key);
        *n = i + 1;
        SM_TRY(sm_y_string(&v, &(*values)[i]));
    }
    return SM_OK;
}

/* classes: {residential: residential-parkland, orchard: [other, orchard]} */
static int load_class_map(const sm_ynode *map, sm_thresholds_config *tc)
{
    int len = sm_y_map_len(map);
    if (len < 1)
        return sm_y_error(map, "expected a mapping such as {residential: residential-parkland}");
    tc->classes = calloc((size_t)len, sizeof *tc->classes);
    tc->categories = calloc((size_t)len, sizeof *tc->categories);
    sm_ycursor at = {0};
    sm_ynode v;
    const char *key;
    for (int i = 0; sm_y_map_next(map, &at, &v, &key); i++) {
        /* land-use names match whatever their case, so these would be one class */
        for (int k = 0; k < i; k++)
            if (!strcasecmp(tc->classes[k], key))
                return sm_y_error(&v,
                                  "class '%s' is class '%s' again: land-use classes match "
                                  "whatever their case",
                                  key, tc->classes[k]);
        tc->classes[i] = strdup(key);
        tc->n_classes = i + 1;
        int n = 0;
        SM_TRY(sm_y_strings(&v, &tc->categories[i], &n));
        if (n < 1)
            return sm_y_error(&v, "expected a category of the regime, or a list of them");
    }
    return SM_OK;
}

static int load_landuse_codes(const sm_ynode *sec, sm_landuse_config *lu)
{
    sm_ynode map;
    if (!sm_y_get(sec, "codes", &map))
        return SM_OK;
    char **codes = NULL;
    int rc = load_name_map(&map, &codes, &lu->code_class, &lu->n_codes);
    lu->codes = calloc((size_t)(lu->n_codes > 0 ? lu->n_codes : 1), sizeof *lu->codes);
    for (int i = 0; i < lu->n_codes; i++) {
        char *end;
        lu->codes[i] = codes ? strtod(codes[i], &end) : NAN;
        if (rc == SM_OK && (!codes || end == codes[i] || *end))
            rc = sm_y_error(&map,
                            "'%s' is not a number: codes map raster cell values to "
                            "class names, e.g. {10: forest, 40: agricultural}",
                            codes ? codes[i] : "");
    }
    for (int i = 0; codes && i < lu->n_codes; i++)
        free(codes[i]);
    free(codes);
    return rc;
}

static int load_landuse(const sm_ynode *root, sm_landuse_config *lu)
{
    static const char *const keys[] = {"path",    "layer",  "field",        "all_touched", "codes",
                                       "default", "column", "max_distance", NULL};
    sm_ynode sec;
    if (!sm_y_get(root, "landuse", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    SM_TRY(sm_y_key_path(&sec, "path", 0, &lu->path));
    SM_TRY(sm_y_key_string(&sec, "layer", 0, &lu->layer));
    SM_TRY(sm_y_key_string(&sec, "field", 0, &lu->field));
    SM_TRY(sm_y_key_bool(&sec, "all_touched", &lu->all_touched));
    SM_TRY(sm_y_key_string(&sec, "default", 0, &lu->default_class));
    SM_TRY(sm_y_key_string(&sec, "column", 0, &lu->column));
    lu->max_distance = INFINITY;
    SM_TRY(sm_y_key_number(&sec, "max_distance", 0, 0, INFINITY, &lu->max_distance));
    SM_TRY(load_landuse_codes(&sec, lu));
    if (!!lu->path + !!lu->default_class + !!lu->column != 1)
        return sm_y_error(&sec, "give one of 'path' (a land-use layer or raster), 'column' (a "
                                "samples.attributes column: each cell takes the nearest "
                                "sample's class) or 'default' (one class for the whole area)");
    if (!lu->column && isfinite(lu->max_distance)) {
        sm_ynode n;
        sm_y_get(&sec, "max_distance", &n);
        return sm_y_error(&n, "applies to land use from the samples ('column') only");
    }
    if (lu->path && !lu->field && lu->n_codes == 0)
        return sm_y_error(&sec, "give 'field' (the class attribute of a polygon layer) or "
                                "'codes' (the classes of a raster's cell values)");
    return SM_OK;
}

static int is_listed(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* landuse.column is read from samples.gpkg, where ingest keeps only the
 * samples.attributes columns. */
static int check_landuse_column(const sm_ynode *root, const sm_config *cfg)
{
    const char *col = cfg->landuse.column;
    if (!col || is_listed(cfg->samples.attributes, cfg->samples.n_attributes, col))
        return SM_OK;
    sm_ynode sec, n;
    sm_y_get(root, "landuse", &sec);
    sm_y_get(&sec, "column", &n);
    return sm_y_error(&n,
                      "column '%s' is not in samples.attributes; add it there so ingest "
                      "keeps it",
                      col);
}

static int is_sample_contaminant(const sm_config *cfg, const char *name)
{
    for (int c = 0; c < cfg->samples.n_contaminants; c++)
        if (strcmp(cfg->samples.contaminants[c].name, name) == 0)
            return 1;
    return 0;
}

static int load_overrides(const sm_ynode *sec, sm_thresholds_config *tc)
{
    static const char *const keys[] = {"contaminant", "land_use", "tier", "value", NULL};
    sm_ynode list;
    if (!sm_y_get(sec, "overrides", &list))
        return SM_OK;
    int n = sm_y_seq_len(&list);
    if (!sm_y_is_seq(&list) || n < 1)
        return sm_y_error(&list, "expected a list such as [{contaminant: cd, land_use: "
                                 "agricultural, tier: 1, value: 1.0}]");
    tc->overrides = calloc((size_t)n, sizeof *tc->overrides);
    sm_ycursor at = {0};
    sm_ynode item;
    for (int i = 0; sm_y_seq_next(&list, &at, &item); i++) {
        sm_threshold_override *o = &tc->overrides[i];
        double tier = 1;
        tc->n_overrides = i + 1;
        SM_TRY(sm_y_check_map(&item, keys));
        SM_TRY(sm_y_key_string(&item, "contaminant", 1, &o->contaminant));
        SM_TRY(sm_y_key_string(&item, "land_use", 1, &o->land_use));
        SM_TRY(sm_y_key_number(&item, "tier", 0, 1, 9, &tier));
        SM_TRY(sm_y_key_number(&item, "value", 1, 0, HUGE_VAL, &o->value));
        if (tier != floor(tier))
            return sm_y_error(&item, "tier must be a whole number from 1 to 9");
        o->tier = (int)tier;
    }
    return SM_OK;
}

/* ph: 6.5 | {raster: FILE} | {column: pH} */
static int load_ph(const sm_ynode *sec, const sm_config *cfg, sm_thresholds_config *tc)
{
    static const char *const keys[] = {"raster", "column", NULL};
    sm_ynode n;
    tc->ph_source = SM_PH_NONE;
    if (!sm_y_get(sec, "ph", &n))
        return SM_OK;
    if (!sm_y_is_map(&n)) {
        SM_TRY(sm_y_number(&n, 0, 14, &tc->ph_value));
        tc->ph_source = SM_PH_VALUE;
        return SM_OK;
    }
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_path(&n, "raster", 0, &tc->ph_path));
    SM_TRY(sm_y_key_string(&n, "column", 0, &tc->ph_column));
    if (!tc->ph_path == !tc->ph_column)
        return sm_y_error(&n, "give one of 'raster' (a soil-pH raster) or 'column' (a "
                              "samples.attributes column to interpolate)");
    if (tc->ph_column &&
        !is_listed(cfg->samples.attributes, cfg->samples.n_attributes, tc->ph_column))
        return sm_y_error(&n,
                          "column '%s' is not in samples.attributes; add it there so "
                          "ingest keeps it",
                          tc->ph_column);
    tc->ph_source = tc->ph_path ? SM_PH_RASTER : SM_PH_SAMPLES;
    return SM_OK;
}

static int load_background(const sm_ynode *sec, const sm_config *cfg, sm_thresholds_config *tc)
{
    sm_ynode map;
    if (!sm_y_get(sec, "background", &map))
        return SM_OK;
    int len = sm_y_map_len(&map);
    if (len < 1)
        return sm_y_error(&map, "expected a mapping such as {cd: 0.3, pb: 25}");
    tc->background_names = calloc((size_t)len, sizeof *tc->background_names);
    tc->background = calloc((size_t)len, sizeof *tc->background);
    sm_ycursor at = {0};
    sm_ynode v;
    const char *key;
    for (int i = 0; sm_y_map_next(&map, &at, &v, &key); i++) {
        tc->background_names[i] = strdup(key);
        tc->n_background = i + 1;
        if (!is_sample_contaminant(cfg, key))
            return sm_y_error(&v, "'%s' is not one of samples.contaminants", key);
        SM_TRY(sm_y_number(&v, 1e-300, HUGE_VAL, &tc->background[i]));
    }
    return SM_OK;
}

static int load_threshold_contaminants(const sm_ynode *sec, const sm_config *cfg,
                                       sm_thresholds_config *tc)
{
    sm_ynode list;
    if (sm_y_get(sec, "contaminants", &list) && sm_y_count(&list) > SM_MAX_CONTAMINANTS)
        return sm_y_error(&list, "%d contaminants; one run handles at most %d", sm_y_count(&list),
                          SM_MAX_CONTAMINANTS);
    SM_TRY(sm_y_key_strings(sec, "contaminants", &tc->contaminants, &tc->n_contaminants));
    for (int i = 0; i < tc->n_contaminants; i++)
        if (!is_sample_contaminant(cfg, tc->contaminants[i])) {
            sm_ynode n;
            sm_y_get(sec, "contaminants", &n);
            return sm_y_error(&n, "'%s' is not one of samples.contaminants", tc->contaminants[i]);
        }
    return SM_OK;
}

static int load_thresholds(const sm_ynode *root, sm_config *cfg)
{
    static const char *const keys[] = {"table",     "regime", "classes",    "contaminants",
                                       "overrides", "ph",     "background", NULL};
    sm_thresholds_config *tc = &cfg->thresholds;
    sm_ynode sec, classes;
    if (!sm_y_get(root, "thresholds", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    tc->present = 1;
    SM_TRY(sm_y_key_path(&sec, "table", 1, &tc->table));
    SM_TRY(sm_y_key_string(&sec, "regime", 0, &tc->regime));
    if (!sm_y_get(&sec, "classes", &classes))
        return sm_y_error(&sec, "missing key 'classes': map the project's land-use classes onto "
                                "the regime's categories, e.g. {farmland: agricultural}");
    SM_TRY(load_class_map(&classes, tc));
    SM_TRY(load_threshold_contaminants(&sec, cfg, tc));
    SM_TRY(load_overrides(&sec, tc));
    SM_TRY(load_ph(&sec, cfg, tc));
    SM_TRY(load_background(&sec, cfg, tc));
    if (!cfg->interpolation.present)
        return sm_y_error(&sec, "thresholds classify the interpolated surfaces: add an "
                                "'interpolation' section");
    if (!cfg->landuse.path && !cfg->landuse.default_class && !cfg->landuse.column)
        return sm_y_error(&sec, "thresholds depend on land use: add a 'landuse' section (a "
                                "layer, a raster or one default class)");
    return SM_OK;
}

static int load_statistics(const sm_ynode *sec, sm_hotspots_config *hc)
{
    static const char *const keys[] = {"weights",     "distance",  "k", "fdr",
                                       "local_moran", "transform", NULL};
    static const char *const weights[] = {"distance", "knn", NULL};
    static const char *const transforms[] = {"none", "log", NULL};
    sm_ynode n;
    hc->statistics = 1, hc->weights = SM_WEIGHTS_CFG_DISTANCE, hc->k = 8, hc->fdr = 0.05;
    if (!sm_y_get(sec, "statistics", &n))
        return SM_OK;
    if (!sm_y_is_map(&n))
        return sm_y_bool(&n, &hc->statistics) < 0 ? SM_ECONFIG : SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    int choice = 0;
    SM_TRY(sm_y_key_choice(&n, "weights", weights, &choice));
    hc->weights = (sm_weights_cfg)choice;
    SM_TRY(sm_y_key_number(&n, "distance", 0, 1e-9, HUGE_VAL, &hc->distance));
    double k = hc->k;
    SM_TRY(sm_y_key_number(&n, "k", 0, 1, 1000, &k));
    if (k != floor(k))
        return sm_y_error(&n, "k must be a whole number");
    hc->k = (int)k;
    SM_TRY(sm_y_key_number(&n, "fdr", 0, 1e-9, 1, &hc->fdr));
    SM_TRY(sm_y_key_bool(&n, "local_moran", &hc->local_moran));
    return sm_y_key_choice(&n, "transform", transforms, &hc->log_values) < 0 ? SM_ECONFIG : SM_OK;
}

static int load_hotspots(const sm_ynode *root, sm_config *cfg)
{
    static const char *const keys[] = {"basis",        "probability", "tier", "min_area_ha",
                                       "connectivity", "statistics",  NULL};
    static const char *const bases[] = {"prediction", "probability", NULL};
    sm_hotspots_config *hc = &cfg->hotspots;
    sm_ynode sec;
    hc->probability = 0.8, hc->tier = 1, hc->connectivity = 8;
    if (!sm_y_get(root, "hotspots", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    hc->present = 1;
    SM_TRY(sm_y_key_choice(&sec, "basis", bases, &hc->by_probability));
    SM_TRY(sm_y_key_number(&sec, "probability", 0, 1e-6, 1 - 1e-6, &hc->probability));
    double tier = 1, conn = 8;
    SM_TRY(sm_y_key_number(&sec, "tier", 0, 1, 9, &tier));
    SM_TRY(sm_y_key_number(&sec, "min_area_ha", 0, 0, HUGE_VAL, &hc->min_area_ha));
    SM_TRY(sm_y_key_number(&sec, "connectivity", 0, 4, 8, &conn));
    if (tier != floor(tier) || (conn != 4 && conn != 8))
        return sm_y_error(&sec, "tier must be a whole number and connectivity 4 or 8");
    hc->tier = (int)tier, hc->connectivity = (int)conn;
    SM_TRY(load_statistics(&sec, hc));
    if (!cfg->thresholds.present)
        return sm_y_error(&sec, "hotspots are areas above guideline values: add a "
                                "'thresholds' section");
    /* hotspots read the classified contaminants: thresholds.contaminants,
     * else every interpolated one */
    const sm_thresholds_config *tc = &cfg->thresholds;
    const sm_interp_config *ic = &cfg->interpolation;
    char **list = tc->n_contaminants ? tc->contaminants : ic->contaminants;
    int n = tc->n_contaminants   ? tc->n_contaminants
            : ic->n_contaminants ? ic->n_contaminants
                                 : cfg->samples.n_contaminants;
    const char *idw = NULL; /* one without a kriging variance */
    for (int i = 0; i < n && !idw; i++) {
        const char *name = list ? list[i] : cfg->samples.contaminants[i].name;
        if (sm_config_interp(cfg, name)->method != SM_INTERP_KRIGING)
            idw = name;
    }
    if (hc->by_probability && idw) {
        sm_ynode b;
        sm_y_get(&sec, "basis", &b);
        return sm_y_error(&b,
                          "'probability' needs the kriging variance; %s is interpolated "
                          "with idw: use basis: prediction",
                          idw);
    }
    return SM_OK;
}

int sm_config_load_classify(const void *rootp, sm_config *cfg)
{
    const sm_ynode *root = rootp;
    SM_TRY(load_landuse(root, &cfg->landuse));
    SM_TRY(check_landuse_column(root, cfg));
    SM_TRY(load_thresholds(root, cfg));
    return load_hotspots(root, cfg);
}

static void free_strings(char **s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

void sm_config_free_classify(sm_config *cfg)
{
    sm_landuse_config *lu = &cfg->landuse;
    free(lu->path), free(lu->layer), free(lu->field), free(lu->default_class), free(lu->column);
    free(lu->codes);
    free_strings(lu->code_class, lu->n_codes);
    sm_thresholds_config *tc = &cfg->thresholds;
    free(tc->table), free(tc->regime), free(tc->ph_path), free(tc->ph_column);
    for (int i = 0; tc->categories && i < tc->n_classes; i++)
        for (char **c = tc->categories[i]; c && *c; c++)
            free(*c);
    for (int i = 0; tc->categories && i < tc->n_classes; i++)
        free(tc->categories[i]);
    free(tc->categories);
    free_strings(tc->classes, tc->n_classes);
    free_strings(tc->contaminants, tc->n_contaminants);
    free_strings(tc->background_names, tc->n_background);
    free(tc->background);
    for (int i = 0; i < tc->n_overrides; i++)
        free(tc->overrides[i].contaminant), free(tc->overrides[i].land_use);
    free(tc->overrides);
    memset(lu, 0, sizeof *lu);
    memset(tc, 0, sizeof *tc);
    memset(&cfg->hotspots, 0, sizeof cfg->hotspots);
}
