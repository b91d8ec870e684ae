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

static void print_row(void *arg, const char *const *cols, int n)
{
    const int *widths = arg;
    for (int i = 0; i < n; i++)
        printf("%-*s%s", widths[i], cols[i] ? cols[i] : "", i + 1 < n ? "  " : "\n");
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
    int widths[8];
} lists[] = {
    {"technologies",
     "SELECT code, category, situ, nature_based, cost_class, env_score, social_score, "
     "econ_score, name FROM technologies ORDER BY code",
     {26, 11, 4, 6, 4, 4, 4, 4}},
    {"cases",
     "SELECT id, country, technology, year, CASE illustrative WHEN 1 THEN 'illustrative' ELSE "
     "'' END, title FROM cases ORDER BY id",
     {8, 4, 26, 5, 12, 0}},
    {"countries",
     "SELECT c.iso3, CASE c.un_member WHEN 1 THEN 'UN' ELSE '' END, count(k.id), c.region, "
     "c.name FROM countries c LEFT JOIN cases k ON k.country = c.iso3 GROUP BY c.iso3 "
     "ORDER BY c.iso3",
     {4, 3, 4, 10, 0}},
    {"contaminants",
     "SELECT code, group_code, cas, name FROM contaminants ORDER BY code",
     {20, 4, 12, 0}},
};

static int cmd_list(sm_store *s, const char *what)
{
    for (unsigned i = 0; i < sizeof lists / sizeof *lists; i++)
        if (!strcmp(what ? what : "technologies", lists[i].what))
            return sm_store_query(s, lists[i].sql, 0, NULL, print_row, (void *)lists[i].widths);
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
           "%s)\n",
           c.un_members_covered, c.un_members, share, share >= 60 ? "met" : "not met");
    printf("\n%-34s %8s %8s %7s\n", "region", "covered", "members", "share");
    static const int widths[] = {34, 8, 8, 7};
    return sm_store_query(
        s,
        "SELECT coalesce(c.region, '(none)'), sum(EXISTS (SELECT 1 FROM cases k WHERE "
        "k.country = c.iso3 AND k.illustrative = 0)), count(*), printf('%.1f %%', 100.0 * "
        "sum(EXISTS (SELECT 1 FROM cases k WHERE k.country = c.iso3 AND k.illustrative = 0)) / "
        "count(*)) FROM countries c WHERE c.un_member = 1 GROUP BY c.region ORDER BY c.region",
        0, NULL, print_row, (void *)widths);
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
