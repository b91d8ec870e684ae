/* The `simulation` section of the run config (docs/simulation.md). */
#include "config/config.h"
#include "config/yamlread.h"
#include "core/error.h"
#include "core/limits.h"
#include "geostat/nscore.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const tail_models[] = {"linear", "power", "hyperbolic", NULL};

/* tails.lower or tails.upper: {model, power | omega, min | max}. */
static int load_tail(const sm_ynode *tails, const char *which, sm_tail_config *t)
{
    int upper = strcmp(which, "upper") == 0;
    const char *bound = upper ? "max" : "min";
    const char *keys[] = {"model", "power", "omega", bound, NULL};
    sm_ynode n, k;
    if (!sm_y_get(tails, which, &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_choice(&n, "model", tail_models, &t->model));
    if (t->model == SM_TAIL_HYPERBOLIC && !upper)
        return sm_y_error(&n, "a hyperbolic tail is for the upper tail only");
    if (sm_y_get(&n, "power", &k) && t->model != SM_TAIL_POWER)
        return sm_y_error(&k, "'power' is for model: power");
    if (sm_y_get(&n, "omega", &k) && t->model != SM_TAIL_HYPERBOLIC)
        return sm_y_error(&k, "'omega' is for model: hyperbolic");
    if (t->model == SM_TAIL_POWER)
        t->par = 1.0;
    SM_TRY(sm_y_key_number(&n, "power", 0, 1e-6, 1e6, &t->par));
    SM_TRY(sm_y_key_number(&n, "omega", 0, 1, 1e6, &t->par));
    return sm_y_key_number(&n, bound, 0, -HUGE_VAL, HUGE_VAL, &t->bound);
}

static int load_tails(const sm_ynode *sec, sm_simulation_config *sc)
{
    static const char *const keys[] = {"lower", "upper", NULL};
    sm_ynode n;
    if (!sm_y_get(sec, "tails", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(load_tail(&n, "lower", &sc->lower));
    SM_TRY(load_tail(&n, "upper", &sc->upper));
    if (isfinite(sc->lower.bound) && isfinite(sc->upper.bound) && sc->lower.bound >= sc->upper.bound)
        return sm_y_error(&n, "lower.min (%g) must be below upper.max (%g)", sc->lower.bound,
                          sc->upper.bound);
    return SM_OK;
}

static int load_neighbours(const sm_ynode *sec, sm_simulation_config *sc)
{
    static const char *const keys[] = {"max", "radius", NULL};
    sm_ynode n;
    if (!sm_y_get(sec, "neighbours", &n))
        return SM_OK;
    SM_TRY(sm_y_check_map(&n, keys));
    SM_TRY(sm_y_key_int(&n, "max", 1, 256, &sc->nmax));
    return sm_y_key_number(&n, "radius", 0, 1e-9, HUGE_VAL, &sc->maxdist);
}

/* Each contaminant simulated must be kriged: the simulation takes the
 * interpolation's variogram settings. */
static int check_contaminant(const sm_ynode *at, const sm_config *cfg, const char *name)
{
    const sm_interp_config *ic = &cfg->interpolation;
    int known = 0, interpolated = !ic->contaminants;
    for (int c = 0; c < cfg->samples.n_contaminants; c++)
        known |= strcmp(cfg->samples.contaminants[c].name, name) == 0;
    for (int c = 0; c < ic->n_contaminants; c++)
        interpolated |= strcmp(ic->contaminants[c], name) == 0;
    if (!known)
        return sm_y_error(at, "'%s' is not one of samples.contaminants", name);
    if (!interpolated)
        return sm_y_error(at, "'%s' is not in interpolation.contaminants", name);
    if (sm_config_interp(cfg, name)->method != SM_INTERP_KRIGING)
        return sm_y_error(at,
                          "'%s' is interpolated with IDW; simulation needs a variogram "
                          "(interpolation method: kriging)",
                          name);
    return SM_OK;
}

static int load_contaminants(const sm_ynode *sec, sm_config *cfg)
{
    sm_simulation_config *sc = &cfg->simulation;
    sm_ynode n;
    if (sm_y_get(sec, "contaminants", &n) && sm_y_count(&n) > SM_MAX_CONTAMINANTS)
        return sm_y_error(&n, "%d contaminants; one run handles at most %d", sm_y_count(&n),
                          SM_MAX_CONTAMINANTS);
    SM_TRY(sm_y_key_strings(sec, "contaminants", &sc->contaminants, &sc->n_contaminants));
    for (int i = 0; i < sc->n_contaminants; i++)
        SM_TRY(check_contaminant(&n, cfg, sc->contaminants[i]));
    return SM_OK;
}

int sm_config_load_simulation(const void *rootp, sm_config *cfg)
{
    static const char *const keys[] = {"realizations", "seed",       "contaminants", "neighbours",
                                       "lattice",      "declustering", "tails",      NULL};
    const sm_ynode *root = rootp;
    sm_simulation_config *sc = &cfg->simulation;
    sm_ynode sec;
    sc->realizations = 100, sc->seed = 1, sc->maxdist = NAN;
    sc->lower = (sm_tail_config){SM_TAIL_LINEAR, 1.0, NAN};
    sc->upper = (sm_tail_config){SM_TAIL_HYPERBOLIC, 1.5, NAN};
    if (!sm_y_get(root, "simulation", &sec))
        return SM_OK;
    sc->present = 1;
    SM_TRY(sm_y_check_map(&sec, keys));
    if (!cfg->interpolation.present)
        return sm_y_error(&sec, "simulation takes its variograms from the 'interpolation' "
                                "section, which the config lacks");
    int seed = 1;
    SM_TRY(sm_y_key_int(&sec, "realizations", 1, SM_MAX_REALIZATIONS, &sc->realizations));
    SM_TRY(sm_y_key_int(&sec, "seed", 0, 2147483647, &seed));
    sc->seed = (unsigned long)seed;
    SM_TRY(load_contaminants(&sec, cfg));
    SM_TRY(load_neighbours(&sec, sc));
    SM_TRY(sm_y_key_int(&sec, "lattice", 1, 64, &sc->lattice));
    SM_TRY(sm_y_key_number(&sec, "declustering", 0, 0, HUGE_VAL, &sc->declustering));
    return load_tails(&sec, sc);
}

void sm_config_free_simulation(sm_config *cfg)
{
    sm_simulation_config *sc = &cfg->simulation;
    for (int i = 0; i < sc->n_contaminants; i++)
        free(sc->contaminants[i]);
    free(sc->contaminants);
}
