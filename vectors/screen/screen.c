#include "screen/screen.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "features/nearest_source.h"
#include "features/rejects.h"
#include "geostat/kdtree.h"
#include "grid/cells.h"
#include "guideline/exceedance.h"
#include "guideline/project.h"
#include "guideline/thresholds.h"
#include "stage/products.h"

#include <cpl_string.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAXC = SM_MAX_CONTAMINANTS, PATH = SM_PATH_SIZE };

int sm_screen_priority(double p1, double ptop, double ratio)
{
    if (isnan(p1)) /* no kriging variance: by the predicted ratio */
        return ratio >= 2 ? 1 : ratio >= 1 ? 2 : ratio >= 0.5 ? 3 : 4;
    if (ptop >= 0.5 || p1 >= 0.8)
        return 1;
    return p1 >= 0.5 ? 2 : p1 >= 0.2 ? 3 : 4;
}

const char *sm_screen_priority_name(int priority)
{
    static const char *const names[] = {"", "high", "medium", "low", "very low", "not assessed"};
    return priority >= 1 && priority <= SM_SCREEN_NOT_ASSESSED ? names[priority] : "";
}

const char *sm_screen_why_name(sm_screen_why why)
{
    static const char *const names[] = {
        "outside the analysis grid", "no land-use class (neither the site's nor the map's)",
        "no prediction at its cells", "no guideline value for its land use"};
    return why >= 0 && why < SM_SCREEN_N_WHY ? names[why] : "";
}

/* ---- what the run produced ---- */

typedef struct {
    GDALDatasetH conc, mean, var, sd; /* sd: the variance in mg/kg^2 (kriging) */
    sm_guideline gl;
    /* as interpolated (interpolation.per may differ per contaminant): a
     * kriging variance; log scale; conc rasters holding log values */
    int prob, log, exp_conc;
} contaminant;

typedef struct {
    const sm_config *cfg;
    OGRSpatialReferenceH srs; /* the working CRS */
    sm_grid grid;
    int n;
    const char *names[MAXC];
    contaminant c[MAXC];
    sm_threshold_table table;
    GDALDatasetH landuse, ph;
    double *sx, *sy;
    int nsamples;
    sm_kdtree tree;
    sm_source_set sources;
    OGRGeometryH *hotspots;
    long *hotspot_ids;
    int nhotspots;
    char **recs; /* per hotspot: its first recommendations */
} run;

static GDALDatasetH open_raster(const char *path, int *rc)
{
    GDALDatasetH ds = *rc == SM_OK ? GDALOpen(path, GA_ReadOnly) : NULL;
    if (!ds && *rc == SM_OK)
        *rc =
            sm_error_set(SM_ENOINPUT, "%s: missing; run the interpolate and classify stages", path);
    return ds;
}

static int open_contaminant(run *r, int i)
{
    const sm_config *cfg = r->cfg;
    char conc[PATH], mean[PATH], var[PATH], sd[PATH];
    sm_products_surfaces(cfg, r->names[i], conc, mean, var, PATH);
    sm_product_member(sd, sizeof sd, cfg, SM_PRODUCT_SURFACE, "%s_var", r->names[i]);
    int rc = sm_guideline_for(cfg, &r->table, r->names[i], &r->c[i].gl);
    const sm_interp_config *ic = sm_config_interp(cfg, r->names[i]);
    r->c[i].prob = ic->method == SM_INTERP_KRIGING;
    r->c[i].log = ic->log_transform;
    r->c[i].exp_conc = sm_products_conc_is_log(cfg, r->names[i]);
    r->c[i].conc = open_raster(conc, &rc);
    if (r->c[i].prob) {
        r->c[i].mean = open_raster(mean, &rc);
        r->c[i].var = open_raster(var, &rc);
        r->c[i].sd = open_raster(sd, &rc);
    }
    return rc;
}

static int load_samples(run *r)
{
    char gpkg[PATH];
    sm_product_path(gpkg, sizeof gpkg, r->cfg, SM_PRODUCT_SAMPLES);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_SAMPLES) : NULL;
    if (!l) {
        if (ds)
            GDALClose(ds);
        return sm_error_set(SM_ENOINPUT, "%s: no samples; run ingest", gpkg);
    }
    long total = (long)OGR_L_GetFeatureCount(l, TRUE);
    r->sx = malloc(((size_t)total + 1) * sizeof *r->sx);
    r->sy = malloc(((size_t)total + 1) * sizeof *r->sy);
    OGRFeatureH f;
    while (r->nsamples < total && (f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g))
            r->sx[r->nsamples] = OGR_G_GetX(g, 0), r->sy[r->nsamples++] = OGR_G_GetY(g, 0);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return sm_kdtree_build(&r->tree, r->nsamples, r->sx, r->sy) == 0
               ? SM_OK
               : sm_error_set(SM_EINTERNAL, "out of memory indexing samples");
}

/* "phytoextraction, capping" for each hotspot, from hotspots.gpkg. */
static void load_recommendations(run *r, GDALDatasetH ds)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "recommendations");
    OGRFeatureH f;
    while (l && (f = OGR_L_GetNextFeature(l))) {
        long id = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "hotspot_id"));
        for (int h = 0; h < r->nhotspots; h++)
            if (r->hotspot_ids[h] == id) {
                const char *t = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "technology"));
                size_t len = r->recs[h] ? strlen(r->recs[h]) : 0;
                r->recs[h] = realloc(r->recs[h], len + strlen(t) + 3);
                snprintf(r->recs[h] + len, strlen(t) + 3, "%s%s", len ? ", " : "", t);
            }
        OGR_F_Destroy(f);
    }
}

static void load_hotspots(run *r)
{
    char gpkg[PATH];
    sm_product_path(gpkg, sizeof gpkg, r->cfg, SM_PRODUCT_HOTSPOTS);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_HOTSPOTS) : NULL;
    long total = l ? (long)OGR_L_GetFeatureCount(l, TRUE) : 0;
    r->hotspots = calloc((size_t)total + 1, sizeof *r->hotspots);
    r->hotspot_ids = calloc((size_t)total + 1, sizeof *r->hotspot_ids);
    r->recs = calloc((size_t)total + 1, sizeof *r->recs);
    OGRFeatureH f;
    while (l && r->nhotspots < total && (f = OGR_L_GetNextFeature(l))) {
        r->hotspot_ids[r->nhotspots] = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "id"));
        r->hotspots[r->nhotspots++] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_F_Destroy(f);
    }
    if (ds) {
        load_recommendations(r, ds);
        GDALClose(ds);
    }
}

static int open_run(const sm_stage_ctx *ctx, run *r)
{
    const sm_config *cfg = ctx->cfg;
    memset(r, 0, sizeof *r);
    r->cfg = cfg, r->srs = ctx->srs, r->grid = *ctx->grid;
    r->n = sm_products_classified(cfg, r->names);
    /* with the overrides, as classify: a site and its cell are judged alike */
    int rc = sm_guideline_load_table(cfg, NULL, &r->table);
    for (int i = 0; i < r->n && rc == SM_OK; i++)
        rc = open_contaminant(r, i);
    char path[PATH];
    sm_product_member(path, sizeof path, cfg, SM_PRODUCT_CLASS, "landuse");
    r->landuse = open_raster(path, &rc);
    sm_product_member(path, sizeof path, cfg, SM_PRODUCT_CLASS, "ph");
    if (cfg->thresholds.ph_source == SM_PH_RASTER || cfg->thresholds.ph_source == SM_PH_SAMPLES)
        r->ph = open_raster(path, &rc);
    if (rc == SM_OK)
        rc = load_samples(r);
    sm_nearest_source_load(cfg, &r->sources);
    load_hotspots(r);
    return rc;
}

static void close_run(run *r)
{
    for (int i = 0; i < r->n; i++) {
        GDALDatasetH ds[] = {r->c[i].conc, r->c[i].mean, r->c[i].var, r->c[i].sd};
        for (int k = 0; k < 4; k++)
            if (ds[k])
                GDALClose(ds[k]);
        sm_guideline_free(&r->c[i].gl);
    }
    if (r->landuse)
        GDALClose(r->landuse);
    if (r->ph)
        GDALClose(r->ph);
    sm_thresholds_free(&r->table);
    sm_kdtree_free(&r->tree);
    free(r->sx), free(r->sy);
    sm_nearest_source_free(&r->sources);
    for (int h = 0; h < r->nhotspots; h++)
        OGR_G_DestroyGeometry(r->hotspots[h]), free(r->recs[h]);
    free(r->hotspots), free(r->hotspot_ids), free(r->recs);
}

/* ---- one site ---- */

enum { V_PRED, V_PRED_MAX, V_SD, V_RATIO, V_P, NV = V_P + SM_MAX_TIERS };

enum { LU_NONE, LU_SITE, LU_MAP }; /* where a site's land-use class came from */

typedef struct {
    OGRGeometryH geom;                     /* working CRS */
    char id[128], name[256], landuse[128]; /* landuse: the site's own value, as given */
    int cls, priority, n_near, source, hotspot;
    int lu_from, lu_unknown; /* lu_unknown: its own value names no class */
    int why;                 /* an sm_screen_why when not assessed, else -1 */
    double ph, p1, ptop, rmax, source_d;
    char hotspots[200], reason[300];
    double *v; /* NV values per contaminant */
} site;

/* Mean over the site's cells of P(exceeding t) on the kriging scale; cells
 * without a prediction have no probability and do not count. */
static double mean_exceedance(const sm_cells *c, const double *mean, const double *var, double t)
{
    double s = 0;
    int n = 0;
    for (int i = 0; i < c->w * c->h; i++) {
        double p = c->mask[i] ? sm_exceedance_probability(mean[i], var[i], t) : NAN;
        if (!isnan(p))
            s += p, n++;
    }
    return n ? s / n : NAN;
}

static int evaluate_contaminant(const run *r, int i, const sm_cells *c, site *s, double *buf)
{
    double *conc = buf, *mean = buf + (size_t)c->w * c->h, *var = mean + (size_t)c->w * c->h;
    double *v = s->v + (size_t)i * NV;
    for (int k = 0; k < NV; k++)
        v[k] = NAN;
    int rc = sm_cells_read(r->c[i].conc, 1, c, conc);
    const contaminant *ci = &r->c[i];
    for (int k = 0; ci->exp_conc && k < c->w * c->h; k++)
        conc[k] = exp(conc[k]);
    sm_cells_mean_max(c, conc, &v[V_PRED], &v[V_PRED_MAX]);
    if (rc == SM_OK && ci->prob && (rc = sm_cells_read(ci->sd, 1, c, var)) == SM_OK) {
        for (int k = 0; k < c->w * c->h; k++)
            var[k] = sqrt(var[k]);
        double unused;
        sm_cells_mean_max(c, var, &v[V_SD], &unused);
    }
    const double *tiers = s->cls >= 0 ? sm_guideline_values(&r->c[i].gl, s->cls, s->ph) : NULL;
    if (rc != SM_OK || !tiers)
        return rc;
    v[V_RATIO] = tiers[0] > 0 ? v[V_PRED] / tiers[0] : NAN;
    if (ci->prob && (rc = sm_cells_read(ci->mean, 1, c, mean)) == SM_OK &&
        (rc = sm_cells_read(ci->var, 1, c, var)) == SM_OK)
        for (int t = 0; t < ci->gl.ntiers; t++)
            if (!isnan(tiers[t]))
                v[V_P + t] = mean_exceedance(c, mean, var, ci->log ? log(tiers[t]) : tiers[t]);
    return rc;
}

/* Index of a class of thresholds.classes, whatever the case ("Meadow" is
 * the class meadow, as in the land-use map); -1 if none. */
static int class_index(const sm_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->thresholds.n_classes; i++)
        if (!strcasecmp(cfg->thresholds.classes[i], name))
            return i;
    return -1;
}

/* The site's land-use class: its attribute when it names a class, else the
 * land-use raster at its centre; where it came from is kept, since a site
 * whose own value names no class must not take the map's without a word. */
static void site_class(const run *r, const sm_cells *c, site *s)
{
    s->cls = s->landuse[0] ? class_index(r->cfg, s->landuse) : -1;
    s->lu_unknown = s->landuse[0] && s->cls < 0;
    s->lu_from = s->cls >= 0 ? LU_SITE : LU_NONE;
    double lu = NAN, ph = NAN;
    sm_cells centre = {c->x0 + c->w / 2, c->y0 + c->h / 2, 1, 1, 1, NULL};
    if (s->cls < 0 && sm_cells_read(r->landuse, 1, &centre, &lu) == SM_OK && lu > 0)
        s->cls = (int)lu - 1, s->lu_from = LU_MAP;
    s->ph = r->cfg->thresholds.ph_source == SM_PH_VALUE ? r->cfg->thresholds.ph_value : NAN;
    if (r->ph && sm_cells_read(r->ph, 1, &centre, &ph) == SM_OK)
        s->ph = ph;
}

/* Why the site cannot be compared with a guideline value, or -1. */
static int not_assessed(const run *r, const site *s)
{
    if (s->cls < 0)
        return SM_SCREEN_NO_LAND_USE;
    int predicted = 0;
    for (int i = 0; i < r->n; i++)
        predicted |= !isnan(s->v[(size_t)i * NV + V_PRED]);
    if (!predicted)
        return SM_SCREEN_NO_PREDICTION;
    return isnan(s->p1) && isnan(s->rmax) ? SM_SCREEN_NO_GUIDELINE : -1;
}

/* Appends ", text" (or "; text") to the site's reason. */
static void add_reason(site *s, const char *sep, const char *text)
{
    size_t len = strlen(s->reason);
    snprintf(s->reason + len, sizeof s->reason - len, "%s%s", len ? sep : "", text);
}

static void summarise(const run *r, site *s)
{
    s->p1 = s->ptop = s->rmax = NAN;
    const char *why = NULL;
    for (int i = 0; i < r->n; i++) {
        const double *v = s->v + (size_t)i * NV;
        int top = r->c[i].gl.ntiers - 1;
        if (!isnan(v[V_P]) && (isnan(s->p1) || v[V_P] > s->p1))
            s->p1 = v[V_P], why = r->names[i];
        if (top > 0 && !isnan(v[V_P + top]) && (isnan(s->ptop) || v[V_P + top] > s->ptop))
            s->ptop = v[V_P + top];
        if (!isnan(v[V_RATIO]) && (isnan(s->rmax) || v[V_RATIO] > s->rmax)) {
            s->rmax = v[V_RATIO];
            why = isnan(s->p1) ? r->names[i] : why;
        }
    }
    s->why = not_assessed(r, s);
    s->priority =
        s->why >= 0 ? SM_SCREEN_NOT_ASSESSED : sm_screen_priority(s->p1, s->ptop, s->rmax);
    if (s->why >= 0)
        snprintf(s->reason, sizeof s->reason, "not assessed: %s", sm_screen_why_name(s->why));
    else if (why && !isnan(s->p1))
        snprintf(s->reason, sizeof s->reason, "%s: P(above first tier) %.2f, ratio %.2f", why,
                 s->p1, s->rmax);
    else if (why)
        snprintf(s->reason, sizeof s->reason, "%s: ratio to the first tier %.2f", why, s->rmax);
    char text[300];
    if (s->lu_unknown) {
        snprintf(text, sizeof text, "its land use '%s' is not a class of thresholds.classes%s%s",
                 s->landuse, s->lu_from == LU_MAP ? ": screened as the map's " : "",
                 s->lu_from == LU_MAP ? r->cfg->thresholds.classes[s->cls] : "");
        add_reason(s, "; ", text);
    }
    if (s->n_near == 0) {
        snprintf(text, sizeof text, "no sample within %g m: investigate",
                 r->cfg->screening.sample_distance);
        add_reason(s, "; ", text);
    }
}

static void context(const run *r, site *s)
{
    OGRGeometryH centre = OGR_G_PointOnSurface(s->geom);
    double x = centre ? OGR_G_GetX(centre, 0) : 0, y = centre ? OGR_G_GetY(centre, 0) : 0;
    if (centre)
        OGR_G_DestroyGeometry(centre);
    int *found = NULL, cap = 0;
    s->n_near = r->nsamples ? sm_kdtree_within(&r->tree, x, y, r->cfg->screening.sample_distance,
                                               &found, &cap)
                            : 0;
    free(found);
    s->source = sm_nearest_source_find(&r->sources, s->geom, &s->source_d);
    s->hotspot = -1;
    for (int h = 0; h < r->nhotspots; h++)
        if (r->hotspots[h] && OGR_G_Intersects(s->geom, r->hotspots[h])) {
            size_t len = strlen(s->hotspots);
            snprintf(s->hotspots + len, sizeof s->hotspots - len, "%s%ld", len ? "," : "",
                     r->hotspot_ids[h]);
            if (s->hotspot < 0)
                s->hotspot = h;
        }
}

static int evaluate(const run *r, site *s)
{
    sm_cells c;
    sm_cells_of(&r->grid, s->geom, &c);
    s->v = malloc(sizeof *s->v * NV * (size_t)(r->n ? r->n : 1));
    for (int k = 0; k < NV * r->n; k++)
        s->v[k] = NAN;
    int rc = SM_OK;
    if (c.n > 0) {
        double *buf = malloc(sizeof *buf * 3 * (size_t)c.w * c.h);
        site_class(r, &c, s);
        for (int i = 0; i < r->n && rc == SM_OK; i++)
            rc = evaluate_contaminant(r, i, &c, s, buf);
        free(buf);
    } else
        s->cls = -1;
    free(c.mask);
    context(r, s);
    summarise(r, s);
    if (c.n == 0) { /* neither land use nor prediction: only this reason counts */
        s->why = SM_SCREEN_OUTSIDE_GRID, s->lu_from = LU_NONE, s->lu_unknown = 0;
        snprintf(s->reason, sizeof s->reason, "not assessed: %s",
                 sm_screen_why_name(SM_SCREEN_OUTSIDE_GRID));
    }
    return rc;
}

/* ---- reading the registry ---- */

static const char *field_or(OGRFeatureH f, const char *name, const char *fallback)
{
    int i = name ? OGR_F_GetFieldIndex(f, name) : -1;
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : fallback;
}

/* Whether the driver lists the option (NAME=value) among its open options. */
static int driver_takes(GDALDriverH drv, const char *option)
{
    const char *list = GDALGetMetadataItem(drv, GDAL_DMD_OPENOPTIONLIST, NULL);
    CPLXMLNode *xml = list ? CPLParseXMLString(list) : NULL;
    int found = 0;
    size_t len = strcspn(option, "=");
    for (CPLXMLNode *o = xml ? xml->psChild : NULL; o && !found; o = o->psNext) {
        const char *name = o->eType == CXT_Element ? CPLGetXMLValue(o, "name", NULL) : NULL;
        found = name && strlen(name) == len && !strncmp(name, option, len);
    }
    CPLDestroyXMLNode(xml);
    return found;
}

/* The registry, opened by the driver that claims it with only the options
 * that driver takes: the lon/lat options are the CSV driver's, and GDAL
 * warns about each option a driver (GeoJSON, GPKG...) does not know. */
static GDALDatasetH open_sites(const sm_screening_config *sc, const char *path)
{
    char xs[200], ys[200];
    snprintf(xs, sizeof xs, "X_POSSIBLE_NAMES=%s", sc->x ? sc->x : "lon,longitude,x");
    snprintf(ys, sizeof ys, "Y_POSSIBLE_NAMES=%s", sc->y ? sc->y : "lat,latitude,y");
    const char *const wanted[] = {xs, ys, "KEEP_GEOM_COLUMNS=YES", "AUTODETECT_TYPE=NO"};
    GDALDriverH drv = GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
    char **options = NULL;
    for (int i = 0; drv && i < 4; i++)
        if (driver_takes(drv, wanted[i]))
            options = CSLAddString(options, wanted[i]);
    const char *const only[] = {drv ? GDALGetDriverShortName(drv) : NULL, NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drv ? only : NULL,
                                 (const char *const *)options, NULL);
    CSLDestroy(options);
    return ds;
}

/* The registry's CRS to the working CRS in *ct (NULL: the same CRS). A
 * registry without a CRS is in screening.crs, else in the local working
 * CRS, else in lon/lat. */
static int to_working(const run *r, OGRLayerH l, const char *path, OGRCoordinateTransformationH *ct)
{
    const sm_screening_config *sc = &r->cfg->screening;
    OGRSpatialReferenceH src = sm_crs_clone(OGR_L_GetSpatialRef(l));
    if (!src)
        src = sc->crs                   ? sm_crs_new(sc->crs)
              : sm_crs_is_local(r->srs) ? sm_crs_clone(r->srs)
                                        : sm_crs_new("EPSG:4326");
    int rc = src ? sm_crs_transform(src, r->srs, ct) : -1;
    OSRDestroySpatialReference(src);
    if (rc != 0)
        return sm_error_set(SM_ECONFIG,
                            "%s: screening.crs: no transformation from the registry's CRS to "
                            "the working CRS%s",
                            path, sm_crs_is_local(r->srs) ? " (a local CRS has none)" : "");
    return SM_OK;
}

/* Whether g is valid; if not, why: GEOS's reason ("Self-intersection at
 * or near point ..."), which GDAL gives as a warning, kept quiet here since
 * the site's line in the rejects ledger carries it. */
static int valid(OGRGeometryH g, const char *what, char *why, size_t size)
{
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int ok = OGR_G_IsValid(g);
    CPLPopErrorHandler();
    const char *reason = CPLGetLastErrorMsg();
    if (!ok)
        snprintf(why, size, "%s%s%s", what, *reason ? ": " : "", reason);
    return ok;
}

/* The site's geometry in the working CRS, or NULL and why not: each cause
 * its own reason, so the ledger says what to fix in the registry. */
static OGRGeometryH usable_geometry(const sm_config *cfg, OGRGeometryH g,
                                    OGRCoordinateTransformationH ct, char *why, size_t size)
{
    if (!g || OGR_G_IsEmpty(g)) {
        snprintf(why, size, "no geometry (missing coordinates)");
        return NULL;
    }
    if (!valid(g, "invalid geometry", why, size))
        return NULL;
    const char *crs = strchr(cfg->crs, '[') ? "" : cfg->crs; /* a WKT would drown the reason */
    OGRGeometryH out = OGR_G_Clone(g);
    if (ct && OGR_G_Transform(out, ct) != OGRERR_NONE)
        snprintf(why, size, "coordinates cannot be transformed into the working CRS%s%s",
                 *crs ? " " : "", crs);
    else if (valid(out, "invalid geometry once transformed into the working CRS", why, size))
        return out;
    OGR_G_DestroyGeometry(out);
    return NULL;
}

/* A site from a feature; -1 (and why) when its geometry is unusable. */
static int read_site(const sm_config *cfg, OGRFeatureH f, OGRCoordinateTransformationH ct, site *s,
                     char *why, size_t size)
{
    const sm_screening_config *sc = &cfg->screening;
    memset(s, 0, sizeof *s);
    char fid[32];
    snprintf(fid, sizeof fid, "%lld", (long long)OGR_F_GetFID(f));
    snprintf(s->id, sizeof s->id, "%s", field_or(f, sc->id ? sc->id : "site_id", fid));
    snprintf(s->name, sizeof s->name, "%s", field_or(f, sc->name ? sc->name : "name", ""));
    snprintf(s->landuse, sizeof s->landuse, "%s", field_or(f, sc->landuse, ""));
    s->geom = usable_geometry(cfg, OGR_F_GetGeometryRef(f), ct, why, size);
    return s->geom ? 0 : -1;
}

/* ---- output ---- */

static int add_site_fields(OGRLayerH l)
{
    static const struct {
        const char *name;
        OGRFieldType type;
    } f[] = {{"site_id", OFTString},         {"name", OFTString},
             {"landuse", OFTString},         {"landuse_source", OFTString},
             {"landuse_site", OFTString},    {"priority_class", OFTString},
             {"reason", OFTString},          {"priority", OFTInteger},
             {"max_probability", OFTReal},   {"max_ratio", OFTReal},
             {"n_samples_near", OFTInteger}, {"source_name", OFTString},
             {"source_type", OFTString},     {"source_distance_m", OFTReal},
             {"hotspots", OFTString},        {"recommendations", OFTString}};
    int rc = SM_OK;
    for (size_t i = 0; i < sizeof f / sizeof f[0] && rc == SM_OK; i++)
        rc = sm_field_add(l, f[i].name, f[i].type);
    return rc;
}

static int add_contaminant_fields(const run *r, OGRLayerH l)
{
    char name[160];
    static const char *const what[] = {"pred", "pred_max", "sd", "ratio"};
    int rc = SM_OK;
    for (int i = 0; i < r->n && rc == SM_OK; i++) {
        for (int k = 0; k < 4 && rc == SM_OK; k++) {
            snprintf(name, sizeof name, "%s_%s", r->names[i], what[k]);
            rc = sm_field_add(l, name, OFTReal);
        }
        for (int t = 0; r->c[i].prob && t < r->c[i].gl.ntiers && rc == SM_OK; t++) {
            snprintf(name, sizeof name, "%s_p%d", r->names[i], t + 1);
            rc = sm_field_add(l, name, OFTReal);
        }
    }
    return rc;
}

/* The sites layer with all its fields in *out; a status if either fails. */
static int create_sites_layer(const run *r, GDALDatasetH ds, const char *path, OGRLayerH *out)
{
    *out = GDALDatasetCreateLayer(ds, SM_LAYER_SITES, r->srs, wkbUnknown, NULL);
    if (!*out)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    int rc = add_site_fields(*out);
    return rc == SM_OK ? add_contaminant_fields(r, *out) : rc;
}

static void set_contaminants(const run *r, const site *s, OGRFeatureH f)
{
    char name[160];
    static const char *const what[] = {"pred", "pred_max", "sd", "ratio"};
    for (int i = 0; i < r->n; i++) {
        const double *v = s->v + (size_t)i * NV;
        for (int k = 0; k < 4; k++)
            snprintf(name, sizeof name, "%s_%s", r->names[i], what[k]),
                sm_field_set_real(f, name, v[k]);
        for (int t = 0; r->c[i].prob && t < r->c[i].gl.ntiers; t++)
            snprintf(name, sizeof name, "%s_p%d", r->names[i], t + 1),
                sm_field_set_real(f, name, v[V_P + t]);
    }
}

static int write_site(const run *r, OGRLayerH l, const site *s)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetGeometry(f, s->geom);
    sm_field_set_text(f, "site_id", s->id), sm_field_set_text(f, "name", s->name);
    static const char *const from[] = {"none", "site", "map"};
    sm_field_set_text(f, "landuse", s->cls >= 0 ? r->cfg->thresholds.classes[s->cls] : "");
    sm_field_set_text(f, "landuse_source", from[s->lu_from]);
    sm_field_set_text(f, "landuse_site", s->landuse);
    if (s->priority != SM_SCREEN_NOT_ASSESSED) /* not assessed: no rank, an empty priority */
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "priority"), s->priority);
    sm_field_set_text(f, "priority_class", sm_screen_priority_name(s->priority));
    sm_field_set_text(f, "reason", s->reason);
    sm_field_set_real(f, "max_probability", s->p1), sm_field_set_real(f, "max_ratio", s->rmax);
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "n_samples_near"), s->n_near);
    if (s->source >= 0) {
        sm_field_set_text(f, "source_name", r->sources.name[s->source]);
        sm_field_set_text(f, "source_type", r->sources.type[s->source]);
        sm_field_set_real(f, "source_distance_m", s->source_d);
    }
    sm_field_set_text(f, "hotspots", s->hotspots);
    sm_field_set_text(f, "recommendations", s->hotspot >= 0 ? r->recs[s->hotspot] : "");
    set_contaminants(r, s, f);
    OGRErr err = OGR_L_CreateFeature(l, f);
    OGR_F_Destroy(f);
    return err == OGRERR_NONE ? SM_OK
                              : sm_error_set(SM_EIO,
                                             "sites_screened.gpkg: cannot write site %s: "
                                             "%s",
                                             s->id, CPLGetLastErrorMsg());
}

/* Highest priority first; within a class, the likelier exceedance first. */
static int by_priority(const void *pa, const void *pb)
{
    const site *a = pa, *b = pb;
    if (a->priority != b->priority)
        return a->priority - b->priority;
    double ka = isnan(a->p1) ? a->rmax : a->p1, kb = isnan(b->p1) ? b->rmax : b->p1;
    ka = isnan(ka) ? -1 : ka, kb = isnan(kb) ? -1 : kb;
    if (ka != kb)
        return ka < kb ? 1 : -1;
    return strcmp(a->id, b->id);
}

static int write_gpkg(const run *r, site *sites, long n, const char *path)
{
    sm_outfile out;
    sm_outfile_begin(&out, path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), out.tmp, 0, 0, 0, GDT_Unknown, NULL);
    OGRLayerH l = NULL;
    int rc = ds ? create_sites_layer(r, ds, path, &l)
                : sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    if (rc == SM_OK)
        GDALDatasetStartTransaction(ds, FALSE);
    for (long i = 0; i < n && rc == SM_OK; i++)
        rc = write_site(r, l, &sites[i]);
    if (rc == SM_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        rc = sm_error_set(SM_EIO, "%s: cannot commit: %s", path, CPLGetLastErrorMsg());
    if (ds && sm_dataset_close(ds) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    if (rc == SM_OK)
        return sm_outfile_commit(&out);
    sm_outfile_abort(&out);
    return rc;
}

/* The same rows as CSV, converted by GDAL (points as X/Y, others as WKT). */
static int write_csv(const char *gpkg, const char *path, int points)
{
    const char *const lco[] = {points ? "GEOMETRY=AS_XY" : "GEOMETRY=AS_WKT", NULL};
    return sm_csv_export(gpkg, NULL, NULL, lco, path);
}

/* ---- the command ---- */

/* The sites turned away, in sites_rejects.csv; without any, an older
 * registry's ledger is removed, since it would name sites not screened. */
static int write_rejects(const run *r, const sm_rejects *rej)
{
    char path[PATH];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_SITES_REJECTS);
    if (!rej->n) {
        remove(path);
        return SM_OK;
    }
    sm_log(SM_LOG_WARN, "screen: %d sites without a usable geometry: see %s", rej->n, path);
    return sm_rejects_write(rej, path);
}

static int read_all(const run *r, const char *path, site **out, long *n, sm_screen_summary *sum)
{
    GDALDatasetH ds = open_sites(&r->cfg->screening, path);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open the site registry", path);
    OGRLayerH l = r->cfg->screening.layer ? GDALDatasetGetLayerByName(ds, r->cfg->screening.layer)
                                          : GDALDatasetGetLayer(ds, 0);
    if (!l) {
        GDALClose(ds);
        return sm_error_set(SM_EDATA, "%s: no layer '%s'", path, r->cfg->screening.layer);
    }
    const char *lu = r->cfg->screening.landuse;
    sum->lu_column_missing = lu && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), lu) < 0;
    if (sum->lu_column_missing)
        sm_log(SM_LOG_WARN,
               "screen: %s: screening.landuse: the registry has no column '%s'; every site "
               "takes the land-use map's class",
               path, lu);
    OGRCoordinateTransformationH ct = NULL;
    if (to_working(r, l, path, &ct) != SM_OK) {
        GDALClose(ds);
        return SM_ECONFIG;
    }
    long total = (long)OGR_L_GetFeatureCount(l, TRUE);
    *out = calloc((size_t)total + 1, sizeof **out);
    sm_rejects rej = {0};
    OGRFeatureH f;
    while (*n < total && (f = OGR_L_GetNextFeature(l))) {
        char why[400];
        if (read_site(r->cfg, f, ct, &(*out)[*n], why, sizeof why) == 0)
            (*n)++;
        else
            sm_rejects_add(&rej, path, OGR_L_GetName(l), (long)OGR_F_GetFID(f), "", "", why);
        OGR_F_Destroy(f);
    }
    sum->rejected = rej.n;
    int rc = write_rejects(r, &rej);
    sm_rejects_free(&rej);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return rc;
}

static int evaluate_all(const run *r, site *sites, long n)
{
    sm_progress_task task;
    sm_progress_begin(&task, "screen", "sites");
    int rc = SM_OK;
    for (long i = 0; i < n && rc == SM_OK; i++) {
        rc = evaluate(r, &sites[i]);
        if (rc == SM_OK && (i % 64 == 0 || i == n - 1) &&
            !sm_progress((double)(i + 1) / n, NULL, &task))
            rc = sm_error_set(SM_ECANCEL, "screening cancelled");
    }
    return rc;
}

/* Counts a site in the summary: its priority, why it is not assessed,
 * where its land use came from. */
static void tally(const run *r, const site *s, sm_screen_summary *sum)
{
    sum->per_priority[s->priority]++;
    if (s->why >= 0)
        sum->not_assessed[s->why]++;
    long *from[] = {&sum->lu_none, &sum->lu_from_site, &sum->lu_from_map};
    (*from[s->lu_from])++;
    if (s->why != SM_SCREEN_OUTSIDE_GRID && r->cfg->screening.landuse && !s->landuse[0] &&
        !sum->lu_column_missing)
        sum->lu_missing++;
    if (!s->lu_unknown)
        return;
    if (sum->n_examples < SM_SCREEN_EXAMPLES) {
        snprintf(sum->example_id[sum->n_examples], sizeof sum->example_id[0], "%s", s->id);
        snprintf(sum->example_value[sum->n_examples++], sizeof sum->example_value[0], "%s",
                 s->landuse);
    }
    sum->lu_unknown++;
}

/* One warning line per kind of site the ranking cannot vouch for. */
static void warn(const sm_config *cfg, const sm_screen_summary *sum)
{
    if (sum->lu_unknown) {
        char ex[3 * SM_SCREEN_EXAMPLES * 140] = "";
        for (int i = 0; i < sum->n_examples; i++) {
            size_t len = strlen(ex);
            snprintf(ex + len, sizeof ex - len, "%s%s '%s'", i ? ", " : "", sum->example_id[i],
                     sum->example_value[i]);
        }
        sm_log(SM_LOG_WARN,
               "screen: %ld of %ld sites have a land use (screening.landuse '%s') that is not a "
               "class of thresholds.classes, e.g. %s%s: they take the land-use map's class "
               "(landuse_source 'map'; 'none' and not assessed where the map has none)",
               sum->lu_unknown, sum->sites, cfg->screening.landuse, ex,
               sum->lu_unknown > sum->n_examples ? ", ..." : "");
    }
    if (sum->lu_missing)
        sm_log(SM_LOG_WARN,
               "screen: %ld of %ld sites have no value in screening.landuse '%s': they take "
               "the land-use map's class (landuse_source 'map')",
               sum->lu_missing, sum->sites, cfg->screening.landuse);
    long n = sum->per_priority[SM_SCREEN_NOT_ASSESSED];
    if (!n)
        return;
    char why[600] = "";
    for (int w = 0; w < SM_SCREEN_N_WHY; w++)
        if (sum->not_assessed[w]) {
            size_t len = strlen(why);
            snprintf(why + len, sizeof why - len, "%s%ld %s", len ? ", " : "", sum->not_assessed[w],
                     sm_screen_why_name((sm_screen_why)w));
        }
    sm_log(SM_LOG_WARN,
           "screen: %ld of %ld sites not assessed (%s): ranked last, priority_class "
           "'not assessed'",
           n, sum->sites, why);
}

int sm_screen(const sm_stage_ctx *ctx, const char *sites_path, sm_screen_summary *out)
{
    const sm_config *cfg = ctx->cfg;
    memset(out, 0, sizeof *out);
    const char *path = sites_path ? sites_path : cfg->screening.sites;
    if (!path)
        return sm_error_set(SM_ECONFIG, "no site registry: give --sites FILE or "
                                        "screening.sites");
    run *r = malloc(sizeof *r);
    site *sites = NULL;
    long n = 0;
    int rc = open_run(ctx, r);
    if (rc == SM_OK)
        rc = read_all(r, path, &sites, &n, out);
    if (rc == SM_OK)
        rc = evaluate_all(r, sites, n);
    if (n)
        qsort(sites, (size_t)n, sizeof *sites, by_priority);
    char gpkg[PATH], csv[PATH];
    sm_product_path(gpkg, sizeof gpkg, cfg, SM_PRODUCT_SITES);
    sm_product_path(csv, sizeof csv, cfg, SM_PRODUCT_SITES_CSV);
    if (rc == SM_OK)
        rc = write_gpkg(r, sites, n, gpkg);
    int points = 1;
    for (long i = 0; i < n; i++)
        points &= wkbFlatten(OGR_G_GetGeometryType(sites[i].geom)) == wkbPoint;
    if (rc == SM_OK)
        rc = write_csv(gpkg, csv, points);
    out->sites = n;
    for (long i = 0; i < n; i++) {
        if (rc == SM_OK)
            tally(r, &sites[i], out);
        OGR_G_DestroyGeometry(sites[i].geom), free(sites[i].v);
    }
    if (rc == SM_OK)
        warn(cfg, out);
    free(sites);
    close_run(r);
    free(r);
    return rc;
}
