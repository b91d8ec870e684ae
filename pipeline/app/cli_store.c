/* `soilmap store SUB CONFIG [ARG]`: the remediation store's commands. */
#include "app/cli_store.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/log.h"
#include "core/outfile.h"
#include "remediate/store.h"
#include "remediate/store_import.h"
#include "remediate/store_init.h"
#include "stage/products.h"

#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A query's result held as text so that each column is as wide as its
 * widest cell; row 0 is the header. Sized from the query (its column
 * count), so no list can outgrow it. */
typedef struct {
    int ncols, nrows, cap, *widths;
    char **cells; /* nrows * ncols */
    int failed;   /* out of memory */
} text_table;

/* Width on a terminal: UTF-8 continuation bytes take no column. */
static int display_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Room for one more row of ncols cells; 0 when out of memory. */
static int table_grow(text_table *t, int ncols)
{
    if (!t->widths) {
        t->ncols = ncols;
        t->widths = calloc((size_t)ncols + 1, sizeof *t->widths);
    }
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        char **cells = realloc(t->cells, (size_t)t->cap * (size_t)(t->ncols + 1) * sizeof *cells);
        if (cells)
            t->cells = cells;
        else
            t->cap = t->nrows;
    }
    return t->widths && t->nrows < t->cap && ncols == t->ncols;
}

static void collect_row(void *arg, const char *const *cols, int n)
{
    text_table *t = arg;
    if (t->failed || (t->failed = !table_grow(t, n)))
        return;
    char **row = t->cells + (size_t)t->nrows++ * t->ncols;
    for (int c = 0; c < n; c++) {
        row[c] = strdup(cols[c] ? cols[c] : "");
        t->failed |= !row[c];
        int w = row[c] ? display_width(row[c]) : 0;
        t->widths[c] = w > t->widths[c] ? w : t->widths[c];
    }
}

static void table_print(const text_table *t)
{
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[(size_t)r * t->ncols + c];
            if (c + 1 == t->ncols) /* the last column is not padded */
                printf("%s\n", cell);
            else
                printf("%s%*s  ", cell, t->widths[c] - display_width(cell), "");
        }
}

static void table_free(text_table *t)
{
    for (size_t i = 0; i < (size_t)t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells), free(t->widths);
}

/* Prints a query as a table with a header of its column names. */
static int print_query(sm_store *s, const char *sql)
{
    text_table t = {0};
    int rc = sm_store_query_named(s, sql, collect_row, &t);
    if (rc == SM_OK && t.failed)
        rc = sm_error_set(SM_EINTERNAL, "out of memory listing %s", s->path);
    if (rc == SM_OK)
        table_print(&t);
    table_free(&t);
    return rc;
}

static int cmd_init(const sm_config *cfg, int force)
{
    int rc = sm_store_init(cfg->remediation.store, cfg->remediation.catalogue, force);
    sm_store s;
    sm_store_counts c;
    if (rc == SM_OK)
        rc = sm_store_open(cfg->remediation.store, 0, &s);
    if (rc == SM_OK) {
        rc = sm_store_counts_get(&s, &c);
        sm_store_close(&s);
    }
    if (rc == SM_OK)
        printf("%s: %d technologies, %d case studies (%d illustrative); real ones from %d "
               "countries\n",
               cfg->remediation.store, c.technologies, c.cases, c.cases_illustrative,
               c.countries_covered);
    return rc;
}

static int cmd_import(const sm_config *cfg, const char *file)
{
    if (!file)
        return sm_error_set(SM_EUSAGE, "store import needs a FILE (a cases CSV or GeoPackage)");
    char rejects[SM_PATH_SIZE];
    sm_product_path(rejects, sizeof rejects, cfg, SM_PRODUCT_STORE_REJECTS);
    sm_store s;
    int rc = sm_make_dirs(cfg->output);
    if (rc == SM_OK)
        rc = sm_store_open(cfg->remediation.store, 1, &s);
    if (rc != SM_OK)
        return rc;
    sm_import_summary sum;
    rc = sm_store_import(&s, file, rejects, &sum);
    sm_store_close(&s);
    if (rc == SM_OK) {
        remove(rejects); /* an older run's list would mislead */
        printf("%s: %ld cases (%ld new, %ld updated), %ld contaminant rows\n", file, sum.cases,
               sum.inserted, sum.updated, sum.contaminant_rows);
    }
    return rc;
}

static const struct {
    const char *what, *sql;
} lists[] = {
    {"technologies",
     "SELECT code, category, situ, nature_based, cost_class, env_score, social_score, "
     "econ_score, name FROM technologies ORDER BY code"},
    {"cases",
     "SELECT id, country, technology, year, CASE illustrative WHEN 1 THEN 'illustrative' ELSE "
     "'' END AS illustrative, title FROM cases ORDER BY id"},
    {"countries",
     "SELECT c.iso3 AS iso3, CASE c.un_member WHEN 1 THEN 'UN' ELSE '' END AS un_member, "
     "count(k.id) AS cases, c.region AS region, c.name AS name FROM countries c LEFT JOIN "
     "cases k ON k.country = c.iso3 GROUP BY c.iso3 ORDER BY c.iso3"},
    {"contaminants", "SELECT code, group_code, cas, name FROM contaminants ORDER BY code"},
};

static int cmd_list(sm_store *s, const char *what)
{
    for (unsigned i = 0; i < sizeof lists / sizeof *lists; i++)
        if (!strcmp(what ? what : "technologies", lists[i].what))
            return print_query(s, lists[i].sql);
    return sm_error_set(SM_EUSAGE,
                        "store list: '%s' is not technologies, cases, countries or "
                        "contaminants",
                        what);
}

static int cmd_coverage(sm_store *s)
{
    sm_store_counts c;
    int rc = sm_store_counts_get(s, &c);
    if (rc)
        return rc;
    double share = c.un_members ? 100.0 * c.un_members_covered / c.un_members : 0;
    printf("case studies: %d (%d illustrative, not counted below)\n", c.cases,
           c.cases_illustrative);
    printf("UN member states with a real case study: %d of %d = %.1f %% (INSOP target: 60 %%, "
           "%s)\n\n",
           c.un_members_covered, c.un_members, share, share >= 60 ? "met" : "not met");
    return print_query(
        s, "SELECT coalesce(c.region, '(none)') AS region, sum(EXISTS (SELECT 1 FROM cases k "
           "WHERE k.country = c.iso3 AND k.illustrative = 0)) AS covered, count(*) AS members, "
           "printf('%.1f %%', 100.0 * sum(EXISTS (SELECT 1 FROM cases k WHERE k.country = "
           "c.iso3 AND k.illustrative = 0)) / count(*)) AS share FROM countries c WHERE "
           "c.un_member = 1 GROUP BY c.region ORDER BY c.region");
}

/* One table to CSV through GDAL's ogr2ogr API, atomically. */
static int export_table(const char *store, const char *dir, const char *name, const char *sql)
{
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s.csv", dir, name);
    return sm_csv_export(store, sql, name, NULL, path);
}

static int cmd_export(const sm_config *cfg, const char *dir)
{
    static const char *const tables[][2] = {
        {"groups", "SELECT code, name FROM groups ORDER BY code"},
        {"contaminants", "SELECT code, name, group_code AS \"group\", cas FROM contaminants ORDER "
                         "BY code"},
        {"technologies", "SELECT code, name, category, situ, nature_based, duration_min_months, "
                         "duration_max_months, cost_class, env_score, social_score, econ_score, "
                         "score_basis, refs AS \"references\" FROM technologies ORDER BY code"},
        {"applicability", "SELECT technology, group_code AS \"group\", rating, note, reference "
                          "FROM applicability ORDER BY technology, group_code"},
        {"countries", "SELECT iso3, iso2, name, region, subregion, CASE un_member WHEN 1 THEN "
                      "'yes' ELSE 'no' END AS un_member, min_lon, min_lat, max_lon, max_lat FROM "
                      "countries ORDER BY iso3"},
        {"cases", "SELECT id, title, country, ST_X(location) AS lon, ST_Y(location) AS lat, "
                  "land_use, technology, CAST(year AS INTEGER) AS year, area_ha, volume_m3, "
                  "cost_usd, duration_months, "
                  "outcome, reference, CASE illustrative WHEN 1 THEN 'yes' ELSE 'no' END AS "
                  "illustrative FROM cases ORDER BY id"},
        {"case_contaminants", "SELECT case_id, contaminant, initial_mg_kg, target_mg_kg, "
                              "achieved_mg_kg FROM case_contaminants ORDER BY case_id, "
                              "contaminant"},
    };
    if (!dir)
        return sm_error_set(SM_EUSAGE, "store export needs a DIR");
    int rc = sm_make_dirs(dir);
    for (unsigned i = 0; rc == SM_OK && i < sizeof tables / sizeof *tables; i++)
        rc = export_table(cfg->remediation.store, dir, tables[i][0], tables[i][1]);
    if (rc == SM_OK)
        printf("%s: the store as catalogue CSVs\n", dir);
    return rc;
}

int sm_cli_store(const sm_config *cfg, const char *sub, const char *arg, int force)
{
    if (!cfg->remediation.present)
        return sm_error_set(SM_ECONFIG, "%s: no 'remediation' section naming the store", cfg->file);
    if (!sub)
        return sm_error_set(SM_EUSAGE, "store needs a subcommand: init, import, list, coverage "
                                       "or export");
    if (!strcmp(sub, "init"))
        return cmd_init(cfg, force);
    if (!strcmp(sub, "import"))
        return cmd_import(cfg, arg);
    if (!strcmp(sub, "export"))
        return cmd_export(cfg, arg);
    if (strcmp(sub, "list") && strcmp(sub, "coverage"))
        return sm_error_set(SM_EUSAGE,
                            "store: unknown subcommand '%s'; use init, import, list, "
                            "coverage or export",
                            sub);
    sm_store s;
    int rc = sm_store_open(cfg->remediation.store, 0, &s);
    if (rc == SM_OK)
        rc = !strcmp(sub, "list") ? cmd_list(&s, arg) : cmd_coverage(&s);
    sm_store_close(&s);
    return rc;
}
