#include "grid/surface.h"
#include "grid/mask.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/ranks.h"
#include "grid/share.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_vrt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const sm_grid *g;
    const sm_surface_spec *spec;
    const sm_share *share;
    int tile, ntx, nty;
    long *mine, nmine;                      /* the tiles this process computes */
    long next;                              /* static: the next of mine to compute */
    sm_counter *counter;                    /* dynamic: where the ranks draw tiles */
    double done;                            /* share of this process's work done */
    int *owner;                             /* per tile: the part that computed it */
    int nbands;                             /* over all files */
    int first_band[SM_SURFACE_MAXFILES];    /* each file's first band among them */
    double nodata[SM_SURFACE_MAXBANDS];     /* per band, from its file */
    GDALDatasetH part[SM_SURFACE_MAXFILES]; /* this process's tiles, per file */
    sm_outfile part_file[SM_SURFACE_MAXFILES];
    sm_outfile *others; /* MPI rank 0: every rank's part of every file, watched */
    sm_outfile out[SM_SURFACE_MAXFILES];
} render;

static int file_bands(const sm_surface_file *f) { return f->nbands > 0 ? f->nbands : 1; }

static int count_bands(render *r)
{
    for (int f = 0; f < r->spec->nfiles; f++) {
        const sm_surface_file *file = &r->spec->files[f];
        r->first_band[f] = r->nbands;
        if (r->nbands + file_bands(file) > SM_SURFACE_MAXBANDS)
            return sm_error_set(SM_EINTERNAL, "more than %d bands", SM_SURFACE_MAXBANDS);
        for (int b = 0; b < file_bands(file); b++)
            r->nodata[r->nbands++] = file->nodata;
    }
    return SM_OK;
}

/* Tile t's window in cells. */
static void tile_window(const render *r, long t, int *x0, int *y0, int *w, int *h)
{
    int tx = (int)(t % r->ntx), ty = (int)(t / r->ntx);
    *x0 = tx * r->tile;
    *y0 = ty * r->tile;
    *w = (int)(r->g->ncols - *x0 < r->tile ? r->g->ncols - *x0 : r->tile);
    *h = (int)(r->g->nrows - *y0 < r->tile ? r->g->nrows - *y0 : r->tile);
}

/* Cells are visited in blocks of BLOCK x BLOCK within the tile, so that a
 * kernel can share work among near cells (block_begin); blocks and the rows
 * within them are walked back and forth. */
enum { BLOCK = 16 };

static void compute_block(const render *r, const sm_surface_kernel *k, void *scratch, int x0,
                          int y0, int bx, int by, int bw, int bh, double *buf, int w)
{
    const sm_grid *g = r->g;
    if (k->block_begin)
        k->block_begin(k->ctx, scratch, g->xmin + (x0 + bx + 0.5 * bw) * g->res,
                       g->ymax - (y0 + by + 0.5 * bh) * g->res, 0.5 * hypot(bw, bh) * g->res);
    double out[SM_SURFACE_MAXBANDS];
    size_t plane = (size_t)r->tile * r->tile;
    for (int j = by; j < by + bh; j++) {
        double y = g->ymax - (y0 + j + 0.5) * g->res;
        /* serpentine: every cell is next to the one before it, so the
         * neighbour sets of consecutive cells differ little */
        for (int step = 0; step < bw; step++) {
            int i = (j - by) % 2 ? bx + bw - 1 - step : bx + step;
            if (g->mask && !sm_mask_has(g->mask, x0 + i, y0 + j))
                for (int b = 0; b < r->nbands; b++)
                    out[b] = NAN;
            else
                k->cell(k->ctx, scratch, g->xmin + (x0 + i + 0.5) * g->res, y, out);
            for (int b = 0; b < r->nbands; b++)
                buf[b * plane + (size_t)j * w + i] = out[b];
        }
    }
}

static void fill_nodata(const render *r, double *buf, int w, int h)
{
    size_t plane = (size_t)r->tile * r->tile;
    for (int b = 0; b < r->nbands; b++)
        for (size_t c = 0; c < (size_t)w * h; c++)
            if (isnan(buf[b * plane + c]))
                buf[b * plane + c] = r->nodata[b];
}

/* Cells outside the study area are no data, whatever a tile kernel made. */
static void mask_tile(const render *r, int x0, int y0, int w, int h, double *buf)
{
    size_t plane = (size_t)r->tile * r->tile;
    for (int j = 0; r->g->mask && j < h; j++)
        for (int i = 0; i < w; i++)
            if (!sm_mask_has(r->g->mask, x0 + i, y0 + j))
                for (int b = 0; b < r->nbands; b++)
                    buf[b * plane + (size_t)j * w + i] = NAN;
}

static int compute_tile(const render *r, const sm_surface_kernel *k, void *scratch, long t,
                        double *buf)
{
    int x0, y0, w, h;
    tile_window(r, t, &x0, &y0, &w, &h);
    if (k->tile) {
        int rc = k->tile(k->ctx, scratch, x0, y0, w, h, buf, (size_t)r->tile * r->tile);
        mask_tile(r, x0, y0, w, h, buf);
        fill_nodata(r, buf, w, h);
        return rc;
    }
    if (k->tile_begin)
        k->tile_begin(k->ctx, scratch);
    int nbx = (w + BLOCK - 1) / BLOCK;
    for (int by = 0, row = 0; by < h; by += BLOCK, row++)
        for (int step = 0; step < nbx; step++) {
            int bx = (row % 2 ? nbx - 1 - step : step) * BLOCK;
            compute_block(r, k, scratch, x0, y0, bx, by, bx + BLOCK < w ? BLOCK : w - bx,
                          by + BLOCK < h ? BLOCK : h - by, buf, w);
        }
    fill_nodata(r, buf, w, h);
    return SM_OK;
}

static int write_tile(const render *r, long t, double *buf)
{
    int x0, y0, w, h;
    tile_window(r, t, &x0, &y0, &w, &h);
    size_t plane = (size_t)r->tile * r->tile;
    for (int f = 0; f < r->spec->nfiles; f++) {
        double *first = buf + r->first_band[f] * plane;
        if (GDALDatasetRasterIO(r->part[f], GF_Write, x0, y0, w, h, first, w, h, GDT_Float64,
                                file_bands(&r->spec->files[f]), NULL, sizeof(double),
                                (GSpacing)w * sizeof(double),
                                (GSpacing)plane * sizeof(double)) != CE_None)
            return sm_error_set(SM_EIO, "%s: cannot write: %s", r->spec->files[f].path,
                                CPLGetLastErrorMsg());
    }
    return SM_OK;
}

/* The next batch of at most `batch` tiles into tiles[]: from this process's
 * list, or drawn from the counter the ranks share (and added to the list).
 * 0 when none is left. */
static long next_batch(render *r, long batch, long *tiles)
{
    long ntiles = (long)r->ntx * r->nty, n;
    if (!r->counter) {
        n = r->nmine - r->next < batch ? r->nmine - r->next : batch;
        memcpy(tiles, r->mine + r->next, (size_t)n * sizeof *tiles);
        r->next += n;
        r->done = r->nmine ? (double)r->next / r->nmine : 1.0;
        return n;
    }
    long first = sm_counter_take(r->counter, batch);
    n = first >= ntiles ? 0 : first + batch <= ntiles ? batch : ntiles - first;
    for (long i = 0; i < n; i++)
        tiles[i] = r->mine[r->nmine++] = first + i;
    r->done = (double)(first + n) / ntiles; /* all ranks' progress */
    return n;
}

/* This process's tiles in batches: computed in parallel, then written in
 * order by one thread. */
static int compute_all(render *r, const sm_surface_kernel *k, GDALProgressFunc progress, void *arg)
{
    int threads = omp_get_max_threads();
    size_t tile_doubles = (size_t)r->nbands * r->tile * r->tile;
    /* enough tiles to keep the threads busy, within 256 MB of buffers */
    long batch = 8L * threads, cap = (long)((256u << 20) / (tile_doubles * sizeof(double)));
    if (batch > cap)
        batch = cap > threads ? cap : threads;
    double *buf = malloc((size_t)batch * tile_doubles * sizeof *buf);
    long *tiles = malloc((size_t)batch * sizeof *tiles), n = 0;
    if (!buf || !tiles) {
        free(buf), free(tiles);
        return sm_error_set(SM_EINTERNAL, "out of memory for %ld tiles", batch);
    }
    int rc = SM_OK, stop = 0;
    char msg[2048] = ""; /* errors are per thread: the first one is carried out here */
#pragma omp parallel
    {
        void *scratch = k->scratch_new ? k->scratch_new(k->ctx) : NULL;
        for (;;) {
#pragma omp single
            n = stop ? 0 : next_batch(r, batch, tiles);
            if (n == 0) /* every thread reads the same n: single ends in a barrier */
                break;
#pragma omp for schedule(dynamic, 1)
            for (long i = 0; i < n; i++) {
                int trc = compute_tile(r, k, scratch, tiles[i], buf + (size_t)i * tile_doubles);
                if (trc != SM_OK) {
#pragma omp critical(sm_surface_error)
                    if (rc == SM_OK)
                        rc = trc, snprintf(msg, sizeof msg, "%s", sm_error_message());
                }
            }
#pragma omp single
            {
                for (long i = 0; i < n && rc == SM_OK; i++)
                    rc = write_tile(r, tiles[i], buf + (size_t)i * tile_doubles);
                if (rc == SM_OK && progress && !progress(0.8 * r->done, NULL, arg))
                    rc = sm_error_set(SM_ECANCEL, "cancelled");
                if (rc != SM_OK && !msg[0])
                    snprintf(msg, sizeof msg, "%s", sm_error_message());
                stop = rc != SM_OK;
            }
        }
        if (k->scratch_free)
            k->scratch_free(k->ctx, scratch);
    }
    free(buf), free(tiles);
    return rc == SM_OK ? SM_OK : sm_error_set(rc, "%s", msg);
}

/* Static shares: this process's tiles, known before it starts. */
static void list_my_tiles(render *r)
{
    long ntiles = (long)r->ntx * r->nty;
    r->mine = malloc((size_t)(ntiles > 0 ? ntiles : 1) * sizeof *r->mine);
    r->nmine = 0;
    int drawn = r->share->mode == SM_SHARE_RANKS && r->share->dynamic;
    for (long t = 0; t < ntiles && r->share->mode != SM_SHARE_ASSEMBLE && !drawn; t++)
        if (sm_share_owns(r->share, t))
            r->mine[r->nmine++] = t;
}

/* Which part computed each tile: dealt statically, t % count; drawn, from
 * every rank's list. */
static void find_owners(render *r)
{
    long ntiles = (long)r->ntx * r->nty;
    r->owner = malloc((size_t)(ntiles > 0 ? ntiles : 1) * sizeof *r->owner);
    for (long t = 0; t < ntiles; t++)
        r->owner[t] = (int)(t % r->share->count);
    if (!r->counter)
        return;
    long *all, total, *per = malloc((size_t)sm_nranks() * sizeof *per);
    sm_ranks_allgather_longs(r->mine, r->nmine, &all, &total, per);
    for (int rank = 0, i = 0; rank < sm_nranks(); rank++)
        for (long j = 0; j < per[rank]; j++, i++)
            r->owner[all[i]] = rank;
    free(all), free(per);
}

/* Where part `index` of file b is written: a hidden temporary next to the
 * output, except for a slice, whose part is its output. */
static void part_path(const render *r, int b, int index, char *out, size_t size)
{
    const char *path = r->spec->files[b].path;
    if (r->share->mode == SM_SHARE_SLICE)
        snprintf(out, size, "%s", path);
    else
        snprintf(out, size, "%s.part%d.tif", path, index);
}

static int open_part(render *r, OGRSpatialReferenceH srs, int b)
{
    const sm_grid *g = r->g;
    const sm_surface_file *file = &r->spec->files[b];
    char path[SM_PATH_SIZE];
    part_path(r, b, r->share->index, path, sizeof path);
    sm_outfile_begin(&r->part_file[b], path);
    char tile[16];
    snprintf(tile, sizeof tile, "%d", r->tile);
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "TILED", "YES");
    opt = CSLSetNameValue(opt, "BLOCKXSIZE", tile);
    opt = CSLSetNameValue(opt, "BLOCKYSIZE", tile);
    if (r->share->mode == SM_SHARE_SLICE) { /* kept until assemble: worth compressing */
        opt = CSLSetNameValue(opt, "COMPRESS", "ZSTD");
        opt = CSLSetNameValue(opt, "ZSTD_LEVEL", "1");
    }
    opt = CSLSetNameValue(opt, "SPARSE_OK", "TRUE"); /* other parts' tiles take no space */
    opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    r->part[b] = GDALCreate(drv, r->part_file[b].tmp, (int)g->ncols, (int)g->nrows,
                            file_bands(file), file->type, opt);
    CSLDestroy(opt);
    if (!r->part[b])
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", file->path,
                            CPLGetLastErrorMsg());
    double gt[6] = {g->xmin, g->res, 0, g->ymax, 0, -g->res};
    GDALSetGeoTransform(r->part[b], gt);
    GDALSetSpatialRef(r->part[b], srs);
    for (int i = 1; i <= file_bands(file); i++)
        GDALSetRasterNoDataValue(GDALGetRasterBand(r->part[b], i), file->nodata);
    return SM_OK;
}

/* ---- the COG, from the parts through a VRT ---- */

static char **cog_options(const sm_surface_spec *spec)
{
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "COMPRESS", "DEFLATE");
    opt = CSLSetNameValue(opt, "PREDICTOR", "YES");
    opt = CSLSetNameValue(opt, "BLOCKSIZE", "256");
    opt = CSLSetNameValue(opt, "OVERVIEWS", "AUTO");
    opt = CSLSetNameValue(opt, "OVERVIEW_RESAMPLING", "AVERAGE");
    opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
    /* One compression thread: GDAL 3.6 can deadlock when its worker threads
     * compress tiles while the block cache flushes during overview building
     * (seen with a 64 MB cache). creation_options NUM_THREADS overrides. */
    opt = CSLSetNameValue(opt, "NUM_THREADS", "1");
    for (char **o = spec->cog_options; o && *o; o++) {
        char *key = NULL;
        const char *value = CPLParseNameValue(*o, &key);
        if (key && value)
            opt = CSLSetNameValue(opt, key, value);
        CPLFree(key);
    }
    return opt;
}

/* Each tile from the part that computed it: the mosaic reads exactly the
 * cells a single process would have written. */
static GDALDatasetH mosaic(const render *r, OGRSpatialReferenceH srs, int b, GDALDatasetH *parts)
{
    const sm_surface_file *file = &r->spec->files[b];
    VRTDatasetH vrt = VRTCreate((int)r->g->ncols, (int)r->g->nrows);
    double gt[6] = {r->g->xmin, r->g->res, 0, r->g->ymax, 0, -r->g->res};
    GDALSetGeoTransform(vrt, gt);
    GDALSetSpatialRef(vrt, srs);
    for (int i = 1; i <= file_bands(file); i++) {
        GDALAddBand(vrt, file->type, NULL);
        GDALRasterBandH band = GDALGetRasterBand(vrt, i);
        GDALSetRasterNoDataValue(band, file->nodata);
        for (long t = 0; t < (long)r->ntx * r->nty; t++) {
            int x0, y0, w, h;
            tile_window(r, t, &x0, &y0, &w, &h);
            GDALRasterBandH src = GDALGetRasterBand(parts[r->owner[t]], i);
            VRTAddSimpleSource((VRTSourcedRasterBandH)band, src, x0, y0, w, h, x0, y0, w, h, NULL,
                               VRT_NODATA_UNSET);
        }
    }
    return vrt;
}

static int write_cog(render *r, int b, GDALDatasetH src, GDALProgressFunc progress, void *arg)
{
    int nb = r->spec->nfiles;
    if (r->spec->describe)
        r->spec->describe(r->spec->describe_ctx, b, src);
    char **opt = cog_options(r->spec);
    void *scaled = progress ? GDALCreateScaledProgress(0.8 + 0.2 * b / nb, 0.8 + 0.2 * (b + 1) / nb,
                                                       progress, arg)
                            : NULL;
    GDALDatasetH ds = GDALCreateCopy(GDALGetDriverByName("COG"), r->out[b].tmp, src, FALSE, opt,
                                     scaled ? GDALScaledProgress : NULL, scaled);
    if (scaled)
        GDALDestroyScaledProgress(scaled);
    CSLDestroy(opt);
    int failed = !ds || sm_dataset_close(ds) != 0;
    if (failed && sm_progress_cancelled())
        return sm_error_set(SM_ECANCEL, "%s: cancelled", r->spec->files[b].path);
    if (failed)
        return sm_error_set(SM_EIO, "%s: cannot write the COG: %s", r->spec->files[b].path,
                            CPLGetLastErrorMsg());
    return SM_OK;
}

/* Opens the count parts of file b, builds the COG from them and closes them. */
static int cog_from_parts(render *r, OGRSpatialReferenceH srs, int b, char paths[][SM_PATH_SIZE],
                          int count, GDALProgressFunc progress, void *arg)
{
    GDALDatasetH *parts = calloc((size_t)count, sizeof *parts);
    int rc = SM_OK;
    for (int i = 0; i < count && rc == SM_OK; i++)
        if (!(parts[i] = GDALOpen(paths[i], GA_ReadOnly)))
            rc = sm_error_set(SM_ENOINPUT, "%s: cannot read part %d of %d: %s",
                              r->spec->files[b].path, i, count, CPLGetLastErrorMsg());
    if (rc == SM_OK) {
        GDALDatasetH vrt = mosaic(r, srs, b, parts);
        rc = write_cog(r, b, vrt, progress, arg);
        GDALClose(vrt);
    }
    for (int i = 0; i < count; i++)
        if (parts[i])
            GDALClose(parts[i]);
    free(parts);
    return rc;
}

/* ---- how each share finishes ---- */

/* A slice keeps its tiles as its output, with what assemble checks. */
static int finish_slice(render *r, const sm_surface_kernel *k)
{
    const sm_share *s = r->share;
    char part[32], tile[16];
    snprintf(part, sizeof part, "%d/%d", s->index, s->count);
    snprintf(tile, sizeof tile, "%d", r->tile);
    for (int b = 0; b < r->spec->nfiles; b++) {
        char **md = CSLSetNameValue(NULL, "SOILMAP_SLICE", part);
        md = CSLSetNameValue(md, "SOILMAP_CONFIG", s->config);
        md = CSLSetNameValue(md, "SOILMAP_TILE", tile);
        if (b == 0 && k->tally)
            md = sm_tally_to_metadata(k->tally, md);
        GDALSetMetadata(r->part[b], md, NULL);
        CSLDestroy(md);
        if (r->spec->describe)
            r->spec->describe(r->spec->describe_ctx, b, r->part[b]);
    }
    return SM_OK;
}

/* A slice file must belong to this run: same part, config, grid and tiling. */
static int check_slice(const render *r, int b, int index, const char *path, sm_tally *tally)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        return sm_error_set(SM_ENOINPUT,
                            "%s: slice %d of %d is missing; run `soilmap run "
                            "CONFIG --tile-range %d/%d` first",
                            path, index, r->share->count, index, r->share->count);
    char want[32], tile[16];
    snprintf(want, sizeof want, "%d/%d", index, r->share->count);
    snprintf(tile, sizeof tile, "%d", r->tile);
    char **md = GDALGetMetadata(ds, NULL);
    const char *part = CSLFetchNameValue(md, "SOILMAP_SLICE");
    const char *config = CSLFetchNameValue(md, "SOILMAP_CONFIG");
    const char *t = CSLFetchNameValue(md, "SOILMAP_TILE");
    int rc = SM_OK;
    sm_tally mine;
    if (!part || strcmp(part, want) || !t || strcmp(t, tile))
        rc = sm_error_set(SM_EDATA, "%s: not slice %s of this grid's tiling", path, want);
    else if (!config || strcmp(config, r->share->config))
        rc = sm_error_set(SM_EDATA,
                          "%s: made with another config (or soilmap version); "
                          "rerun the slice",
                          path);
    else if (GDALGetRasterXSize(ds) != r->g->ncols || GDALGetRasterYSize(ds) != r->g->nrows ||
             GDALGetRasterCount(ds) != file_bands(&r->spec->files[b]))
        rc = sm_error_set(SM_EDATA, "%s: %dx%d cells in %d bands, but the grid is %ldx%ld", path,
                          GDALGetRasterXSize(ds), GDALGetRasterYSize(ds), GDALGetRasterCount(ds),
                          r->g->ncols, r->g->nrows);
    else if (b == 0 && tally && sm_tally_from_metadata(md, &mine) != 0)
        rc = sm_error_set(SM_EDATA, "%s: the slice's counts are missing", path);
    else if (b == 0 && tally)
        sm_tally_merge(tally, &mine);
    GDALClose(ds);
    return rc;
}

static int finish_assemble(render *r, OGRSpatialReferenceH srs, const sm_surface_kernel *k,
                           GDALProgressFunc progress, void *arg)
{
    int n = r->share->count, rc = SM_OK;
    char(*paths)[SM_PATH_SIZE] = malloc((size_t)n * sizeof *paths);
    if (k->tally)
        memset(k->tally, 0, sizeof *k->tally);
    find_owners(r);
    for (int b = 0; b < r->spec->nfiles && rc == SM_OK; b++) {
        for (int i = 0; i < n && rc == SM_OK; i++) {
            if (sm_share_slice_path(r->share, i, r->spec->files[b].path, paths[i],
                                    sizeof paths[i]) != 0)
                rc = sm_error_set(SM_EINTERNAL, "%s: not in the output folder",
                                  r->spec->files[b].path);
            else
                rc = check_slice(r, b, i, paths[i], k->tally);
        }
        if (rc == SM_OK)
            rc = cog_from_parts(r, srs, b, paths, n, progress, arg);
    }
    free(paths);
    return rc;
}

/* MPI: the totals of every rank's tally, on every rank. */
static void gather_tallies(const sm_surface_kernel *k)
{
    if (!k->tally)
        return;
    int n = sm_nranks();
    sm_tally *all = sm_rank() == 0 ? malloc((size_t)n * sizeof *all) : NULL;
    sm_ranks_gather(k->tally, all, sizeof *all);
    if (all) {
        memset(k->tally, 0, sizeof *k->tally);
        for (int i = 0; i < n; i++)
            sm_tally_merge(k->tally, &all[i]);
        free(all);
    }
    sm_ranks_broadcast(k->tally, sizeof *k->tally);
}

/* Under MPI the COG of file b is built by rank b % P, so that the files of
 * one render are written side by side; otherwise by the process itself. */
static int writes_cog(const render *r, int b)
{
    const sm_share *s = r->share;
    return s->mode != SM_SHARE_SLICE && (s->mode != SM_SHARE_RANKS || b % s->count == s->index);
}

/* Under MPI every rank watches every other rank's parts from the start: if
 * one rank dies, the launcher's SIGTERM to the others removes them all. */
static void watch_others(render *r)
{
    if (r->share->mode != SM_SHARE_RANKS)
        return;
    int n = r->share->count;
    r->others = calloc((size_t)r->spec->nfiles * n, sizeof *r->others);
    for (int b = 0; b < r->spec->nfiles; b++)
        for (int i = 0; i < n; i++) {
            if (i == r->share->index)
                continue;
            char final[SM_PATH_SIZE];
            part_path(r, b, i, final, sizeof final);
            sm_outfile_watch(&r->others[b * n + i], final, i);
        }
}

/* A file's COG writer removes all its parts; the others stop watching them.
 * After a failure every rank removes what it can. A slice keeps its part:
 * it is its output. */
static void release_parts(render *r, int ok)
{
    int n = r->share->count;
    for (int b = 0; b < r->spec->nfiles; b++) {
        int remove = writes_cog(r, b) || !ok;
        for (int i = 0; r->others && i < n; i++) {
            sm_outfile *f = &r->others[b * n + i];
            if (f->tmp[0])
                remove ? sm_outfile_abort(f) : sm_outfile_forget(f);
        }
        sm_outfile *own = &r->part_file[b];
        if (own->tmp[0] && r->share->mode != SM_SHARE_SLICE)
            remove ? sm_outfile_abort(own) : sm_outfile_forget(own);
    }
    free(r->others);
    r->others = NULL;
}

/* Every process's parts are complete; each COG's writer reads them all. */
static int finish_parts(render *r, OGRSpatialReferenceH srs, const sm_surface_kernel *k,
                        GDALProgressFunc progress, void *arg)
{
    if (r->share->mode == SM_SHARE_RANKS) {
        double t0 = sm_clock();
        sm_ranks_barrier(); /* every part is closed */
        /* how evenly the tiles were dealt: the time a rank waits here */
        sm_log(SM_LOG_DEBUG, "%s: rank %d computed %ld tiles, then waited %.2f s for the others",
               r->spec->files[0].path, sm_rank(), r->nmine, sm_clock() - t0);
        gather_tallies(k);
    }
    find_owners(r);
    sm_counter_free(r->counter);
    r->counter = NULL;
    int n = r->share->count, rc = SM_OK;
    char(*paths)[SM_PATH_SIZE] = malloc((size_t)n * sizeof *paths);
    for (int b = 0; b < r->spec->nfiles && rc == SM_OK; b++) {
        if (!writes_cog(r, b))
            continue;
        for (int i = 0; i < n; i++)
            snprintf(paths[i], sizeof paths[i], "%s",
                     i == r->share->index ? r->part_file[b].tmp : r->others[b * n + i].tmp);
        rc = cog_from_parts(r, srs, b, paths, n, progress, arg);
    }
    free(paths);
    return rc;
}

/* Closes every open part, even after one fails (a full disk fails the
 * flush), each once. With `report`, the first failure becomes the error;
 * without, an earlier failure's message stands. */
static int close_parts(render *r, int report)
{
    int rc = SM_OK;
    for (int b = 0; b < r->spec->nfiles; b++) {
        int failed = sm_dataset_close(r->part[b]) != 0;
        r->part[b] = NULL;
        if (failed && report && rc == SM_OK)
            rc = sm_error_set(SM_EIO, "%s: cannot write: %s", r->spec->files[b].path,
                              CPLGetLastErrorMsg());
    }
    return rc;
}

static int compute_parts(render *r, OGRSpatialReferenceH srs, const sm_surface_kernel *k,
                         GDALProgressFunc progress, void *arg)
{
    int rc = SM_OK;
    watch_others(r);
    if (r->share->mode == SM_SHARE_RANKS && r->share->dynamic)
        r->counter = sm_counter_new();
    for (int b = 0; b < r->spec->nfiles && rc == SM_OK; b++)
        rc = open_part(r, srs, b);
    if (rc == SM_OK)
        rc = compute_all(r, k, progress, arg);
    if (rc == SM_OK && r->share->mode == SM_SHARE_SLICE)
        rc = finish_slice(r, k);
    if (rc == SM_OK) /* flush: others read them */
        rc = close_parts(r, 1);
    return rc;
}

static int render_share(render *r, OGRSpatialReferenceH srs, const sm_surface_kernel *k,
                        GDALProgressFunc progress, void *arg)
{
    if (r->share->mode == SM_SHARE_ASSEMBLE)
        return finish_assemble(r, srs, k, progress, arg);
    double t0 = sm_clock();
    int rc = compute_parts(r, srs, k, progress, arg);
    if (rc != SM_OK || r->share->mode == SM_SHARE_SLICE)
        return rc;
    double t1 = sm_clock();
    rc = finish_parts(r, srs, k, progress, arg);
    sm_log(SM_LOG_DEBUG, "%s: tiles computed in %.3f s, COG written in %.3f s",
           r->spec->files[0].path, t1 - t0, sm_clock() - t1);
    return rc;
}

int sm_surface_render(const sm_grid *g, OGRSpatialReferenceH srs, const sm_surface_spec *spec,
                      const sm_surface_kernel *k, GDALProgressFunc progress, void *arg)
{
    render r = {.g = g,
                .spec = spec,
                .share = spec->share ? spec->share : &sm_share_all,
                .tile = sm_grid_tile(g, spec->tile)};
    r.ntx = (int)((g->ncols + r.tile - 1) / r.tile);
    r.nty = (int)((g->nrows + r.tile - 1) / r.tile);
    list_my_tiles(&r);
    int rc = count_bands(&r);
    int slice = r.share->mode == SM_SHARE_SLICE;
    for (int b = 0; b < spec->nfiles; b++)
        if (writes_cog(&r, b))
            sm_outfile_begin(&r.out[b], spec->files[b].path);
    if (rc == SM_OK)
        rc = render_share(&r, srs, k, progress, arg);
    close_parts(&r, 0);
    release_parts(&r, rc == SM_OK);
    for (int b = 0; b < spec->nfiles; b++) {
        sm_outfile *done = slice ? &r.part_file[b] : writes_cog(&r, b) ? &r.out[b] : NULL;
        if (done && rc == SM_OK)
            rc = sm_outfile_commit(done);
        else if (done)
            sm_outfile_abort(done);
    }
    free(r.mine), free(r.owner);
    /* the COGs are in place before any rank goes on: the next render may
     * read them (classification reads the land use and the surfaces) */
    if (rc == SM_OK && r.share->mode == SM_SHARE_RANKS)
        sm_ranks_barrier();
    return rc;
}
