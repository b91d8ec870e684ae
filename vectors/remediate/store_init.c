/* `soilmap store init`: a new store loaded from the reviewed catalogue
 * folder (data/remediation/): its reference tables, then its case studies
 * through the survey importer. */
#include "remediate/store_init.h"
#include "core/error.h"
#include "core/outfile.h"
#include "remediate/store.h"
#include "remediate/store_import.h"

#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *file, *table;
    const char *columns[16]; /* CSV header names, in the table's order */
    int yes_no[16];          /* 1: a yes/no column stored as 1/0 */
} table_spec;

static const table_spec reference_tables[] = {
    {"groups.csv", "groups", {"code", "name"}, {0}},
    {"contaminants.csv", "contaminants", {"code", "name", "group", "cas"}, {0}},
    {"technologies.csv",
     "technologies",
     {"code", "name", "category", "situ", "nature_based", "duration_min_months",
      "duration_max_months", "cost_class", "env_score", "social_score", "econ_score", "score_basis",
      "references"},
     {0}},
    {"applicability.csv",
     "applicability",
     {"technology", "group", "rating", "note", "reference"},
     {0}},
    {"countries.csv",
     "countries",
     {"iso3", "iso2", "name", "region", "subregion", "un_member", "min_lon", "min_lat", "max_lon",
      "max_lat"},
     {0, 0, 0, 0, 0, 1}},
};

static int ncolumns(const table_spec *t)
{
    int n = 0;
    while (n < 16 && t->columns[n])
        n++;
    return n;
}

static char *insert_sql(const table_spec *t)
{
    static char sql[512];
    int n = ncolumns(t);
    int len = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (", t->table);
    for (int i = 0; i < n; i++)
        len += snprintf(sql + len, sizeof sql - len, "%s?%d", i ? ", " : "", i + 1);
    snprintf(sql + len, sizeof sql - len, ")");
    return sql;
}

static int load_row(sm_store *s, const table_spec *t, OGRFeatureH f, const int *idx,
                    const char *file)
{
    int n = ncolumns(t);
    const char *vals[16];
    for (int c = 0; c < n; c++) {
        const char *v = OGR_F_GetFieldAsString(f, idx[c]);
        vals[c] = *v ? v : NULL;
        if (t->yes_no[c] && vals[c])
            vals[c] = !strcmp(v, "yes") ? "1" : !strcmp(v, "no") ? "0" : v;
    }
    if (sm_store_exec(s, insert_sql(t), n, vals) == SM_OK)
        return SM_OK;
    return sm_error_set(SM_EDATA, "%s: row %lld: %s", file, (long long)OGR_F_GetFID(f),
                        sqlite3_errmsg(s->db));
}

static int load_table(sm_store *s, const char *dir, const table_spec *t)
{
    char file[SM_PATH_SIZE];
    snprintf(file, sizeof file, "%s/%s", dir, t->file);
    const char *const open_options[] = {"AUTODETECT_TYPE=NO", NULL};
    const char *const drivers[] = {"CSV", NULL};
    GDALDatasetH ds =
        GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, open_options, NULL);
    if (!ds)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open the catalogue table", file);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int idx[16], rc = SM_OK;
    for (int c = 0; c < ncolumns(t) && rc == SM_OK; c++)
        if ((idx[c] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), t->columns[c])) < 0)
            rc = sm_error_set(SM_EDATA, "%s: no column '%s'", file, t->columns[c]);
    OGRFeatureH f;
    while (rc == SM_OK && (f = OGR_L_GetNextFeature(l))) {
        rc = load_row(s, t, f, idx, file);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return rc;
}

static int load_catalogue(sm_store *s, const char *dir)
{
    int rc = sm_store_script(s, "BEGIN");
    for (unsigned i = 0; rc == SM_OK && i < sizeof reference_tables / sizeof *reference_tables; i++)
        rc = load_table(s, dir, &reference_tables[i]);
    if (rc == SM_OK)
        rc = sm_store_script(s, "COMMIT");
    if (rc != SM_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    char cases[SM_PATH_SIZE];
    snprintf(cases, sizeof cases, "%s/cases.csv", dir);
    sm_import_summary sum;
    return sm_store_import(s, cases, NULL, &sum);
}

int sm_store_catalogue_check(const char *dir)
{
    char file[SM_PATH_SIZE];
    for (unsigned i = 0; i <= sizeof reference_tables / sizeof *reference_tables; i++) {
        int last = i == sizeof reference_tables / sizeof *reference_tables;
        snprintf(file, sizeof file, "%s/%s", dir, last ? "cases.csv" : reference_tables[i].file);
        if (access(file, R_OK) != 0)
            return sm_error_set(SM_ENOINPUT,
                                "%s: missing; remediation.catalogue must name a "
                                "folder of the catalogue CSVs (data/remediation/)",
                                file);
    }
    return SM_OK;
}

int sm_store_init(const char *path, const char *catalogue, int force)
{
    struct stat st;
    if (!force && stat(path, &st) == 0)
        return sm_error_set(SM_ECANTCREAT, "%s: a store exists already; --force replaces it", path);
    char dir[SM_PATH_SIZE];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int made = sm_make_dirs(dir);
        if (made)
            return made;
    }
    sm_outfile out;
    sm_outfile_begin(&out, path);
    sm_store s;
    int rc = sm_store_create(out.tmp, &s);
    if (rc == SM_OK)
        rc = load_catalogue(&s, catalogue);
    sm_store_close(&s);
    if (rc == SM_OK)
        return sm_outfile_commit(&out);
    sm_outfile_abort(&out);
    return rc;
}
