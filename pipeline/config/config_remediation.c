/* The `remediation`, `screening` and `publish` sections of the run config
 * (docs/remediation.md, docs/publish.md). */
#include "config/config.h"
#include "config/yamlread.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/version.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int load_weights(const sm_ynode *sec, sm_remediation_config *rc)
{
    static const char *const keys[] = {"environmental", "social", "economic", NULL};
    sm_ynode n;
    rc->w_env = 0.4, rc->w_social = 0.3, rc->w_econ = 0.3;
    if (!sm_y_get(sec, "weights", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_number(&n, "environmental", 1, 0, 1, &rc->w_env));
    SM_TRY(sm_y_key_number(&n, "social", 1, 0, 1, &rc->w_social));
    SM_TRY(sm_y_key_number(&n, "economic", 1, 0, 1, &rc->w_econ));
    double sum = rc->w_env + rc->w_social + rc->w_econ;
    if (fabs(sum - 1.0) > 1e-9)
        return sm_y_error(&n, "the weights must sum to 1 (they sum to %g)", sum);
    return SM_OK;
}

int sm_config_load_remediation(const void *rootp, sm_config *cfg)
{
    static const char *const keys[] = {
        "store", "catalogue", "weights",          "nature_based_bonus",
        "cases", "top",       "urgent_land_uses", NULL};
    const sm_ynode *root = rootp;
    sm_remediation_config *rc = &cfg->remediation;
    sm_ynode sec;
    rc->nature_bonus = 0.1, rc->cases = 3, rc->top = 3;
    rc->w_env = 0.4, rc->w_social = 0.3, rc->w_econ = 0.3;
    if (!sm_y_get(root, "remediation", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    rc->present = 1;
    SM_TRY(sm_y_key_path(&sec, "store", 1, &rc->store));
    SM_TRY(sm_y_key_path(&sec, "catalogue", 0, &rc->catalogue));
    if (!rc->catalogue)
        rc->catalogue = strdup(SM_DATA_DIR "/remediation");
    SM_TRY(load_weights(&sec, rc));
    SM_TRY(sm_y_key_number(&sec, "nature_based_bonus", 0, 0, 1, &rc->nature_bonus));
    SM_TRY(sm_y_key_int(&sec, "cases", 0, 100, &rc->cases));
    SM_TRY(sm_y_key_int(&sec, "top", 1, 100, &rc->top));
    SM_TRY(sm_y_key_strings(&sec, "urgent_land_uses", &rc->urgent, &rc->n_urgent));
    if (!rc->urgent) {
        rc->urgent = calloc(3, sizeof *rc->urgent);
        rc->urgent[0] = strdup("residential"), rc->urgent[1] = strdup("parkland");
        rc->n_urgent = 2;
    }
    return SM_OK;
}

void sm_config_free_remediation(sm_config *cfg)
{
    free(cfg->remediation.store);
    free(cfg->remediation.catalogue);
    for (int i = 0; i < cfg->remediation.n_urgent; i++)
        free(cfg->remediation.urgent[i]);
    free(cfg->remediation.urgent);
    memset(&cfg->remediation, 0, sizeof cfg->remediation);
}

int sm_config_load_screening(const void *rootp, sm_config *cfg)
{
    static const char *const keys[] = {"sites",   "layer",           "crs", "x", "y", "id", "name",
                                       "landuse", "sample_distance", NULL};
    const sm_ynode *root = rootp;
    sm_screening_config *sc = &cfg->screening;
    sm_ynode sec;
    sc->sample_distance = 500;
    if (!sm_y_get(root, "screening", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    sc->present = 1;
    SM_TRY(sm_y_key_path(&sec, "sites", 0, &sc->sites));
    SM_TRY(sm_y_key_string(&sec, "layer", 0, &sc->layer));
    SM_TRY(sm_y_key_string(&sec, "crs", 0, &sc->crs));
    SM_TRY(sm_y_key_string(&sec, "x", 0, &sc->x));
    SM_TRY(sm_y_key_string(&sec, "y", 0, &sc->y));
    SM_TRY(sm_y_key_string(&sec, "id", 0, &sc->id));
    SM_TRY(sm_y_key_string(&sec, "name", 0, &sc->name));
    SM_TRY(sm_y_key_string(&sec, "landuse", 0, &sc->landuse));
    SM_TRY(sm_y_key_number(&sec, "sample_distance", 0, 0, HUGE_VAL, &sc->sample_distance));
    if (!cfg->thresholds.present)
        return sm_y_error(&sec, "screening compares sites with guideline values: add a "
                                "'thresholds' section");
    return SM_OK;
}

void sm_config_free_screening(sm_config *cfg)
{
    sm_screening_config *sc = &cfg->screening;
    free(sc->sites), free(sc->layer), free(sc->crs), free(sc->x), free(sc->y);
    free(sc->id), free(sc->name), free(sc->landuse);
    memset(sc, 0, sizeof *sc);
}

/* One string of at most size - 1 characters into out. */
static int load_text(const sm_ynode *n, char *out, size_t size)
{
    char *s = NULL;
    SM_TRY(sm_y_string(n, &s));
    size_t len = strlen(s);
    if (len >= size) {
        free(s);
        return sm_y_error(n, "longer than %zu characters", size - 1);
    }
    memcpy(out, s, len + 1);
    free(s);
    return SM_OK;
}

/* publish.basemap: a URL template, or {url, attribution}. The credit line
 * is required: tile providers' terms ask for it, and a map without it
 * would misstate whose data it shows. A local CRS has no place on the
 * earth to put a basemap under, so it is an error there. */
static int load_basemap(const sm_ynode *sec, const sm_config *cfg, sm_publish_config *pc)
{
    static const char *const keys[] = {"url", "attribution", NULL};
    sm_ynode n, v;
    if (!sm_y_get(sec, "basemap", &n))
        return SM_OK;
    if (!sm_y_is_map(&n))
        SM_TRY(load_text(&n, pc->basemap_url, sizeof pc->basemap_url));
    else {
        SM_TRY(sm_y_check_map(&n, keys));
        if (sm_y_get(&n, "url", &v))
            SM_TRY(load_text(&v, pc->basemap_url, sizeof pc->basemap_url));
        if (sm_y_get(&n, "attribution", &v))
            SM_TRY(load_text(&v, pc->basemap_attribution, sizeof pc->basemap_attribution));
    }
    if (!strstr(pc->basemap_url, "{z}") || !strstr(pc->basemap_url, "{x}") ||
        !strstr(pc->basemap_url, "{y}"))
        return sm_y_error(&n, "expected a tile URL template with {z}, {x} "
                              "and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    if (!pc->basemap_attribution[0])
        return sm_y_error(&n, "attribution is required with a basemap url (the tile provider's "
                              "credit line), e.g. "
                              "attribution: \"© OpenStreetMap contributors\"");
    OGRSpatialReferenceH srs = cfg->crs ? sm_crs_new(cfg->crs) : NULL;
    int local = srs && sm_crs_is_local(srs);
    OSRDestroySpatialReference(srs);
    if (local)
        return sm_y_error(&n, "crs: local has no georeference, so no basemap "
                              "can be placed under the maps; remove publish.basemap");
    return SM_OK;
}

int sm_config_load_publish(const void *rootp, sm_config *cfg)
{
    static const char *const keys[] = {"tiles", "viewer", "report", "basemap", NULL};
    static const char *const tile_keys[] = {"zoom", NULL};
    const sm_ynode *root = rootp;
    sm_publish_config *pc = &cfg->publish;
    sm_ynode sec, tiles, zoom;
    pc->zmin = pc->zmax = -1, pc->tiles = 1, pc->viewer = 1, pc->report = 1;
    if (!sm_y_get(root, "publish", &sec))
        return SM_OK;
    SM_TRY(sm_y_check_map(&sec, keys));
    pc->present = 1;
    SM_TRY(sm_y_key_bool(&sec, "viewer", &pc->viewer));
    SM_TRY(sm_y_key_bool(&sec, "report", &pc->report));
    SM_TRY(load_basemap(&sec, cfg, pc));
    if (!sm_y_get(&sec, "tiles", &tiles))
        return SM_OK;
    if (!sm_y_is_map(&tiles)) { /* tiles: true | false, or the mapping of their settings */
        int rc = sm_y_bool(&tiles, &pc->tiles);
        return rc < 0 ? rc : SM_OK;
    }
    SM_TRY(sm_y_check_map(&tiles, tile_keys));
    if (!sm_y_get(&tiles, "zoom", &zoom))
        return SM_OK;
    double z[2];
    if (sm_y_seq_len(&zoom) != 2)
        return sm_y_error(&zoom, "expected [min, max], e.g. [11, 16]");
    for (int i = 0; i < 2; i++) {
        sm_ynode item = sm_y_seq_item(&zoom, i);
        SM_TRY(sm_y_number(&item, 0, 22, &z[i]));
    }
    if (z[0] != floor(z[0]) || z[1] != floor(z[1]) || z[0] > z[1])
        return sm_y_error(&zoom, "expected whole zoom levels [min, max] with min <= max");
    pc->zmin = (int)z[0], pc->zmax = (int)z[1];
    return SM_OK;
}
