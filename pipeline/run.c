#include "run.h"
#include "error.h"
#include "grid.h"
#include "ingest.h"
#include "interpolate.h"
#include "log.h"
#include "manifest.h"
#include "outfile.h"
#include "progress.h"
#include "ranks.h"
#include "share.h"
#include "stages.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FILES = 80 };

typedef struct {
    const char *name;
    /* Fills paths (caller frees each) and returns how many. */
    int (*inputs)(const sm_config *cfg, char **paths);
    int (*outputs)(const sm_config *cfg, char **paths);
    int (*run)(const sm_config *cfg, json_object *record);
    /* Outputs of earlier stages this one rewrites (may be NULL). */
    int (*modifies)(const sm_config *cfg, char **paths);
    /* Its rasters are computed tile by tile: MPI ranks and --tile-range
     * slices split them. */
    int tiled;
    /* Under MPI every rank runs it (its own share of the work); the other
     * stages run on rank 0 alone. */
    int all_ranks;
} stage_def;

static char *out_path(const sm_config *cfg, const char *name)
{
    size_t n = strlen(cfg->output) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", cfg->output, name);
    return p;
}

/* ---- ingest ---- */

/* Adds path unless it is already listed (several layers of one file). */
static int add_unique(char **paths, int n, const char *path)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(paths[i], path))
            return n;
    if (n < MAX_FILES)
        paths[n++] = strdup(path);
    return n;
}

static int ingest_inputs(const sm_config *cfg, char **paths)
{
    int n = add_unique(paths, 0, cfg->samples.path);
    for (int i = 0; i < cfg->n_sources; i++)
        n = add_unique(paths, n, cfg->sources[i].path);
    return n;
}

static int ingest_outputs(const sm_config *cfg, char **paths)
{
    paths[0] = out_path(cfg, "samples.gpkg");
    paths[1] = out_path(cfg, "rejects.csv");
    return 2;
}

static json_object *number_or_null(double v)
{
    return v == v ? json_object_new_double(v) : json_object_new_null();
}

static json_object *contaminant_json(const sm_contaminant_summary *p)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "n", json_object_new_int64(p->n));
    json_object_object_add(o, "censored", json_object_new_int64(p->censored));
    json_object_object_add(o, "dropped", json_object_new_int64(p->dropped));
    json_object_object_add(o, "missing", json_object_new_int64(p->missing));
    json_object_object_add(o, "min", number_or_null(p->min));
    json_object_object_add(o, "median", number_or_null(p->median));
    json_object_object_add(o, "max", number_or_null(p->max));
    return o;
}

static json_object *grid_json(const sm_grid *g)
{
    json_object *o = json_object_new_object();
    json_object *ext = json_object_new_array();
    double e[4] = {g->xmin, g->ymin, g->xmax, g->ymax};
    for (int i = 0; i < 4; i++)
        json_object_array_add(ext, json_object_new_double(e[i]));
    json_object_object_add(o, "extent", ext);
    json_object_object_add(o, "resolution", json_object_new_double(g->res));
    json_object_object_add(o, "columns", json_object_new_int64(g->ncols));
    json_object_object_add(o, "rows", json_object_new_int64(g->nrows));
    return o;
}

static void ingest_record(const sm_config *cfg, const sm_ingest_summary *s, json_object *rec)
{
    json_object_object_add(rec, "rows_read", json_object_new_int64(s->rows_read));
    json_object_object_add(rec, "rows_accepted", json_object_new_int64(s->rows_accepted));
    json_object_object_add(rec, "rows_rejected", json_object_new_int64(s->rows_rejected));
    json_object_object_add(rec, "duplicate_rows_merged", json_object_new_int(s->merged.absorbed));
    json_object_object_add(rec, "duplicate_locations", json_object_new_int(s->merged.groups));
    json_object_object_add(rec, "samples", json_object_new_int64(s->samples));
    json_object_object_add(rec, "source_features_kept", json_object_new_int64(s->sources.kept));
    json_object_object_add(rec, "source_features_rejected",
                           json_object_new_int64(s->sources.rejected));
    json_object *per = json_object_new_object();
    for (int c = 0; c < s->n_contaminants; c++)
        json_object_object_add(per, cfg->samples.contaminants[c].name,
                               contaminant_json(&s->per[c]));
    json_object_object_add(rec, "contaminants_mg_per_kg", per);
}

static int ingest_run(const sm_config *cfg, json_object *rec)
{
    sm_ingest_summary s;
    int rc = sm_ingest(cfg, &s);
    if (s.rows_read > 0)
        ingest_record(cfg, &s, rec);
    if (rc)
        return rc;
    sm_ingest_log_summary(cfg, &s);
    sm_grid g;
    rc = sm_grid_make(&cfg->grid, s.bbox, &g);
    if (rc)
        return rc;
    json_object_object_add(rec, "grid", grid_json(&g));
    sm_log(SM_LOG_INFO, "grid: %ld x %ld cells of %g m", g.ncols, g.nrows, g.res);
    return SM_OK;
}

/* ---- interpolate ---- */

static int no_inputs(const sm_config *cfg, char **paths)
{
    (void)cfg, (void)paths;
    return 0; /* its input is ingest's output, covered by ingest's key */
}

static int interpolate_outputs(const sm_config *cfg, char **paths)
{
    if (!cfg->interpolation.present)
        return 0;
    return sm_interpolate_outputs(cfg, paths, MAX_FILES);
}

static json_object *cv_json(const sm_cv *cv)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int64(cv->used));
    json_object_object_add(o, "mean_error", number_or_null(cv->mean_error));
    json_object_object_add(o, "mae", number_or_null(cv->mae));
    json_object_object_add(o, "rmse", number_or_null(cv->rmse));
    json_object_object_add(o, "msdr", number_or_null(cv->msdr));
    json_object_object_add(o, "r2", number_or_null(cv->r2));
    return o;
}

static json_object *interp_result_json(const sm_config *cfg, const sm_interp_result *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "samples", json_object_new_int(r->n));
    json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
    if (cfg->interpolation.method == SM_INTERP_KRIGING && !r->constant) {
        json_object_object_add(o, "model", sm_vgm_json(&r->model));
        json_object_object_add(o, "fitted", json_object_new_boolean(r->fitted));
        json_object_object_add(o, "fit_fell_back_to_start",
                               json_object_new_boolean(r->fit_fallback));
    }
    json_object_object_add(o, "constant", json_object_new_boolean(r->constant));
    json_object_object_add(o, "nodata_cells", json_object_new_int64(r->nodata_cells));
    json_object_object_add(o, "singular_cells", json_object_new_int64(r->singular_cells));
    if (r->cv_done)
        json_object_object_add(o, "cross_validation", cv_json(&r->cv));
    return o;
}

static int interpolate_run(const sm_config *cfg, json_object *rec)
{
    if (!cfg->interpolation.present) {
        sm_log(SM_LOG_INFO, "interpolate: no 'interpolation' section in the config; skipped");
        return SM_OK;
    }
    sm_interp_summary s;
    int rc = sm_interpolate(cfg, &s);
    json_object_object_add(rec, "grid", grid_json(&s.grid));
    json_object *per = json_object_new_object();
    for (int i = 0; i < s.n; i++)
        json_object_object_add(per, s.per[i].name, interp_result_json(cfg, &s.per[i]));
    json_object_object_add(rec, "contaminants", per);
    return rc;
}

/* Files of earlier stages that interpolate changes: the cv_<c> layers go
 * into samples.gpkg. */
static int interpolate_modifies(const sm_config *cfg, char **paths)
{
    if (!cfg->interpolation.present || cfg->interpolation.cv_folds == 0)
        return 0;
    paths[0] = out_path(cfg, "samples.gpkg");
    return 1;
}

static const stage_def stages[] = {
    {"ingest", ingest_inputs, ingest_outputs, ingest_run, NULL, 0, 0},
    {"interpolate", no_inputs, interpolate_outputs, interpolate_run, interpolate_modifies, 1, 1},
    {"classify", sm_stage_classify_inputs, sm_stage_classify_outputs, sm_stage_classify_run,
     NULL, 1, 1},
    {"hotspots", sm_stage_hotspots_inputs, sm_stage_hotspots_outputs, sm_stage_hotspots_run,
     NULL, 0, 0},
    {"remediate", sm_stage_remediate_inputs, sm_stage_remediate_outputs, sm_stage_remediate_run,
     sm_stage_remediate_modifies, 0, 0},
    {"screen", sm_stage_screen_inputs, sm_stage_screen_outputs, sm_stage_screen_run, NULL, 0, 0},
    /* the web tiles: split among MPI ranks, but not among slices */
    {"publish", sm_stage_publish_inputs, sm_stage_publish_outputs, sm_stage_publish_run, NULL,
     0, 1},
};
enum { N_STAGES = sizeof stages / sizeof stages[0] };

const char *const *sm_stage_names(void)
{
    static const char *names[N_STAGES + 1];
    for (int i = 0; i < N_STAGES; i++)
        names[i] = stages[i].name;
    return names;
}

/* ---- skipping current stages ---- */

static void free_paths(char **paths, int n)
{
    for (int i = 0; i < n; i++)
        free(paths[i]);
}

/* What a stage's result depends on: soilmap's version, the whole config,
 * the contents of its inputs, and the keys of the stages before it. */
static void stage_key(const sm_config *cfg, const stage_def *st, const char *before,
                      char key[65])
{
    char *paths[MAX_FILES];
    int n = st->inputs(cfg, paths);
    size_t cap = strlen(cfg->json ? cfg->json : "") + strlen(before) + 66 * ((size_t)n + 2) + 64;
    char *text = malloc(cap);
    int len = snprintf(text, cap, "%s\n%s\n%s\n%s\n", SM_VERSION, st->name, before,
                       cfg->json ? cfg->json : "");
    for (int i = 0; i < n; i++) {
        /* An unreadable input makes a key that matches nothing; the stage
         * itself then reports the problem in its own words. */
        char hex[65] = "unreadable";
        if (sm_file_sha256(paths[i], hex) != SM_OK)
            sm_error_clear();
        len += snprintf(text + len, cap - (size_t)len, "%s\n", hex);
    }
    sm_text_sha256(text, key);
    free(text);
    free_paths(paths, n);
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
        if (!json_object_object_get_ex(f, "path", &p) || !json_object_object_get_ex(f, "sha256", &h) ||
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
static int record_files(const sm_config *cfg, const stage_def *st, sm_manifest *m,
                        json_object *rec)
{
    char *paths[MAX_FILES];
    int rc = SM_OK;
    int n = st->inputs(cfg, paths);
    for (int i = 0; i < n && rc == SM_OK; i++)
        rc = sm_manifest_add_input(m, paths[i]) ? SM_OK : sm_error_status();
    free_paths(paths, n);
    n = st->outputs(cfg, paths);
    if (st->modifies)
        n += st->modifies(cfg, paths + n);
    json_object *outs = json_object_new_array();
    for (int i = 0; i < n && rc == SM_OK; i++) {
        json_object *f = sm_manifest_add_output(m, paths[i]);
        if (f)
            json_object_array_add(outs, json_object_get(f));
        else
            rc = sm_error_status();
    }
    json_object_object_add(rec, "outputs", outs);
    free_paths(paths, n);
    return rc;
}

/* Who computes the tiles of this stage (share.h). */
static void set_share(const sm_config *cfg, const stage_def *st, const sm_run_options *opt)
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
    sm_share_set(&sh);
}

/* Ranks other than 0 keep no records: they do their share of the stages
 * that split their work, and wait for rank 0 through the rest. */
static int run_stage(const sm_config *cfg, const stage_def *st, const char *key,
                     const sm_run_options *opt, json_object *old, sm_manifest *m)
{
    int rc;
    json_object *prev = opt->force || sm_rank() != 0 ? NULL : current_record(old, st->name, key);
    int skip = prev != NULL;
    sm_ranks_broadcast(&skip, sizeof skip);
    set_share(cfg, st, opt);
    if (sm_rank() != 0) {
        json_object *scratch = json_object_new_object();
        rc = skip || !st->all_ranks ? SM_OK : st->run(cfg, scratch);
        json_object_put(scratch);
        return rc;
    }
    if (prev) {
        sm_log(SM_LOG_INFO, "%s: up to date, skipped (--force redoes it)", st->name);
        json_object *copy = NULL;
        json_object_deep_copy(prev, &copy, NULL);
        json_object_object_add(m->stages, st->name, copy);
        return record_files(cfg, st, m, copy);
    }
    double t0 = sm_clock();
    json_object *rec = json_object_new_object();
    rc = st->run(cfg, rec);
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
static void carry_over(const sm_config *cfg, const stage_def *st, json_object *old,
                       sm_manifest *m)
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
static int in_slice_run(const stage_def *st) { return st->tiled || !strcmp(st->name, "ingest"); }

static int run_stages(const sm_config *cfg, const char *stage, const sm_run_options *opt)
{
    int rc = sm_make_dirs(cfg->output);
    if (rc)
        return rc;
    int slice = opt->slices > 0 && !opt->assemble;
    char *manifest_path = out_path(cfg, "run.json");
    json_object *old = sm_rank() == 0 ? json_object_from_file(manifest_path) : NULL;
    sm_manifest m;
    sm_manifest_init(&m, cfg);
    char before[N_STAGES * 65 + 1] = "";
    for (int i = 0; i < N_STAGES && rc == SM_OK; i++) {
        char key[65] = "";
        if (sm_rank() == 0)
            stage_key(cfg, &stages[i], before, key);
        strcat(before, key);
        if ((stage && strcmp(stage, stages[i].name) != 0) || (slice && !in_slice_run(&stages[i]))) {
            if (sm_rank() == 0)
                carry_over(cfg, &stages[i], old, &m);
            continue;
        }
        rc = run_stage(cfg, &stages[i], key, opt, old, &m);
        if (rc != SM_OK && sm_nranks() > 1)
            sm_ranks_abort(rc); /* the others may be waiting for this rank */
        int wrc = sm_rank() == 0 ? sm_manifest_write(&m, manifest_path) : SM_OK;
        if (rc == SM_OK)
            rc = wrc;
        sm_ranks_barrier(); /* the next stage reads what rank 0 wrote */
    }
    sm_share_set(&(sm_share){.mode = SM_SHARE_ALL, .count = 1});
    if (rc == SM_OK && slice)
        sm_log(SM_LOG_INFO, "slice %d of %d done in %s; when every slice is done, "
                            "`soilmap assemble CONFIG` builds the results",
               opt->slice, opt->slices, cfg->output);
    else if (rc == SM_OK)
        sm_log(SM_LOG_INFO, "results in %s (manifest: %s)", cfg->output, manifest_path);
    json_object_put(old);
    sm_manifest_free(&m);
    free(manifest_path);
    return rc;
}

int sm_run(const sm_config *cfg, const char *stage, const sm_run_options *opt)
{
    if (opt->slices > 0 && sm_nranks() > 1)
        return sm_error_set(SM_EUSAGE, "--tile-range and assemble split the tiles without MPI; "
                                       "under mpirun, the ranks split them");
    if (opt->slices == 0 || opt->assemble)
        return run_stages(cfg, stage, opt);
    /* the slice's own folder under the run's: its run.json, samples and parts */
    char dir[4200];
    sm_share_slice_dir(cfg->output, opt->slice, opt->slices, dir, sizeof dir);
    sm_config slice_cfg = *cfg;
    slice_cfg.output = dir;
    sm_run_options o = *opt;
    o.root = cfg->output;
    return run_stages(&slice_cfg, stage, &o);
}
