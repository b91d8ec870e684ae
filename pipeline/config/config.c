#include "config/config.h"
#include "config/yamlread.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/units.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int valid_identifier(const char *s)
{
    if (!islower((unsigned char)s[0]))
        return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* A mass fraction is converted to mg/kg; any other unit (nSv/h, Bq/kg) is
 * kept as given, so it must be printable where maps and reports label it. */
static int load_unit(const sm_ynode *n, sm_contaminant *c)
{
    if (sm_unit_to_mgkg(c->unit, &c->to_mgkg) == 0)
        return SM_OK;
    c->to_mgkg = SM_UNIT_AS_GIVEN;
    size_t len = strlen(c->unit);
    int printable = len > 0 && len <= 32 && !isspace((unsigned char)c->unit[0]);
    for (const char *p = c->unit; *p && printable; p++)
        printable = !iscntrl((unsigned char)*p) && !strchr("<>&\"", *p);
    if (printable)
        return SM_OK;
    sm_ynode u = *n;
    sm_y_get(n, "unit", &u);
    return sm_y_error(&u,
                      "unit '%s': a unit is 1 to 32 printable characters without <>&\"; "
                      "known units, converted to mg/kg: %s",
                      c->unit, sm_unit_names());
}

static int load_contaminant(const sm_ynode *n, const char *name, sm_contaminant *c)
{
    static const char *const keys[] = {"column", "unit", "limit_column", "detection_limit", NULL};
    c->name = strdup(name);
    c->detection_limit = NAN;
    c->unit = strdup("mg/kg");
    if (!valid_identifier(name))
        return sm_y_error(n,
                          "contaminant names must be lower-case words (a-z, 0-9, _), "
                          "as they name output fields; got '%s'",
                          name);
    if (!sm_y_is_map(n)) /* shorthand "cd: Cd" */
        SM_TRY(sm_y_string(n, &c->column));
    else {
        SM_TRY(sm_y_check_map(n, keys));
        SM_TRY(sm_y_key_string(n, "column", 1, &c->column));
        SM_TRY(sm_y_key_string(n, "unit", 0, &c->unit));
        SM_TRY(sm_y_key_string(n, "limit_column", 0, &c->limit_column));
        SM_TRY(sm_y_key_number(n, "detection_limit", 0, 1e-12, HUGE_VAL, &c->detection_limit));
    }
    return load_unit(n, c);
}

const char *sm_contaminant_unit(const sm_contaminant *c)
{
    return c->to_mgkg == SM_UNIT_AS_GIVEN ? c->unit : "mg/kg";
}

const sm_contaminant *sm_config_contaminant(const sm_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->samples.n_contaminants; i++)
        if (!strcmp(cfg->samples.contaminants[i].name, name))
            return &cfg->samples.contaminants[i];
    return NULL;
}

const char *sm_config_unit(const sm_config *cfg, const char *contaminant)
{
    const sm_contaminant *c = sm_config_contaminant(cfg, contaminant);
    return c ? sm_contaminant_unit(c) : "mg/kg";
}

static int check_attribute_count(const sm_ynode *parent, int n)
{
    sm_ynode at;
    if (n <= SM_MAX_ATTRIBUTES || !sm_y_get(parent, "attributes", &at))
        return SM_OK;
    return sm_y_error(&at, "%d attributes; at most %d are kept", n, SM_MAX_ATTRIBUTES);
}

static int load_contaminants(const sm_ynode *samples, sm_samples_config *s)
{
    sm_ynode map;
    if (!sm_y_get(samples, "contaminants", &map))
        return sm_y_error(samples, "missing required key 'contaminants'");
    int n = sm_y_map_len(&map);
    if (n <= 0)
        return sm_y_error(&map, "expected a mapping of contaminant name to column, "
                                "e.g. {cd: {column: Cd, unit: mg/kg}}");
    if (n > SM_MAX_CONTAMINANTS)
        return sm_y_error(&map,
                          "%d contaminants; one run handles at most %d (split them "
                          "over several configs)",
                          n, SM_MAX_CONTAMINANTS);
    s->contaminants = calloc((size_t)n, sizeof *s->contaminants);
    for (int i = 0; i < n; i++) {
        const char *name;
        sm_ynode item = sm_y_map_item(&map, i, &name);
        s->n_contaminants = i + 1;
        SM_TRY(load_contaminant(&item, name, &s->contaminants[i]));
    }
    return SM_OK;
}

/* Output field names must not collide (GeoPackage columns ignore case): the
 * fixed fields, each contaminant's three fields, and the kept attributes. */
static int check_field_names(const sm_ynode *n, const sm_samples_config *s)
{
    enum { MAX = 3 * SM_MAX_CONTAMINANTS + SM_MAX_ATTRIBUTES + 4 };
    char names[MAX][160];
    int count = 0;
    static const char *const fixed[] = {"sample_id", "src_row", "n_merged", "merged_ids"};
    for (int i = 0; i < 4; i++)
        snprintf(names[count++], sizeof names[0], "%s", fixed[i]);
    for (int c = 0; c < s->n_contaminants && count + 3 < MAX; c++) {
        snprintf(names[count++], sizeof names[0], "%s", s->contaminants[c].name);
        snprintf(names[count++], sizeof names[0], "%s_flag", s->contaminants[c].name);
        snprintf(names[count++], sizeof names[0], "%s_limit", s->contaminants[c].name);
    }
    for (int a = 0; a < s->n_attributes; a++) {
        for (int k = 0; k < count; k++)
            if (strcasecmp(names[k], s->attributes[a]) == 0) {
                sm_ynode at = *n;
                sm_y_get(n, "attributes", &at);
                return sm_y_error(&at,
                                  "attribute '%s' would clash with the output field '%s'; "
                                  "rename the column or leave it out",
                                  s->attributes[a], names[k]);
            }
        if (count < MAX)
            snprintf(names[count++], sizeof names[0], "%s", s->attributes[a]);
    }
    return SM_OK;
}

/* A CRS given in the config must be one PROJ knows. */
static int check_crs_key(const sm_ynode *map, const char *text)
{
    if (!text)
        return SM_OK;
    OGRSpatialReferenceH srs = sm_crs_new(text);
    if (srs) {
        OSRDestroySpatialReference(srs);
        return SM_OK;
    }
    sm_ynode c;
    sm_y_get(map, "crs", &c);
    return sm_y_error(&c, "'%s' is not a CRS that PROJ knows (use e.g. EPSG:4326 or WKT)", text);
}

static int load_samples(const sm_ynode *root, sm_samples_config *s)
{
    static const char *const keys[] = {"path",
                                       "layer",
                                       "crs",
                                       "x",
                                       "y",
                                       "wkt",
                                       "id",
                                       "contaminants",
                                       "attributes",
                                       "censored",
                                       "duplicates",
                                       "duplicate_tolerance",
                                       "max_reject_share",
                                       "encoding",
                                       NULL};
    static const char *const censor_words[] = {"half-limit", "limit", "drop", NULL};
    static const char *const dup_words[] = {"mean", "first", "max", NULL};
    sm_ynode n;
    if (!sm_y_get(root, "samples", &n))
        return sm_y_error(root, "missing required key 'samples'");
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_path(&n, "path", 1, &s->path));
    SM_TRY(sm_y_key_string(&n, "layer", 0, &s->layer));
    SM_TRY(sm_y_key_string(&n, "crs", 0, &s->crs));
    SM_TRY(sm_y_key_string(&n, "x", 0, &s->x));
    SM_TRY(sm_y_key_string(&n, "y", 0, &s->y));
    SM_TRY(sm_y_key_string(&n, "wkt", 0, &s->wkt));
    SM_TRY(sm_y_key_string(&n, "id", 0, &s->id));
    SM_TRY(sm_y_key_string(&n, "encoding", 0, &s->encoding));
    if ((s->x == NULL) != (s->y == NULL))
        return sm_y_error(&n, "give both 'x' and 'y' columns, or neither");
    if (s->x && s->wkt)
        return sm_y_error(&n, "give either 'x'/'y' or 'wkt' columns, not both");
    SM_TRY(check_crs_key(&n, s->crs));
    SM_TRY(load_contaminants(&n, s));
    SM_TRY(sm_y_key_strings(&n, "attributes", &s->attributes, &s->n_attributes));
    SM_TRY(check_attribute_count(&n, s->n_attributes));
    SM_TRY(check_field_names(&n, s));
    int choice = 0;
    if (sm_y_key_choice(&n, "censored", censor_words, &choice) < 0)
        return SM_ECONFIG;
    s->censored = (sm_censor_policy)choice;
    choice = 0;
    if (sm_y_key_choice(&n, "duplicates", dup_words, &choice) < 0)
        return SM_ECONFIG;
    s->duplicates = (sm_dup_policy)choice;
    s->duplicate_tolerance = 0.001;
    SM_TRY(sm_y_key_number(&n, "duplicate_tolerance", 0, 0.0, HUGE_VAL, &s->duplicate_tolerance));
    s->max_reject_share = 0.10;
    SM_TRY(sm_y_key_number(&n, "max_reject_share", 0, 0.0, 1.0, &s->max_reject_share));
    return SM_OK;
}

static int load_source(const sm_ynode *n, sm_source_config *src)
{
    static const char *const keys[] = {"path",       "layer",      "crs",        "wkt", "type",
                                       "type_field", "name_field", "attributes", NULL};
    SM_TRY(sm_y_check_map(n, keys));
    SM_TRY(sm_y_key_path(n, "path", 1, &src->path));
    SM_TRY(sm_y_key_string(n, "layer", 0, &src->layer));
    SM_TRY(sm_y_key_string(n, "crs", 0, &src->crs));
    SM_TRY(check_crs_key(n, src->crs));
    SM_TRY(sm_y_key_string(n, "wkt", 0, &src->wkt));
    SM_TRY(sm_y_key_string(n, "type", 0, &src->type));
    SM_TRY(sm_y_key_string(n, "type_field", 0, &src->type_field));
    SM_TRY(sm_y_key_string(n, "name_field", 0, &src->name_field));
    SM_TRY(sm_y_key_strings(n, "attributes", &src->attributes, &src->n_attributes));
    SM_TRY(check_attribute_count(n, src->n_attributes));
    if (!src->type == !src->type_field)
        return sm_y_error(n, "give exactly one of 'type' (one type for the layer) or "
                             "'type_field' (the attribute that holds it)");
    return SM_OK;
}

static int load_sources(const sm_ynode *root, sm_config *cfg)
{
    sm_ynode n;
    if (!sm_y_get(root, "sources", &n))
        return SM_OK;
    int count = sm_y_is_seq(&n) ? sm_y_seq_len(&n) : 1;
    cfg->sources = calloc((size_t)count, sizeof *cfg->sources);
    sm_ycursor at = {0};
    sm_ynode item = n;
    for (int i = 0; i < count; i++) {
        if (sm_y_is_seq(&n))
            sm_y_seq_next(&n, &at, &item);
        cfg->n_sources = i + 1;
        SM_TRY(load_source(&item, &cfg->sources[i]));
    }
    return SM_OK;
}

static int load_root(const sm_yaml_doc *doc, sm_config *cfg)
{
    static const char *const keys[] = {
        "project", "output",     "crs",      "grid",        "samples",   "sources", "interpolation",
        "landuse", "thresholds", "hotspots", "simulation", "remediation", "screening", "publish", NULL};
    sm_ynode root = sm_yaml_root(doc);
    SM_TRY(sm_y_check_map(&root, keys));
    SM_TRY(sm_y_key_string(&root, "project", 1, &cfg->project));
    SM_TRY(sm_y_key_path(&root, "output", 1, &cfg->output));
    SM_TRY(sm_config_load_grid(&root, cfg));
    SM_TRY(load_samples(&root, &cfg->samples));
    SM_TRY(load_sources(&root, cfg));
    SM_TRY(sm_config_load_interpolation(&root, cfg, &cfg->interpolation));
    SM_TRY(sm_config_load_classify(&root, cfg));
    SM_TRY(sm_config_load_simulation(&root, cfg));
    SM_TRY(sm_config_load_remediation(&root, cfg));
    SM_TRY(sm_config_load_screening(&root, cfg));
    return sm_config_load_publish(&root, cfg);
}

int sm_config_load(const char *file, sm_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    sm_yaml_doc doc;
    int rc = sm_yaml_load(file, &doc);
    if (rc)
        return rc;
    cfg->file = strdup(file);
    rc = load_root(&doc, cfg);
    if (rc == SM_OK)
        rc = sm_yaml_to_json(&doc, &cfg->json);
    sm_yaml_free(&doc);
    if (rc)
        sm_config_free(cfg);
    return rc;
}

static void free_strings(char **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void sm_config_free(sm_config *cfg)
{
    sm_samples_config *s = &cfg->samples;
    for (int i = 0; i < s->n_contaminants; i++) {
        sm_contaminant *c = &s->contaminants[i];
        free(c->name);
        free(c->column);
        free(c->unit);
        free(c->limit_column);
    }
    free(s->contaminants);
    free_strings(s->attributes, s->n_attributes);
    free(s->path), free(s->layer), free(s->crs), free(s->x), free(s->y), free(s->wkt), free(s->id);
    free(s->encoding);
    for (int i = 0; i < cfg->n_sources; i++) {
        sm_source_config *src = &cfg->sources[i];
        free(src->path), free(src->layer), free(src->crs), free(src->wkt);
        free(src->type), free(src->type_field), free(src->name_field);
        free_strings(src->attributes, src->n_attributes);
    }
    free(cfg->sources);
    sm_config_free_interpolation(&cfg->interpolation);
    sm_config_free_classify(cfg);
    sm_config_free_simulation(cfg);
    sm_config_free_remediation(cfg);
    sm_config_free_screening(cfg);
    free(cfg->file), free(cfg->json), free(cfg->project), free(cfg->output);
    sm_config_free_grid(cfg);
    memset(cfg, 0, sizeof *cfg);
}
