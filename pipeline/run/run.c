#include "run/run.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/ranks.h"
#include "core/version.h"
#include "grid/mask.h"
#include "grid/share.h"
#include "run/manifest.h"
#include "run/outdir.h"
#include "run/overlap.h"
#include "run/registry.h"
#include "stage/products.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *out_path(const sm_config *cfg, sm_product p)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, cfg, p);
    return strdup(path);
}

static int is_enabled(const sm_config *cfg, const sm_stage *st)
{
    return !st->enabled || st->enabled(cfg);
}

/* A stage's files of one kind (inputs, outputs, modified); none when the
 * config does not ask for the stage. */
static int list_files(const sm_config *cfg, const sm_stage *st,
                      int (*list)(const sm_config *, sm_paths *), sm_paths *paths)
{
    return list && is_enabled(cfg, st) ? list(cfg, paths) : SM_OK;
}

/* ---- skipping current stages ---- */

/* What a stage's result depends on: soilmap's version, the whole config,
 * the contents of its inputs, and the keys of the stages before it. */
static int stage_key(const sm_config *cfg, const sm_stage *st, const char *before, char key[65])
{
    sm_paths paths;
    sm_paths_init(&paths);
    int rc = list_files(cfg, st, st->inputs, &paths);
    /* the grid's template and study area shape every stage's cells */
    if (rc == SM_OK && cfg->grid.like)
        rc = sm_paths_add(&paths, "%s", cfg->grid.like);
    if (rc == SM_OK && cfg->grid.mask)
        rc = sm_paths_add(&paths, "%s", cfg->grid.mask);
    int n = paths.n;
    size_t cap = strlen(cfg->json ? cfg->json : "") + strlen(before) + 66 * ((size_t)n + 2) + 64;
    char *text = malloc(cap);
    int len = snprintf(text, cap, "%s\n%s\n%s\n%s\n", SM_VERSION, st->name, before,
                       cfg->json ? cfg->json : "");
    for (int i = 0; i < n; i++) {
        /* An unreadable input makes a key that matches nothing; the stage
         * itself then reports the problem in its own words. */
        char hex[65] = "unreadable";
        if (sm_file_sha256(paths.v[i], hex) != SM_OK)
            sm_error_clear();
        len += snprintf(text + len, cap - (size_t)len, "%s\n", hex);
    }
    sm_text_sha256(text, key);
    free(text);
    sm_paths_free(&paths);
    return rc;
}

/* The previous run's record of this stage, if its key matches and every
 * output it recorded is still there with the same contents. */
static json_object *current_record(json_object *old, const char *name, const char *key)
{
    json_object *stages_o, *rec, *k, *outs, *status;
    if (!old || !json_object_object_get_ex(old, "stages", &stages_o) ||
        !json_object_object_get_ex(stages_o, name, &rec) ||
        !json_object_object_get_ex(rec, "status", &status) ||
        strcmp(json_object_get_string(status), "ok") ||
        !json_object_object_get_ex(rec, "key", &k) || strcmp(json_object_get_string(k), key) ||
        !json_object_object_get_ex(rec, "outputs", &outs))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(outs); i++) {
        json_object *f = json_object_array_get_idx(outs, i), *p, *h;
        char hex[65];
        if (!json_object_object_get_ex(f, "path", &p) ||
            !json_object_object_get_ex(f, "sha256", &h) ||
            sm_file_sha256(json_object_get_string(p), hex) != SM_OK ||
            strcmp(hex, json_object_get_string(h)) != 0) {
            sm_error_clear();
            return NULL;
        }
    }
    return rec;
}

/* ---- running ---- */

/* Lists the stage's inputs, and its outputs and the earlier outputs it
 * rewrote (measured now) in its record, so that a rerun can tell whether
 * they are still as this stage left them. */
static int record_files(const sm_config *cfg, const sm_stage *st, sm_manifest *m, json_object *rec)
{
    sm_paths paths;
    sm_paths_init(&paths);
    int rc = list_files(cfg, st, st->inputs, &paths);
    for (int i = 0; i < paths.n && rc == SM_OK; i++)
        rc = sm_manifest_add_input(m, paths.v[i]) ? SM_OK : sm_error_status();
    sm_paths_free(&paths);
    if (rc == SM_OK)
        rc = list_files(cfg, st, st->outputs, &paths);
    if (rc == SM_OK)
        rc = list_files(cfg, st, st->modifies, &paths);
    json_object *outs = json_object_new_array();
    for (int i = 0; i < paths.n && rc == SM_OK; i++) {
        json_object *f = sm_manifest_add_output(m, paths.v[i]);
        if (f)
            json_object_array_add(outs, json_object_get(f));
        else
            rc = sm_error_status();
    }
    json_object_object_add(rec, "outputs", outs);
    sm_paths_free(&paths);
    return rc;
}

/* Who computes the tiles of this stage (share.h). */
static void stage_share(const sm_config *cfg, const sm_stage *st, const sm_run_options *opt,
                        sm_share *share)
{
    sm_share sh = {.mode = SM_SHARE_ALL, .index = 0, .count = 1};
    if (st->tiled && opt->slices > 0) {
        sh.mode = opt->assemble ? SM_SHARE_ASSEMBLE : SM_SHARE_SLICE;
        sh.index = opt->slice, sh.count = opt->slices;
        snprintf(sh.root, sizeof sh.root, "%s", opt->root ? opt->root : cfg->output);
        char *text = malloc(strlen(SM_VERSION) + strlen(cfg->json ? cfg->json : "") + 2);
        sprintf(text, "%s\n%s", SM_VERSION, cfg->json ? cfg->json : "");
        sm_text_sha256(text, sh.config);
        free(text);
    } else if (st->tiled && sm_nranks() > 1) {
        sh.mode = SM_SHARE_RANKS;
        sh.index = sm_rank(), sh.count = sm_nranks(), sh.dynamic = opt->dynamic;
    }
    *share = sh;
}

/* The analysis grid, and its study area when grid.mask gives one (recorded
 * with the count of cells inside). */
static int load_grid(const sm_config *cfg, OGRSpatialReferenceH srs, sm_grid *grid, sm_mask **mask,
                     json_object *rec)
{
    int rc = sm_products_grid(cfg, grid);
    if (rc != SM_OK || !cfg->grid.mask)
        return rc;
    rc = sm_mask_load(grid, srs, cfg->grid.mask, cfg->grid.mask_layer, mask);
    if (rc != SM_OK)
        return rc;
    grid->mask = *mask;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "path", json_object_new_string(cfg->grid.mask));
    json_object_object_add(o, "cells_inside", json_object_new_int64((*mask)->inside));
    json_object_object_add(o, "cells", json_object_new_int64(grid->ncols * grid->nrows));
    json_object_object_add(rec, "mask", o);
    return SM_OK;
}

/* The stage's work in its context, or the note saying why the config does
 * not ask for it. */
static int run_body(const sm_config *cfg, const sm_stage *st, const sm_run_options *opt,
                    OGRSpatialReferenceH srs, json_object *rec)
{
    if (!is_enabled(cfg, st)) {
        sm_log(SM_LOG_INFO, "%s: %s; skipped", st->name, st->skip_note);
        return SM_OK;
    }
    sm_share share;
    sm_grid grid;
    sm_mask *mask = NULL;
    stage_share(cfg, st, opt, &share);
    sm_stage_ctx ctx = {
        .cfg = cfg, .srs = srs, .share = &share, .grid = st->needs_grid ? &grid : NULL};
    int rc = st->needs_grid ? load_grid(cfg, srs, &grid, &mask, rec) : SM_OK;
    if (rc == SM_OK)
        rc = st->run(&ctx, rec);
    sm_mask_free(mask);
    return rc;
}

/* Ranks other than 0 keep no records: they do their share of the stages
 * that split their work, and wait for rank 0 through the rest. */
static int run_stage(const sm_config *cfg, const sm_stage *st, const char *key,
                     const sm_run_options *opt, OGRSpatialReferenceH srs, json_object *old,
                     sm_manifest *m)
{
    int rc;
    json_object *prev = opt->force || sm_rank() != 0 ? NULL : current_record(old, st->name, key);
    int skip = prev != NULL;
    sm_ranks_broadcast(&skip, sizeof skip);
    if (sm_rank() != 0) {
        json_object *scratch = json_object_new_object();
        rc = skip || !st->all_ranks ? SM_OK : run_body(cfg, st, opt, srs, scratch);
        json_object_put(scratch);
        return rc;
    }
    if (prev) {
        sm_log(SM_LOG_RESULT, "%s: up to date, skipped (--force redoes it)", st->name);
        json_object *copy = NULL;
        json_object_deep_copy(prev, &copy, NULL);
        json_object_object_add(m->stages, st->name, copy);
        return record_files(cfg, st, m, copy);
    }
    double t0 = sm_clock();
    json_object *rec = json_object_new_object();
    rc = run_body(cfg, st, opt, srs, rec);
    json_object *done = sm_manifest_stage(m, st->name, sm_clock() - t0, rc);
    json_object_object_add(done, "key", json_object_new_string(key));
    json_object_object_foreach(rec, k, v) json_object_object_add(done, k, json_object_get(v));
    json_object_put(rec);
    if (rc == SM_OK)
        rc = record_files(cfg, st, m, done);
    if (rc != SM_OK) /* never taken for current by a later run */
        json_object_object_add(done, "status", json_object_new_string("failed"));
    return rc;
}

/* A stage not run this time keeps its record from the last run, so that
 * run.json always describes the whole output folder. */
static void carry_over(const sm_config *cfg, const sm_stage *st, json_object *old, sm_manifest *m)
{
    json_object *stages_o, *rec, *copy = NULL;
    if (!old || !json_object_object_get_ex(old, "stages", &stages_o) ||
        !json_object_object_get_ex(stages_o, st->name, &rec))
        return;
    json_object_deep_copy(rec, &copy, NULL);
    json_object_object_add(m->stages, st->name, copy);
    if (record_files(cfg, st, m, copy) != SM_OK) /* its files are gone: not current */
        json_object_object_del(m->stages, st->name), sm_error_clear();
}

/* A slice runs ingest and the tiled stages, in its own folder. */
static int in_slice_run(const sm_stage *st) { return st->tiled || !strcmp(st->name, "ingest"); }

/* The stages' records after a failed one keep the last run's: run.json
 * describes the whole folder, and a stage's message outlives the record's
 * writing (on a full disk that fails too). */
static int finish_failed(const sm_config *cfg, const sm_stage *const *stages, size_t from,
                         json_object *old, sm_manifest *m, const char *manifest_path, int rc)
{
    char msg[2048];
    snprintf(msg, sizeof msg, "%s", sm_error_message());
    for (size_t i = from; stages[i]; i++)
        carry_over(cfg, stages[i], old, m);
    if (sm_manifest_write(m, manifest_path) != SM_OK)
        sm_log(SM_LOG_WARN, "%s", sm_error_message());
    return sm_error_set(rc, "%s", msg);
}

static int run_stages(const sm_config *cfg, const char *stage, const sm_run_options *opt)
{
    int rc = sm_make_dirs(cfg->output);
    if (rc)
        return rc;
    int slice = opt->slices > 0 && !opt->assemble;
    char *manifest_path = out_path(cfg, SM_PRODUCT_MANIFEST);
    json_object *old = sm_rank() == 0 ? json_object_from_file(manifest_path) : NULL;
    sm_manifest m;
    sm_manifest_init(&m, cfg);
    const sm_stage *const *stages = sm_registry();
    size_t nstages = 0;
    while (stages[nstages])
        nstages++;
    char *before = calloc(nstages * 64 + 1, 1);
    OGRSpatialReferenceH srs = sm_crs_new(cfg->crs); /* checked when the config loaded */
    for (size_t i = 0; i < nstages && rc == SM_OK; i++) {
        const sm_stage *st = stages[i];
        char key[65] = "";
        if (sm_rank() == 0 && (rc = stage_key(cfg, st, before, key)) != SM_OK)
            break;
        strcat(before, key);
        if ((stage && strcmp(stage, st->name) != 0) || (slice && !in_slice_run(st))) {
            if (sm_rank() == 0)
                carry_over(cfg, st, old, &m);
            continue;
        }
        rc = run_stage(cfg, st, key, opt, srs, old, &m);
        if (rc != SM_OK && sm_nranks() > 1)
            sm_ranks_abort(rc); /* the others may be waiting for this rank */
        if (rc != SM_OK && sm_rank() == 0)
            rc = finish_failed(cfg, stages, i + 1, old, &m, manifest_path, rc);
        else if (sm_rank() == 0)
            rc = sm_manifest_write(&m, manifest_path);
        sm_ranks_barrier(); /* the next stage reads what rank 0 wrote */
    }
    if (rc == SM_OK && slice)
        sm_log(SM_LOG_RESULT,
               "slice %d of %d done in %s; when every slice is done, "
               "`soilmap assemble CONFIG` builds the results",
               opt->slice, opt->slices, cfg->output);
    else if (rc == SM_OK)
        sm_log(SM_LOG_RESULT, "results in %s (manifest: %s)", cfg->output, manifest_path);
    json_object_put(old);
    sm_manifest_free(&m);
    free(manifest_path);
    free(before);
    OSRDestroySpatialReference(srs);
    return rc;
}

/* Rank 0 checks that no output would replace an input, takes the folder
 * (the lock is held until the process exits) and clears what killed runs
 * left; every rank learns whether it may go on. */
static int own_folder(const sm_config *cfg)
{
    int rc = SM_OK, fd = -1;
    if (sm_rank() == 0) {
        rc = sm_overlap_check(cfg);
        if (rc == SM_OK)
            rc = sm_make_dirs(cfg->output);
        if (rc == SM_OK)
            rc = sm_outdir_lock(cfg->output, &fd);
        if (rc == SM_OK)
            sm_outdir_sweep(cfg->output);
    }
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", sm_error_message());
    sm_ranks_broadcast(&rc, sizeof rc);
    sm_ranks_broadcast(msg, sizeof msg);
    return rc == SM_OK ? SM_OK : sm_error_set(rc, "%s", msg);
}

static int run_in(const sm_config *cfg, const char *stage, const sm_run_options *opt)
{
    int rc = own_folder(cfg);
    return rc == SM_OK ? run_stages(cfg, stage, opt) : rc;
}

int sm_run(const sm_config *cfg, const char *stage, const sm_run_options *opt)
{
    if (opt->slices > 0 && sm_nranks() > 1)
        return sm_error_set(SM_EUSAGE, "--tile-range and assemble split the tiles without MPI; "
                                       "under mpirun, the ranks split them");
    if (opt->slices == 0 || opt->assemble)
        return run_in(cfg, stage, opt);
    /* the slice's own folder under the run's: its run.json, samples and parts */
    char dir[SM_PATH_SIZE];
    sm_share_slice_dir(cfg->output, opt->slice, opt->slices, dir, sizeof dir);
    sm_config slice_cfg = *cfg;
    slice_cfg.output = dir;
    sm_run_options o = *opt;
    o.root = cfg->output;
    return run_in(&slice_cfg, stage, &o);
}
