/* End to end: the remediation store. `store init` from the shipped
 * catalogue, opened by the spatialite shell; coverage computed
 * independently; the nearest-case query through the spatial index; survey
 * imports that are idempotent, that keep hostile strings as data, that
 * reject bad rows without changing the store, and that leave the store as
 * it was when killed. */
#include "remediate/store.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char err[1024];

static const char *config(void)
{
    static char path[600];
    char text[2048];
    snprintf(text, sizeof text,
             "project: store\noutput: %s\ncrs: EPSG:32633\ngrid: {resolution: 10}\n"
             "samples: {path: %s, crs: EPSG:4326, x: lon, y: lat, contaminants: {cd: Cd}}\n"
             "remediation: {store: %s}\n",
             sm_test_tmp("out-store"), sm_test_src("data/demo/samples.csv"),
             sm_test_tmp("out-store/remediation.sqlite"));
    snprintf(path, sizeof path, "%s", sm_test_write("store.yaml", text));
    return path;
}

static const char *store_path(void) { return sm_test_tmp("out-store/remediation.sqlite"); }

static int store_cmd(const char *sub, const char *arg)
{
    char args[2048], copy[1024];
    snprintf(copy, sizeof copy, "%s", arg ? arg : ""); /* arg may be a testutil static buffer */
    snprintf(args, sizeof args, "store %s -q %s %s", sub, config(), copy);
    return sm_test_cli(args, err, sizeof err);
}

static long scalar(const char *sql)
{
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s.db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sm_store_close(&s);
    return v;
}

static int setup(void **state)
{
    sm_test_setup_gdal(state);
    sm_test_rmtree("out-store");
    if (store_cmd("init", NULL) != 0)
        fail_msg("store init: %s", err);
    return 0;
}

/* ---- init, the spatialite shell, coverage ---- */

static long csv_rows(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    long n = (long)OGR_L_GetFeatureCount(GDALDatasetGetLayer(ds, 0), TRUE);
    GDALClose(ds);
    return n;
}

static void test_init_opens_in_spatialite_shell(void **state)
{
    (void)state;
    long cases = csv_rows(sm_test_src("data/remediation/cases.csv"));
    assert_true(cases > 0);
    assert_int_equal(scalar("SELECT count(*) FROM cases"), cases);
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "spatialite -silent %s 'SELECT count(*) FROM cases WHERE ST_SRID(location) = 4326;' "
             ">%s",
             store_path(), sm_test_tmp("shell.out"));
    assert_int_equal(system(cmd), 0);
    char *out = sm_test_slurp(sm_test_tmp("shell.out"));
    assert_int_equal(atol(out), cases);
    free(out);
}

/* The UN members with a real case study, counted here from the CSVs. */
static int covered_un_members(void)
{
    GDALDatasetH c =
        GDALOpenEx(sm_test_src("data/remediation/countries.csv"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    GDALDatasetH k =
        GDALOpenEx(sm_test_src("data/remediation/cases.csv"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_true(c && k);
    int n = 0;
    OGRFeatureH f, g;
    OGRLayerH lc = GDALDatasetGetLayer(c, 0), lk = GDALDatasetGetLayer(k, 0);
    while ((f = OGR_L_GetNextFeature(lc))) {
        int member = !strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "un_member")), "yes");
        const char *iso3 = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "iso3"));
        int covered = 0;
        OGR_L_ResetReading(lk);
        while ((g = OGR_L_GetNextFeature(lk))) {
            covered |=
                !strcmp(OGR_F_GetFieldAsString(g, OGR_F_GetFieldIndex(g, "country")), iso3) &&
                !strcmp(OGR_F_GetFieldAsString(g, OGR_F_GetFieldIndex(g, "illustrative")), "no");
            OGR_F_Destroy(g);
        }
        n += member && covered;
        OGR_F_Destroy(f);
    }
    GDALClose(c), GDALClose(k);
    return n;
}

static void test_coverage(void **state)
{
    (void)state;
    assert_int_equal(store_cmd("coverage", NULL), 0);
    char *out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    int covered = covered_un_members();
    char expect[200];
    snprintf(expect, sizeof expect, "UN member states with a real case study: %d of 193 = %.1f %%",
             covered, 100.0 * covered / 193);
    if (!strstr(out, expect))
        fail_msg("coverage lacks '%s':\n%s", expect, out);
    print_message("%s\n", expect);
    free(out);
}

/* ---- list ---- */

/* The display column (code points, not bytes) where a line's byte i falls. */
static int display_column(const char *line, size_t i)
{
    int col = 0;
    for (size_t k = 0; k < i && line[k]; k++)
        col += ((unsigned char)line[k] & 0xC0) != 0x80;
    return col;
}

/* The byte of line at display column col, or NULL past its end. */
static const char *at_display_column(const char *line, int col)
{
    for (const char *p = line; *p && *p != '\n'; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && display_column(line, (size_t)(p - line)) == col)
            return p;
    return NULL;
}

/* Each data line has two spaces before where the header puts a column. */
static void expect_aligned(const char *what, const char *header, const char *line, int ncols,
                           const char *const *names)
{
    for (int c = 1; c < ncols; c++) {
        int col = display_column(header, (size_t)(strstr(header, names[c]) - header));
        const char *p = at_display_column(line, col - 2);
        if (!p || p[0] != ' ' || p[1] != ' ')
            fail_msg("store list %s: column '%s' misaligned in:\n%s\n%.*s", what, names[c], header,
                     (int)strcspn(line, "\n"), line);
    }
}

/* `store list WHAT`, its output cut at 1 MB so a runaway cannot fill the
 * disk; its exit code in *code. */
static char *list_output(const char *what, size_t *size, int *code)
{
    char cmd[4096];
    const char *out = sm_test_tmp("list.out"), *rc = sm_test_tmp("list.rc");
    snprintf(cmd, sizeof cmd, "(%s store list -q %s %s; echo $? >%s) | head -c 1000000 >%s",
             SM_BINARY, config(), what, rc, out);
    assert_int_equal(system(cmd), 0);
    char *text = sm_test_slurp(rc);
    *code = atoi(text);
    free(text);
    text = sm_test_slurp(out);
    *size = strlen(text);
    return text;
}

static void expect_table(const char *what, const char *count_sql, int ncols,
                         const char *const *names)
{
    size_t size;
    int code;
    char *text = list_output(what, &size, &code);
    long rows = scalar(count_sql);
    if (size > 400 * (size_t)(rows + 1))
        fail_msg("store list %s: %zu bytes for %ld rows", what, size, rows);
    assert_int_equal(code, 0);
    const char *header = text;
    for (int c = 0, at = 0; c < ncols; c++) { /* each header present, in order */
        const char *h = strstr(header + at, names[c]);
        if (!h || h - header > (long)strcspn(header, "\n"))
            fail_msg("store list %s: no column '%s' in the header:\n%.200s", what, names[c],
                     header);
        at = (int)(h - header) + (int)strlen(names[c]);
    }
    long lines = 0;
    for (const char *l = text; *l; lines++) {
        if (l != text)
            expect_aligned(what, header, l, ncols, names);
        l += strcspn(l, "\n");
        l += *l == '\n';
    }
    assert_int_equal(lines, rows + 1);
    free(text);
}

static void test_list_every_table(void **state)
{
    (void)state;
    const char *const tech[] = {"code",         "category",   "situ",
                                "nature_based", "cost_class", "env_score",
                                "social_score", "econ_score", "name"};
    const char *const cases[] = {"id", "country", "technology", "year", "illustrative", "title"};
    const char *const countries[] = {"iso3", "un_member", "cases", "region", "name"};
    const char *const contaminants[] = {"code", "group_code", "cas", "name"};
    const char *tech_count = "SELECT count(*) FROM technologies";
    expect_table("technologies", tech_count, 9, tech);
    expect_table("", tech_count, 9, tech); /* the default */
    expect_table("cases", "SELECT count(*) FROM cases", 6, cases);
    expect_table("countries", "SELECT count(*) FROM countries", 5, countries);
    expect_table("contaminants", "SELECT count(*) FROM contaminants", 4, contaminants);
}

/* ---- nearest cases ---- */

static void test_nearest_query_uses_spatial_index(void **state)
{
    (void)state;
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    char sql[2048];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", sm_store_nearest_sql);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s.db, sql, -1, &st, NULL), SQLITE_OK);
    int uses_index = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        print_message("plan: %s\n", detail);
        uses_index |= strstr(detail, "idx_cases_location") && strstr(detail, "VIRTUAL TABLE INDEX");
    }
    sqlite3_finalize(st);
    assert_true(uses_index);
    sm_store_close(&s);
}

static double great_circle_km(double lon1, double lat1, double lon2, double lat2)
{
    double r = M_PI / 180, a = sin((lat2 - lat1) * r / 2), b = sin((lon2 - lon1) * r / 2);
    double h = a * a + cos(lat1 * r) * cos(lat2 * r) * b * b;
    return 2 * 6371.0088 * asin(sqrt(h)); /* SpatiaLite's great circle uses the mean radius */
}

/* The search's answer equals a scan of every case of that technology. */
static void test_nearest_equals_brute_force(void **state)
{
    (void)state;
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    const char *tech = "phytoextraction";
    const double points[][2] = {{15.0, 50.0}, {-60.0, -10.0}, {179.5, -17.0}, {100.0, 30.0}};
    for (int p = 0; p < 4; p++) {
        sm_case_match m[3];
        int n = sm_store_nearest_cases(&s, points[p][0], points[p][1], tech, NULL, 3, m);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(s.db,
                                            "SELECT id, ST_X(location), ST_Y(location) FROM "
                                            "cases WHERE technology = ?1",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, tech, -1, SQLITE_STATIC);
        double best[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
        int total = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            double d = great_circle_km(points[p][0], points[p][1], sqlite3_column_double(st, 1),
                                       sqlite3_column_double(st, 2));
            total++;
            for (int i = 0; i < 3; i++)
                if (d < best[i]) {
                    for (int j = 2; j > i; j--)
                        best[j] = best[j - 1];
                    best[i] = d;
                    break;
                }
        }
        sqlite3_finalize(st);
        assert_int_equal(n, total < 3 ? total : 3);
        for (int i = 0; i < n; i++)
            if (fabs(m[i].distance_km - best[i]) > 1e-3 * best[i] + 1e-6)
                fail_msg("point %d, match %d: %s at %.3f km, brute force %.3f km", p, i, m[i].id,
                         m[i].distance_km, best[i]);
    }
    sm_store_close(&s);
}

/* Without a position (a site in local coordinates) the cases of the
 * technology come without distance: real ones before illustrative ones,
 * then by id, the first k of exactly that order. */
static void test_cases_without_position(void **state)
{
    (void)state;
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    const char *tech = "phytoextraction";
    sm_case_match m[3];
    int n = sm_store_nearest_cases(&s, NAN, NAN, tech, NULL, 3, m);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s.db,
                                        "SELECT id FROM cases WHERE technology = ?1 "
                                        "ORDER BY illustrative, id LIMIT 3",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, tech, -1, SQLITE_STATIC);
    int k = 0;
    for (; sqlite3_step(st) == SQLITE_ROW; k++) {
        assert_true(k < n);
        assert_string_equal(m[k].id, (const char *)sqlite3_column_text(st, 0));
        assert_true(isnan(m[k].distance_km));
    }
    sqlite3_finalize(st);
    assert_true(n > 0);
    assert_int_equal(n, k);
    sm_store_close(&s);
}

/* ---- imports ---- */

static const char header[] = "id,title,country,lon,lat,land_use,technology,year,area_ha,"
                             "volume_m3,cost_usd,duration_months,outcome,reference,illustrative\n";
static const char cc_header[] = "case_id,contaminant,initial_mg_kg,target_mg_kg,achieved_mg_kg\n";

static const char *survey(const char *name, const char *cases, const char *contaminants)
{
    char file[128], text[8192];
    snprintf(file, sizeof file, "%s_contaminants.csv", name);
    snprintf(text, sizeof text, "%s%s", cc_header, contaminants);
    sm_test_write(file, text);
    snprintf(file, sizeof file, "%s.csv", name);
    snprintf(text, sizeof text, "%s%s", header, cases);
    static char path[600];
    snprintf(path, sizeof path, "%s", sm_test_write(file, text));
    return path;
}

static char *file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static char *store_bytes(size_t *n) { return file_bytes(store_path(), n); }

static void test_import_is_idempotent(void **state)
{
    (void)state;
    const char *s = survey("good",
                           "T1,Illustrative: test one,CZE,15.0,50.0,agricultural,"
                           "phytoextraction,2020,2,,,36,,,yes\n"
                           "T2,Illustrative: test two,POL,19.0,52.0,industrial,"
                           "soil_washing,,,,,,,,yes\n",
                           "T1,cd,3,1,2\nT2,pb,800,,\nT2,zn,900,,\n");
    long before = scalar("SELECT count(*) FROM cases");
    assert_int_equal(store_cmd("import", s), 0);
    char *out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    assert_non_null(strstr(out, "2 cases (2 new, 0 updated), 3 contaminant rows"));
    free(out);
    assert_int_equal(store_cmd("export", sm_test_tmp("export-1")), 0);
    assert_int_equal(store_cmd("import", s), 0);
    out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    assert_non_null(strstr(out, "2 cases (0 new, 2 updated)"));
    free(out);
    assert_int_equal(store_cmd("export", sm_test_tmp("export-2")), 0);
    assert_int_equal(scalar("SELECT count(*) FROM cases"), before + 2);
    assert_int_equal(scalar("SELECT count(*) FROM case_contaminants WHERE case_id LIKE 'T_'"), 3);
    const char *tables[] = {"cases.csv", "case_contaminants.csv"};
    for (int i = 0; i < 2; i++) {
        char a[700], b[700];
        snprintf(a, sizeof a, "export-1/%s", tables[i]);
        snprintf(b, sizeof b, "export-2/%s", tables[i]);
        char *ta = sm_test_slurp(sm_test_tmp(a)), *tb = sm_test_slurp(sm_test_tmp(b));
        assert_non_null(ta);
        assert_string_equal(ta, tb); /* the second import changed nothing */
        free(ta), free(tb);
    }
}

/* Quotes, semicolons, SQL comments, NUL-free control characters and
 * non-ASCII text in every free-text field are kept as data. */
static void test_hostile_strings(void **state)
{
    (void)state;
    const char *id = "H'); DROP TABLE cases; --";
    const char *s =
        survey("hostile",
               "\"H'); DROP TABLE cases; --\",\"Robert'); DELETE FROM countries; --\","
               "CZE,15.1,50.1,other,phytoextraction,,,,,,\"\"\"; ATTACH '/tmp/x' AS y\","
               "\"Zürich ✓ \\\\ %s %n\",yes\n",
               "\"H'); DROP TABLE cases; --\",cd,1,,\n");
    assert_int_equal(store_cmd("import", s), 0);
    assert_true(scalar("SELECT count(*) FROM countries") > 200);
    sm_store st;
    assert_int_equal(sm_store_open(store_path(), 0, &st), 0);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(st.db,
                                        "SELECT title, outcome, reference FROM cases "
                                        "WHERE id = ?1",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(q, 0), "Robert'); DELETE FROM countries; --");
    assert_string_equal(sqlite3_column_text(q, 1), "\"; ATTACH '/tmp/x' AS y");
    assert_string_equal(sqlite3_column_text(q, 2), "Zürich ✓ \\\\ %s %n");
    sqlite3_finalize(q);
    sm_store_close(&st);
}

/* Each bad survey: exit 65, the row and reason in store-rejects.csv, and
 * the store's file unchanged byte for byte. */
static void expect_rejected(const char *cases, const char *contaminants, const char *reason)
{
    const char *s = survey("bad", cases, contaminants);
    size_t n1, n2;
    char *before = store_bytes(&n1);
    assert_int_equal(store_cmd("import", s), 65);
    char *after = store_bytes(&n2);
    assert_true(n1 == n2 && !memcmp(before, after, n1));
    char *rej = sm_test_slurp(sm_test_tmp("out-store/store-rejects.csv"));
    if (!rej || !strstr(rej, reason))
        fail_msg("store-rejects.csv lacks '%s':\n%s", reason, rej ? rej : "(missing)");
    if (!strstr(err, "nothing imported"))
        fail_msg("unexpected message: %s", err);
    free(before), free(after), free(rej);
}

static void test_bad_imports_change_nothing(void **state)
{
    (void)state;
    const char *ok_cc = "B1,cd,1,,\n";
    const char *row = "B1,Illustrative: b,CZE,15,50,agricultural,phytoextraction,2020,,,,,,,yes\n";
    expect_rejected("B1,Illustrative: b,XXX,15,50,agricultural,phytoextraction,,,,,,,,yes\n", ok_cc,
                    "'XXX' is not an ISO 3166-1 alpha-3 code");
    expect_rejected("B1,Illustrative: b,CZE,15,50,agricultural,magic,,,,,,,,yes\n", ok_cc,
                    "'magic' is not a technology");
    expect_rejected("B1,Illustrative: b,CZE,15,95,agricultural,phytoextraction,,,,,,,,yes\n", ok_cc,
                    "lat must be a latitude");
    expect_rejected("B1,Illustrative: b,CZE,-70,40,agricultural,phytoextraction,,,,,,,,yes\n",
                    ok_cc, "is outside CZE's bounding box");
    expect_rejected("B1,Illustrative: b,CZE,15,50,agricultural,phytoextraction,2020,-3,,,,,,yes\n",
                    ok_cc, "area_ha must be a number >= 0");
    expect_rejected("B1,Illustrative: b,CZE,15,50,agricultural,phytoextraction,1850,,,,,,,yes\n",
                    ok_cc, "year must be a whole year");
    expect_rejected("B1,Illustrative: b,CZE,15,50,agricultural,phytoextraction,,,,,,,,maybe\n",
                    ok_cc, "illustrative must be yes or no");
    expect_rejected("B1,Illustrative: b,CZE,15,50,moon,phytoextraction,,,,,,,,yes\n", ok_cc,
                    "land_use 'moon'");
    char twice[512];
    snprintf(twice, sizeof twice, "%s%s", row, row);
    expect_rejected(twice, ok_cc, "id repeats row 1");
    expect_rejected(row, "B2,cd,1,,\n", "case 'B2' is not in the survey's cases");
    expect_rejected(row, "B1,unobtainium,1,,\n", "'unobtainium' is not a contaminant code");
    expect_rejected(row, "B1,cd,-1,,\n", "initial_mg_kg must be a number >= 0");
    expect_rejected(row, "B1,cd,1,,\nB1,cd,2,,\n", "repeats row 1");
    expect_rejected(row, "", "no contaminant rows for this case");
}

/* The first row of PRAGMA quick_check, through SQLite alone. */
static char *quick_check(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL), SQLITE_OK);
    char *first = strdup(sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
                                                        : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return first;
}

/* A store whose middle page has its cell pointers overwritten: it opens
 * and reads its schema, but quick_check finds the damage. An import must
 * refuse it, name the store and leave it byte for byte as it was. */
/* A case study's land use matches whatever its case, and is stored as the
 * store names it (before: "Residential" was refused). */
static void test_import_land_use_any_case(void **state)
{
    (void)state;
    const char *s = survey("case",
                           "T3,Illustrative: test three,CZE,15.0,50.0,Residential,"
                           "phytoextraction,2021,1,,,12,,,yes\n",
                           "T3,pb,400,,\n");
    assert_int_equal(store_cmd("import", s), 0);
    assert_int_equal(scalar("SELECT count(*) FROM cases WHERE id = 'T3' AND land_use = "
                            "'residential'"),
                     1);
}

static void test_import_refuses_damaged_store(void **state)
{
    (void)state;
    const char *damaged = sm_test_tmp("out-store/damaged.sqlite");
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp %s %s", store_path(), damaged);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(damaged, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long pages = ftell(f) / 4096;
    fseek(f, pages / 2 * 4096 + 8, SEEK_SET); /* past a leaf page's 8-byte header */
    for (int i = 0; i < 32; i++)
        fputc(0xff, f);
    fclose(f);
    char *check = quick_check(damaged);
    assert_string_not_equal(check, "ok");
    free(check);
    sm_store s;
    assert_int_equal(sm_store_open(damaged, 0, &s), 0); /* the file still opens */
    sm_store_close(&s);

    char text[2048], path[700];
    snprintf(text, sizeof text,
             "project: store\noutput: %s\ncrs: EPSG:32633\ngrid: {resolution: 10}\n"
             "samples: {path: %s, crs: EPSG:4326, x: lon, y: lat, contaminants: {cd: Cd}}\n"
             "remediation: {store: %s}\n",
             sm_test_tmp("out-store"), sm_test_src("data/demo/samples.csv"), damaged);
    snprintf(path, sizeof path, "%s", sm_test_write("damaged.yaml", text));
    const char *survey_file = survey("ondamaged",
                                     "D1,Illustrative: d,CZE,15,50,agricultural,"
                                     "phytoextraction,,,,,,,,yes\n",
                                     "D1,cd,1,,\n");
    size_t n1, n2;
    char *before = file_bytes(damaged, &n1);
    char args[2048];
    snprintf(args, sizeof args, "store import -q %s %s", path, survey_file);
    int code = sm_test_cli(args, err, sizeof err);
    print_message("%s\n", err);
    if (code != 65 && code != 74)
        fail_msg("store import into a damaged store: exit %d: %s", code, err);
    if (!strstr(err, damaged) || !strstr(err, "quick_check"))
        fail_msg("the message names neither the store nor the check: %s", err);
    char *after = file_bytes(damaged, &n2);
    assert_true(n1 == n2 && !memcmp(before, after, n1));
    free(before), free(after);
}

/* A GeoPackage survey: points in another CRS (UTM 33N) become lon/lat. */
static void test_import_geopackage(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("survey.gpkg");
    remove(path);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH utm = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(utm, 32633);
    OGRLayerH cases = GDALDatasetCreateLayer(ds, "cases", utm, wkbPoint, NULL);
    OGRLayerH ccs = GDALDatasetCreateLayer(ds, "case_contaminants", NULL, wkbNone, NULL);
    OSRDestroySpatialReference(utm);
    const char *fields[] = {"id",      "title",     "country",     "land_use", "technology",
                            "year",    "area_ha",   "volume_m3",   "cost_usd", "duration_months",
                            "outcome", "reference", "illustrative"};
    for (unsigned i = 0; i < sizeof fields / sizeof *fields; i++) {
        OGRFieldDefnH f = OGR_Fld_Create(fields[i], OFTString);
        OGR_L_CreateField(cases, f, TRUE), OGR_Fld_Destroy(f);
    }
    for (int i = 0; i < 5; i++) {
        OGRFieldDefnH f = OGR_Fld_Create(i == 0   ? "case_id"
                                         : i == 1 ? "contaminant"
                                         : i == 2 ? "initial_mg_kg"
                                         : i == 3 ? "target_mg_kg"
                                                  : "achieved_mg_kg",
                                         i < 2 ? OFTString : OFTReal);
        OGR_L_CreateField(ccs, f, TRUE), OGR_Fld_Destroy(f);
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(cases));
    const char *vals[] = {"G1",
                          "Illustrative: gpkg",
                          "CZE",
                          "agricultural",
                          "phytoextraction",
                          "2019",
                          "",
                          "",
                          "",
                          "",
                          "",
                          "",
                          "yes"};
    for (unsigned i = 0; i < sizeof fields / sizeof *fields; i++)
        if (vals[i][0])
            OGR_F_SetFieldString(f, (int)i, vals[i]);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, 500000, 5540000); /* 15.000 E, 50.01 N */
    OGR_F_SetGeometryDirectly(f, pt);
    assert_int_equal(OGR_L_CreateFeature(cases, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    f = OGR_F_Create(OGR_L_GetLayerDefn(ccs));
    OGR_F_SetFieldString(f, 0, "G1"), OGR_F_SetFieldString(f, 1, "cd");
    OGR_F_SetFieldDouble(f, 2, 2.5);
    assert_int_equal(OGR_L_CreateFeature(ccs, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    GDALClose(ds);
    assert_int_equal(store_cmd("import", path), 0);
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s.db,
                                        "SELECT ST_X(location), ST_Y(location) FROM cases "
                                        "WHERE id = 'G1'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(fabs(sqlite3_column_double(st, 0) - 15.0) < 1e-6); /* central meridian */
    assert_true(fabs(sqlite3_column_double(st, 1) - 50.0) < 0.1);
    sqlite3_finalize(st);
    sm_store_close(&s);
    assert_int_equal(scalar("SELECT count(*) FROM case_contaminants WHERE case_id = 'G1'"), 1);
}

/* A survey big enough to take a few seconds; SIGKILL once it is writing. */
static const char *big_survey(int n)
{
    FILE *c = fopen(sm_test_tmp("big.csv"), "w"),
         *k = fopen(sm_test_tmp("big_contaminants.csv"), "w");
    assert_true(c && k);
    fputs(header, c), fputs(cc_header, k);
    for (int i = 0; i < n; i++) {
        fprintf(
            c,
            "K%06d,Illustrative: bulk %d,CZE,%.4f,%.4f,agricultural,phytoextraction,,,,,,,,yes\n",
            i, i, 13.0 + (i % 500) * 0.01, 49.0 + (i / 500) * 0.001);
        fprintf(k, "K%06d,cd,%d,,\n", i, 1 + i % 7);
    }
    fclose(c), fclose(k);
    return sm_test_tmp("big.csv");
}

static void test_killed_import_leaves_store_as_it_was(void **state)
{
    (void)state;
    long cases = scalar("SELECT count(*) FROM cases");
    char cmd[4096];
    const char *progress = sm_test_tmp("kill.progress");
    snprintf(cmd, sizeof cmd,
             "%s store import --json-progress %s %s >%s 2>/dev/null & pid=$!; "
             "for i in $(seq 1 3000); do grep -q '\"store\"' %s && break; sleep 0.01; done; "
             "kill -KILL $pid; wait $pid; test $? -eq 137",
             SM_BINARY, config(), big_survey(100000), progress, progress);
    assert_int_equal(system(cmd), 0);
    char *p = sm_test_slurp(progress);
    assert_non_null(strstr(p, "\"store\"")); /* it was killed while writing */
    assert_null(strstr(p, "\"progress\":1.000"));
    free(p);
    assert_int_equal(scalar("SELECT count(*) FROM cases"), cases);
    assert_int_equal(scalar("SELECT count(*) FROM cases WHERE id LIKE 'K%'"), 0);
    sm_store s;
    assert_int_equal(sm_store_open(store_path(), 0, &s), 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s.db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sm_store_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_opens_in_spatialite_shell),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_list_every_table),
        cmocka_unit_test(test_nearest_query_uses_spatial_index),
        cmocka_unit_test(test_nearest_equals_brute_force),
        cmocka_unit_test(test_cases_without_position),
        cmocka_unit_test(test_import_is_idempotent),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_import_geopackage),
        cmocka_unit_test(test_bad_imports_change_nothing),
        cmocka_unit_test(test_import_land_use_any_case),
        cmocka_unit_test(test_import_refuses_damaged_store),
        cmocka_unit_test(test_killed_import_leaves_store_as_it_was),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
