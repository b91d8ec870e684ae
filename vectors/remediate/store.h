/* The remediation store: a SpatiaLite database of contaminant groups,
 * remediation technologies with their applicability and sustainability
 * scores, countries, and case studies with a spatially indexed location.
 * `soilmap store init` creates it from the reviewed catalogue CSVs
 * (data/remediation/, store_init.c); surveys are imported into it (store_import.c).
 * Every statement binds its values; none is built from data. */
#ifndef SM_STORE_H
#define SM_STORE_H

#include <sqlite3.h>

enum { SM_STORE_SCHEMA_VERSION = 1 };

typedef struct {
    sqlite3 *db;
    void *cache; /* SpatiaLite's per-connection cache */
    char *path;
} sm_store;

/* Opens an existing store, migrating an older schema; SM_ENOINPUT when the
 * file is missing (run `soilmap store init`). */
int sm_store_open(const char *path, int writable, sm_store *s);
void sm_store_close(sm_store *s);

/* A new, empty store of the current schema at path (store_init.c fills it
 * from the catalogue). */
int sm_store_create(const char *path, sm_store *s);

/* Runs SQL statements that bind nothing (BEGIN, COMMIT, schema). */
int sm_store_script(sm_store *s, const char *sql);

/* Runs sql with the values bound to ?1.. (text; NULL binds NULL). */
int sm_store_exec(sm_store *s, const char *sql, int n, const char *const *values);

/* Counts for `store list` and `store coverage`; "covered" counts real
 * (not illustrative) case studies only, as INSOP's indicator means. */
typedef struct {
    int countries, un_members, un_members_covered, countries_covered;
    int cases, cases_illustrative, technologies;
} sm_store_counts;

int sm_store_counts_get(sm_store *s, sm_store_counts *c);

/* Calls row(arg, columns, n) for each row of a read-only query. */
int sm_store_query(sm_store *s, const char *sql, int n, const char *const *values,
                   void (*row)(void *arg, const char *const *columns, int ncols), void *arg);

/* The same, binding nothing, with one call before the rows that passes the
 * column names (their SQL aliases), for tables printed with a header. */
int sm_store_query_named(sm_store *s, const char *sql,
                         void (*row)(void *arg, const char *const *columns, int ncols), void *arg);

/* The k case studies nearest to (lon, lat) by great-circle distance that
 * used technology and treated a contaminant of group (NULL: any), through
 * the spatial index: a box around the point grows until the k-th distance
 * is certain. Without a position (lon or lat NaN: a site in local
 * coordinates) the k first regardless of distance, real cases first, with
 * distance_km NaN. Returns how many were found (<= k). */
typedef struct {
    char id[65], country[4], title[200];
    double distance_km;
    int illustrative;
} sm_case_match;

int sm_store_nearest_cases(sm_store *s, double lon, double lat, const char *technology,
                           const char *group, int k, sm_case_match *out);

/* The SQL of one step of that search, for EXPLAIN QUERY PLAN in tests. */
extern const char sm_store_nearest_sql[];

#endif
