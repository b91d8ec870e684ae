#include "classify/landuse.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "geostat/kdtree.h"
#include "grid/mask.h"
#include "grid/surface.h"
#include "grid/window.h"
#include "stage/products.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_alg.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { UNMAPPED = 255, BATCH = 4096 };

/* Class names match whatever their case: a layer's "Meadow" is the class
 * meadow, as the site registry's is in screening. */
int sm_landuse_class_index(const sm_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->thresholds.n_classes; i++)
        if (strcasecmp(cfg->thresholds.classes[i], name) == 0)
            return i;
    return -1;
}

static void note_unmapped(sm_landuse_summary *s, const char *name)
{
    for (int i = 0; i < s->n_unmapped_names; i++)
        if (strcasecmp(s->unmapped_names[i], name) == 0)
            return;
    if (s->n_unmapped_names < SM_LANDUSE_MAX_UNMAPPED)
        s->unmapped_names[s->n_unmapped_names++] = strdup(name);
}

/* ---- the source: class indices or raw codes on the grid, in a temporary file ---- */

static GDALDatasetH create_byte_grid(const char *path, const sm_grid *g, OGRSpatialReferenceH srs)
{
    const char *opt[] = {"TILED=YES", "COMPRESS=ZSTD", "BIGTIFF=IF_SAFER", NULL};
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, (int)g->ncols, (int)g->nrows,
                                 1, GDT_Byte, (char **)opt);
    if (!ds)
        return NULL;
    double gt[6] = {g->xmin, g->res, 0, g->ymax, 0, -g->res};
    GDALSetGeoTransform(ds, gt);
    GDALSetSpatialRef(ds, srs);
    return ds;
}

static int burn(GDALDatasetH ds, OGRGeometryH *geoms, double *values, int n, int all_touched)
{
    int band = 1;
    const char *opt[] = {all_touched ? "ALL_TOUCHED=TRUE" : "ALL_TOUCHED=FALSE", NULL};
    CPLErr err = GDALRasterizeGeometries(ds, 1, &band, n, geoms, NULL, NULL, values, (char **)opt,
                                         NULL, NULL);
    for (int i = 0; i < n; i++)
        OGR_G_DestroyGeometry(geoms[i]);
    return err == CE_None ? SM_OK
                          : sm_error_set(SM_EIO, "rasterising land use: %s", CPLGetLastErrorMsg());
}

/* Burns each polygon with 1 + its class index (UNMAPPED for a class the
 * config does not map), in batches so that memory stays bounded. */
static int rasterize_features(const sm_config *cfg, OGRLayerH layer, int field,
                              OGRCoordinateTransformationH ct, GDALDatasetH ds,
                              sm_landuse_summary *s)
{
    OGRGeometryH geoms[BATCH];
    double values[BATCH];
    int n = 0, rc = SM_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while (rc == SM_OK && (f = OGR_L_GetNextFeature(layer))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            const char *name =
                OGR_F_IsFieldSetAndNotNull(f, field) ? OGR_F_GetFieldAsString(f, field) : "";
            int idx = sm_landuse_class_index(cfg, name);
            if (idx < 0)
                note_unmapped(s, name);
            geoms[n] = OGR_G_Clone(g);
            values[n] = idx < 0 ? UNMAPPED : idx + 1;
            if (ct && OGR_G_Transform(geoms[n], ct) != OGRERR_NONE)
                rc = sm_error_set(SM_EDATA, "%s: feature %lld cannot be reprojected",
                                  cfg->landuse.path, (long long)OGR_F_GetFID(f));
            if (++n == BATCH || rc != SM_OK) {
                int brc = burn(ds, geoms, values, n, cfg->landuse.all_touched);
                rc = rc != SM_OK ? rc : brc, n = 0;
            }
        }
        OGR_F_Destroy(f);
    }
    if (n) {
        int brc = burn(ds, geoms, values, n, cfg->landuse.all_touched);
        rc = rc != SM_OK ? rc : brc;
    }
    return rc;
}

static OGRLayerH open_layer(const sm_landuse_config *lu, GDALDatasetH ds, int *field)
{
    OGRLayerH layer =
        lu->layer ? GDALDatasetGetLayerByName(ds, lu->layer) : GDALDatasetGetLayer(ds, 0);
    if (!layer) {
        sm_error_set(SM_EDATA, "%s: no layer '%s'", lu->path, lu->layer ? lu->layer : "");
        return NULL;
    }
    *field = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), lu->field);
    if (*field < 0) {
        sm_error_set(SM_EDATA, "%s: layer %s has no field '%s' (landuse.field)", lu->path,
                     OGR_L_GetName(layer), lu->field);
        return NULL;
    }
    return layer;
}

static int rasterize_vector(const sm_config *cfg, GDALDatasetH src, const sm_grid *g,
                            OGRSpatialReferenceH srs, const char *tmp, sm_landuse_summary *s)
{
    int field;
    OGRLayerH layer = open_layer(&cfg->landuse, src, &field);
    if (!layer)
        return SM_EDATA;
    /* under crs: local, a layer without a CRS is in the local coordinates */
    OGRSpatialReferenceH lsrs = sm_crs_clone(OGR_L_GetSpatialRef(layer));
    if (!lsrs && sm_crs_is_local(srs))
        lsrs = sm_crs_clone(srs);
    if (!lsrs)
        return sm_error_set(SM_ECONFIG, "%s: the land-use layer has no CRS", cfg->landuse.path);
    OGRCoordinateTransformationH ct = NULL;
    if (sm_crs_transform(lsrs, srs, &ct) != 0) {
        OSRDestroySpatialReference(lsrs);
        return sm_error_set(SM_ECONFIG,
                            "%s: the land-use layer's CRS has no transformation to the working CRS",
                            cfg->landuse.path);
    }
    GDALDatasetH ds = create_byte_grid(tmp, g, srs);
    int rc = ds ? rasterize_features(cfg, layer, field, ct, ds, s)
                : sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", tmp, CPLGetLastErrorMsg());
    if (ds && sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", tmp, CPLGetLastErrorMsg());
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(lsrs);
    return rc;
}

/* ---- or the samples' own classes (landuse.column) ---- */

typedef struct {
    double *x, *y;
    unsigned char *cls;
    int n;
} class_points;

/* The samples with a class in the column, in samples.gpkg (the working
 * CRS); a sample with an empty value has none and is left out. */
static int read_class_points(const sm_config *cfg, class_points *p, sm_landuse_summary *s)
{
    char gpkg[SM_PATH_SIZE];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SAMPLES);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_SAMPLES) : NULL;
    int field = l ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), cfg->landuse.column) : -1;
    if (field < 0) {
        if (ds)
            GDALClose(ds);
        return sm_error_set(SM_ENOINPUT,
                            "%s: no samples with a column '%s' (landuse.column); run ingest", gpkg,
                            cfg->landuse.column);
    }
    long total = (long)OGR_L_GetFeatureCount(l, TRUE);
    p->x = calloc((size_t)total + 1, sizeof *p->x), p->y = calloc((size_t)total + 1, sizeof *p->y);
    p->cls = calloc((size_t)total + 1, 1);
    OGRFeatureH f;
    while (p->n < total && (f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        const char *name =
            OGR_F_IsFieldSetAndNotNull(f, field) ? OGR_F_GetFieldAsString(f, field) : "";
        if (g && !OGR_G_IsEmpty(g) && *name) {
            int idx = sm_landuse_class_index(cfg, name);
            if (idx < 0)
                note_unmapped(s, name);
            p->x[p->n] = OGR_G_GetX(g, 0), p->y[p->n] = OGR_G_GetY(g, 0);
            p->cls[p->n++] = idx < 0 ? UNMAPPED : (unsigned char)(idx + 1);
        } else
            s->samples_without_class++;
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    s->samples_with_class = p->n;
    if (p->n == 0)
        return sm_error_set(SM_EDATA,
                            "%s: no sample has a land-use class in column '%s' (landuse.column)",
                            gpkg, cfg->landuse.column);
    return SM_OK;
}

/* ---- the pass that maps the source onto class indices ---- */

typedef struct {
    const sm_config *cfg;
    const sm_share *share; /* the tiles this process computes */
    const char *src;       /* NULL: the default class everywhere */
    int from_codes;        /* src holds raw raster codes, else class indices */
    int default_index;
    int has_nodata;
    double src_nodata;
    int *code_index; /* per landuse.codes entry: class index or -1 */
    /* landuse.column: each cell takes its nearest sample's class */
    const sm_grid *grid;
    sm_kdtree tree;
    double *sx, *sy;
    unsigned char *sclass; /* per sample: 1 + class index, or UNMAPPED */
    sm_landuse_summary *sum;
    sm_tally tally; /* cells per class c at c, and unmapped codes met */
} lu_job;

enum { COUNT_UNCOVERED = 256, COUNT_UNMAPPED = 257 }; /* tally slots after the classes' */

static void *lu_scratch_new(void *ctx)
{
    lu_job *j = ctx;
    return j->src ? GDALOpen(j->src, GA_ReadOnly) : NULL;
}

static void lu_scratch_free(void *ctx, void *scratch)
{
    (void)ctx;
    if (scratch)
        GDALClose(scratch);
}

/* Class index of one source value; -1 uncovered, -2 unmapped. */
static int class_of(const lu_job *j, double v)
{
    if (!j->src && !j->sclass)
        return j->default_index;
    if (j->has_nodata && v == j->src_nodata)
        return -1;
    if (!j->from_codes)
        return v == 0 ? -1 : v == UNMAPPED ? -2 : (int)v - 1;
    for (int i = 0; i < j->cfg->landuse.n_codes; i++)
        if (j->cfg->landuse.codes[i] == v)
            return j->code_index[i];
    return -2;
}

static void count(lu_job *j, const long *cells, long uncovered, long unmapped)
{
#pragma omp critical(sm_landuse_count)
    {
        for (int c = 0; c < j->cfg->thresholds.n_classes; c++)
            j->tally.count[c] += cells[c];
        j->tally.count[COUNT_UNCOVERED] += uncovered;
        j->tally.count[COUNT_UNMAPPED] += unmapped;
    }
}

static void note_code(lu_job *j, double v)
{
    char name[40];
    snprintf(name, sizeof name, "%g", v);
#pragma omp critical(sm_landuse_count)
    sm_tally_note(&j->tally, name);
}

/* A code the tile has not met yet goes to the shared list: the lock is
 * taken once per code and tile, not once per cell of a large unmapped area. */
static void note_new_code(lu_job *j, double v, double *seen, int *n_seen)
{
    for (int i = 0; i < *n_seen; i++)
        if (seen[i] == v)
            return;
    if (*n_seen == SM_LANDUSE_MAX_UNMAPPED)
        return; /* the list holds no more names anyway */
    seen[(*n_seen)++] = v;
    note_code(j, v);
}

/* The source values of a tile from the samples: the nearest sample's class
 * (0, uncovered, beyond landuse.max_distance). Samples at the same distance
 * go to the lower index, as the k-d tree orders them. */
static void nearest_classes(const lu_job *j, int x0, int y0, int w, int h, double *out)
{
    const sm_grid *g = j->grid;
    for (int r = 0; r < h; r++)
        for (int i = 0; i < w; i++) {
            double x = g->xmin + (x0 + i + 0.5) * g->res, y = g->ymax - (y0 + r + 0.5) * g->res;
            sm_neighbour nb;
            int found = sm_kdtree_knn(&j->tree, x, y, 1, j->cfg->landuse.max_distance, &nb);
            out[(size_t)r * w + i] = found ? j->sclass[nb.index] : 0;
        }
}

static int lu_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out,
                   size_t plane)
{
    (void)plane;
    lu_job *j = ctx;
    size_t n = (size_t)w * h;
    if (scratch && GDALRasterIO(GDALGetRasterBand(scratch, 1), GF_Read, x0, y0, w, h, out, w, h,
                                GDT_Float64, 0, 0) != CE_None)
        return sm_error_set(SM_EIO, "%s: cannot read: %s", j->cfg->landuse.path,
                            CPLGetLastErrorMsg());
    if (j->sclass)
        nearest_classes(j, x0, y0, w, h, out);
    long cells[256] = {0}, uncovered = 0, unmapped = 0;
    double seen[SM_LANDUSE_MAX_UNMAPPED];
    int n_seen = 0;
    const sm_mask *mask = j->grid->mask;
    for (size_t c = 0; c < n; c++) {
        /* outside the study area: no data, and not counted */
        if (mask && !sm_mask_has(mask, x0 + (long)(c % (size_t)w), y0 + (long)(c / (size_t)w))) {
            out[c] = NAN;
            continue;
        }
        int k = class_of(j, scratch || j->sclass ? out[c] : 0);
        if (k == -2 && j->from_codes)
            note_new_code(j, out[c], seen, &n_seen);
        uncovered += k == -1, unmapped += k == -2;
        if (k >= 0)
            cells[k]++;
        out[c] = k >= 0 ? k + 1 : NAN;
    }
    count(j, cells, uncovered, unmapped);
    return SM_OK;
}

static void lu_describe(void *ctx, int file, GDALDatasetH ds)
{
    (void)file;
    const sm_config *cfg = ctx;
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    char **names = CSLAddString(NULL, "no class");
    GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
    GDALColorEntry none = {0, 0, 0, 0};
    GDALSetColorEntry(ct, 0, &none);
    for (int i = 0; i < cfg->thresholds.n_classes; i++) {
        names = CSLAddString(names, cfg->thresholds.classes[i]);
        /* distinct, stable hues: the golden angle around the colour wheel */
        double hue = fmod(i * 137.508, 360.0) / 60.0, x = 1 - fabs(fmod(hue, 2) - 1);
        double rgb[3] = {hue < 1 || hue >= 5 ? 1
                         : hue < 2           ? x
                         : hue >= 4          ? x
                                             : 0,
                         hue < 1   ? x
                         : hue < 3 ? 1
                         : hue < 4 ? x
                                   : 0,
                         hue < 2   ? 0
                         : hue < 3 ? x
                         : hue < 5 ? 1
                                   : x};
        GDALColorEntry e = {(short)(60 + 170 * rgb[0]), (short)(60 + 170 * rgb[1]),
                            (short)(60 + 170 * rgb[2]), 255};
        GDALSetColorEntry(ct, i + 1, &e);
    }
    GDALSetRasterCategoryNames(b, names);
    GDALSetRasterColorTable(b, ct);
    GDALSetDescription(b, "land-use class");
    GDALDestroyColorTable(ct);
    CSLDestroy(names);
}

static int map_classes(lu_job *j, const sm_grid *g, OGRSpatialReferenceH srs, const char *path)
{
    sm_surface_spec spec = {.nfiles = 1,
                            .tile = sm_grid_tile(g, j->cfg->interpolation.tile),
                            .share = j->share,
                            .describe = lu_describe,
                            .describe_ctx = (void *)j->cfg};
    spec.files[0] = (sm_surface_file){path, GDT_Byte, 0, 1};
    sm_surface_kernel k = {.scratch_new = lu_scratch_new,
                           .scratch_free = lu_scratch_free,
                           .tile = lu_tile,
                           .ctx = j,
                           .tally = &j->tally};
    sm_progress_task task;
    sm_progress_begin(&task, "classify", "land use");
    int rc = sm_surface_render(g, srs, &spec, &k, sm_progress, &task);
    for (int c = 0; c < j->cfg->thresholds.n_classes; c++)
        j->sum->cells[c] = j->tally.count[c];
    j->sum->uncovered = j->tally.count[COUNT_UNCOVERED];
    j->sum->unmapped = j->tally.count[COUNT_UNMAPPED];
    for (int i = 0; i < j->tally.nnames; i++)
        note_unmapped(j->sum, j->tally.name[i]);
    return rc;
}

/* Every class the config names must map onto the regime. */
static int check_codes(const sm_config *cfg, int *code_index)
{
    for (int i = 0; i < cfg->landuse.n_codes; i++)
        if ((code_index[i] = sm_landuse_class_index(cfg, cfg->landuse.code_class[i])) < 0)
            return sm_error_set(SM_ECONFIG,
                                "landuse.codes: class '%s' (code %g) is not in "
                                "thresholds.classes, so no guideline value applies",
                                cfg->landuse.code_class[i], cfg->landuse.codes[i]);
    return SM_OK;
}

static int prepare_source(const sm_config *cfg, const sm_grid *g, OGRSpatialReferenceH srs,
                          sm_outfile *tmp, lu_job *j)
{
    const sm_landuse_config *lu = &cfg->landuse;
    if (lu->column) {
        class_points p = {0};
        int rc = read_class_points(cfg, &p, j->sum);
        j->sx = p.x, j->sy = p.y, j->sclass = p.cls;
        return rc == SM_OK ? sm_kdtree_build(&j->tree, p.n, p.x, p.y) : rc;
    }
    if (!lu->path) {
        if ((j->default_index = sm_landuse_class_index(cfg, lu->default_class)) < 0)
            return sm_error_set(SM_ECONFIG,
                                "landuse.default: class '%s' is not in "
                                "thresholds.classes",
                                lu->default_class);
        return SM_OK;
    }
    GDALDatasetH src =
        GDALOpenEx(lu->path, GDAL_OF_READONLY | (lu->n_codes ? GDAL_OF_RASTER : GDAL_OF_VECTOR),
                   NULL, NULL, NULL);
    if (!src)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open as a land-use %s", lu->path,
                            lu->n_codes ? "raster (landuse.codes is set)" : "layer");
    j->from_codes = lu->n_codes > 0;
    int rc = j->from_codes ? sm_warp_to_grid(src, g, srs, "near", NULL, tmp->tmp, lu->path)
                           : rasterize_vector(cfg, src, g, srs, tmp->tmp, j->sum);
    if (j->from_codes && rc == SM_OK) {
        int has = 0;
        j->src_nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(src, 1), &has);
        j->has_nodata = has;
    }
    GDALClose(src);
    j->src = tmp->tmp;
    return rc;
}

int sm_landuse_make(const sm_stage_ctx *ctx, const char *path, sm_landuse_summary *out)
{
    const sm_config *cfg = ctx->cfg;
    const sm_grid *g = ctx->grid;
    memset(out, 0, sizeof *out);
    out->cells = calloc((size_t)cfg->thresholds.n_classes + 1, sizeof *out->cells);
    if (cfg->thresholds.n_classes > 250)
        return sm_error_set(SM_ECONFIG, "thresholds.classes: at most 250 classes");
    lu_job j = {.cfg = cfg, .grid = g, .sum = out, .share = ctx->share};
    j.code_index = calloc((size_t)cfg->landuse.n_codes + 1, sizeof *j.code_index);
    int rc = check_codes(cfg, j.code_index);
    char tmpname[SM_PATH_SIZE];
    snprintf(tmpname, sizeof tmpname, "%s.source.%s", path, cfg->landuse.n_codes ? "vrt" : "tif");
    sm_outfile tmp;
    sm_outfile_begin(&tmp, tmpname);
    OGRSpatialReferenceH srs = ctx->srs;
    if (rc == SM_OK)
        rc = prepare_source(cfg, g, srs, &tmp, &j);
    if (rc == SM_OK && cfg->landuse.column)
        sm_log(SM_LOG_INFO,
               "classify: land use from the nearest of %ld samples with a class in '%s' (%ld "
               "without one)",
               out->samples_with_class, cfg->landuse.column, out->samples_without_class);
    if (rc == SM_OK)
        rc = map_classes(&j, g, srs, path);
    sm_outfile_abort(&tmp);
    free(j.code_index);
    if (j.sclass)
        sm_kdtree_free(&j.tree);
    free(j.sx), free(j.sy), free(j.sclass);
    return rc;
}

void sm_landuse_summary_free(sm_landuse_summary *s)
{
    free(s->cells);
    for (int i = 0; i < s->n_unmapped_names; i++)
        free(s->unmapped_names[i]);
    memset(s, 0, sizeof *s);
}
