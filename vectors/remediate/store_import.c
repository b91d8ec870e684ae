#include "remediate/store_import.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/progress.h"
#include "features/rejects.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { NCASE = 15, NCC = 5 };
enum {
    C_ID,
    C_TITLE,
    C_COUNTRY,
    C_LON,
    C_LAT,
    C_LAND_USE,
    C_TECH,
    C_YEAR,
    C_AREA,
    C_VOLUME,
    C_COST,
    C_DURATION,
    C_OUTCOME,
    C_REFERENCE,
    C_ILLUSTRATIVE
};
static const char *const case_columns[NCASE] = {
    "id",       "title",           "country", "lon",       "lat",
    "land_use", "technology",      "year",    "area_ha",   "volume_m3",
    "cost_usd", "duration_months", "outcome", "reference", "illustrative"};
static const char *const cc_columns[NCC] = {"case_id", "contaminant", "initial_mg_kg",
                                            "target_mg_kg", "achieved_mg_kg"};
static const char *const land_uses[] = {"agricultural", "residential",  "industrial",
                                        "commercial",   "recreational", "mining",
                                        "military",     "other",        NULL};

typedef struct {
    char *v[NCASE];
    long row;
} row_t;

typedef struct {
    char *file, *layer;
    row_t *rows;
    int n, ncols;
} table;

/* What the store knows: codes and country boxes. */
typedef struct {
    char **codes[3]; /* countries, technologies, contaminants */
    int n[3];
    double (*bbox)[4];
} known;

/* ---- reading ---- */

static int open_vector(const char *path, GDALDatasetH *ds)
{
    const char *const open_options[] = {"AUTODETECT_TYPE=NO", NULL};
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_options, NULL);
    return *ds ? SM_OK : sm_error_set(SM_ENOINPUT, "%s: cannot open the survey", path);
}

/* lon/lat of a point geometry in EPSG:4326 (from a GeoPackage layer). */
static void geometry_lonlat(OGRGeometryH g, OGRCoordinateTransformationH ct, char **lon, char **lat)
{
    if (!g || OGR_G_IsEmpty(g))
        return;
    double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
    if (ct && !OCTTransform(ct, 1, &x, &y, NULL))
        return;
    char buf[40];
    snprintf(buf, sizeof buf, "%.9g", x), *lon = strdup(buf);
    snprintf(buf, sizeof buf, "%.9g", y), *lat = strdup(buf);
}

static OGRCoordinateTransformationH to_lonlat(OGRLayerH l)
{
    OGRSpatialReferenceH src = sm_crs_clone(OGR_L_GetSpatialRef(l));
    if (!src)
        return NULL;
    OGRSpatialReferenceH ll = sm_crs_new("EPSG:4326");
    OGRCoordinateTransformationH ct =
        OSRIsSame(src, ll) ? NULL : OCTNewCoordinateTransformation(src, ll);
    OSRDestroySpatialReference(src), OSRDestroySpatialReference(ll);
    return ct;
}

static int read_layer(OGRLayerH l, const char *const *cols, int ncols, int lonlat_geometry,
                      table *t)
{
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    int idx[NCASE];
    for (int c = 0; c < ncols; c++) {
        idx[c] = OGR_FD_GetFieldIndex(d, cols[c]);
        int from_geometry = lonlat_geometry && (c == C_LON || c == C_LAT);
        if (idx[c] < 0 && !from_geometry)
            return sm_error_set(SM_EDATA,
                                "%s: layer %s has no column '%s' (see "
                                "data/remediation/README.md)",
                                t->file, OGR_L_GetName(l), cols[c]);
    }
    OGRCoordinateTransformationH ct = lonlat_geometry ? to_lonlat(l) : NULL;
    long total = (long)OGR_L_GetFeatureCount(l, TRUE);
    t->rows = calloc((size_t)total + 1, sizeof *t->rows);
    t->ncols = ncols;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (t->n < total && (f = OGR_L_GetNextFeature(l))) {
        row_t *r = &t->rows[t->n++];
        r->row = (long)OGR_F_GetFID(f);
        for (int c = 0; c < ncols; c++)
            if (idx[c] >= 0 && OGR_F_IsFieldSetAndNotNull(f, idx[c]))
                r->v[c] = strdup(OGR_F_GetFieldAsString(f, idx[c]));
        if (lonlat_geometry && idx[C_LON] < 0)
            geometry_lonlat(OGR_F_GetGeometryRef(f), ct, &r->v[C_LON], &r->v[C_LAT]);
        OGR_F_Destroy(f);
    }
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    return SM_OK;
}

static int read_file(const char *path, const char *layer, const char *const *cols, int ncols,
                     int lonlat_geometry, table *t)
{
    GDALDatasetH ds;
    t->file = strdup(path);
    t->layer = strdup(layer ? layer : "");
    int rc = open_vector(path, &ds);
    if (rc)
        return rc;
    OGRLayerH l = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    rc = l ? read_layer(l, cols, ncols, lonlat_geometry, t)
           : sm_error_set(SM_EDATA, "%s: no layer '%s'", path, layer ? layer : "");
    GDALClose(ds);
    return rc;
}

static void table_free(table *t)
{
    for (int i = 0; i < t->n; i++)
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[i].v[c]);
    free(t->rows), free(t->file), free(t->layer);
}

/* cases.csv -> case_contaminants.csv; NAME.csv -> NAME_contaminants.csv */
static void companion(const char *file, char *out, size_t size)
{
    const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
    int dir = (int)(base - file);
    const char *dot = strrchr(base, '.');
    int stem = dot ? (int)(dot - base) : (int)strlen(base);
    if (stem == 5 && !strncmp(base, "cases", 5))
        snprintf(out, size, "%.*scase_contaminants.csv", dir, file);
    else
        snprintf(out, size, "%.*s%.*s_contaminants.csv", dir, file, stem, base);
}

static int is_gpkg(const char *file)
{
    size_t n = strlen(file);
    return n > 5 && !strcasecmp(file + n - 5, ".gpkg");
}

static int read_survey(const char *file, table *cases, table *ccs)
{
    if (is_gpkg(file)) {
        int rc = read_file(file, "cases", case_columns, NCASE, 1, cases);
        return rc ? rc : read_file(file, "case_contaminants", cc_columns, NCC, 0, ccs);
    }
    char other[SM_PATH_SIZE];
    companion(file, other, sizeof other);
    int rc = read_file(file, NULL, case_columns, NCASE, 0, cases);
    struct stat st;
    if (rc == SM_OK && stat(other, &st) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: missing; the contaminants of %s's cases go there",
                            other, file);
    return rc ? rc : read_file(other, NULL, cc_columns, NCC, 0, ccs);
}

/* ---- what the store knows ---- */

typedef struct {
    known *k;
    int which;
} collector;

static void collect_code(void *arg, const char *const *cols, int n)
{
    collector *c = arg;
    known *k = c->k;
    int w = c->which, i = k->n[w]++;
    k->codes[w] = realloc(k->codes[w], (size_t)k->n[w] * sizeof(char *));
    k->codes[w][i] = strdup(cols[0] ? cols[0] : "");
    if (w == 0) {
        k->bbox = realloc(k->bbox, (size_t)k->n[w] * sizeof *k->bbox);
        for (int b = 0; b < 4; b++)
            k->bbox[i][b] = n > b + 1 && cols[b + 1] ? atof(cols[b + 1]) : NAN;
    }
}

static int load_known(sm_store *s, known *k)
{
    static const char *const sql[3] = {
        "SELECT iso3, min_lon, min_lat, max_lon, max_lat FROM countries",
        "SELECT code FROM technologies", "SELECT code FROM contaminants"};
    memset(k, 0, sizeof *k);
    int rc = SM_OK;
    for (int w = 0; w < 3 && rc == SM_OK; w++) {
        collector c = {k, w};
        rc = sm_store_query(s, sql[w], 0, NULL, collect_code, &c);
    }
    return rc;
}

static void known_free(known *k)
{
    for (int w = 0; w < 3; w++) {
        for (int i = 0; i < k->n[w]; i++)
            free(k->codes[w][i]);
        free(k->codes[w]);
    }
    free(k->bbox);
}

static int find(const known *k, int w, const char *code)
{
    for (int i = 0; code && i < k->n[w]; i++)
        if (!strcmp(k->codes[w][i], code))
            return i;
    return -1;
}

/* ---- checking ---- */

typedef struct {
    char reason[1000];
    const char *column, *value;
} problems;

static void problem(problems *p, const char *column, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(problems *p, const char *column, const char *value, const char *fmt, ...)
{
    if (!p->column)
        p->column = column, p->value = value ? value : "";
    size_t len = strlen(p->reason);
    if (len)
        len += snprintf(p->reason + len, sizeof p->reason - len, "; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->reason + len, sizeof p->reason - len, fmt, ap);
    va_end(ap);
}

static int number(const char *s, double *v)
{
    char *end;
    if (!s)
        return 0;
    *v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return end != s && !*end && isfinite(*v);
}

static void check_amount(problems *p, const char *column, const char *s)
{
    double v;
    if (s && *s && (!number(s, &v) || v < 0))
        problem(p, column, s, "%s must be a number >= 0", column);
}

static int inside(const double *b, double lon, double lat)
{
    if (isnan(b[0]) || isnan(b[1]) || isnan(b[2]) || isnan(b[3]))
        return 1; /* no box known: accepted */
    int in_lon = b[0] <= b[2] ? lon >= b[0] && lon <= b[2] : lon >= b[0] || lon <= b[2];
    return in_lon && lat >= b[1] && lat <= b[3];
}

static void check_location(problems *p, const known *k, int country, char *const *v)
{
    double lon, lat;
    if (!number(v[C_LON], &lon) || lon < -180 || lon > 180)
        problem(p, "lon", v[C_LON], "lon must be a longitude in degrees");
    else if (!number(v[C_LAT], &lat) || lat < -90 || lat > 90)
        problem(p, "lat", v[C_LAT], "lat must be a latitude in degrees");
    else if (country >= 0 && !inside(k->bbox[country], lon, lat))
        problem(p, "lon", v[C_LON], "(%s, %s) is outside %s's bounding box", v[C_LON], v[C_LAT],
                v[C_COUNTRY]);
}

static void check_codes(problems *p, const known *k, char *const *v, int *country)
{
    if (!v[C_ID] || !*v[C_ID] || strlen(v[C_ID]) > 64)
        problem(p, "id", v[C_ID], "id must be 1 to 64 characters");
    if (!v[C_TITLE] || !*v[C_TITLE])
        problem(p, "title", v[C_TITLE], "title is empty");
    if ((*country = find(k, 0, v[C_COUNTRY])) < 0)
        problem(p, "country", v[C_COUNTRY], "'%s' is not an ISO 3166-1 alpha-3 code",
                v[C_COUNTRY] ? v[C_COUNTRY] : "");
    if (find(k, 1, v[C_TECH]) < 0)
        problem(p, "technology", v[C_TECH], "'%s' is not a technology of the store",
                v[C_TECH] ? v[C_TECH] : "");
    /* land uses match whatever their case, as everywhere in soilmap, and
     * are stored as the store names them */
    int lu = !v[C_LAND_USE] || !*v[C_LAND_USE];
    for (int i = 0; land_uses[i] && !lu; i++)
        if ((lu = !strcasecmp(land_uses[i], v[C_LAND_USE])))
            strcpy(v[C_LAND_USE], land_uses[i]); /* same length */
    if (!lu)
        problem(p, "land_use", v[C_LAND_USE],
                "land_use '%s' is not one of agricultural, "
                "residential, industrial, commercial, "
                "recreational, mining, military, other",
                v[C_LAND_USE]);
}

static void check_case(problems *p, const known *k, char *const *v)
{
    int country;
    check_codes(p, k, v, &country);
    check_location(p, k, country, v);
    double year;
    if (v[C_YEAR] && *v[C_YEAR] &&
        (!number(v[C_YEAR], &year) || year != floor(year) || year < 1900 || year > 2100))
        problem(p, "year", v[C_YEAR], "year must be a whole year from 1900 to 2100");
    for (int c = C_AREA; c <= C_DURATION; c++)
        check_amount(p, case_columns[c], v[c]);
    const char *il = v[C_ILLUSTRATIVE];
    if (!il || (strcmp(il, "yes") && strcmp(il, "no")))
        problem(p, "illustrative", il, "illustrative must be yes or no");
}

/* Row indices sorted by the first two columns (id; case_id, contaminant),
 * then by position, so that repeats sit together and lookups are binary
 * searches: a survey of 100,000 cases checks in well under a second. */
static const table *sort_table;

static int compare_text(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }

static int compare_rows(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    char *const *va = sort_table->rows[a].v, *const *vb = sort_table->rows[b].v;
    int c = compare_text(va[0], vb[0]);
    if (!c && sort_table->ncols == NCC)
        c = compare_text(va[1], vb[1]);
    return c ? c : (a > b) - (a < b);
}

static int *sorted(const table *t)
{
    int *idx = malloc(((size_t)t->n + 1) * sizeof *idx);
    for (int i = 0; i < t->n; i++)
        idx[i] = i;
    sort_table = t;
    qsort(idx, (size_t)t->n, sizeof *idx, compare_rows);
    return idx;
}

/* The first position in idx whose row's first column is id, or -1. */
static int lower_bound(const table *t, const int *idx, const char *id)
{
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (compare_text(t->rows[idx[mid]].v[0], id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && !compare_text(t->rows[idx[lo]].v[0], id) ? lo : -1;
}

typedef struct {
    const table *cases, *ccs;
    int *case_idx, *cc_idx;
} survey;

static void reject(sm_rejects *rej, const table *t, int i, const problems *p, long *bad)
{
    if (!p->column)
        return;
    sm_rejects_add(rej, t->file, t->layer, t->rows[i].row, p->column, p->value, p->reason);
    (*bad)++;
}

static long check_cases(const known *k, const survey *sv, sm_rejects *rej)
{
    long bad = 0;
    const table *cases = sv->cases;
    for (int pos = 0; pos < cases->n; pos++) {
        int i = sv->case_idx[pos];
        problems p = {{0}, NULL, NULL};
        char *const *v = cases->rows[i].v;
        check_case(&p, k, v);
        if (pos > 0 && !compare_text(cases->rows[sv->case_idx[pos - 1]].v[0], v[C_ID]))
            problem(&p, "id", v[C_ID], "id repeats row %ld",
                    cases->rows[sv->case_idx[lower_bound(cases, sv->case_idx, v[C_ID])]].row);
        if (lower_bound(sv->ccs, sv->cc_idx, v[C_ID]) < 0)
            problem(&p, "id", v[C_ID], "no contaminant rows for this case");
        reject(rej, cases, i, &p, &bad);
    }
    return bad;
}

static long check_contaminant_rows(const known *k, const survey *sv, sm_rejects *rej)
{
    long bad = 0;
    const table *ccs = sv->ccs;
    for (int pos = 0; pos < ccs->n; pos++) {
        int i = sv->cc_idx[pos];
        problems p = {{0}, NULL, NULL};
        char *const *v = ccs->rows[i].v;
        if (lower_bound(sv->cases, sv->case_idx, v[0]) < 0)
            problem(&p, "case_id", v[0], "case '%s' is not in the survey's cases",
                    v[0] ? v[0] : "");
        if (find(k, 2, v[1]) < 0)
            problem(&p, "contaminant", v[1], "'%s' is not a contaminant code of the store",
                    v[1] ? v[1] : "");
        for (int c = 2; c < NCC; c++)
            check_amount(&p, cc_columns[c], v[c]);
        if (pos > 0) {
            char *const *prev = ccs->rows[sv->cc_idx[pos - 1]].v;
            if (!compare_text(prev[0], v[0]) && !compare_text(prev[1], v[1]))
                problem(&p, "contaminant", v[1], "repeats row %ld",
                        ccs->rows[sv->cc_idx[pos - 1]].row);
        }
        reject(rej, ccs, i, &p, &bad);
    }
    return bad;
}

/* ---- writing ---- */

static const char upsert_case[] =
    "INSERT INTO cases (id, title, country, land_use, technology, year, area_ha, volume_m3, "
    "cost_usd, duration_months, outcome, reference, illustrative, location) "
    "VALUES (?1, ?2, ?3, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 = 'yes', "
    "MakePoint(CAST(?4 AS REAL), CAST(?5 AS REAL), 4326)) "
    "ON CONFLICT(id) DO UPDATE SET title = excluded.title, country = excluded.country, "
    "land_use = excluded.land_use, technology = excluded.technology, year = excluded.year, "
    "area_ha = excluded.area_ha, volume_m3 = excluded.volume_m3, cost_usd = excluded.cost_usd, "
    "duration_months = excluded.duration_months, outcome = excluded.outcome, "
    "reference = excluded.reference, illustrative = excluded.illustrative, "
    "location = excluded.location";

/* The import's statements, prepared once. */
typedef struct {
    sqlite3_stmt *exists, *upsert, *clear, *insert_cc;
} statements;

static int prepare_all(sm_store *s, statements *q)
{
    const char *sql[4] = {"SELECT 1 FROM cases WHERE id = ?1", upsert_case,
                          "DELETE FROM case_contaminants WHERE case_id = ?1",
                          "INSERT INTO case_contaminants VALUES (?1, ?2, ?3, ?4, ?5)"};
    sqlite3_stmt **st[4] = {&q->exists, &q->upsert, &q->clear, &q->insert_cc};
    for (int i = 0; i < 4; i++)
        if (sqlite3_prepare_v2(s->db, sql[i], -1, st[i], NULL) != SQLITE_OK)
            return sm_error_set(SM_EIO, "%s: cannot prepare the import: %s", s->path,
                                sqlite3_errmsg(s->db));
    return SM_OK;
}

static void finalize_all(statements *q)
{
    sqlite3_finalize(q->exists), sqlite3_finalize(q->upsert);
    sqlite3_finalize(q->clear), sqlite3_finalize(q->insert_cc);
}

/* Binds the values (empty text is NULL in the store) and runs st once;
 * returns the sqlite3_step result. */
static int run(sqlite3_stmt *st, char *const *v, int n)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int c = 0; c < n; c++)
        if (v[c] && *v[c])
            sqlite3_bind_text(st, c + 1, v[c], -1, SQLITE_STATIC);
    return sqlite3_step(st);
}

static int write_case(sm_store *s, const statements *q, const survey *sv, char *const *v,
                      sm_import_summary *sum)
{
    const table *ccs = sv->ccs;
    if (run(q->exists, v, 1) == SQLITE_ROW)
        sum->updated++;
    else
        sum->inserted++;
    int ok = run(q->upsert, v, NCASE) == SQLITE_DONE && run(q->clear, v, 1) == SQLITE_DONE;
    int pos = lower_bound(ccs, sv->cc_idx, v[C_ID]);
    for (;
         ok && pos >= 0 && pos < ccs->n && !compare_text(ccs->rows[sv->cc_idx[pos]].v[0], v[C_ID]);
         pos++)
        ok = run(q->insert_cc, ccs->rows[sv->cc_idx[pos]].v, NCC) == SQLITE_DONE;
    return ok ? SM_OK
              : sm_error_set(SM_EIO, "%s: cannot write case %s: %s", s->path, v[C_ID],
                             sqlite3_errmsg(s->db));
}

static int write_all(sm_store *s, const survey *sv, sm_import_summary *sum)
{
    const table *cases = sv->cases;
    sm_progress_task task;
    sm_progress_begin(&task, "store", "import");
    statements q = {0};
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
                 ? prepare_all(s, &q)
                 : sm_error_set(SM_EIO, "%s: cannot start the import: %s", s->path,
                                sqlite3_errmsg(s->db));
    for (int i = 0; i < cases->n && rc == SM_OK; i++) {
        rc = write_case(s, &q, sv, cases->rows[i].v, sum);
        if (rc == SM_OK && (i % 256 == 0 || i == cases->n - 1) &&
            !sm_progress((double)(i + 1) / cases->n, NULL, &task))
            rc = sm_error_set(SM_ECANCEL, "import cancelled; the store is unchanged");
    }
    finalize_all(&q);
    if (rc == SM_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot commit the import: %s", s->path,
                          sqlite3_errmsg(s->db));
    if (rc != SM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Rejects in file order, whatever order the checks ran in. */
static int by_file_and_row(const void *pa, const void *pb)
{
    const sm_reject *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

int sm_store_import(sm_store *s, const char *file, const char *rejects_path, sm_import_summary *out)
{
    memset(out, 0, sizeof *out);
    table cases = {0}, ccs = {0};
    known k;
    int rc = read_survey(file, &cases, &ccs);
    if (rc == SM_OK)
        rc = load_known(s, &k);
    else
        memset(&k, 0, sizeof k);
    out->cases = cases.n, out->contaminant_rows = ccs.n;
    sm_rejects rej = {0};
    survey sv = {&cases, &ccs, sorted(&cases), sorted(&ccs)};
    if (rc == SM_OK)
        out->rejected = check_cases(&k, &sv, &rej) + check_contaminant_rows(&k, &sv, &rej);
    if (rej.n)
        qsort(rej.items, (size_t)rej.n, sizeof *rej.items, by_file_and_row);
    if (rc == SM_OK && out->rejected > 0) {
        if (rejects_path)
            sm_rejects_write(&rej, rejects_path);
        const sm_reject *r = &rej.items[0];
        rc = sm_error_set(SM_EDATA, "%s: %ld bad row%s, nothing imported%s%s; first: row %ld: %s",
                          file, out->rejected, out->rejected == 1 ? "" : "s",
                          rejects_path ? "; see " : "", rejects_path ? rejects_path : "", r->row,
                          r->reason);
    }
    if (rc == SM_OK)
        rc = write_all(s, &sv, out);
    free(sv.case_idx), free(sv.cc_idx);
    sm_rejects_free(&rej);
    known_free(&k);
    table_free(&cases), table_free(&ccs);
    return rc;
}
