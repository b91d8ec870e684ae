#include "ingest/samples.h"
#include "config/yamlread.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/log.h"
#include "core/units.h"
#include "ingest/celltext.h"
#include "ingest/inputfile.h"
#include "ingest/labvalue.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one row (or one of its cells) got wrong: the first column at fault
 * and every reason. */
typedef struct {
    char column[128];
    char value[256];
    char reason[1024];
    int count;
} row_problems;

/* The columns a row is read from: coordinates, WKT, id, values, limits,
 * attributes. */
enum { MAX_TEXT = 4 + 2 * SM_MAX_CONTAMINANTS + SM_MAX_ATTRIBUTES };

typedef struct {
    const sm_samples_config *cfg;
    const char *config_file;
    OGRLayerH layer;
    int ix, iy, iwkt, iid;
    int ivalue[SM_MAX_CONTAMINANTS], ilimit[SM_MAX_CONTAMINANTS], iattr[SM_MAX_ATTRIBUTES];
    OGRCoordinateTransformationH ct;
    int src_geographic;
    const double *extent;
    const char *recode; /* the file's encoding, when soilmap converts its text; else NULL */
    char **names;       /* the layer's field names in UTF-8, NULL-terminated */
    int nfields;
    int header_not_utf8; /* a name is not UTF-8 (nor converted): a missing encoding */
    int csv;             /* read by OGR's CSV driver: a row is a line unless a cell spans lines */
    long line;           /* CSV: the line the next row starts on */
    int text[MAX_TEXT];  /* the text fields a row is read from, each once */
    int n_text;
    unsigned char *bad_text; /* [nfields]: this row's cell is not valid text (1), reported (2) */
    row_problems *cell;      /* [n_contaminants]: this row's problem with each value */
} reader;

static void problem(row_problems *p, const char *column, const char *value, const char *reason)
{
    if (p->count++ == 0) {
        p->reason[0] = '\0';
        snprintf(p->column, sizeof p->column, "%s", column);
        snprintf(p->value, sizeof p->value, "%s", value ? value : "");
    }
    size_t used = strlen(p->reason);
    snprintf(p->reason + used, sizeof p->reason - used, "%s%s%s%s", used ? "; " : "",
             column[0] ? column : "", column[0] ? ": " : "", reason);
}

/* Adds src's problems to dst's, after those dst has. */
static void merge_problems(row_problems *dst, const row_problems *src)
{
    if (src->count == 0)
        return;
    if (dst->count == 0) {
        *dst = *src;
        return;
    }
    size_t used = strlen(dst->reason);
    snprintf(dst->reason + used, sizeof dst->reason - used, "; %s", src->reason);
    dst->count += src->count;
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

/* Remembers a text field a row is read from, once (a column may serve twice,
 * and its text must be converted once). */
static void note_text(reader *r, int idx)
{
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(r->layer), idx);
    if (OGR_Fld_GetType(fd) != OFTString)
        return;
    for (int t = 0; t < r->n_text; t++)
        if (r->text[t] == idx)
            return;
    if (r->n_text < MAX_TEXT)
        r->text[r->n_text++] = idx;
}

/* A column named in the config must exist (names compare without regard to
 * case, as OGR's do); suggest the closest name. */
static int find_column(reader *r, const char *name, const char *key)
{
    for (int i = 0; i < r->nfields; i++)
        if (EQUAL(r->names[i], name)) {
            note_text(r, i);
            return i;
        }
    const char *guess = sm_closest(name, (const char *const *)r->names);
    /* a header in Latin-1 cannot match the config's UTF-8 names */
    const char *hint = r->header_not_utf8 ? " (its header is not UTF-8: set samples.encoding)" : "";
    if (guess && CPLIsUTF8(guess, -1))
        sm_error_set(SM_ECONFIG, "%s: %s: column '%s' is not in %s; did you mean '%s'?%s",
                     r->config_file, key, name, r->cfg->path, guess, hint);
    else
        sm_error_set(SM_ECONFIG, "%s: %s: column '%s' is not in %s%s", r->config_file, key, name,
                     r->cfg->path, hint);
    return -1;
}

/* Whether the config reads the column called name. */
static int config_reads(const sm_samples_config *c, const char *name)
{
    const char *fixed[] = {c->x, c->y, c->wkt, c->id};
    for (int i = 0; i < 4; i++)
        if (fixed[i] && EQUAL(fixed[i], name))
            return 1;
    for (int i = 0; i < c->n_contaminants; i++)
        if (EQUAL(c->contaminants[i].column, name) ||
            (c->contaminants[i].limit_column && EQUAL(c->contaminants[i].limit_column, name)))
            return 1;
    for (int i = 0; i < c->n_attributes; i++)
        if (EQUAL(c->attributes[i], name))
            return 1;
    return 0;
}

/* OGR keeps two columns of one name and a lookup finds the first: an error
 * when the config reads that name (which one is meant?), a warning else. */
static int check_duplicate_columns(const reader *r)
{
    for (int i = 0; i < r->nfields; i++) {
        int count = 1, first = 1;
        for (int k = 0; k < r->nfields; k++)
            if (k != i && EQUAL(r->names[k], r->names[i]))
                count++, first &= k > i;
        if (count == 1 || !first)
            continue;
        if (config_reads(r->cfg, r->names[i]))
            return sm_error_set(SM_EDATA,
                                "%s: column '%s' appears %d times; rename all but one "
                                "(soilmap cannot tell which to read)",
                                r->cfg->path, r->names[i], count);
        sm_log(SM_LOG_WARN, "%s: column '%s' appears %d times (soilmap does not read it)",
               r->cfg->path, r->names[i], count);
    }
    return SM_OK;
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

/* samples.encoding must be one GDAL converts from; checked before opening. */
static int check_encoding(const reader *r)
{
    const char *enc = r->cfg->encoding;
    if (!enc || sm_encoding_known(enc) == 0)
        return SM_OK;
    return sm_error_set(SM_ECONFIG,
                        "%s: samples.encoding: '%s' is not an encoding GDAL can convert "
                        "from (e.g. UTF-8, ISO-8859-1, CP1252)",
                        r->config_file, enc);
}

/* The field names in UTF-8: converted like the cells, so that the config's
 * (UTF-8) column names match a header written in samples.encoding. */
static void read_names(reader *r)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    r->nfields = OGR_FD_GetFieldCount(defn);
    r->names = calloc((size_t)r->nfields + 1, sizeof *r->names);
    r->bad_text = calloc((size_t)r->nfields + 1, 1);
    for (int i = 0; i < r->nfields; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        char *utf8 = r->recode ? sm_text_to_utf8(name, r->recode) : NULL;
        r->names[i] = strdup(utf8 ? utf8 : name);
        r->header_not_utf8 |= !CPLIsUTF8(r->names[i], -1);
        CPLFree(utf8);
    }
}

static int open_layer(reader *r, GDALDatasetH *ds)
{
    const sm_samples_config *c = r->cfg;
    int encoded = 0;
    int rc = sm_input_open(c->path, "samples", c->encoding, ds, &encoded);
    if (rc)
        return rc;
    r->layer = c->layer ? GDALDatasetGetLayerByName(*ds, c->layer) : GDALDatasetGetLayer(*ds, 0);
    if (!r->layer)
        return sm_error_set(SM_EDATA, "%s: has no layer %s%s%s", c->path, c->layer ? "'" : "",
                            c->layer ? c->layer : "", c->layer ? "'" : "");
    /* the driver converts when it can (Shapefile); soilmap does otherwise */
    if (c->encoding && !encoded && !sm_encoding_is_utf8(c->encoding))
        r->recode = c->encoding;
    r->csv = EQUAL(GDALGetDriverShortName(GDALGetDatasetDriver(*ds)), "CSV");
    read_names(r);
    return SM_OK;
}

/* The samples' CRS: the config's samples.crs wins over the file's; under a
 * local working CRS a file without one is taken to be in it. */
static int make_transform(reader *r, OGRSpatialReferenceH work)
{
    OGRSpatialReferenceH own = OGR_L_GetSpatialRef(r->layer);
    OGRSpatialReferenceH src = r->cfg->crs             ? sm_crs_new(r->cfg->crs)
                               : own                   ? sm_crs_clone(own)
                               : sm_crs_is_local(work) ? sm_crs_clone(work)
                                                       : NULL;
    if (!src)
        return sm_error_set(SM_ECONFIG,
                            "%s: samples.crs: %s has no CRS of its own; say which one its "
                            "coordinates are in (e.g. crs: EPSG:4326 for lon/lat)",
                            r->config_file, r->cfg->path);
    r->src_geographic = OSRIsGeographic(src);
    int rc = sm_crs_transform(src, work, &r->ct);
    OSRDestroySpatialReference(src);
    if (rc != 0)
        return sm_error_set(SM_ECONFIG,
                            "%s: samples: no transformation from the samples' CRS "
                            "to the working CRS: %s",
                            r->config_file,
                            sm_crs_is_local(work) ? "a local CRS has none; give the samples "
                                                    "in the local coordinates"
                                                  : CPLGetLastErrorMsg());
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

/* A coordinate cell read into *v; NULL, or why it cannot be. */
static const char *coordinate(const char *text, double *v)
{
    int rc = sm_parse_number(text, v);
    if (!text[0])
        return "coordinate missing";
    if (rc < -1)
        return "coordinate out of range";
    return rc != 0 || !isfinite(*v) ? "coordinate is not a number" : NULL;
}

/* Coordinates in the samples' own CRS, from x/y columns, a WKT column or the
 * feature's geometry. */
static int raw_location(const reader *r, OGRFeatureH f, double *x, double *y, row_problems *p)
{
    const sm_samples_config *c = r->cfg;
    if (c->x) {
        const char *tx = OGR_F_GetFieldAsString(f, r->ix), *ty = OGR_F_GetFieldAsString(f, r->iy);
        const char *why_x = coordinate(tx, x), *why_y = coordinate(ty, y);
        if (why_x)
            problem(p, c->x, tx, why_x);
        if (why_y)
            problem(p, c->y, ty, why_y);
        return why_x || why_y ? -1 : 0;
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
    if ((r->ct && !OCTTransform(r->ct, 1, x, y, NULL)) || !isfinite(*x) || !isfinite(*y)) {
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

/* Why a cell's text was refused: not UTF-8, or not samples.encoding. */
static const char *text_reason(const reader *r, char *buf, size_t size)
{
    if (!r->recode)
        return "text is not valid UTF-8 (set samples.encoding to the file's encoding, e.g. "
               "ISO-8859-1)";
    snprintf(buf, size, "text is not valid %s (samples.encoding)", r->recode);
    return buf;
}

/* A cell below detection: the limit (from the cell, limit_column or
 * detection_limit) in mg/kg, and the value the policy puts in its place. */
static void read_censored(const reader *r, OGRFeatureH f, int i, double stated, sm_sample *s,
                          row_problems *p)
{
    const sm_contaminant *c = &r->cfg->contaminants[i];
    const char *text = OGR_F_GetFieldAsString(f, r->ivalue[i]);
    char buf[160];
    int il = r->ilimit[i];
    if (isnan(stated) && il >= 0 && r->bad_text[il]) {
        problem(p, c->limit_column, OGR_F_GetFieldAsString(f, il), text_reason(r, buf, sizeof buf));
        return;
    }
    double limit = isnan(stated) ? limit_for(r, f, i) : stated;
    if (isnan(limit)) {
        problem(p, c->column, text,
                "below detection but no detection limit (set limit_column or detection_limit)");
        return;
    }
    const char *why = sm_unit_convert(limit, c->to_mgkg, &s->limit[i]);
    if (why) {
        snprintf(buf, sizeof buf, "detection limit %s", why);
        problem(p, c->column, text, buf);
        return;
    }
    s->value[i] = sm_censored_substitute(s->limit[i], r->cfg->censored);
    s->flag[i] = r->cfg->censored == SM_CENSOR_DROP ? SM_FLAG_DROPPED : SM_FLAG_CENSORED;
}

/* Contaminant i of the row into s; a problem goes to p, the cell's own:
 * it costs that value, not the row. */
static void read_value(const reader *r, OGRFeatureH f, int i, sm_sample *s, row_problems *p)
{
    const sm_contaminant *c = &r->cfg->contaminants[i];
    const char *text = OGR_F_GetFieldAsString(f, r->ivalue[i]);
    char buf[160];
    sm_labvalue v;
    if (r->bad_text[r->ivalue[i]]) {
        problem(p, c->column, text, text_reason(r, buf, sizeof buf));
        return;
    }
    read_cell(f, r->ivalue[i], &v);
    if (v.kind == SM_LAB_BAD) {
        problem(p, c->column, text, v.reason);
        return;
    }
    if (v.kind == SM_LAB_MISSING) {
        s->flag[i] = SM_FLAG_MISSING;
        return;
    }
    if (v.kind == SM_LAB_CENSORED) {
        read_censored(r, f, i, v.value, s, p);
        return;
    }
    /* judged in mg/kg: 1e308 g/kg overflows only when converted */
    const char *why = sm_unit_convert(v.value, c->to_mgkg, &s->value[i]);
    if (why)
        problem(p, c->column, text, why);
    s->flag[i] = SM_FLAG_DETECTED;
}

/* The row's samples.id text, "" without one. */
static const char *row_id(const reader *r, OGRFeatureH f)
{
    return r->iid >= 0 && OGR_F_IsFieldSetAndNotNull(f, r->iid) ? OGR_F_GetFieldAsString(f, r->iid)
                                                                : "";
}

static void fill_identity(const reader *r, OGRFeatureH f, sm_sample *s)
{
    char rowtext[32];
    snprintf(rowtext, sizeof rowtext, "%ld", s->row);
    const char *id = row_id(r, f);
    s->id = strdup(id[0] ? id : rowtext);
    for (int i = 0; i < r->cfg->n_attributes; i++)
        if (OGR_F_IsFieldSetAndNotNull(f, r->iattr[i]))
            s->attr[i] = strdup(OGR_F_GetFieldAsString(f, r->iattr[i]));
}

/* The text cells a row is read from, made UTF-8 in the feature: converted
 * from samples.encoding, or checked to be UTF-8 already. A cell that is
 * neither is marked in bad_text: a value cell costs that value, any other
 * cell the row (text_problems). */
static void convert_text(const reader *r, OGRFeatureH f)
{
    memset(r->bad_text, 0, (size_t)r->nfields);
    for (int t = 0; t < r->n_text; t++) {
        int idx = r->text[t];
        if (!OGR_F_IsFieldSetAndNotNull(f, idx))
            continue;
        const char *raw = OGR_F_GetFieldAsString(f, idx);
        if (!r->recode) {
            r->bad_text[idx] = !CPLIsUTF8(raw, -1);
            continue;
        }
        char *utf8 = sm_text_to_utf8(raw, r->recode);
        if (utf8)
            OGR_F_SetFieldString(f, idx, utf8);
        else
            r->bad_text[idx] = 1;
        CPLFree(utf8);
    }
}

/* A column that is not a value: its bad text is a problem of the row. */
static void row_text_problem(const reader *r, OGRFeatureH f, int idx, const char *column,
                             row_problems *p)
{
    char buf[160];
    if (idx < 0 || r->bad_text[idx] != 1)
        return;
    problem(p, column, OGR_F_GetFieldAsString(f, idx), text_reason(r, buf, sizeof buf));
    r->bad_text[idx] = 2; /* named once */
}

static void text_problems(const reader *r, OGRFeatureH f, row_problems *p)
{
    const sm_samples_config *c = r->cfg;
    row_text_problem(r, f, r->ix, c->x, p);
    row_text_problem(r, f, r->iy, c->y, p);
    row_text_problem(r, f, r->iwkt, c->wkt, p);
    row_text_problem(r, f, r->iid, c->id, p);
    for (int i = 0; i < c->n_attributes; i++)
        row_text_problem(r, f, r->iattr[i], c->attributes[i], p);
}

/* An unclosed quote makes OGR's CSV driver read the following lines into
 * one cell, and those rows vanish without a reject. A cell holding lines
 * shaped like whole rows is that, not a note written over two lines. */
static int check_quotes(reader *r, OGRFeatureH f)
{
    long line = r->line;
    for (int i = 0; i < r->nfields; i++) {
        if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) != OFTString ||
            !OGR_F_IsFieldSetAndNotNull(f, i))
            continue;
        const char *cell = OGR_F_GetFieldAsString(f, i);
        int rows = sm_cell_swallowed_rows(cell, r->nfields);
        if (rows > 0)
            return sm_error_set(SM_EDATA,
                                "%s: row %ld (line %ld): a quote in column '%s' is not closed "
                                "where the row ends, so %d lines that look like rows were "
                                "read into that one cell; close or remove the quote",
                                r->cfg->path, (long)OGR_F_GetFID(f), line, r->names[i], rows);
        for (const char *nl = strchr(cell, '\n'); nl; nl = strchr(nl + 1, '\n'))
            r->line++;
    }
    r->line++;
    return SM_OK;
}

/* One line of the ledger for the row (scope row) or one of its cells. */
static void add_reject(const reader *r, OGRFeatureH f, long line, sm_reject_scope scope,
                       const row_problems *p, sm_rejects *rejects)
{
    sm_reject_entry e = {.file = r->cfg->path,
                         .layer = OGR_L_GetName(r->layer),
                         .row = (long)OGR_F_GetFID(f),
                         .line = line,
                         .id = row_id(r, f),
                         .scope = scope,
                         .column = p->column,
                         .value = p->value,
                         .reason = p->reason};
    sm_rejects_add_entry(rejects, &e);
}

/* A row rejected whole: one line naming every problem, its own first, then
 * its cells'. Per contaminant, a value given counts as rejected. */
static void reject_row(const reader *r, OGRFeatureH f, long line, row_problems *p,
                       const sm_sample *s, sm_rejects *rejects, sm_read_counts *counts)
{
    int nc = r->cfg->n_contaminants;
    for (int i = 0; i < nc; i++)
        merge_problems(p, &r->cell[i]);
    if (p->count == 0)
        problem(p, "", "", "no contaminant values in the row");
    add_reject(r, f, line, SM_REJECT_ROW, p, rejects);
    counts->rejected++;
    for (int i = 0; i < nc; i++) {
        int missing = r->cell[i].count == 0 && s->flag[i] == SM_FLAG_MISSING;
        counts->values_missing[i] += missing;
        counts->values_rejected[i] += !missing;
    }
}

/* A row kept: each bad cell is a line of its own and leaves that value out
 * (null, flag "rejected"); the other values stand. */
static void keep_row(const reader *r, OGRFeatureH f, long line, sm_sample *s, sm_rejects *rejects,
                     sm_read_counts *counts)
{
    for (int i = 0; i < r->cfg->n_contaminants; i++) {
        if (r->cell[i].count > 0) {
            add_reject(r, f, line, SM_REJECT_CELL, &r->cell[i], rejects);
            s->value[i] = s->limit[i] = NAN;
            s->flag[i] = SM_FLAG_REJECTED;
            counts->values_rejected[i]++;
            counts->cells_rejected++;
            continue;
        }
        counts->values_missing[i] += s->flag[i] == SM_FLAG_MISSING;
        counts->values_accepted[i] += s->flag[i] != SM_FLAG_MISSING;
        counts->censored[i] += s->flag[i] == SM_FLAG_CENSORED || s->flag[i] == SM_FLAG_DROPPED;
    }
    fill_identity(r, f, s);
}

/* One row: accepted into set, or rejected with every problem it has. Its
 * location, id and attributes must be usable; of its values, at least one. */
static int read_row(reader *r, OGRFeatureH f, sm_sample_set *set, sm_rejects *rejects,
                    sm_read_counts *counts)
{
    long line = r->csv ? r->line : 0;
    if (r->csv) {
        int rc = check_quotes(r, f);
        if (rc)
            return rc;
    }
    row_problems p = {.count = 0};
    p.reason[0] = '\0';
    sm_sample *s = sm_samples_push(set);
    s->row = (long)OGR_F_GetFID(f);
    convert_text(r, f);
    text_problems(r, f, &p);
    location(r, f, &s->x, &s->y, &p);
    int any_value = 0;
    for (int i = 0; i < r->cfg->n_contaminants; i++) {
        memset(&r->cell[i], 0, sizeof r->cell[i]);
        read_value(r, f, i, s, &r->cell[i]);
        any_value |= r->cell[i].count == 0 && s->flag[i] != SM_FLAG_MISSING;
    }
    counts->read++;
    if (p.count > 0 || !any_value) {
        reject_row(r, f, line, &p, s, rejects, counts);
        sm_sample_free(s, set->n_attributes);
        set->n--;
        return SM_OK;
    }
    keep_row(r, f, line, s, rejects, counts);
    return SM_OK;
}

static int read_rows(reader *r, sm_sample_set *set, sm_rejects *rejects, sm_read_counts *counts,
                     sm_progress_task *progress)
{
    GIntBig total = OGR_L_GetFeatureCount(r->layer, TRUE);
    OGR_L_ResetReading(r->layer);
    OGRFeatureH f;
    r->line = 2; /* after the header */
    while ((f = OGR_L_GetNextFeature(r->layer))) {
        int rc = read_row(r, f, set, rejects, counts);
        OGR_F_Destroy(f);
        if (rc)
            return rc;
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
    int rc = check_encoding(r);
    if (rc == SM_OK)
        rc = open_layer(r, ds);
    if (rc == SM_OK)
        rc = check_duplicate_columns(r);
    if (rc == SM_OK)
        rc = find_columns(r);
    if (rc == SM_OK)
        rc = make_transform(r, work);
    return rc;
}

static void finish(reader *r, GDALDatasetH ds)
{
    for (int i = 0; r->names && i < r->nfields; i++)
        free(r->names[i]);
    free(r->names);
    free(r->bad_text);
    free(r->cell);
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
        r.cell = calloc((size_t)cfg->n_contaminants + 1, sizeof *r.cell);
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
