/* The `interpolation` section of the run config (docs/config.md). */
#include "config/config.h"
#include "config/yamlread.h"
#include "core/error.h"
#include "core/limits.h"
#include "geostat/vgmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int load_neighbours(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const keys[] = {"max", "min", "radius", NULL};
    sm_ynode n;
    ic->nmax = 0, ic->nmin = 1, ic->maxdist = HUGE_VAL;
    if (!sm_y_get(sec, "neighbours", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_int(&n, "max", 1, 100000, &ic->nmax));
    SM_TRY(sm_y_key_int(&n, "min", 1, 100000, &ic->nmin));
    SM_TRY(sm_y_key_number(&n, "radius", 0, 1e-9, HUGE_VAL, &ic->maxdist));
    if (ic->nmax > 0 && ic->nmin > ic->nmax)
        return sm_y_error(&n, "min (%d) exceeds max (%d)", ic->nmin, ic->nmax);
    return SM_OK;
}

static int load_anisotropy(const sm_ynode *map, sm_structure_config *s)
{
    static const char *const keys[] = {"angle", "ratio", NULL};
    sm_ynode n;
    s->anis_angle = 0, s->anis_ratio = 1;
    if (!sm_y_get(map, "anisotropy", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_number(&n, "angle", 1, -360, 360, &s->anis_angle));
    SM_TRY(sm_y_key_number(&n, "ratio", 1, 1e-6, 1, &s->anis_ratio));
    return SM_OK;
}

static int load_model_name(const sm_ynode *map, int allow_auto, int *type, int *is_auto)
{
    sm_ynode n;
    char *name = NULL;
    *is_auto = allow_auto;
    if (!sm_y_get(map, "model", &n))
        return SM_OK;
    SM_TRY(sm_y_string(&n, &name));
    sm_vgm_type t;
    int rc = SM_OK;
    if (allow_auto && strcasecmp(name, "auto") == 0)
        *is_auto = 1;
    else if (sm_vgm_type_parse(name, &t) == 0 && t != SM_VGM_NUG)
        *type = t, *is_auto = 0;
    else
        rc = sm_y_error(&n,
                        "'%s' is not a model; use %sSph, Exp, Gau or Mat (a nugget is "
                        "given by the key 'nugget')",
                        name, allow_auto ? "auto, " : "");
    free(name);
    return rc;
}

/* One structure: model, psill, range, kappa, anisotropy. */
static int load_structure(const sm_ynode *map, sm_structure_config *s, int *is_auto, int allow_auto)
{
    s->type = SM_VGM_SPH, s->psill = NAN, s->range = NAN, s->kappa = 0.5;
    SM_TRY(load_model_name(map, allow_auto, &s->type, is_auto));
    SM_TRY(sm_y_key_number(map, "psill", 0, 0, HUGE_VAL, &s->psill));
    SM_TRY(sm_y_key_number(map, "range", 0, 1e-9, HUGE_VAL, &s->range));
    SM_TRY(sm_y_key_number(map, "kappa", 0, 0.05, 50, &s->kappa));
    return load_anisotropy(map, s);
}

static int load_structures(const sm_ynode *v, sm_interp_config *ic)
{
    static const char *const keys[] = {"model", "psill", "range", "kappa", "anisotropy", NULL};
    sm_ynode list;
    if (!sm_y_get(v, "structures", &list))
        return SM_OK;
    int n = sm_y_seq_len(&list);
    if (!sm_y_is_seq(&list) || n < 1 || n > 3)
        return sm_y_error(&list, "expected a list of 1 to 3 structures, e.g. "
                                 "[{model: Sph, psill: 0.5, range: 900}]");
    for (int i = 0; i < n; i++) {
        sm_ynode item = sm_y_seq_item(&list, i);
        int is_auto;
        SM_TRY(sm_y_check_map(&item, keys));
        SM_TRY(load_structure(&item, &ic->structures[i], &is_auto, 0));
    }
    ic->n_structures = n;
    ic->model_auto = 0;
    return SM_OK;
}

static int load_fit(const sm_ynode *v, sm_interp_config *ic)
{
    static const char *const failure_words[] = {"start", "fail", NULL};
    sm_ynode n;
    ic->fit_method = 7;
    if (sm_y_get(v, "fit", &n)) {
        char *text = NULL;
        SM_TRY(sm_y_string(&n, &text));
        int ok = 1;
        if (strcasecmp(text, "none") == 0)
            ic->fit_method = 0;
        else if (!strcmp(text, "1") || !strcmp(text, "2") || !strcmp(text, "6") ||
                 !strcmp(text, "7"))
            ic->fit_method = atoi(text);
        else
            ok = 0;
        free(text);
        if (!ok)
            return sm_y_error(&n, "expected a gstat fit.method (1, 2, 6 or 7) or 'none'");
    }
    int fail = 0;
    SM_TRY(sm_y_key_choice(v, "on_fit_failure", failure_words, &fail));
    ic->fail_on_bad_fit = fail;
    return SM_OK;
}

static int check_given_model(const sm_ynode *v, const sm_interp_config *ic)
{
    if (ic->model_auto && ic->fit_method == 0)
        return sm_y_error(v, "model 'auto' needs a fit; name a model or set fit: 1, 2, 6 or 7");
    if (ic->fit_method != 0)
        return SM_OK;
    for (int i = 0; i < ic->n_structures; i++)
        if (isnan(ic->structures[i].psill) || isnan(ic->structures[i].range))
            return sm_y_error(v, "with fit: none, give each structure's psill and range");
    return SM_OK;
}

static int load_directions(const sm_ynode *v, sm_interp_config *ic)
{
    sm_ynode n;
    if (!sm_y_get(v, "directions", &n))
        return SM_OK;
    int count = sm_y_is_seq(&n) ? sm_y_seq_len(&n) : 0;
    if (count < 1 || count > 36)
        return sm_y_error(&n, "expected a list of directions in degrees, e.g. [0, 45, 90, 135]");
    ic->directions = calloc((size_t)count, sizeof *ic->directions);
    ic->n_directions = count;
    for (int i = 0; i < count; i++) {
        sm_ynode item = sm_y_seq_item(&n, i);
        SM_TRY(sm_y_number(&item, -360, 360, &ic->directions[i]));
    }
    ic->direction_tolerance = 90.0 / count;
    SM_TRY(sm_y_key_number(v, "direction_tolerance", 0, 0.1, 90, &ic->direction_tolerance));
    return SM_OK;
}

static int load_variogram(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const keys[] = {
        "estimator",  "cutoff",     "width", "directions",     "direction_tolerance",
        "model",      "nugget",     "psill", "range",          "kappa",
        "anisotropy", "structures", "fit",   "on_fit_failure", NULL};
    static const char *const estimators[] = {"matheron", "cressie", NULL};
    sm_ynode v;
    free(ic->directions); /* a contaminant's own variogram replaces the shared one */
    ic->directions = NULL, ic->n_directions = 0, ic->direction_tolerance = 0;
    ic->cutoff = ic->width = 0, ic->cressie = 0;
    ic->nugget = NAN;
    ic->n_structures = 1;
    ic->model_auto = 1;
    ic->structures[0] = (sm_structure_config){SM_VGM_SPH, NAN, NAN, 0.5, 0, 1};
    ic->fit_method = 7;
    if (!sm_y_get(sec, "variogram", &v))
        return SM_OK;
    SM_TRY(sm_y_check_map(&v, keys));
    SM_TRY(sm_y_key_choice(&v, "estimator", estimators, &ic->cressie));
    SM_TRY(sm_y_key_number(&v, "cutoff", 0, 1e-9, HUGE_VAL, &ic->cutoff));
    SM_TRY(sm_y_key_number(&v, "width", 0, 1e-9, HUGE_VAL, &ic->width));
    SM_TRY(load_directions(&v, ic));
    SM_TRY(sm_y_key_number(&v, "nugget", 0, 0, HUGE_VAL, &ic->nugget));
    sm_ynode tmp;
    if (sm_y_get(&v, "structures", &tmp) &&
        (sm_y_get(&v, "model", &tmp) || sm_y_get(&v, "psill", &tmp) || sm_y_get(&v, "range", &tmp)))
        return sm_y_error(&tmp, "give either 'structures' or one model's keys, not both");
    SM_TRY(load_structure(&v, &ic->structures[0], &ic->model_auto, 1));
    SM_TRY(load_structures(&v, ic));
    SM_TRY(load_fit(&v, ic));
    return check_given_model(&v, ic);
}

static int load_cross_validation(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const words[] = {"none", "loo", NULL};
    static const char *const keys[] = {"folds", "seed", NULL};
    sm_ynode n;
    ic->cv_folds = 1, ic->cv_seed = 1;
    if (!sm_y_get(sec, "cross_validation", &n))
        return SM_OK;
    if (!sm_y_is_map(&n)) {
        int which = 1;
        SM_TRY(sm_y_choice(&n, words, &which));
        ic->cv_folds = which;
        return SM_OK;
    }
    SM_TRY(sm_y_check_map(&n, keys));
    int folds = 10, seed = 1;
    SM_TRY(sm_y_key_int(&n, "folds", 2, 1000000, &folds));
    SM_TRY(sm_y_key_int(&n, "seed", 0, 2147483647, &seed));
    ic->cv_folds = folds, ic->cv_seed = (unsigned)seed;
    return SM_OK;
}

static int load_contaminant_list(const sm_ynode *sec, const sm_config *cfg, sm_interp_config *ic)
{
    sm_ynode list;
    if (sm_y_get(sec, "contaminants", &list) && sm_y_count(&list) > SM_MAX_CONTAMINANTS)
        return sm_y_error(&list, "%d contaminants; one run handles at most %d", sm_y_count(&list),
                          SM_MAX_CONTAMINANTS);
    SM_TRY(sm_y_key_strings(sec, "contaminants", &ic->contaminants, &ic->n_contaminants));
    for (int i = 0; i < ic->n_contaminants; i++) {
        int known = 0;
        for (int c = 0; c < cfg->samples.n_contaminants && !known; c++)
            known = strcmp(cfg->samples.contaminants[c].name, ic->contaminants[i]) == 0;
        if (!known) {
            sm_ynode n;
            sm_y_get(sec, "contaminants", &n);
            return sm_y_error(&n, "'%s' is not one of samples.contaminants", ic->contaminants[i]);
        }
    }
    return SM_OK;
}

static int load_output_options(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const types[] = {"Float32", "Float64", NULL};
    ic->tile = 0; /* automatic: sm_grid_tile */
    SM_TRY(sm_y_key_int(sec, "tile_size", 16, 4096, &ic->tile));
    SM_TRY(sm_y_key_choice(sec, "data_type", types, &ic->float64));
    SM_TRY(
        sm_y_key_strings(sec, "creation_options", &ic->creation_options, &ic->n_creation_options));
    for (int i = 0; i < ic->n_creation_options; i++)
        if (!strchr(ic->creation_options[i], '=')) {
            sm_ynode n;
            sm_y_get(sec, "creation_options", &n);
            return sm_y_error(&n, "'%s' is not KEY=VALUE", ic->creation_options[i]);
        }
    return SM_OK;
}

static int load_idw(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const keys[] = {"power", "smoothing", NULL};
    sm_ynode n;
    ic->power = 2.0, ic->smoothing = 0.0;
    if (!sm_y_get(sec, "idw", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_number(&n, "power", 0, 1e-6, 100, &ic->power));
    SM_TRY(sm_y_key_number(&n, "smoothing", 0, 0, HUGE_VAL, &ic->smoothing));
    return SM_OK;
}

/* The keys a contaminant may have of its own, each a whole group. */
static int load_method(const sm_ynode *sec, sm_interp_config *ic)
{
    static const char *const methods[] = {"idw", "kriging", NULL};
    static const char *const transforms[] = {"none", "log", NULL};
    static const char *const backs[] = {"unbiased", "exp", "none", NULL};
    int choice = ic->method;
    SM_TRY(sm_y_key_choice(sec, "method", methods, &choice));
    ic->method = (sm_interp_method)choice;
    SM_TRY(sm_y_key_choice(sec, "transform", transforms, &ic->log_transform));
    choice = ic->back_transform;
    SM_TRY(sm_y_key_choice(sec, "back_transform", backs, &choice));
    ic->back_transform = (sm_back_transform)choice;
    return SM_OK;
}

static int load_own(const sm_ynode *n, sm_interp_config *ic)
{
    static const char *const keys[] = {"method",     "transform", "back_transform",   "idw",
                                       "neighbours", "variogram", "cross_validation", NULL};
    sm_ynode v;
    SM_TRY(sm_y_check_map(n, keys));
    SM_TRY(load_method(n, ic));
    if (sm_y_get(n, "idw", &v))
        SM_TRY(load_idw(n, ic));
    if (sm_y_get(n, "neighbours", &v))
        SM_TRY(load_neighbours(n, ic));
    if (sm_y_get(n, "variogram", &v))
        SM_TRY(load_variogram(n, ic));
    if (sm_y_get(n, "cross_validation", &v))
        SM_TRY(load_cross_validation(n, ic));
    return SM_OK;
}

/* A copy of the shared settings that owns only its directions. */
static void copy_shared(const sm_interp_config *ic, sm_interp_config *own)
{
    *own = *ic;
    own->contaminants = NULL, own->n_contaminants = 0;
    own->per = NULL, own->per_names = NULL, own->n_per = 0;
    own->directions = NULL;
    if (ic->n_directions) {
        own->directions = malloc((size_t)ic->n_directions * sizeof *own->directions);
        memcpy(own->directions, ic->directions, (size_t)ic->n_directions * sizeof *ic->directions);
    }
}

static int load_per(const sm_ynode *sec, const sm_config *cfg, sm_interp_config *ic)
{
    sm_ynode map;
    if (!sm_y_get(sec, "per", &map))
        return SM_OK;
    int n = sm_y_map_len(&map);
    if (!sm_y_is_map(&map) || n > SM_MAX_CONTAMINANTS)
        return sm_y_error(&map, "expected a mapping of contaminant to its own settings, e.g. "
                                "{ni: {transform: none}}");
    ic->per = calloc((size_t)(n > 0 ? n : 1), sizeof *ic->per);
    ic->per_names = calloc((size_t)(n > 0 ? n : 1), sizeof *ic->per_names);
    for (int i = 0; i < n; i++) {
        const char *name;
        sm_ynode item = sm_y_map_item(&map, i, &name);
        copy_shared(ic, &ic->per[i]);
        ic->per_names[i] = strdup(name);
        ic->n_per = i + 1;
        if (!sm_config_contaminant(cfg, name))
            return sm_y_error(&item, "'%s' is not one of samples.contaminants", name);
        int listed = !ic->n_contaminants;
        for (int k = 0; k < ic->n_contaminants && !listed; k++)
            listed = !strcmp(ic->contaminants[k], name);
        if (!listed)
            return sm_y_error(&item,
                              "'%s' is not interpolated (interpolation.contaminants leaves it "
                              "out), so its settings would do nothing",
                              name);
        SM_TRY(load_own(&item, &ic->per[i]));
    }
    return SM_OK;
}

int sm_config_load_interpolation(const void *rootp, const sm_config *cfg, sm_interp_config *ic)
{
    static const char *const keys[] = {
        "method",    "contaminants", "transform",        "back_transform",
        "idw",       "neighbours",   "variogram",        "cross_validation",
        "tile_size", "data_type",    "creation_options", "per",
        NULL};
    const sm_ynode *root = rootp;
    sm_ynode sec;
    memset(ic, 0, sizeof *ic);
    if (!sm_y_get(root, "interpolation", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    ic->present = 1;
    ic->method = SM_INTERP_KRIGING, ic->back_transform = SM_BACK_UNBIASED;
    SM_TRY(load_method(&sec, ic));
    SM_TRY(load_contaminant_list(&sec, cfg, ic));
    SM_TRY(load_idw(&sec, ic));
    SM_TRY(load_neighbours(&sec, ic));
    SM_TRY(load_variogram(&sec, ic));
    SM_TRY(load_cross_validation(&sec, ic));
    SM_TRY(load_output_options(&sec, ic));
    return load_per(&sec, cfg, ic);
}

const sm_interp_config *sm_config_interp(const sm_config *cfg, const char *contaminant)
{
    const sm_interp_config *ic = &cfg->interpolation;
    for (int i = 0; i < ic->n_per; i++)
        if (!strcmp(ic->per_names[i], contaminant))
            return &ic->per[i];
    return ic;
}

void sm_config_free_interpolation(sm_interp_config *ic)
{
    for (int i = 0; i < ic->n_contaminants; i++)
        free(ic->contaminants[i]);
    free(ic->contaminants);
    for (int i = 0; i < ic->n_creation_options; i++)
        free(ic->creation_options[i]);
    free(ic->creation_options);
    free(ic->directions);
    for (int i = 0; i < ic->n_per; i++)
        free(ic->per_names[i]), free(ic->per[i].directions);
    free(ic->per_names), free(ic->per);
    memset(ic, 0, sizeof *ic);
}
