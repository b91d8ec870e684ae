#include "remediate/store.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <spatialite.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Schema version 1. Later versions append to migrations[]; a store is
 * brought up to date step by step, each step in one transaction. */
static const char schema_v1[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE groups (code TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE contaminants (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  group_code TEXT NOT NULL REFERENCES groups(code), cas TEXT);"
    "CREATE TABLE technologies (code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  category TEXT NOT NULL CHECK (category IN ('physical','chemical','biological','thermal',"
    "    'containment')),"
    "  situ TEXT NOT NULL CHECK (situ IN ('in','ex','both')),"
    "  nature_based TEXT NOT NULL CHECK (nature_based IN ('yes','partly','no')),"
    "  duration_min_months REAL CHECK (duration_min_months >= 0),"
    "  duration_max_months REAL CHECK (duration_max_months >= duration_min_months),"
    "  cost_class INTEGER CHECK (cost_class BETWEEN 1 AND 5),"
    "  env_score REAL NOT NULL CHECK (env_score BETWEEN 0 AND 10),"
    "  social_score REAL NOT NULL CHECK (social_score BETWEEN 0 AND 10),"
    "  econ_score REAL NOT NULL CHECK (econ_score BETWEEN 0 AND 10),"
    "  score_basis TEXT, refs TEXT);"
    "CREATE TABLE applicability (technology TEXT NOT NULL REFERENCES technologies(code),"
    "  group_code TEXT NOT NULL REFERENCES groups(code),"
    "  rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 3), note TEXT, reference TEXT,"
    "  PRIMARY KEY (technology, group_code));"
    "CREATE TABLE countries (iso3 TEXT PRIMARY KEY, iso2 TEXT, name TEXT NOT NULL, region TEXT,"
    "  subregion TEXT, un_member INTEGER NOT NULL CHECK (un_member IN (0,1)),"
    "  min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL);"
    "CREATE TABLE cases (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    "  country TEXT NOT NULL REFERENCES countries(iso3), land_use TEXT,"
    "  technology TEXT NOT NULL REFERENCES technologies(code), year INTEGER,"
    "  area_ha REAL CHECK (area_ha >= 0), volume_m3 REAL CHECK (volume_m3 >= 0),"
    "  cost_usd REAL CHECK (cost_usd >= 0), duration_months REAL CHECK (duration_months >= 0),"
    "  outcome TEXT, reference TEXT, illustrative INTEGER NOT NULL CHECK (illustrative IN (0,1)));"
    "SELECT AddGeometryColumn('cases', 'location', 4326, 'POINT', 'XY', 1);"
    "SELECT CreateSpatialIndex('cases', 'location');"
    "CREATE TABLE case_contaminants (case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
    "  contaminant TEXT NOT NULL REFERENCES contaminants(code),"
    "  initial_mg_kg REAL CHECK (initial_mg_kg >= 0), target_mg_kg REAL CHECK (target_mg_kg >= 0),"
    "  achieved_mg_kg REAL CHECK (achieved_mg_kg >= 0), PRIMARY KEY (case_id, contaminant));"
    "CREATE INDEX cases_technology ON cases(technology);"
    "CREATE INDEX cases_country ON cases(country);";

static const char *const migrations[] = {schema_v1};

static int db_error(sm_store *s, const char *what)
{
    return sm_error_set(SM_EIO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec_script(sm_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return SM_OK;
    int rc = sm_error_set(SM_EIO, "%s: %s", s->path, msg ? msg : "SQL error");
    sqlite3_free(msg);
    return rc;
}

int sm_store_exec(sm_store *s, const char *sql, int n, const char *const *values)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, "cannot prepare a statement");
    for (int i = 0; i < n; i++)
        if (values[i])
            sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SM_OK : db_error(s, "write failed");
}

/* Runs a read-only query; with header, row() first gets the column names.
 * The columns array is sized from the statement, whatever its width. */
static int query(sm_store *s, const char *sql, int n, const char *const *values, int header,
                 void (*row)(void *arg, const char *const *columns, int ncols), void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, "cannot prepare a query");
    for (int i = 0; i < n; i++)
        if (values[i])
            sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_TRANSIENT);
    int rc, ncols = sqlite3_column_count(st);
    const char **cols = malloc(((size_t)ncols + 1) * sizeof *cols);
    if (!cols) {
        sqlite3_finalize(st);
        return sm_error_set(SM_EINTERNAL, "out of memory reading %s", s->path);
    }
    for (int c = 0; header && c < ncols; c++)
        cols[c] = sqlite3_column_name(st, c);
    if (header)
        row(arg, cols, ncols);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++)
            cols[c] = (const char *)sqlite3_column_text(st, c);
        row(arg, cols, ncols);
    }
    free(cols);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SM_OK : db_error(s, "query failed");
}

int sm_store_query(sm_store *s, const char *sql, int n, const char *const *values,
                   void (*row)(void *arg, const char *const *columns, int ncols), void *arg)
{
    return query(s, sql, n, values, 0, row, arg);
}

int sm_store_query_named(sm_store *s, const char *sql,
                         void (*row)(void *arg, const char *const *columns, int ncols), void *arg)
{
    return query(s, sql, 0, NULL, 1, row, arg);
}

static int schema_version(sm_store *s)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Applies the migrations after version `from`, each in a transaction. */
static int migrate(sm_store *s, int from)
{
    int n = sizeof migrations / sizeof migrations[0];
    for (int v = from; v < n; v++) {
        char version[16];
        snprintf(version, sizeof version, "%d", v + 1);
        const char *vals[] = {version};
        int rc = exec_script(s, "BEGIN");
        if (rc == SM_OK)
            rc = exec_script(s, migrations[v]);
        if (rc == SM_OK)
            rc = sm_store_exec(s, "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?1)", 1,
                               vals);
        if (rc == SM_OK)
            rc = exec_script(s, "COMMIT");
        if (rc != SM_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        sm_log(SM_LOG_INFO, "store: %s: schema version %d", s->path, v + 1);
    }
    return SM_OK;
}

static int connect(const char *path, int flags, sm_store *s)
{
    memset(s, 0, sizeof *s);
    s->path = strdup(path);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        int rc = sm_error_set(flags & SQLITE_OPEN_CREATE ? SM_ECANTCREAT : SM_ENOINPUT,
                              "%s: cannot open the store: %s", path, sqlite3_errmsg(s->db));
        sm_store_close(s);
        return rc;
    }
    s->cache = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->cache, 0);
    sqlite3_busy_timeout(s->db, 5000);
    return exec_script(s, "PRAGMA foreign_keys = ON");
}

/* PRAGMA quick_check before anything is written: SQLite writes into a
 * damaged file without complaint, and each write can spread the damage.
 * The message gives the first problem and how many there are. */
static int check_intact(sm_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
        return sm_error_set(SM_EDATA, "%s: fails PRAGMA quick_check (%s); nothing was written",
                            s->path, sqlite3_errmsg(s->db));
    char first[300] = "";
    int rc, problems = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        if (!line || !strcmp(line, "ok") || !strncmp(line, "*** in database", 15))
            continue; /* "ok", or the heading of the problem list */
        if (!problems++)
            snprintf(first, sizeof first, "%s", line);
    }
    if (rc != SQLITE_DONE && !problems++)
        snprintf(first, sizeof first, "%s", sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    if (!problems)
        return SM_OK;
    return sm_error_set(SM_EDATA,
                        "%s: the store is damaged, nothing was written (PRAGMA quick_check: "
                        "%s%s); restore it from a backup, or rebuild it with `soilmap store "
                        "init --force` and import the surveys again",
                        s->path, first, problems > 1 ? ", and more" : "");
}

int sm_store_open(const char *path, int writable, sm_store *s)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        memset(s, 0, sizeof *s);
        return sm_error_set(SM_ENOINPUT,
                            "%s: no remediation store; create it with `soilmap "
                            "store init CONFIG`",
                            path);
    }
    int rc = connect(path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, s);
    if (rc == SM_OK && writable)
        rc = check_intact(s);
    int v = rc == SM_OK ? schema_version(s) : 0;
    if (rc == SM_OK && v < 1)
        rc = sm_error_set(SM_EDATA, "%s: not a soilmap remediation store", path);
    else if (rc == SM_OK && v > SM_STORE_SCHEMA_VERSION)
        rc = sm_error_set(SM_EDATA, "%s: schema version %d is newer than this soilmap's (%d)", path,
                          v, SM_STORE_SCHEMA_VERSION);
    else if (rc == SM_OK && v < SM_STORE_SCHEMA_VERSION)
        rc = writable ? migrate(s, v)
                      : sm_error_set(SM_EDATA,
                                     "%s: schema version %d needs migrating; open it "
                                     "with a command that writes (store import)",
                                     path, v);
    if (rc != SM_OK)
        sm_store_close(s);
    return rc;
}

void sm_store_close(sm_store *s)
{
    if (s->db)
        sqlite3_close(s->db);
    if (s->cache)
        spatialite_cleanup_ex(s->cache);
    free(s->path);
    memset(s, 0, sizeof *s);
}

/* A new, empty store of the current schema at path. */
int sm_store_create(const char *path, sm_store *s)
{
    int rc = connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, s);
    if (rc == SM_OK)
        rc = exec_script(s, "SELECT InitSpatialMetadata(1)");
    if (rc == SM_OK)
        rc = migrate(s, 0);
    return rc;
}

int sm_store_script(sm_store *s, const char *sql) { return exec_script(s, sql); }

static void count_row(void *arg, const char *const *cols, int n)
{
    int *out = arg;
    for (int i = 0; i < n; i++)
        out[i] = cols[i] ? atoi(cols[i]) : 0;
}

int sm_store_counts_get(sm_store *s, sm_store_counts *c)
{
    int v[7] = {0};
    int rc = sm_store_query(
        s,
        "SELECT (SELECT count(*) FROM countries), (SELECT count(*) FROM countries WHERE "
        "un_member = 1), (SELECT count(DISTINCT c.iso3) FROM countries c JOIN cases k ON "
        "k.country = c.iso3 WHERE c.un_member = 1 AND k.illustrative = 0), "
        "(SELECT count(DISTINCT country) FROM cases WHERE illustrative = 0), "
        "(SELECT count(*) FROM cases), (SELECT count(*) FROM cases WHERE illustrative = 1), "
        "(SELECT count(*) FROM technologies)",
        0, NULL, count_row, v);
    *c = (sm_store_counts){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    return rc;
}

/* ---- nearest case studies ---- */

const char sm_store_nearest_sql[] =
    "SELECT k.id, k.country, k.title, k.illustrative, "
    "  ST_Distance(k.location, MakePoint(?1, ?2, 4326), 0) / 1000.0 AS km "
    "FROM cases k "
    "WHERE k.ROWID IN (SELECT pkid FROM idx_cases_location "
    "                  WHERE xmin <= ?4 AND xmax >= ?3 AND ymin <= ?6 AND ymax >= ?5) "
    "  AND k.technology = ?7 "
    "  AND (?8 IS NULL OR EXISTS (SELECT 1 FROM case_contaminants cc JOIN contaminants c "
    "       ON c.code = cc.contaminant WHERE cc.case_id = k.id AND c.group_code = ?8)) "
    "ORDER BY km, k.id LIMIT ?9";

/* The matches of a prepared case query, whose columns are id, country,
 * title, illustrative, km; the statement is finalized. */
static int read_matches(sm_store *s, sqlite3_stmt *st, int k, sm_case_match *out)
{
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < k) {
        sm_case_match *m = &out[n++];
        snprintf(m->id, sizeof m->id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(m->country, sizeof m->country, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(m->title, sizeof m->title, "%s", (const char *)sqlite3_column_text(st, 2));
        m->illustrative = sqlite3_column_int(st, 3);
        m->distance_km =
            sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : db_error(s, "case-study query failed");
}

static void bind_technology(sqlite3_stmt *st, const char *technology, const char *group, int k)
{
    sqlite3_bind_text(st, 7, technology, -1, SQLITE_TRANSIENT);
    if (group)
        sqlite3_bind_text(st, 8, group, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 9, k);
}

static int nearest_in_box(sm_store *s, double lon, double lat, double r, const char *technology,
                          const char *group, int k, sm_case_match *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sm_store_nearest_sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, "cannot prepare the nearest-case query");
    double box[4] = {lon - r, lon + r, lat - r, lat + r};
    sqlite3_bind_double(st, 1, lon), sqlite3_bind_double(st, 2, lat);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_double(st, 3 + i, box[i]);
    bind_technology(st, technology, group, k);
    return read_matches(s, st, k, out);
}

/* Without a position (a site in local coordinates): real cases before
 * illustrative ones, then by id, so the choice is stable. */
static const char any_cases_sql[] =
    "SELECT k.id, k.country, k.title, k.illustrative, NULL AS km "
    "FROM cases k WHERE k.technology = ?7 "
    "  AND (?8 IS NULL OR EXISTS (SELECT 1 FROM case_contaminants cc JOIN contaminants c "
    "       ON c.code = cc.contaminant WHERE cc.case_id = k.id AND c.group_code = ?8)) "
    "ORDER BY k.illustrative, k.id LIMIT ?9";

static int any_cases(sm_store *s, const char *technology, const char *group, int k,
                     sm_case_match *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, any_cases_sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, "cannot prepare the case query");
    bind_technology(st, technology, group, k);
    return read_matches(s, st, k, out);
}

/* Kilometres from (lon, lat) to the nearest edge of the box of half-size r
 * degrees (a lower bound: the edge's longitude span shrinks towards the
 * pole); a case within that distance has nothing nearer outside the box. */
static double box_reach_km(double lon, double lat, double r)
{
    if (lon - r < -180 || lon + r > 180 || fabs(lat) + r >= 90)
        return 0; /* the box wraps: only the whole world is certain */
    double edge_lat = fmin(89.999, fabs(lat) + r);
    return 6371.0 * r * M_PI / 180.0 * cos(edge_lat * M_PI / 180.0);
}

int sm_store_nearest_cases(sm_store *s, double lon, double lat, const char *technology,
                           const char *group, int k, sm_case_match *out)
{
    if (!isfinite(lon) || !isfinite(lat))
        return any_cases(s, technology, group, k, out);
    for (double r = 0.5;; r *= 4) {
        int whole = r >= 360;
        int n = nearest_in_box(s, lon, lat, whole ? 1e3 : r, technology, group, k, out);
        if (n < 0 || whole || (n == k && out[k - 1].distance_km <= box_reach_km(lon, lat, r)))
            return n;
    }
}
