#include "classify/phgrid.h"
#include "core/error.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/ranks.h"
#include "geostat/predictor.h"
#include "grid/points.h"
#include "grid/surface.h"
#include "grid/window.h"
#include "stage/products.h"

#include <cpl_conv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double NODATA = -9999.0;

/* ---- from a raster ---- */

typedef struct {
    const char *src, *label;
    int tile;
    sm_tally tally; /* count[0]: cells without a pH */
} copy_job;

static void *copy_scratch_new(void *ctx)
{
    copy_job *j = ctx;
    sm_window *w = calloc(1, sizeof *w);
    if (sm_window_open(w, j->src, j->tile) != SM_OK)
        sm_window_close(w); /* leaves ds NULL: the tile reports it */
    return w;
}

static void copy_scratch_free(void *ctx, void *scratch)
{
    (void)ctx;
    sm_window_close(scratch);
    free(scratch);
}

static int copy_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out,
                     size_t plane)
{
    (void)plane;
    copy_job *j = ctx;
    sm_window *win = scratch;
    if (!win->ds)
        return sm_error_set(SM_EIO, "%s: cannot open the warped pH raster", j->label);
    int rc = sm_window_read(win, 1, x0, y0, w, h);
    long missing = 0;
    for (size_t i = 0; rc == SM_OK && i < (size_t)w * h; i++) {
        out[i] = win->buf[i];
        missing += isnan(out[i]);
    }
#pragma omp atomic
    j->tally.count[0] += missing;
    return rc;
}

static int warp_bilinear(const char *src_path, const sm_grid *g, OGRSpatialReferenceH srs,
                         const char *dst)
{
    GDALDatasetH src = GDALOpen(src_path, GA_ReadOnly);
    if (!src)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open the pH raster (thresholds.ph.raster)",
                            src_path);
    int rc = sm_warp_to_grid(src, g, srs, "bilinear", "-9999", dst, src_path);
    GDALClose(src);
    return rc;
}

static int from_raster(const sm_config *cfg, const sm_grid *g, OGRSpatialReferenceH srs,
                       const sm_surface_spec *spec)
{
    char vrt[4200];
    snprintf(vrt, sizeof vrt, "%s.source.vrt", spec->files[0].path);
    sm_outfile tmp;
    sm_outfile_begin(&tmp, vrt);
    copy_job j = {tmp.tmp, cfg->thresholds.ph_path, spec->tile, {{0}, 0, {{0}}}};
    int rc = warp_bilinear(cfg->thresholds.ph_path, g, srs, tmp.tmp);
    sm_surface_kernel k = {.scratch_new = copy_scratch_new,
                           .scratch_free = copy_scratch_free,
                           .tile = copy_tile,
                           .ctx = &j,
                           .tally = &j.tally};
    sm_progress_task task;
    sm_progress_begin(&task, "classify", "soil pH");
    if (rc == SM_OK)
        rc = sm_surface_render(g, srs, spec, &k, sm_progress, &task);
    sm_outfile_abort(&tmp);
    long missing = j.tally.count[0];
    if (rc == SM_OK && missing) {
        if (sm_rank() == 0)
            unlink(spec->files[0].path);
        rc = sm_error_set(SM_EDATA,
                          "%s: the pH raster does not cover the grid: %ld of %ld "
                          "cells have no pH",
                          cfg->thresholds.ph_path, missing, g->ncols * g->nrows);
    }
    return rc;
}

/* ---- from the samples ---- */

/* IDW (power 2, the 16 nearest) of the samples' pH. */
typedef struct {
    sm_predictor pred;
    sm_predictor_failure failure; /* a thread's error: the render fails */
} ph_job;

static void *idw_scratch_new(void *ctx)
{
    ph_job *j = ctx;
    sm_predictor_scratch *s = sm_predictor_scratch_new(&j->pred);
    if (!s)
        sm_predictor_failure_keep(&j->failure);
    return s;
}

static void idw_scratch_free(void *ctx, void *scratch)
{
    (void)ctx;
    sm_predictor_scratch_free(scratch);
}

static void idw_tile_begin(void *ctx, void *scratch)
{
    (void)ctx;
    sm_predictor_scratch_reset(scratch);
}

static void idw_block_begin(void *ctx, void *scratch, double cx, double cy, double reach)
{
    (void)ctx;
    sm_predictor_block(scratch, cx, cy, reach);
}

static void idw_cell(void *ctx, void *scratch, double x, double y, double *out)
{
    ph_job *j = ctx;
    sm_predictor_result r = {.pred = NAN};
    if (scratch && sm_predictor_predict(&j->pred, scratch, x, y, -1, &r) < 0)
        sm_predictor_failure_keep(&j->failure);
    out[0] = r.pred; /* NAN where no sample is in reach */
}

static int from_samples(const sm_config *cfg, const sm_grid *g, OGRSpatialReferenceH srs,
                        const sm_surface_spec *spec, sm_ph_summary *s)
{
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    sm_points p;
    int rc = sm_points_load(gpkg, cfg->thresholds.ph_column, &p);
    s->samples = p.n, s->skipped = p.skipped;
    if (rc == SM_OK && p.n < 3)
        rc = sm_error_set(SM_EDATA,
                          "%s: only %d samples have a pH in column '%s' "
                          "(thresholds.ph.column); at least 3 are needed",
                          gpkg, p.n, cfg->thresholds.ph_column);
    sm_kdtree tree = {0};
    if (rc == SM_OK)
        rc = sm_kdtree_build(&tree, p.n, p.x, p.y) == 0
                 ? SM_OK
                 : sm_error_set(SM_EINTERNAL, "out of memory indexing samples");
    ph_job j = {.failure.status = SM_OK};
    sm_predictor_setup ps = {.method = SM_PREDICTOR_IDW,
                             .n = p.n,
                             .x = p.x,
                             .y = p.y,
                             .z = p.z,
                             .tree = &tree,
                             .nmax = 16,
                             .nmin = 1,
                             .maxdist = HUGE_VAL,
                             .power = 2.0,
                             .smoothing = 0.0};
    if (rc == SM_OK)
        rc = sm_predictor_init(&j.pred, &ps);
    sm_surface_kernel k = {idw_scratch_new,
                           idw_scratch_free,
                           idw_tile_begin,
                           idw_block_begin,
                           idw_cell,
                           NULL,
                           &j,
                           NULL};
    sm_progress_task task;
    sm_progress_begin(&task, "classify", "soil pH");
    if (rc == SM_OK)
        rc = sm_surface_render(g, srs, spec, &k, sm_progress, &task);
    if (rc == SM_OK)
        rc = sm_predictor_failure_report(&j.failure);
    sm_predictor_free(&j.pred);
    sm_kdtree_free(&tree);
    sm_points_free(&p);
    return rc;
}

int sm_ph_grid_make(const sm_stage_ctx *ctx, const char *path, sm_ph_summary *s)
{
    const sm_config *cfg = ctx->cfg;
    const sm_grid *g = ctx->grid;
    memset(s, 0, sizeof *s);
    sm_surface_spec spec = {
        .nfiles = 1, .tile = sm_grid_tile(g, cfg->interpolation.tile), .share = ctx->share};
    spec.files[0] = (sm_surface_file){path, GDT_Float32, NODATA, 1};
    return cfg->thresholds.ph_source == SM_PH_RASTER ? from_raster(cfg, g, ctx->srs, &spec)
                                                     : from_samples(cfg, g, ctx->srs, &spec, s);
}
