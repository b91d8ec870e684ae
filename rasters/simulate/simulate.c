#include "simulate/simulate.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "grid/mask.h"
#include "grid/points.h"
#include "grid/surface.h"
#include "guideline/project.h"
#include "simulate/job.h"
#include "simulate/reduce.h"
#include "simulate/scores.h"
#include "simulate/summary.h"
#include "simulate/zones.h"
#include "stage/products.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double NODATA = -9999.0;
enum { PATH = SM_PATH_SIZE };

/* The lattice is every 4th cell, coarser while it would pass 2^19 nodes:
 * it depends on the grid alone, so a realization does not change with the
 * number of realizations. */
static int lattice_spacing(const sm_config *cfg, const sm_grid *g)
{
    if (cfg->simulation.lattice > 0)
        return cfg->simulation.lattice;
    int s = 4;
    while (((g->ncols + s - 1) / s) * ((g->nrows + s - 1) / s) > (1L << 19))
        s *= 2;
    return s;
}

/* A tile holds every realization of its cells and the kriging weights of
 * each: at most 96 MiB a thread. */
static int tile_edge(const sm_grid *g, const sm_interp_config *ic, const sm_sgs *s, int nreal)
{
    int t = sm_grid_tile(g, ic->tile);
    while (t > 32 && (double)t * t * nreal * sizeof(float) + sm_sgs_work_bytes(s, t) >
                         96.0 * 1024 * 1024)
        t /= 2;
    return t;
}

static int in_mask(const void *mask, long col, long row) { return sm_mask_has(mask, col, row); }

/* ---- the guideline values ---- */

static int load_guideline(sm_sim_job *j)
{
    const sm_config *cfg = j->cfg;
    if (!cfg->thresholds.present)
        return SM_OK;
    int rc = sm_guideline_load_table(cfg, NULL, &j->table);
    if (rc == SM_OK)
        rc = sm_guideline_for(cfg, &j->table, j->name, &j->gl);
    j->has_gl = rc == SM_OK;
    if (rc != SM_OK)
        return rc;
    sm_product_member(j->landuse, PATH, cfg, SM_PRODUCT_CLASS, "landuse");
    sm_ph_source src = cfg->thresholds.ph_source;
    if (src == SM_PH_RASTER || src == SM_PH_SAMPLES)
        sm_product_member(j->ph, PATH, cfg, SM_PRODUCT_CLASS, "ph");
    j->ph_value = src == SM_PH_VALUE ? cfg->thresholds.ph_value : NAN;
    j->nclasses = cfg->thresholds.n_classes;
    j->hotspot_tier = cfg->hotspots.tier;
    j->zones = calloc(1, sizeof *j->zones);
    return j->zones ? sm_sim_zones_load(j, j->zones)
                    : sm_error_set(SM_EINTERNAL, "simulation: out of memory");
}

/* ---- the lattice of every realization ---- */

static int simulate_lattices(sm_sim_job *j)
{
    const sm_sgs *s = &j->sgs;
    long nc = s->ccols * s->crows, nreal = j->nreal;
    double bytes = (double)nc * nreal * sizeof(float);
    if (bytes > 1024.0 * 1024 * 1024)
        return sm_error_set(SM_ECONFIG,
                            "simulation.realizations: %ld realizations of a %ld-node lattice "
                            "need %.1f GiB; give fewer or a coarser simulation.lattice",
                            nreal, nc, bytes / (1024.0 * 1024 * 1024));
    j->coarse = malloc((size_t)(nc * nreal) * sizeof *j->coarse);
    if (!j->coarse)
        return sm_error_set(SM_EINTERNAL, "simulation: out of memory for the lattices");
    return sm_sgs_coarse(s, j->nreal, j->coarse);
}

/* ---- the rasters ---- */

static void output_paths(const sm_config *cfg, const char *name, int ntiers, char paths[][PATH])
{
    static const char *const fixed[] = {"etype", "q05", "q95"};
    for (int b = 0; b < SM_SIM_FIXED_BANDS; b++)
        sm_product_member(paths[b], PATH, cfg, SM_PRODUCT_SIMULATION, "%s_%s.tif", name, fixed[b]);
    for (int k = 0; k < ntiers; k++)
        sm_product_member(paths[SM_SIM_FIXED_BANDS + k], PATH, cfg, SM_PRODUCT_SIMULATION,
                          "%s_p%d.tif", name, k + 1);
}

static void describe(void *ctx, int file, GDALDatasetH ds)
{
    const sm_sim_job *j = ctx;
    static const char *const fixed[] = {"mean of the realizations (E-type)",
                                        "5th percentile of the realizations",
                                        "95th percentile of the realizations"};
    char text[256];
    if (file < SM_SIM_FIXED_BANDS)
        snprintf(text, sizeof text, "%s: %s", j->name, fixed[file]);
    else
        snprintf(text, sizeof text, "%s: share of realizations above tier %d (%s)", j->name,
                 file - SM_SIM_FIXED_BANDS + 1, j->gl.tier_names[file - SM_SIM_FIXED_BANDS]);
    GDALSetDescription(GDALGetRasterBand(ds, 1), text);
}

static int render(sm_sim_job *j)
{
    char dir[PATH], paths[SM_SIM_FIXED_BANDS + SM_MAX_TIERS][PATH];
    sm_product_path(dir, sizeof dir, j->cfg, SM_PRODUCT_SIMULATION);
    int rc = sm_make_dirs(dir);
    if (rc)
        return rc;
    int nfiles = SM_SIM_FIXED_BANDS + j->ntiers;
    output_paths(j->cfg, j->name, j->ntiers, paths);
    sm_surface_spec spec = {.nfiles = nfiles,
                            .cog_options = j->ic->creation_options,
                            .tile = j->tile,
                            .share = &sm_share_all,
                            .describe = describe,
                            .describe_ctx = j};
    for (int b = 0; b < nfiles; b++)
        spec.files[b] = (sm_surface_file){paths[b], GDT_Float32, NODATA, 1};
    sm_surface_kernel k = {.scratch_new = sm_sim_scratch_new,
                           .scratch_free = sm_sim_scratch_free,
                           .tile = sm_sim_tile,
                           .ctx = j};
    sm_progress_task task;
    char label[96];
    snprintf(label, sizeof label, "%s, %d realizations", j->name, j->nreal);
    sm_progress_begin(&task, "simulate", label);
    return sm_surface_render(j->ctx->grid, j->ctx->srs, &spec, &k, sm_progress, &task);
}

/* ---- one contaminant ---- */

static int prepare(sm_sim_job *j, sm_simulate_result *res)
{
    const sm_simulation_config *sc = j->sc;
    const sm_grid *g = j->ctx->grid;
    int rc = sm_sim_scores(j, res);
    if (rc == SM_OK)
        rc = load_guideline(j);
    if (rc != SM_OK)
        return rc;
    j->ntiers = j->has_gl ? j->gl.ntiers : 0;
    int nmax = sc->nmax > 0                             ? sc->nmax
               : j->ic->nmax > 0 && j->ic->nmax <= 256 ? j->ic->nmax
                                                         : 32;
    /* flat data is never simulated: its set-up only sizes the tiles */
    sm_vgm model = res->vg.model;
    if (!isnan(j->flat))
        model = (sm_vgm){.n = 1, .part = {{.type = SM_VGM_NUG, .psill = 1, .anis_ratio = 1}}};
    j->sgs = (sm_sgs){.n = j->pts.n,
                      .x = j->pts.x,
                      .y = j->pts.y,
                      .z = j->scores,
                      .tree = &j->tree,
                      .model = model,
                      .nmax = nmax,
                      .radius = !isnan(sc->maxdist) ? sc->maxdist : j->ic->maxdist,
                      .ncols = g->ncols,
                      .nrows = g->nrows,
                      .xmin = g->xmin,
                      .ymax = g->ymax,
                      .res = g->res,
                      .spacing = lattice_spacing(j->cfg, g),
                      .active = g->mask ? in_mask : NULL,
                      .active_ctx = g->mask,
                      .seed = sc->seed};
    rc = sm_sgs_init(&j->sgs);
    res->nmax = nmax, res->radius = j->sgs.radius, res->lattice = j->sgs.spacing;
    res->tile = j->tile = rc == SM_OK ? tile_edge(g, j->ic, &j->sgs, j->nreal) : 0;
    res->ntiers = j->ntiers;
    size_t na = (size_t)j->nreal * (size_t)(j->ntiers ? j->ntiers : 1) * (size_t)(j->nclasses + 1);
    j->area = calloc(na, sizeof *j->area);
    if (rc == SM_OK && !j->area)
        rc = sm_error_set(SM_EINTERNAL, "simulation: out of memory");
    return rc;
}

static void job_free(sm_sim_job *j)
{
    sm_sgs_free(&j->sgs);
    free(j->coarse), free(j->area), free(j->scores), free(j->weights);
    sm_nscore_free(&j->ns);
    sm_kdtree_free(&j->tree);
    sm_points_free(&j->pts);
    sm_guideline_free(&j->gl); /* zeroed, or filled even when it failed */
    sm_sim_zones_free(j->zones), free(j->zones);
    sm_thresholds_free(&j->table);
}

static void log_result(const sm_sim_job *j, const sm_simulate_result *r)
{
    if (!isnan(j->flat)) {
        sm_log(SM_LOG_WARN, "simulate: %s: every sample is %g: so is every realization", j->name,
               j->flat);
        return;
    }
    const sm_vgm *m = &r->vg.model;
    char model[256];
    int used = snprintf(model, sizeof model, "%g Nug", m->part[0].psill);
    for (int i = 1; i < m->n; i++)
        used += snprintf(model + used, sizeof model - (size_t)used, " + %g %s(%g)",
                         m->part[i].psill, sm_vgm_type_name(m->part[i].type), m->part[i].range);
    sm_log(SM_LOG_RESULT,
           "simulate: %s: %d realizations from %d samples, normal-score model %s, %d "
           "neighbours, lattice every %d cells",
           j->name, j->nreal, r->n, model, r->nmax, r->lattice);
    for (int k = 0; k < r->ntiers; k++)
        sm_log(SM_LOG_RESULT, "simulate: %s: above %s: %.4g ha on average over the realizations",
               j->name, j->gl.tier_names[k], r->area_mean[k] / 1e4);
}

static int simulate_one(const sm_stage_ctx *ctx, const char *name, sm_simulate_result *res)
{
    double t0 = sm_clock();
    sm_sim_job j = {.ctx = ctx,
                    .cfg = ctx->cfg,
                    .sc = &ctx->cfg->simulation,
                    .ic = sm_config_interp(ctx->cfg, name),
                    .name = name,
                    .nreal = ctx->cfg->simulation.realizations};
    res->name = name;
    int rc = prepare(&j, res);
    if (rc == SM_OK && isnan(j.flat))
        rc = simulate_lattices(&j);
    if (rc == SM_OK)
        rc = render(&j);
    res->seconds = sm_clock() - t0;
    if (rc == SM_OK)
        rc = sm_sim_write_json(&j, res);
    if (rc == SM_OK)
        log_result(&j, res);
    job_free(&j);
    return rc;
}

int sm_simulate_names(const sm_config *cfg, const char *names[SM_MAX_CONTAMINANTS])
{
    const sm_simulation_config *sc = &cfg->simulation;
    if (sc->contaminants) {
        for (int i = 0; i < sc->n_contaminants; i++)
            names[i] = sc->contaminants[i];
        return sc->n_contaminants;
    }
    const char *all[SM_MAX_CONTAMINANTS];
    int n = sm_products_interpolated(cfg, all), k = 0;
    for (int i = 0; i < n; i++)
        if (sm_config_interp(cfg, all[i])->method == SM_INTERP_KRIGING)
            names[k++] = all[i];
    return k;
}

int sm_simulate(const sm_stage_ctx *ctx, sm_simulate_summary *out)
{
    memset(out, 0, sizeof *out);
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_simulate_names(ctx->cfg, names), rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        out->n = i + 1;
        rc = simulate_one(ctx, names[i], &out->per[i]);
    }
    return rc;
}

/* The tiers of a contaminant, from the table (0 when it cannot be read:
 * the run says why). */
static int tiers_of(const sm_config *cfg, const char *name)
{
    if (!cfg->thresholds.present)
        return 0;
    sm_threshold_table t;
    sm_guideline g = {0};
    int n = 0;
    if (sm_guideline_load_table(cfg, NULL, &t) == SM_OK &&
        sm_guideline_for(cfg, &t, name, &g) == SM_OK)
        n = g.ntiers;
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
    sm_error_clear();
    return n;
}

int sm_simulate_outputs(const sm_config *cfg, sm_paths *paths)
{
    const char *names[SM_MAX_CONTAMINANTS];
    int n = sm_simulate_names(cfg, names), rc = SM_OK;
    for (int i = 0; i < n && rc == SM_OK; i++) {
        char p[SM_SIM_FIXED_BANDS + SM_MAX_TIERS][PATH];
        int nt = tiers_of(cfg, names[i]);
        output_paths(cfg, names[i], nt, p);
        for (int b = 0; b < SM_SIM_FIXED_BANDS + nt && rc == SM_OK; b++)
            rc = sm_paths_add(paths, "%s", p[b]);
        sm_product_member(p[0], PATH, cfg, SM_PRODUCT_SIMULATION, "%s.json", names[i]);
        if (rc == SM_OK)
            rc = sm_paths_add(paths, "%s", p[0]);
    }
    return rc;
}
