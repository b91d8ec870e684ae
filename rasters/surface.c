#include "surface.h"
#include "error.h"
#include "outfile.h"
#include "progress.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const sm_grid *g;
    const sm_surface_spec *spec;
    int tile, ntx, nty;
    int nbands;                          /* over all files */
    int first_band[SM_SURFACE_MAXFILES]; /* each file's first band among them */
    double nodata[SM_SURFACE_MAXBANDS];  /* per band, from its file */
    GDALDatasetH staging[SM_SURFACE_MAXFILES];
    sm_outfile staging_file[SM_SURFACE_MAXFILES]; /* never committed: removed at the end */
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
                       g->ymax - (y0 + by + 0.5 * bh) * g->res,
                       0.5 * hypot(bw, bh) * g->res);
    double out[SM_SURFACE_MAXBANDS];
    size_t plane = (size_t)r->tile * r->tile;
    for (int j = by; j < by + bh; j++) {
        double y = g->ymax - (y0 + j + 0.5) * g->res;
        /* serpentine: every cell is next to the one before it, so the
         * neighbour sets of consecutive cells differ little */
        for (int step = 0; step < bw; step++) {
            int i = (j - by) % 2 ? bx + bw - 1 - step : bx + step;
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

static int compute_tile(const render *r, const sm_surface_kernel *k, void *scratch, long t,
                        double *buf)
{
    int x0, y0, w, h;
    tile_window(r, t, &x0, &y0, &w, &h);
    if (k->tile) {
        int rc = k->tile(k->ctx, scratch, x0, y0, w, h, buf, (size_t)r->tile * r->tile);
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
        if (GDALDatasetRasterIO(r->staging[f], GF_Write, x0, y0, w, h, first, w, h, GDT_Float64,
                                file_bands(&r->spec->files[f]), NULL, sizeof(double),
                                (GSpacing)w * sizeof(double),
                                (GSpacing)plane * sizeof(double)) != CE_None)
            return sm_error_set(SM_EIO, "%s: cannot write: %s", r->spec->files[f].path,
                                CPLGetLastErrorMsg());
    }
    return SM_OK;
}

/* Tiles in batches: computed in parallel, then written in order. */
static int compute_all(render *r, const sm_surface_kernel *k, GDALProgressFunc progress,
                       void *arg)
{
    long ntiles = (long)r->ntx * r->nty;
    int threads = omp_get_max_threads();
    size_t tile_doubles = (size_t)r->nbands * r->tile * r->tile;
    /* enough tiles to keep the threads busy, within 256 MB of buffers */
    long batch = 8L * threads, cap = (long)((256u << 20) / (tile_doubles * sizeof(double)));
    if (batch > cap)
        batch = cap > threads ? cap : threads;
    double *buf = malloc((size_t)batch * tile_doubles * sizeof *buf);
    if (!buf)
        return sm_error_set(SM_EINTERNAL, "out of memory for %ld tiles", batch);
    int rc = SM_OK, stop = 0;
    char msg[2048] = ""; /* errors are per thread: the first one is carried out here */
#pragma omp parallel
    {
        void *scratch = k->scratch_new ? k->scratch_new(k->ctx) : NULL;
        for (long first = 0; first < ntiles && !stop; first += batch) {
            long last = first + batch < ntiles ? first + batch : ntiles;
#pragma omp for schedule(dynamic, 1)
            for (long t = first; t < last; t++) {
                int trc = compute_tile(r, k, scratch, t, buf + (size_t)(t - first) * tile_doubles);
                if (trc != SM_OK) {
#pragma omp critical(sm_surface_error)
                    if (rc == SM_OK)
                        rc = trc, snprintf(msg, sizeof msg, "%s", sm_error_message());
                }
            }
#pragma omp single
            {
                for (long t = first; t < last && rc == SM_OK; t++)
                    rc = write_tile(r, t, buf + (size_t)(t - first) * tile_doubles);
                if (rc == SM_OK && progress && !progress(0.8 * last / ntiles, NULL, arg))
                    rc = sm_error_set(SM_ECANCEL, "cancelled");
                if (rc != SM_OK && !msg[0])
                    snprintf(msg, sizeof msg, "%s", sm_error_message());
                stop = rc != SM_OK;
            }
        }
        if (k->scratch_free)
            k->scratch_free(k->ctx, scratch);
    }
    free(buf);
    return rc == SM_OK ? SM_OK : sm_error_set(rc, "%s", msg);
}

static int open_staging(render *r, OGRSpatialReferenceH srs, int b)
{
    const sm_grid *g = r->g;
    const sm_surface_file *file = &r->spec->files[b];
    char staging[4200];
    snprintf(staging, sizeof staging, "%s.staging.tif", file->path);
    sm_outfile_begin(&r->staging_file[b], staging);
    char tile[16];
    snprintf(tile, sizeof tile, "%d", r->tile);
    char **opt = NULL;
    opt = CSLSetNameValue(opt, "TILED", "YES");
    opt = CSLSetNameValue(opt, "BLOCKXSIZE", tile);
    opt = CSLSetNameValue(opt, "BLOCKYSIZE", tile);
    opt = CSLSetNameValue(opt, "COMPRESS", "ZSTD"); /* fast; the COG step recompresses */
    opt = CSLSetNameValue(opt, "ZSTD_LEVEL", "1");
    opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    r->staging[b] = GDALCreate(drv, r->staging_file[b].tmp, (int)g->ncols, (int)g->nrows,
                               file_bands(file), file->type, opt);
    CSLDestroy(opt);
    if (!r->staging[b])
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", file->path,
                            CPLGetLastErrorMsg());
    double gt[6] = {g->xmin, g->res, 0, g->ymax, 0, -g->res};
    GDALSetGeoTransform(r->staging[b], gt);
    GDALSetSpatialRef(r->staging[b], srs);
    for (int i = 1; i <= file_bands(file); i++)
        GDALSetRasterNoDataValue(GDALGetRasterBand(r->staging[b], i), file->nodata);
    return SM_OK;
}

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

/* Staging GTiff -> COG under the final name's temporary, for each file. */
static int make_cogs(render *r, GDALProgressFunc progress, void *arg)
{
    GDALDriverH cog = GDALGetDriverByName("COG");
    char **opt = cog_options(r->spec);
    int rc = SM_OK;
    int nb = r->spec->nfiles;
    for (int b = 0; b < nb && rc == SM_OK; b++) {
        if (r->spec->describe)
            r->spec->describe(r->spec->describe_ctx, b, r->staging[b]);
        void *scaled = progress ? GDALCreateScaledProgress(0.8 + 0.2 * b / nb,
                                                           0.8 + 0.2 * (b + 1) / nb, progress, arg)
                                : NULL;
        GDALDatasetH ds = GDALCreateCopy(cog, r->out[b].tmp, r->staging[b], FALSE, opt,
                                         scaled ? GDALScaledProgress : NULL, scaled);
        if (scaled)
            GDALDestroyScaledProgress(scaled);
        int failed = !ds || sm_dataset_close(ds) != 0;
        if (failed && sm_progress_cancelled())
            rc = sm_error_set(SM_ECANCEL, "%s: cancelled", r->spec->files[b].path);
        else if (failed)
            rc = sm_error_set(SM_EIO, "%s: cannot write the COG: %s", r->spec->files[b].path,
                              CPLGetLastErrorMsg());
    }
    CSLDestroy(opt);
    return rc;
}

static void close_staging(render *r)
{
    for (int b = 0; b < r->spec->nfiles; b++) {
        if (r->staging[b])
            GDALClose(r->staging[b]);
        r->staging[b] = NULL;
        if (r->staging_file[b].tmp[0])
            sm_outfile_abort(&r->staging_file[b]);
    }
}

int sm_surface_render(const sm_grid *g, OGRSpatialReferenceH srs, const sm_surface_spec *spec,
                      const sm_surface_kernel *k, GDALProgressFunc progress, void *arg)
{
    render r = {.g = g, .spec = spec, .tile = spec->tile > 0 ? spec->tile : 256};
    r.ntx = (int)((g->ncols + r.tile - 1) / r.tile);
    r.nty = (int)((g->nrows + r.tile - 1) / r.tile);
    int rc = count_bands(&r);
    for (int b = 0; b < spec->nfiles && rc == SM_OK; b++) {
        sm_outfile_begin(&r.out[b], spec->files[b].path);
        rc = open_staging(&r, srs, b);
    }
    if (rc == SM_OK)
        rc = compute_all(&r, k, progress, arg);
    if (rc == SM_OK)
        rc = make_cogs(&r, progress, arg);
    close_staging(&r);
    for (int b = 0; b < spec->nfiles; b++) {
        if (rc == SM_OK)
            rc = sm_outfile_commit(&r.out[b]);
        else
            sm_outfile_abort(&r.out[b]);
    }
    return rc;
}
