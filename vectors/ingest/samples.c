#include "ingest/samples.h"
#include "config/yamlread.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"
#include "ingest/labvalue.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What one row got wrong: the first column at fault and every reason. */
typedef struct {
    char column[128];
    char value[256];
    char reason[1024];
    int count;
} row_problems;

typedef struct {
    const sm_samples_config *cfg;
    const char *config_file;
    OGRLayerH layer;
    int ix, iy, iwkt, iid;
    int ivalue[SM_MAX_CONTAMINANTS], ilimit[SM_MAX_CONTAMINANTS], iattr[SM_MAX_ATTRIBUTES];
    OGRCoordinateTransformationH ct;
    int src_geographic;
    const double *extent;
} reader;

static void problem(row_problems *p, const char *column, const char *value, const char *reason)
{
    if (p->count++ == 0) {
        snprintf(p->column, sizeof p->column, "%s", column);
        snprintf(p->value, sizeof p->value, "%s", value ? value : "");
    }
    size_t used = strlen(p->reason);
    snprintf(p->reason + used, sizeof p->reason - used, "%s%s%s%s", used ? "; " : "",
             column[0] ? column : "", column[0] ? ": " : "", reason);
}

sm_sample *sm_samples_push(sm_sample_set *set)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 256;
        set->items = realloc(set->items, (size_t)set->cap * sizeof *set->items);
    }
    sm_sample *s = &set->items[set->n++];
    memset(s, 0, sizeof *s);
    int nc = set->n_contaminants;
    s->value = calloc((size_t)nc, sizeof *s->value);
    s->limit = calloc((size_t)nc, sizeof *s->limit);
    s->flag = calloc((size_t)nc, 1);
    s->attr = calloc((size_t)set->n_attributes + 1, sizeof *s->attr);
    for (int i = 0; i < nc; i++)
        s->value[i] = s->limit[i] = NAN;
    s->n_merged = 1;
    return s;
}

void sm_sample_free(sm_sample *s, int n_attributes)
{
    for (int i = 0; i < n_attributes; i++)
        free(s->attr[i]);
    free(s->attr), free(s->value), free(s->limit), free(s->flag), free(s->id), free(s->merged_ids);
}

void sm_samples_free(sm_sample_set *set)
{
    for (int i = 0; i < set->n; i++)
        sm_sample_free(&set->items[i], set->n_attributes);
    free(set->items);
    memset(set, 0, sizeof *set);
}

/* A column named in the config must exist; suggest the closest name. */
static int find_column(const reader *r, const char *name, const char *key)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    int idx = OGR_FD_GetFieldIndex(defn, name);
    if (idx >= 0)
        return idx;
    int n = OGR_FD_GetFieldCount(defn);
    const char **names = calloc((size_t)n + 1, sizeof *names);
    for (int i = 0; i < n; i++)
        names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    const char *guess = sm_closest(name, names);
    if (guess)
        sm_error_set(SM_ECONFIG, "%s: %s: column '%s' is not in %s; did you mean '%s'?",
                     r->config_file, key, name, r->cfg->path, guess);
    else
        sm_error_set(SM_ECONFIG, "%s: %s: column '%s' is not in %s", r->config_file, key, name,
                     r->cfg->path);
    free(names);
    return -1;
}

static int find_columns(reader *r)
{
    const sm_samples_config *c = r->cfg;
    char key[256];
    r->ix = r->iy = r->iwkt = r->iid = -1;
    if (c->x && ((r->ix = find_column(r, c->x, "samples.x")) < 0 ||
                 (r->iy = find_column(r, c->y, "samples.y")) < 0))
        return SM_ECONFIG;
    if (c->wkt && (r->iwkt = find_column(r, c->wkt, "samples.wkt")) < 0)
        return SM_ECONFIG;
    if (c->id && (r->iid = find_column(r, c->id, "samples.id")) < 0)
        return SM_ECONFIG;
    for (int i = 0; i < c->n_contaminants; i++) {
        const sm_contaminant *ct = &c->contaminants[i];
        snprintf(key, sizeof key, "samples.contaminants.%s.column", ct->name);
        if ((r->ivalue[i] = find_column(r, ct->column, key)) < 0)
            return SM_ECONFIG;
        r->ilimit[i] = -1;
        snprintf(key, sizeof key, "samples.contaminants.%s.limit_column", ct->name);
        if (ct->limit_column && (r->ilimit[i] = find_column(r, ct->limit_column, key)) < 0)
            return SM_ECONFIG;
    }
    for (int i = 0; i < c->n_attributes; i++)
        if ((r->iattr[i] = find_column(r, c->attributes[i], "samples.attributes")) < 0)
            return SM_ECONFIG;
    return SM_OK;
}

static int open_layer(const sm_samples_config *c, GDALDatasetH *ds, OGRLayerH *layer)
{
    struct stat st;
    if (stat(c->path, &st) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open samples: %m", c->path);
    *ds = GDALOpenEx(c->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!*ds)
        return sm_error_set(SM_EDATA, "%s: not a vector format GDAL can read", c->path);
    *layer = c->layer ? GDALDatasetGetLayerByName(*ds, c->layer) : GDALDatasetGetLayer(*ds, 0);
    if (!*layer)
        return sm_error_set(SM_EDATA, "%s: has no layer %s%s%s", c->path, c->layer ? "'" : "",
                            c->layer ? c->layer : "", c->layer ? "'" : "");
    return SM_OK;
}

/* The samples' CRS: the config's samples.crs wins over the file's. */
static int make_transform(reader *r, OGRSpatialReferenceH work)
{
    OGRSpatialReferenceH src =
        r->cfg->crs ? sm_crs_new(r->cfg->crs) : sm_crs_clone(OGR_L_GetSpatialRef(r->layer));
    if (!src)
        return sm_error_set(SM_ECONFIG,
                            "%s: samples.crs: %s has no CRS of its own; say which one its "
                            "coordinates are in (e.g. crs: EPSG:4326 for lon/lat)",
                            r->config_file, r->cfg->path);
    r->src_geographic = OSRIsGeographic(src);
    r->ct = OCTNewCoordinateTransformation(src, work);
    OSRDestroySpatialReference(src);
    if (!r->ct)
        return sm_error_set(SM_ECONFIG,
                            "%s: samples: no transformation from the samples' CRS "
                            "to the working CRS: %s",
                            r->config_file, CPLGetLastErrorMsg());
    return SM_OK;
}

static int point_from_geometry(OGRGeometryH g, double *x, double *y)
{
    if (!g || OGR_G_IsEmpty(g))
        return -1;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1)
        g = OGR_G_GetGeometryRef(g, 0);
    else if (t != wkbPoint)
        return -2;
    *x = OGR_G_GetX(g, 0);
    *y = OGR_G_GetY(g, 0);
    return 0;
}

/* Coordinates in the samples' own CRS, from x/y columns, a WKT column or the
 * feature's geometry. */
static int raw_location(const reader *r, OGRFeatureH f, double *x, double *y, row_problems *p)
{
    const sm_samples_config *c = r->cfg;
    if (c->x) {
        const char *tx = OGR_F_GetFieldAsString(f, r->ix), *ty = OGR_F_GetFieldAsString(f, r->iy);
        int bad = 0;
        if (sm_parse_number(tx, x) != 0 || !isfinite(*x))
            problem(p, c->x, tx, tx[0] ? "coordinate is not a number" : "coordinate missing"),
                bad = 1;
        if (sm_parse_number(ty, y) != 0 || !isfinite(*y))
            problem(p, c->y, ty, ty[0] ? "coordinate is not a number" : "coordinate missing"),
                bad = 1;
        return bad ? -1 : 0;
    }
    OGRGeometryH g = NULL;
    const char *text = NULL;
    if (c->wkt) {
        text = OGR_F_GetFieldAsString(f, r->iwkt);
        char *cursor = (char *)text; /* OGR advances it; the text is not changed */
        OGR_G_CreateFromWkt(&cursor, NULL, &g);
    }
    int rc = point_from_geometry(c->wkt ? g : OGR_F_GetGeometryRef(f), x, y);
    if (g)
        OGR_G_DestroyGeometry(g);
    if (rc == -1)
        problem(p, c->wkt ? c->wkt : "geometry", text, "no readable geometry");
    else if (rc == -2)
        problem(p, c->wkt ? c->wkt : "geometry", text, "geometry is not a single point");
    return rc ? -1 : 0;
}

static int location(const reader *r, OGRFeatureH f, double *x, double *y, row_problems *p)
{
    if (raw_location(r, f, x, y, p) != 0)
        return -1;
    const char *col = r->cfg->x ? r->cfg->x : "geometry";
    char text[128];
    snprintf(text, sizeof text, "%.10g %.10g", *x, *y);
    if (r->src_geographic && (fabs(*y) > 90.0 || fabs(*x) > 360.0)) {
        problem(p, col, text, "longitude/latitude out of range");
        return -1;
    }
    if (!OCTTransform(r->ct, 1, x, y, NULL) || !isfinite(*x) || !isfinite(*y)) {
        problem(p, col, text, "coordinates cannot be transformed to the working CRS");
        return -1;
    }
    const double *e = r->extent;
    if (e && (*x < e[0] || *x > e[2] || *y < e[1] || *y > e[3])) {
        problem(p, col, text, "point outside the grid extent");
        return -1;
    }
    return 0;
}

static int is_numeric_field(OGRFeatureH f, int idx)
{
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx));
    return t == OFTReal || t == OFTInteger || t == OFTInteger64;
}

static void read_cell(OGRFeatureH f, int idx, sm_labvalue *v)
{
    if (!OGR_F_IsFieldSetAndNotNull(f, idx)) {
        v->kind = SM_LAB_MISSING;
        v->value = NAN;
        return;
    }
    if (!is_numeric_field(f, idx)) {
        sm_labvalue_parse(OGR_F_GetFieldAsString(f, idx), v);
        return;
    }
    char text[64];
    snprintf(text, sizeof text, "%.17g", OGR_F_GetFieldAsDouble(f, idx));
    sm_labvalue_parse(text, v);
}

/* The detection limit for a censored cell that did not state it. */
static double limit_for(const reader *r, OGRFeatureH f, int i)
{
    double lim = NAN;
    if (r->ilimit[i] >= 0 && OGR_F_IsFieldSetAndNotNull(f, r->ilimit[i]) &&
        sm_parse_number(OGR_F_GetFieldAsString(f, r->ilimit[i]), &lim) == 0 && lim > 0)
        return lim;
    return r->cfg->contaminants[i].detection_limit;
}

static void read_value(const reader *r, OGRFeatureH f, int i, sm_sample *s, row_problems *p)
{
    const sm_contaminant *c = &r->cfg->contaminants[i];
    sm_labvalue v;
    read_cell(f, r->ivalue[i], &v);
    const char *text = OGR_F_GetFieldAsString(f, r->ivalue[i]);
    if (v.kind == SM_LAB_BAD) {
        problem(p, c->column, text, v.reason);
        return;
    }
    if (v.kind == SM_LAB_MISSING) {
        s->flag[i] = SM_FLAG_MISSING;
        return;
    }
    if (v.kind == SM_LAB_DETECTED) {
        s->value[i] = v.value * c->to_mgkg;
        s->flag[i] = SM_FLAG_DETECTED;
        return;
    }
    double limit = isnan(v.value) ? limit_for(r, f, i) : v.value;
    if (isnan(limit)) {
        problem(p, c->column, text,
                "below detection but no detection limit (set limit_column or detection_limit)");
        return;
    }
    s->limit[i] = limit * c->to_mgkg;
    s->value[i] = sm_censored_substitute(s->limit[i], r->cfg->censored);
    s->flag[i] = r->cfg->censored == SM_CENSOR_DROP ? SM_FLAG_DROPPED : SM_FLAG_CENSORED;
}

static void fill_identity(const reader *r, OGRFeatureH f, sm_sample *s)
{
    char rowtext[32];
    snprintf(rowtext, sizeof rowtext, "%ld", s->row);
    const char *id = r->iid >= 0 ? OGR_F_GetFieldAsString(f, r->iid) : "";
    s->id = strdup(id[0] ? id : rowtext);
    for (int i = 0; i < r->cfg->n_attributes; i++)
        if (OGR_F_IsFieldSetAndNotNull(f, r->iattr[i]))
            s->attr[i] = strdup(OGR_F_GetFieldAsString(f, r->iattr[i]));
}

/* One row: accepted into set, or rejected with every problem it has. */
static void read_row(const reader *r, OGRFeatureH f, sm_sample_set *set, sm_rejects *rejects,
                     sm_read_counts *counts)
{
    row_problems p = {.count = 0};
    p.reason[0] = '\0';
    sm_sample *s = sm_samples_push(set);
    s->row = (long)OGR_F_GetFID(f);
    location(r, f, &s->x, &s->y, &p);
    int any_value = 0;
    for (int i = 0; i < r->cfg->n_contaminants; i++) {
        read_value(r, f, i, s, &p);
        any_value |= s->flag[i] != SM_FLAG_MISSING;
    }
    if (!any_value && p.count == 0)
        problem(&p, "", "", "no contaminant values in the row");
    counts->read++;
    if (p.count > 0) {
        sm_rejects_add(rejects, r->cfg->path, OGR_L_GetName(r->layer), s->row, p.column, p.value,
                       p.reason);
        counts->rejected++;
        sm_sample_free(s, set->n_attributes);
        set->n--;
        return;
    }
    fill_identity(r, f, s);
    for (int i = 0; i < r->cfg->n_contaminants; i++)
        counts->censored[i] += s->flag[i] == SM_FLAG_CENSORED || s->flag[i] == SM_FLAG_DROPPED;
}

static int read_rows(reader *r, sm_sample_set *set, sm_rejects *rejects, sm_read_counts *counts,
                     sm_progress_task *progress)
{
    GIntBig total = OGR_L_GetFeatureCount(r->layer, TRUE);
    OGR_L_ResetReading(r->layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(r->layer))) {
        read_row(r, f, set, rejects, counts);
        OGR_F_Destroy(f);
        if (counts->read % 1000 == 0 && total > 0 &&
            !sm_progress((double)counts->read / (double)total, NULL, progress))
            return sm_error_set(SM_ECANCEL, "cancelled");
    }
    if (CPLGetLastErrorType() >= CE_Failure && counts->read < total)
        return sm_error_set(SM_EDATA, "%s: read error after row %ld: %s", r->cfg->path,
                            counts->read, CPLGetLastErrorMsg());
    sm_progress(1.0, NULL, progress);
    return SM_OK;
}

/* Opens the layer, finds the configured columns and the transformation. */
static int prepare(reader *r, GDALDatasetH *ds, OGRSpatialReferenceH work)
{
    const sm_samples_config *cfg = r->cfg;
    /* the config loader checks these; a config built in code may not */
    if (cfg->n_contaminants > SM_MAX_CONTAMINANTS || cfg->n_attributes > SM_MAX_ATTRIBUTES)
        return sm_error_set(SM_ECONFIG, "%s: samples: at most %d contaminants and %d attributes",
                            r->config_file, SM_MAX_CONTAMINANTS, SM_MAX_ATTRIBUTES);
    int rc = open_layer(cfg, ds, &r->layer);
    if (rc == SM_OK)
        rc = find_columns(r);
    if (rc == SM_OK)
        rc = make_transform(r, work);
    return rc;
}

static void finish(reader *r, GDALDatasetH ds)
{
    if (r->ct)
        OCTDestroyCoordinateTransformation(r->ct);
    if (ds)
        GDALClose(ds);
}

int sm_samples_read(const sm_samples_config *cfg, const char *config_file,
                    OGRSpatialReferenceH work, const double *extent, sm_sample_set *set,
                    sm_rejects *rejects, sm_read_counts *counts, sm_progress_task *progress)
{
    reader r = {.cfg = cfg, .config_file = config_file, .extent = extent};
    GDALDatasetH ds = NULL;
    memset(counts, 0, sizeof *counts);
    set->n_contaminants = cfg->n_contaminants;
    set->n_attributes = cfg->n_attributes;
    int rc = prepare(&r, &ds, work);
    if (rc == SM_OK) {
        CPLErrorReset();
        rc = read_rows(&r, set, rejects, counts, progress);
    }
    finish(&r, ds);
    return rc;
}

int sm_samples_check(const sm_samples_config *cfg, const char *config_file,
                     OGRSpatialReferenceH work)
{
    reader r = {.cfg = cfg, .config_file = config_file};
    GDALDatasetH ds = NULL;
    int rc = prepare(&r, &ds, work);
    finish(&r, ds);
    return rc;
}
