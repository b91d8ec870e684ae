#include "hotspots/hotspots.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "features/nearest_source.h"
#include "grid/surface.h"
#include "grid/window.h"
#include "stage/products.h"

#include <cpl_string.h>
#include <gdal_alg.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATH = SM_PATH_SIZE, MAXC = SM_MAX_CONTAMINANTS };

/* The rasters the stage reads, per contaminant. */
typedef struct {
    const sm_config *cfg;
    sm_grid grid;
    int n;
    const char *names[MAXC];
    char conc[MAXC][PATH], ratio[MAXC][PATH], cls[MAXC][PATH], prob[MAXC][PATH];
    int prob_band[MAXC]; /* band of P(exceed the hotspot tier); 0: that tier does not exist */
    int exp_conc[MAXC];  /* surfaces hold log values (back_transform: none) */
    int tile;
} inputs;

static void classes_path(const sm_config *cfg, const char *name, const char *suffix, char *out)
{
    sm_product_member(out, PATH, cfg, SM_PRODUCT_CLASS, "%s_%s", name, suffix);
}

static int prepare_inputs(const sm_stage_ctx *ctx, inputs *in)
{
    const sm_config *cfg = ctx->cfg;
    memset(in, 0, sizeof *in);
    in->cfg = cfg;
    in->n = sm_products_classified(cfg, in->names);
    for (int i = 0; i < in->n; i++) {
        in->exp_conc[i] = sm_products_conc_is_log(cfg, in->names[i]);
        char mean[PATH], var[PATH];
        sm_products_surfaces(cfg, in->names[i], in->conc[i], mean, var, PATH);
        classes_path(cfg, in->names[i], "ratio", in->ratio[i]);
        classes_path(cfg, in->names[i], "class", in->cls[i]);
        classes_path(cfg, in->names[i], "prob", in->prob[i]);
        if (cfg->hotspots.by_probability) {
            GDALDatasetH ds = GDALOpen(in->prob[i], GA_ReadOnly);
            if (!ds)
                return sm_error_set(SM_ENOINPUT, "%s: missing; run the classify stage",
                                    in->prob[i]);
            in->prob_band[i] =
                GDALGetRasterCount(ds) >= cfg->hotspots.tier ? cfg->hotspots.tier : 0;
            GDALClose(ds);
        }
    }
    in->grid = *ctx->grid;
    in->tile = sm_grid_tile(&in->grid, cfg->interpolation.tile);
    return SM_OK;
}

/* Does a cell of contaminant i count as exceeding? */
static int exceeds(const inputs *in, double cls, double prob)
{
    const sm_hotspots_config *hc = &in->cfg->hotspots;
    return hc->by_probability ? prob >= hc->probability : cls >= hc->tier;
}

/* ---- pass 1: the hotspot mask ---- */

typedef struct {
    sm_window cls[MAXC], prob[MAXC];
    int rc;
} mask_scratch;

static void *mask_scratch_new(void *ctx)
{
    inputs *in = ctx;
    mask_scratch *s = calloc(1, sizeof *s);
    for (int i = 0; i < in->n && s->rc == SM_OK; i++) {
        s->rc = sm_window_open(&s->cls[i], in->cls[i], in->tile);
        if (s->rc == SM_OK && in->prob_band[i])
            s->rc = sm_window_open(&s->prob[i], in->prob[i], in->tile);
    }
    return s;
}

static void mask_scratch_free(void *ctx, void *scratch)
{
    inputs *in = ctx;
    mask_scratch *s = scratch;
    for (int i = 0; i < in->n; i++)
        sm_window_close(&s->cls[i]), sm_window_close(&s->prob[i]);
    free(s);
}

static int mask_tile(void *ctx, void *scratch, int x0, int y0, int w, int h, double *out,
                     size_t plane)
{
    (void)plane;
    inputs *in = ctx;
    mask_scratch *s = scratch;
    size_t n = (size_t)w * h;
    memset(out, 0, n * sizeof *out);
    for (int i = 0; i < in->n && s->rc == SM_OK; i++) {
        if (in->cfg->hotspots.by_probability && !in->prob_band[i])
            continue; /* this contaminant has no such tier */
        s->rc = sm_window_read(&s->cls[i], 1, x0, y0, w, h);
        if (s->rc == SM_OK && in->prob_band[i])
            s->rc = sm_window_read(&s->prob[i], in->prob_band[i], x0, y0, w, h);
        for (size_t c = 0; s->rc == SM_OK && c < n; c++)
            if (exceeds(in, s->cls[i].buf[c], in->prob_band[i] ? s->prob[i].buf[c] : NAN))
                out[c] = 1;
    }
    return s->rc;
}

static int make_mask(const inputs *in, const char *path, OGRSpatialReferenceH srs)
{
    sm_surface_spec spec = {.nfiles = 1, .tile = in->tile};
    spec.files[0] = (sm_surface_file){path, GDT_Byte, 255, 1};
    sm_surface_kernel k = {.scratch_new = mask_scratch_new,
                           .scratch_free = mask_scratch_free,
                           .tile = mask_tile,
                           .ctx = (void *)in};
    sm_progress_task task;
    sm_progress_begin(&task, "hotspots", "exceedance mask");
    return sm_surface_render(&in->grid, srs, &spec, &k, sm_progress, &task);
}

/* ---- pass 2: polygons, the small ones removed ---- */

typedef struct {
    OGRGeometryH *geoms;
    double *area_ha;
    long n, found, removed;
} areas;

static int keep_polygons(OGRLayerH layer, double min_ha, areas *a)
{
    long total = (long)OGR_L_GetFeatureCount(layer, TRUE);
    a->geoms = calloc((size_t)(total > 0 ? total : 1), sizeof *a->geoms);
    a->area_ha = calloc((size_t)(total > 0 ? total : 1), sizeof *a->area_ha);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) && a->found < total) {
        if (OGR_F_GetFieldAsInteger(f, 0) != 1) { /* the areas below, between hotspots */
            OGR_F_Destroy(f);
            continue;
        }
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        double ha = g ? OGR_G_Area(g) / 1e4 : 0;
        a->found++;
        if (g && ha >= min_ha) {
            a->geoms[a->n] = OGR_G_Clone(g);
            a->area_ha[a->n++] = ha;
        } else
            a->removed++;
        OGR_F_Destroy(f);
    }
    return SM_OK;
}

static int polygonize(const char *mask, OGRSpatialReferenceH srs, const sm_hotspots_config *hc,
                      areas *a)
{
    GDALDatasetH src = GDALOpen(mask, GA_ReadOnly);
    if (!src)
        return sm_error_set(SM_EIO, "%s: cannot open: %s", mask, CPLGetLastErrorMsg());
    GDALDatasetH mem = GDALCreate(GDALGetDriverByName("Memory"), "", 0, 0, 0, GDT_Unknown, NULL);
    OGRLayerH layer = mem ? GDALDatasetCreateLayer(mem, "areas", srs, wkbPolygon, NULL) : NULL;
    int rc = layer ? sm_field_add(layer, "v", OFTInteger)
                   : sm_error_set(SM_EINTERNAL, "polygonising hotspots: no memory layer: %s",
                                  CPLGetLastErrorMsg());
    GDALRasterBandH band = GDALGetRasterBand(src, 1);
    const char *opt[] = {hc->connectivity == 8 ? "8CONNECTED=8" : NULL, NULL};
    sm_progress_task task;
    sm_progress_begin(&task, "hotspots", "polygons");
    /* cells outside grid.mask are no data (255), so not the band but its
     * no-data mask says where polygons go; keep_polygons keeps value 1 */
    if (rc == SM_OK)
        rc = GDALPolygonize(band, GDALGetMaskBand(band), layer, 0, (char **)opt, sm_progress,
                            &task) == CE_None
                 ? keep_polygons(layer, hc->min_area_ha, a)
                 : sm_error_set(SM_EIO, "polygonising hotspots: %s", CPLGetLastErrorMsg());
    if (mem)
        GDALClose(mem);
    GDALClose(src);
    return rc;
}

static void areas_free(areas *a)
{
    for (long i = 0; i < a->n; i++)
        OGR_G_DestroyGeometry(a->geoms[i]);
    free(a->geoms), free(a->area_ha);
}

/* ---- pass 3: statistics per hotspot, through a raster of hotspot ids ---- */

typedef struct {
    long cells, prob_n;
    int max_class;
    double prob_sum;                 /* of the cell's largest P(exceed) */
    double *sum, *max, *rmax, *psum; /* per contaminant */
    long *n, *pn, *exceed;
    long *landuse; /* cells per land-use class */
    int samples;
    char sample_ids[256];
} zone;

static zone *zones_new(long nz, int nc, int nclasses)
{
    zone *z = calloc((size_t)nz + 1, sizeof *z);
    for (long i = 0; i <= nz; i++) {
        z[i].sum = calloc((size_t)nc * 4, sizeof(double));
        z[i].max = z[i].sum + nc, z[i].rmax = z[i].sum + 2 * nc, z[i].psum = z[i].sum + 3 * nc;
        for (int c = 0; c < nc; c++)
            z[i].max[c] = z[i].rmax[c] = -HUGE_VAL;
        z[i].n = calloc((size_t)nc * 3 + nclasses + 1, sizeof(long));
        z[i].pn = z[i].n + nc, z[i].exceed = z[i].n + 2 * nc, z[i].landuse = z[i].n + 3 * nc;
        z[i].max_class = -1;
    }
    return z;
}

static void zones_free(zone *z, long nz)
{
    for (long i = 0; i <= nz; i++)
        free(z[i].sum), free(z[i].n);
    free(z);
}

static int burn_ids(const inputs *in, OGRSpatialReferenceH srs, const areas *a, const char *path)
{
    const char *opt[] = {"TILED=YES", "COMPRESS=ZSTD", "BIGTIFF=IF_SAFER", NULL};
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, (int)in->grid.ncols,
                                 (int)in->grid.nrows, 1, GDT_Int32, (char **)opt);
    if (!ds)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    double gt[6] = {in->grid.xmin, in->grid.res, 0, in->grid.ymax, 0, -in->grid.res};
    GDALSetGeoTransform(ds, gt);
    GDALSetSpatialRef(ds, srs);
    double *ids = malloc((size_t)(a->n > 0 ? a->n : 1) * sizeof *ids);
    for (long i = 0; i < a->n; i++)
        ids[i] = (double)(i + 1);
    int band = 1;
    CPLErr err = a->n ? GDALRasterizeGeometries(ds, 1, &band, (int)a->n, a->geoms, NULL, NULL, ids,
                                                NULL, NULL, NULL)
                      : CE_None;
    free(ids);
    if (sm_dataset_close(ds) != 0 || err != CE_None)
        return sm_error_set(SM_EIO, "%s: cannot rasterise the hotspots: %s", path,
                            CPLGetLastErrorMsg());
    return SM_OK;
}

enum { R_CONC, R_RATIO, R_CLASS, R_PROB, R_KINDS };

typedef struct {
    sm_window ids, landuse, w[MAXC][R_KINDS];
} zone_readers;

static int open_readers(const inputs *in, const char *ids, zone_readers *r)
{
    char lu[PATH];
    sm_product_member(lu, sizeof lu, in->cfg, SM_PRODUCT_CLASS, "landuse");
    int rc = sm_window_open(&r->ids, ids, in->tile);
    if (rc == SM_OK)
        rc = sm_window_open(&r->landuse, lu, in->tile);
    for (int i = 0; i < in->n && rc == SM_OK; i++) {
        const char *paths[R_KINDS] = {in->conc[i], in->ratio[i], in->cls[i],
                                      in->prob_band[i] ? in->prob[i] : NULL};
        for (int k = 0; k < R_KINDS && rc == SM_OK; k++)
            if (paths[k])
                rc = sm_window_open(&r->w[i][k], paths[k], in->tile);
    }
    return rc;
}

static void close_readers(const inputs *in, zone_readers *r)
{
    sm_window_close(&r->ids), sm_window_close(&r->landuse);
    for (int i = 0; i < in->n; i++)
        for (int k = 0; k < R_KINDS; k++)
            sm_window_close(&r->w[i][k]);
}

static void accumulate_cell(const inputs *in, const zone_readers *r, size_t c, zone *z)
{
    double best_p = NAN;
    z->cells++;
    if (!isnan(r->landuse.buf[c]))
        z->landuse[(int)r->landuse.buf[c] - 1]++;
    for (int i = 0; i < in->n; i++) {
        double conc = r->w[i][R_CONC].buf[c], ratio = r->w[i][R_RATIO].buf[c];
        double cls = r->w[i][R_CLASS].buf[c], p = in->prob_band[i] ? r->w[i][R_PROB].buf[c] : NAN;
        if (in->exp_conc[i])
            conc = exp(conc);
        if (!isnan(conc))
            z->sum[i] += conc, z->n[i]++, z->max[i] = conc > z->max[i] ? conc : z->max[i];
        if (ratio > z->rmax[i])
            z->rmax[i] = ratio;
        if (!isnan(p))
            z->psum[i] += p, z->pn[i]++, best_p = isnan(best_p) || p > best_p ? p : best_p;
        if (!isnan(cls) && cls > z->max_class)
            z->max_class = (int)cls;
        z->exceed[i] += exceeds(in, cls, p);
    }
    if (!isnan(best_p))
        z->prob_sum += best_p, z->prob_n++;
}

static int accumulate(const inputs *in, const char *ids, zone *zones)
{
    zone_readers r;
    memset(&r, 0, sizeof r);
    int rc = open_readers(in, ids, &r), t = in->tile;
    for (long y0 = 0; y0 < in->grid.nrows && rc == SM_OK; y0 += t)
        for (long x0 = 0; x0 < in->grid.ncols && rc == SM_OK; x0 += t) {
            int w = (int)(in->grid.ncols - x0 < t ? in->grid.ncols - x0 : t);
            int h = (int)(in->grid.nrows - y0 < t ? in->grid.nrows - y0 : t);
            rc = sm_window_read(&r.ids, 1, (int)x0, (int)y0, w, h);
            int any = 0;
            for (size_t c = 0; rc == SM_OK && c < (size_t)w * h && !any; c++)
                any = r.ids.buf[c] > 0;
            if (!any)
                continue;
            rc = sm_window_read(&r.landuse, 1, (int)x0, (int)y0, w, h);
            for (int i = 0; i < in->n && rc == SM_OK; i++)
                for (int k = 0; k < R_KINDS && rc == SM_OK; k++)
                    if (r.w[i][k].ds)
                        rc = sm_window_read(&r.w[i][k], k == R_PROB ? in->prob_band[i] : 1, (int)x0,
                                            (int)y0, w, h);
            for (size_t c = 0; rc == SM_OK && c < (size_t)w * h; c++)
                if (r.ids.buf[c] > 0)
                    accumulate_cell(in, &r, c, &zones[(long)r.ids.buf[c]]);
        }
    close_readers(in, &r);
    return rc;
}

/* Samples inside each hotspot: the hotspot id of the sample's cell. */
static int count_samples(const inputs *in, const char *ids, zone *zones)
{
    char gpkg[PATH];
    sm_product_path(gpkg, sizeof gpkg, in->cfg, SM_PRODUCT_SAMPLES);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    GDALDatasetH idr = GDALOpen(ids, GA_ReadOnly);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_SAMPLES) : NULL;
    if (!l || !idr) {
        if (ds)
            GDALClose(ds);
        if (idr)
            GDALClose(idr);
        return sm_error_set(SM_ENOINPUT, "%s: no samples layer; run ingest", gpkg);
    }
    int iid = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "sample_id");
    const sm_grid *g = &in->grid;
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        long col = geom ? (long)floor((OGR_G_GetX(geom, 0) - g->xmin) / g->res) : -1;
        long row = geom ? (long)floor((g->ymax - OGR_G_GetY(geom, 0)) / g->res) : -1;
        int32_t id = 0;
        if (col >= 0 && row >= 0 && col < g->ncols && row < g->nrows &&
            GDALRasterIO(GDALGetRasterBand(idr, 1), GF_Read, (int)col, (int)row, 1, 1, &id, 1, 1,
                         GDT_Int32, 0, 0) != CE_None)
            id = 0;
        if (id > 0) {
            zone *z = &zones[id];
            size_t len = strlen(z->sample_ids);
            if (len < sizeof z->sample_ids - 40)
                snprintf(z->sample_ids + len, sizeof z->sample_ids - len, "%s%s",
                         z->samples ? "," : "", OGR_F_GetFieldAsString(f, iid));
            z->samples++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(idr);
    GDALClose(ds);
    return SM_OK;
}

/* ---- the output layer ---- */

typedef struct {
    const char *name;
    OGRFieldType type;
} field;

/* In the layer's order: head, four per contaminant, tail. */
static int add_fields(const inputs *in, OGRLayerH l)
{
    static const field head[] = {{"id", OFTInteger},     {"contaminants", OFTString},
                                 {"tier", OFTInteger},   {"area_ha", OFTReal},
                                 {"max_ratio", OFTReal}, {"mean_probability", OFTReal}};
    static const field tail[] = {{"landuse", OFTString},        {"main_landuse", OFTString},
                                 {"n_samples", OFTInteger},     {"sample_ids", OFTString},
                                 {"source_name", OFTString},    {"source_type", OFTString},
                                 {"source_distance_m", OFTReal}};
    static const char *const stats[] = {"max", "mean", "max_ratio", "mean_probability"};
    int rc = SM_OK;
    for (size_t i = 0; i < sizeof head / sizeof *head && rc == SM_OK; i++)
        rc = sm_field_add(l, head[i].name, head[i].type);
    char name[200];
    for (int i = 0; i < in->n; i++)
        for (int k = 0; k < 4 && rc == SM_OK; k++) {
            snprintf(name, sizeof name, "%s_%s", in->names[i], stats[k]);
            rc = sm_field_add(l, name, OFTReal);
        }
    for (size_t i = 0; i < sizeof tail / sizeof *tail && rc == SM_OK; i++)
        rc = sm_field_add(l, tail[i].name, tail[i].type);
    return rc;
}

/* The hotspots layer with all its fields in *out, or a status. */
static int create_hotspot_layer(const inputs *in, GDALDatasetH ds, OGRSpatialReferenceH srs,
                                OGRLayerH *out)
{
    *out = GDALDatasetCreateLayer(ds, SM_LAYER_HOTSPOTS, srs, wkbPolygon, NULL);
    if (!*out)
        return sm_error_set(SM_EIO, "hotspots.gpkg: cannot create layer hotspots: %s",
                            CPLGetLastErrorMsg());
    return add_fields(in, *out);
}

static void set_contaminant_fields(const inputs *in, const zone *z, OGRFeatureH f)
{
    char name[200], list[600] = "";
    double rmax = -HUGE_VAL;
    for (int i = 0; i < in->n; i++) {
        snprintf(name, sizeof name, "%s_max", in->names[i]), sm_field_set_real(f, name, z->max[i]);
        snprintf(name, sizeof name, "%s_mean", in->names[i]);
        sm_field_set_real(f, name, z->n[i] ? z->sum[i] / z->n[i] : NAN);
        snprintf(name, sizeof name, "%s_max_ratio", in->names[i]),
            sm_field_set_real(f, name, z->rmax[i]);
        snprintf(name, sizeof name, "%s_mean_probability", in->names[i]);
        sm_field_set_real(f, name, z->pn[i] ? z->psum[i] / z->pn[i] : NAN);
        if (z->exceed[i])
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? "," : "",
                     in->names[i]);
        rmax = z->rmax[i] > rmax ? z->rmax[i] : rmax;
    }
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "contaminants"), list);
    sm_field_set_real(f, "max_ratio", rmax);
    sm_field_set_real(f, "mean_probability", z->prob_n ? z->prob_sum / z->prob_n : NAN);
}

static void set_landuse_field(const sm_config *cfg, const zone *z, OGRFeatureH f)
{
    char text[1000] = "";
    int main = -1;
    for (int c = 0; c < cfg->thresholds.n_classes; c++)
        if (z->landuse[c] && (main < 0 || z->landuse[c] > z->landuse[main]))
            main = c;
    if (main >= 0)
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "main_landuse"),
                             cfg->thresholds.classes[main]);
    for (int c = 0; c < cfg->thresholds.n_classes; c++)
        if (z->landuse[c]) {
            double ha = z->landuse[c] * cfg->grid.resolution * cfg->grid.resolution / 1e4;
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s %.2f ha",
                     text[0] ? "; " : "", cfg->thresholds.classes[c], ha);
        }
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "landuse"), text);
}

static int write_hotspot(const inputs *in, OGRLayerH l, const areas *a, long i, const zone *z,
                         const sm_source_set *src)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetGeometry(f, a->geoms[i]);
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "id"), (int)(i + 1));
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "tier"), z->max_class);
    sm_field_set_real(f, "area_ha", a->area_ha[i]);
    set_contaminant_fields(in, z, f);
    set_landuse_field(in->cfg, z, f);
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "n_samples"), z->samples);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "sample_ids"), z->sample_ids);
    double d;
    int s = sm_nearest_source_find(src, a->geoms[i], &d);
    if (s >= 0) {
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "source_name"), src->name[s]);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "source_type"), src->type[s]);
        sm_field_set_real(f, "source_distance_m", d);
    }
    OGRErr err = OGR_L_CreateFeature(l, f);
    OGR_F_Destroy(f);
    return err == OGRERR_NONE ? SM_OK
                              : sm_error_set(SM_EIO, "hotspots.gpkg: cannot write hotspot %ld: %s",
                                             i + 1, CPLGetLastErrorMsg());
}

static int write_hotspots(const inputs *in, GDALDatasetH ds, OGRSpatialReferenceH srs,
                          const areas *a, const zone *zones)
{
    OGRLayerH l;
    int rc = create_hotspot_layer(in, ds, srs, &l);
    if (rc != SM_OK)
        return rc;
    sm_source_set src;
    sm_nearest_source_load(in->cfg, &src);
    for (long i = 0; i < a->n && rc == SM_OK; i++)
        rc = write_hotspot(in, l, a, i, &zones[i + 1], &src);
    sm_nearest_source_free(&src);
    return rc;
}

/* ---- the stage ---- */

static int describe_areas(const inputs *in, OGRSpatialReferenceH srs, areas *a, zone **zones)
{
    char mask[PATH], ids[PATH];
    snprintf(mask, sizeof mask, "%s/.hotspot-mask.tif", in->cfg->output);
    sm_product_path(ids, sizeof ids, in->cfg, SM_PRODUCT_HOTSPOT_IDS);
    sm_outfile idf;
    sm_outfile_begin(&idf, ids);
    int rc = make_mask(in, mask, srs);
    if (rc == SM_OK)
        rc = polygonize(mask, srs, &in->cfg->hotspots, a);
    remove(mask);
    *zones = zones_new(a->n, in->n, in->cfg->thresholds.n_classes);
    if (rc == SM_OK)
        rc = burn_ids(in, srs, a, idf.tmp);
    if (rc == SM_OK)
        rc = accumulate(in, idf.tmp, *zones);
    if (rc == SM_OK)
        rc = count_samples(in, idf.tmp, *zones);
    sm_outfile_abort(&idf);
    return rc;
}

static int write_output(const inputs *in, OGRSpatialReferenceH srs, const areas *a,
                        const zone *zones, sm_hotspots_summary *out)
{
    char path[PATH];
    sm_product_path(path, sizeof path, in->cfg, SM_PRODUCT_HOTSPOTS);
    sm_outfile of;
    sm_outfile_begin(&of, path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), of.tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    GDALDatasetStartTransaction(ds, FALSE);
    int rc = write_hotspots(in, ds, srs, a, zones);
    if (rc == SM_OK && in->cfg->hotspots.statistics) {
        out->n_stats = in->n;
        rc = sm_sample_statistics_write(in->cfg, ds, in->names, in->n, out->stats);
    }
    if (rc == SM_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        rc = sm_error_set(SM_EIO, "%s: cannot commit: %s", path, CPLGetLastErrorMsg());
    if (sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    if (rc == SM_OK)
        return sm_outfile_commit(&of);
    sm_outfile_abort(&of);
    return rc;
}

int sm_hotspots(const sm_stage_ctx *ctx, sm_hotspots_summary *out)
{
    const sm_config *cfg = ctx->cfg;
    OGRSpatialReferenceH srs = ctx->srs;
    memset(out, 0, sizeof *out);
    inputs *in = malloc(sizeof *in);
    int rc = prepare_inputs(ctx, in);
    areas a = {0};
    zone *zones = NULL;
    if (rc == SM_OK)
        rc = describe_areas(in, srs, &a, &zones);
    out->found = a.found, out->removed = a.removed, out->kept = a.n;
    for (long i = 0; i < a.n; i++)
        out->area_ha += a.area_ha[i];
    if (rc == SM_OK)
        sm_log(SM_LOG_RESULT, "hotspots: %ld areas, %.2f ha (%ld smaller than %g ha removed)", a.n,
               out->area_ha, a.removed, cfg->hotspots.min_area_ha);
    if (rc == SM_OK)
        rc = write_output(in, srs, &a, zones, out);
    if (zones)
        zones_free(zones, a.n);
    areas_free(&a);
    free(in);
    return rc;
}
