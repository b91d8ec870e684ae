/* End to end: the run report. The shipped demo config (with a hostile value
 * planted in a copy of its samples, and a hostile project name) and the
 * Meuse config run in a scratch folder as tests/e2e/test_demo.c runs them;
 * then sm_report_write writes report.html, which is parsed as XML (the page
 * is polyglot HTML) and checked against the run's own files: variogram
 * points against variogram/<c>.json, quicklooks decoded as PNG, hotspot and
 * recommendation rows against hotspots.gpkg, cross-validation figures
 * against run.json, no external URL, every hostile string escaped, and the
 * sections the Meuse config has no products for said to be absent; the
 * settings section against run.json and the config, the areas above each
 * tier against the class rasters, the original-scale cross-validation, the
 * directional variograms, and the maps' sample points and scale bars. */
#define _GNU_SOURCE /* strcasestr */
#include "config/config.h"
#include "core/error.h"
#include "core/outfile.h"
#include "publish/report.h"
#include "testutil.h"

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <dirent.h>
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char HOSTILE[] = "<script>alert(1)</script>";
static const char HOSTILE_PROJECT[] = "demo <i>&</i>";

typedef struct {
    const char *from, *to;
} subst;

typedef struct {
    char out[600]; /* the run's output folder */
    char *html;
    CPLXMLNode *doc;
} page;

static page demo_page, meuse_page;

/* ---- running a shipped config in the scratch folder ---- */

/* text with every occurrence of from (which must occur) replaced; frees text */
static char *replace_all(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    if (!at)
        fail_msg("'%s' not found", from);
    for (; at; at = strstr(at, from)) {
        size_t n = strlen(text) + strlen(to) + 1, offset = at - text + strlen(to);
        char *next = malloc(n);
        snprintf(next, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
        free(text);
        text = next, at = text + offset;
    }
    return text;
}

/* The shipped config with the substitutions, run from scratch (`store init
 * --force` first when it has a remediation section); returns its path. */
static const char *run_config(const char *name, const char *shipped, const subst *s, int n)
{
    static char config[600];
    char *text = sm_test_slurp(sm_test_src(shipped)), file[128], args[800], err[1024];
    for (int i = 0; i < n; i++)
        text = replace_all(text, s[i].from, s[i].to);
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(config, sizeof config, "%s", sm_test_write(file, text));
    int rc = 0;
    if (strstr(text, "\nremediation:")) {
        snprintf(args, sizeof args, "store init --force -q %s", config);
        rc = sm_test_cli(args, err, sizeof err);
    }
    free(text);
    snprintf(args, sizeof args, "run -q %s", config);
    if (rc == 0)
        rc = sm_test_cli(args, err, sizeof err);
    if (rc)
        fail_msg("%s: exit %d: %s", name, rc, err);
    return config;
}

/* The config's report, written by the library function and parsed. */
static void build_page(page *p, const char *config)
{
    sm_config cfg;
    if (sm_config_load(config, &cfg) != SM_OK)
        fail_msg("%s", sm_error_message());
    snprintf(p->out, sizeof p->out, "%s", cfg.output);
    char path[700];
    snprintf(path, sizeof path, "%s/report.html", p->out);
    if (sm_report_write(&cfg, path) != SM_OK)
        fail_msg("sm_report_write: %s", sm_error_message());
    sm_config_free(&cfg);
    p->html = sm_test_slurp(path);
    assert_non_null(p->html);
    p->doc = CPLParseXMLString(p->html);
    if (!p->doc)
        fail_msg("%s is not well-formed: %s", path, CPLGetLastErrorMsg());
}

/* A copy of the demo samples whose unreadable Cd value "see note" is a
 * script instead: rejected, it appears in the report's rejects table. */
static const char *hostile_samples(void)
{
    static char path[600];
    char *text = sm_test_slurp(sm_test_src("data/demo/samples.csv"));
    text = replace_all(text, "see note", HOSTILE);
    snprintf(path, sizeof path, "%s", sm_test_write("hostile-samples.csv", text));
    free(text);
    return path;
}

static const page *demo(void)
{
    if (demo_page.html)
        return &demo_page;
    char data[600], ccme[600], out[600], store[600], project[128];
    snprintf(data, sizeof data, "%s/", sm_test_src("data"));
    snprintf(ccme, sizeof ccme, "%s", sm_test_src("configs/thresholds/ccme.csv"));
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-demo"));
    snprintf(store, sizeof store, "%s", sm_test_tmp("store.sqlite"));
    snprintf(project, sizeof project, "project: \"%s\"", HOSTILE_PROJECT);
    sm_test_rmtree("out-demo");
    const subst s[] = {{"../data/demo/samples.csv", hostile_samples()},
                       {"project: demo", project},
                       {"../data/", data},
                       {"thresholds/ccme.csv", ccme},
                       {"../out/demo", out},
                       {"../out/remediation.sqlite", store}};
    build_page(&demo_page, run_config("demo", "configs/demo.yaml", s, 6));
    return &demo_page;
}

static const page *meuse(void)
{
    if (meuse_page.html)
        return &meuse_page;
    char data[600], table[600], out[600];
    snprintf(data, sizeof data, "%s/", sm_test_src("data"));
    snprintf(table, sizeof table, "%s", sm_test_src("configs/thresholds/netherlands.csv"));
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-meuse"));
    sm_test_rmtree("out-meuse");
    /* directional variograms too, for the report to plot */
    const subst s[] = {{"../data/", data},
                       {"thresholds/netherlands.csv", table},
                       {"../out/meuse", out},
                       {"    model: Sph", "    directions: [0, 90]\n    model: Sph"}};
    build_page(&meuse_page, run_config("meuse", "configs/meuse.yaml", s, 4));
    return &meuse_page;
}

static const char *out_file(const page *p, const char *file)
{
    static char buf[4][800];
    static int slot;
    char *b = buf[slot++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", p->out, file);
    return b;
}

/* ---- the parsed page ---- */

static const char *attr(const CPLXMLNode *n, const char *name)
{
    for (const CPLXMLNode *c = n->psChild; c; c = c->psNext)
        if (c->eType == CXT_Attribute && strcmp(c->pszValue, name) == 0)
            return c->psChild ? c->psChild->pszValue : "";
    return NULL;
}

static int has_class(const CPLXMLNode *n, const char *cls)
{
    const char *a = attr(n, "class");
    size_t len = strlen(cls);
    for (const char *p = a ? strstr(a, cls) : NULL; p; p = strstr(p + 1, cls))
        if ((p == a || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
            return 1;
    return 0;
}

static int matches(const CPLXMLNode *n, const char *tag, const char *cls)
{
    return n->eType == CXT_Element && strcmp(n->pszValue, tag) == 0 && (!cls || has_class(n, cls));
}

/* The first element (depth first, from n and its siblings) with this id. */
static const CPLXMLNode *by_id(const CPLXMLNode *n, const char *id)
{
    for (; n; n = n->psNext) {
        if (n->eType != CXT_Element)
            continue;
        const char *a = attr(n, "id");
        if (a && strcmp(a, id) == 0)
            return n;
        const CPLXMLNode *found = by_id(n->psChild, id);
        if (found)
            return found;
    }
    return NULL;
}

/* The <html> element (the document's first node is the doctype). */
static const CPLXMLNode *html(const page *p)
{
    for (const CPLXMLNode *n = p->doc; n; n = n->psNext)
        if (matches(n, "html", NULL))
            return n;
    fail_msg("no html element");
    return NULL;
}

static const CPLXMLNode *must_id(const page *p, const char *id)
{
    const CPLXMLNode *n = by_id(p->doc, id);
    if (!n)
        fail_msg("no element with id %s", id);
    return n;
}

/* The first element named tag (with class cls unless NULL) under n's children. */
static const CPLXMLNode *find(const CPLXMLNode *n, const char *tag, const char *cls)
{
    for (n = n->psChild; n; n = n->psNext) {
        if (matches(n, tag, cls))
            return n;
        const CPLXMLNode *found = n->eType == CXT_Element ? find(n, tag, cls) : NULL;
        if (found)
            return found;
    }
    return NULL;
}

/* Elements named tag (with class cls unless NULL) at any depth under n. */
static int count(const CPLXMLNode *n, const char *tag, const char *cls)
{
    int k = 0;
    for (n = n->psChild; n; n = n->psNext)
        if (n->eType == CXT_Element)
            k += matches(n, tag, cls) + count(n, tag, cls);
    return k;
}

static const char *text_of(const CPLXMLNode *n)
{
    for (const CPLXMLNode *c = n ? n->psChild : NULL; c; c = c->psNext)
        if (c->eType == CXT_Text)
            return c->pszValue;
    return "";
}

static int body_rows(const CPLXMLNode *table)
{
    const CPLXMLNode *tbody = find(table, "tbody", NULL);
    return tbody ? count(tbody, "tr", NULL) : 0;
}

/* The text of cell col of body row `row` of a table. */
static const char *cell(const CPLXMLNode *table, int row, int col)
{
    const CPLXMLNode *tr = find(table, "tbody", NULL);
    tr = tr ? tr->psChild : NULL;
    for (; tr && (tr->eType != CXT_Element || row-- > 0); tr = tr->psNext)
        ;
    const CPLXMLNode *td = tr ? tr->psChild : NULL;
    for (; td && (td->eType != CXT_Element || col-- > 0); td = td->psNext)
        ;
    return td ? text_of(td) : NULL;
}

/* ---- the page is well-formed, offline and escapes what it shows ---- */

typedef struct {
    int images;
    const char *bad;
} walk_state;

static void check_urls(const CPLXMLNode *n, walk_state *w)
{
    static const char *const attrs[] = {"src", "href", "xlink:href", "data", "action", "poster"};
    for (; n; n = n->psNext) {
        if (n->eType != CXT_Element)
            continue;
        if (!strcasecmp(n->pszValue, "script") || !strcasecmp(n->pszValue, "link") ||
            !strcasecmp(n->pszValue, "iframe"))
            w->bad = n->pszValue;
        for (unsigned i = 0; i < sizeof attrs / sizeof *attrs; i++) {
            const char *v = attr(n, attrs[i]);
            if (v && (!strncasecmp(v, "http:", 5) || !strncasecmp(v, "https:", 6) ||
                      !strncmp(v, "//", 2)))
                w->bad = v;
        }
        w->images += strcmp(n->pszValue, "img") == 0;
        check_urls(n->psChild, w);
    }
}

static int entity_ok(const char *s)
{
    static const char *const named[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&#"};
    for (unsigned i = 0; i < sizeof named / sizeof *named; i++)
        if (!strncmp(s, named[i], strlen(named[i])))
            return 1;
    return 0;
}

static void assert_offline_and_clean(const page *p)
{
    walk_state w = {0, NULL};
    check_urls(p->doc, &w);
    if (w.bad)
        fail_msg("external reference or active element: %s", w.bad);
    assert_true(w.images > 0);
    for (const char *s = strchr(p->html, '&'); s; s = strchr(s + 1, '&'))
        if (!entity_ok(s))
            fail_msg("a raw '&': %.40s", s);
    for (const char *s = p->html; (s = strcasestr(s, "<script")); s++)
        fail_msg("a script element: %.60s", s);
    assert_null(strstr(p->html, "src=\"http"));
    assert_null(strstr(p->html, "href=\"http"));
    assert_null(strstr(p->html, "url(http"));
    DIR *d = opendir(p->out); /* written atomically: no temporary left behind */
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, ".tmp-", 5))
            fail_msg("temporary left: %s", e->d_name);
    closedir(d);
}

static void test_report_is_well_formed_and_offline(void **state)
{
    (void)state;
    assert_offline_and_clean(demo());
    assert_offline_and_clean(meuse());
    assert_non_null(strstr(demo()->html, "<!DOCTYPE html>"));
}

/* Strings from the data are shown as text, never as markup. */
static void test_hostile_strings_escaped(void **state)
{
    (void)state;
    const page *p = demo();
    const CPLXMLNode *rejects = must_id(p, "rejects");
    int found = 0;
    for (int r = 0; r < body_rows(rejects); r++)
        found += strcmp(cell(rejects, r, 3), HOSTILE) == 0; /* the value column, decoded */
    assert_int_equal(found, 1);
    assert_non_null(strstr(p->html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(p->html, "<title>demo &lt;i&gt;&amp;&lt;/i&gt;"));
    assert_null(strstr(p->html, HOSTILE_PROJECT));
}

/* ---- the run and ingest summaries ---- */

static void test_run_and_ingest_summary(void **state)
{
    (void)state;
    const page *p = demo();
    json_object *run = json_object_from_file(out_file(p, "run.json"));
    assert_non_null(run);
    assert_int_equal(body_rows(must_id(p, "stages")),
                     json_object_object_length(sm_test_json(run, "stages")));
    const CPLXMLNode *versions = must_id(p, "versions");
    int gdal = 0;
    for (int r = 0; r < body_rows(versions); r++)
        gdal += !strcmp(cell(versions, r, 0), "GDAL") &&
                !strcmp(cell(versions, r, 1),
                        json_object_get_string(sm_test_json(run, "versions.GDAL")));
    assert_int_equal(gdal, 1);
    sm_test_table rejects;
    sm_test_read_csv(out_file(p, "rejects.csv"), &rejects);
    assert_int_equal(body_rows(must_id(p, "rejects")), rejects.nrows);
    /* a line per row rejected and per value rejected in a row that was kept */
    assert_int_equal(rejects.nrows,
                     json_object_get_int(sm_test_json(run, "stages.ingest.rows_rejected")) +
                         json_object_get_int(sm_test_json(run, "stages.ingest.values_rejected")));
    sm_test_table_free(&rejects);
    json_object_put(run);
}

/* ---- per contaminant ---- */

static const char *const demo_metals[] = {"cd", "pb", "zn", "as"};
static const char *const meuse_metals[] = {"cd", "cu", "pb", "zn"};

/* One point per lag with pairs, each labelled with its count, and the
 * fitted model named in the title. */
static void check_variogram(const page *p, const char *c)
{
    char file[64], id[64];
    snprintf(file, sizeof file, "variogram/%s.json", c);
    snprintf(id, sizeof id, "variogram-%s", c);
    json_object *vg = json_object_from_file(out_file(p, file));
    assert_non_null(vg);
    json_object *lags = sm_test_json(vg, "lags");
    int with_pairs = 0;
    for (size_t i = 0; i < json_object_array_length(lags); i++)
        with_pairs +=
            json_object_get_int64(sm_test_json(json_object_array_get_idx(lags, i), "np")) > 0;
    const CPLXMLNode *svg = must_id(p, id);
    assert_true(with_pairs > 3);
    assert_int_equal(count(svg, "circle", "lag"), with_pairs);
    assert_int_equal(count(svg, "text", "np"), with_pairs);
    assert_int_equal(count(svg, "polyline", "model"), 1);
    json_object *model = sm_test_json(vg, "model");
    const char *last = json_object_get_string(sm_test_json(
        json_object_array_get_idx(model, json_object_array_length(model) - 1), "model"));
    assert_non_null(strstr(text_of(find(svg, "title", NULL)), last));
    json_object_put(vg);
}

static void test_variograms(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        check_variogram(demo(), demo_metals[i]);
        check_variogram(meuse(), meuse_metals[i]);
    }
}

/* The table shows run.json's figures, to four significant digits. */
static void check_cv(const page *p, const char *c)
{
    static const char *const keys[] = {"mean_error", "mae", "rmse", "msdr", "r2"};
    static const char *const classes[] = {"me", "mae", "rmse", "msdr", "r2"};
    char path[160], id[64], want[64];
    snprintf(id, sizeof id, "cv-%s", c);
    json_object *run = json_object_from_file(out_file(p, "run.json"));
    const CPLXMLNode *table = must_id(p, id);
    assert_int_equal(body_rows(table), 1);
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "stages.interpolate.contaminants.%s.cross_validation.%s", c,
                 keys[k]);
        snprintf(want, sizeof want, "%.4g", json_object_get_double(sm_test_json(run, path)));
        const CPLXMLNode *td = find(table, "td", classes[k]);
        assert_non_null(td);
        assert_string_equal(text_of(td), want);
    }
    /* log transform (both configs): the original-scale figures too */
    snprintf(id, sizeof id, "cv-original-%s", c);
    table = must_id(p, id);
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path,
                 "stages.interpolate.contaminants.%s.cross_validation_original.%s", c, keys[k]);
        json_object *v = sm_test_json(run, path);
        if (k == 3)
            snprintf(want, sizeof want, "\xe2\x80\x93"); /* no MSDR: a dash */
        else
            snprintf(want, sizeof want, "%.4g", json_object_get_double(v));
        assert_string_equal(text_of(find(table, "td", classes[k])), want);
    }
    snprintf(path, sizeof path, "stages.interpolate.contaminants.%s.cross_validation.rmse", c);
    double log_rmse = json_object_get_double(sm_test_json(run, path));
    snprintf(path, sizeof path, "stages.interpolate.contaminants.%s.cross_validation_original.rmse",
             c);
    assert_true(json_object_get_double(sm_test_json(run, path)) != log_rmse);
    snprintf(id, sizeof id, "cv-scatter-%s", c); /* one point per cross-validated sample */
    char layer[32];
    snprintf(layer, sizeof layer, "cv_%s", c);
    assert_int_equal(count(must_id(p, id), "circle", "cv"),
                     sm_test_feature_count(out_file(p, "samples.gpkg"), layer));
    json_object_put(run);
}

static void test_cross_validation_tables(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        check_cv(demo(), demo_metals[i]);
        check_cv(meuse(), meuse_metals[i]);
    }
}

static void assert_png(const char *src)
{
    static const char prefix[] = "data:image/png;base64,";
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(strncmp(src, prefix, strlen(prefix)) == 0);
    char *b = CPLStrdup(src + strlen(prefix));
    int n = CPLBase64DecodeInPlace((GByte *)b);
    assert_true(n > 8 && memcmp(b, signature, 8) == 0);
    VSIFCloseL(VSIFileFromMemBuffer("/vsimem/test-report.png", (GByte *)b, n, FALSE));
    GDALDatasetH ds = GDALOpen("/vsimem/test-report.png", GA_ReadOnly);
    assert_non_null(ds);
    assert_true(GDALGetRasterXSize(ds) <= 600 && GDALGetRasterYSize(ds) <= 600);
    assert_int_equal(GDALGetRasterCount(ds), 4); /* RGBA: nodata is see-through */
    GDALClose(ds);
    VSIUnlink("/vsimem/test-report.png");
    CPLFree(b);
}

/* Surface, probability and classes for each contaminant, each a PNG with
 * a legend. */
static void check_quicklooks(const page *p, const char *c)
{
    static const char *const kinds[] = {"surface", "probability", "classes"};
    for (int k = 0; k < 3; k++) {
        char id[64];
        snprintf(id, sizeof id, "map-%s-%s", c, kinds[k]);
        const CPLXMLNode *img = must_id(p, id);
        assert_string_equal(img->pszValue, "img");
        assert_png(attr(img, "src"));
        snprintf(id, sizeof id, "legend-map-%s-%s", c, kinds[k]);
        assert_true(count(must_id(p, id), "rect", NULL) >= 2);
    }
}

static void test_quicklooks_are_png(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        check_quicklooks(demo(), demo_metals[i]);
        check_quicklooks(meuse(), meuse_metals[i]);
    }
    assert_int_equal(count(html(demo()), "img", "quicklook"), 12);
}

/* ---- hotspots, recommendations, screening ---- */

static long layer_rows(const page *p, const char *layer)
{
    return sm_test_feature_count(out_file(p, "hotspots.gpkg"), layer);
}

static void test_hotspot_table(void **state)
{
    (void)state;
    const page *p[] = {demo(), meuse()};
    for (int i = 0; i < 2; i++) {
        long n = layer_rows(p[i], "hotspots");
        assert_true(n > 0);
        assert_int_equal(body_rows(must_id(p[i], "hotspots")), n);
        assert_string_equal(cell(must_id(p[i], "hotspots"), 0, 0), "1");
    }
}

/* One table per hotspot, together holding every recommendation, and one
 * action-plan checklist per hotspot. */
static void test_recommendations(void **state)
{
    (void)state;
    const page *p = demo();
    long hotspots = layer_rows(p, "hotspots"), rows = 0;
    for (long id = 1; id <= hotspots; id++) {
        char table[64];
        snprintf(table, sizeof table, "recommendations-%ld", id);
        rows += body_rows(must_id(p, table));
    }
    assert_int_equal(rows, layer_rows(p, "recommendations"));
    const CPLXMLNode *section = must_id(p, "remediation");
    assert_int_equal(count(section, "ul", "checklist"), layer_rows(p, "action_plans"));
    assert_true(count(section, "li", NULL) >= 6 * hotspots);
}

static void test_screening_top_list(void **state)
{
    (void)state;
    const page *p = demo();
    const CPLXMLNode *table = must_id(p, "screening");
    assert_int_equal(body_rows(table), 20); /* the demo registry has 50 sites */
    GDALDatasetH ds =
        GDALOpenEx(out_file(p, "sites_screened.csv"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRFeatureH first = OGR_L_GetNextFeature(GDALDatasetGetLayer(ds, 0));
    assert_string_equal(cell(table, 0, 1),
                        OGR_F_GetFieldAsString(first, OGR_F_GetFieldIndex(first, "site_id")));
    int priority = OGR_F_GetFieldIndex(first, "priority_class");
    assert_string_equal(cell(table, 0, 4), OGR_F_GetFieldAsString(first, priority));
    OGR_F_Destroy(first);
    GDALClose(ds);
}

/* Meuse has no remediation and no screening: each says so in one line. */
static void test_absent_sections(void **state)
{
    (void)state;
    const page *p = meuse();
    const char *const absent[] = {"remediation", "screening"};
    for (int i = 0; i < 2; i++) {
        const CPLXMLNode *section = must_id(p, absent[i]);
        assert_int_equal(count(section, "p", "absent"), 1);
        assert_int_equal(count(section, "table", NULL), 0);
        assert_non_null(strstr(text_of(find(section, "p", "absent")), "no "));
    }
    assert_int_equal(count(must_id(p, "hotspots"), "p", "absent"), 0);
}

/* Without run.json there is nothing to report: SM_ENOINPUT, and no file. */
static void test_missing_run_json(void **state)
{
    (void)state;
    sm_config cfg;
    meuse(); /* writes meuse.yaml */
    assert_int_equal(sm_config_load(sm_test_tmp("meuse.yaml"), &cfg), SM_OK);
    char *saved = cfg.output, empty[600], path[700];
    snprintf(empty, sizeof empty, "%s", sm_test_tmp("empty-out"));
    sm_test_rmtree("empty-out");
    assert_int_equal(sm_make_dirs(empty), SM_OK);
    cfg.output = empty;
    snprintf(path, sizeof path, "%s/report.html", empty);
    assert_int_equal(sm_report_write(&cfg, path), SM_ENOINPUT);
    assert_non_null(strstr(sm_error_message(), "run.json"));
    assert_null(sm_test_slurp(path));
    cfg.output = saved;
    sm_config_free(&cfg);
}

/* ---- settings, areas, directional variograms, map overlays ---- */

static json_object *run_json(const page *p)
{
    return json_object_from_file(out_file(p, "run.json"));
}

static double run_num(json_object *run, const char *fmt, const char *c)
{
    char path[256];
    snprintf(path, sizeof path, fmt, c);
    return json_object_get_double(sm_test_json(run, path));
}

/* The model as the test reckons gstat writes it, from run.json. */
static void model_text(json_object *model, char *buf, size_t size)
{
    size_t used = 0;
    for (size_t i = 0; i < json_object_array_length(model); i++) {
        json_object *m = json_object_array_get_idx(model, i);
        const char *type = json_object_get_string(sm_test_json(m, "model"));
        double psill = json_object_get_double(sm_test_json(m, "psill"));
        used += (size_t)snprintf(buf + used, size - used, "%s%.3g %s", i ? " + " : "", psill, type);
        if (strcmp(type, "Nug"))
            used += (size_t)snprintf(buf + used, size - used, "(%.4g)",
                                     json_object_get_double(sm_test_json(m, "range")));
    }
}

static void test_settings_section(void **state)
{
    (void)state;
    const page *p = demo();
    json_object *run = run_json(p);
    const CPLXMLNode *grid = must_id(p, "settings-grid");
    assert_string_equal(cell(grid, 0, 1), "EPSG:32633");
    assert_string_equal(cell(grid, 1, 1), "10");
    assert_string_equal(cell(grid, 4, 1), "600 \xc3\x97 500 = 300000");
    const CPLXMLNode *interp = must_id(p, "settings-interpolation");
    assert_int_equal(body_rows(interp), 4);
    for (int i = 0; i < 4; i++) {
        char path[128], want[256];
        snprintf(path, sizeof path, "stages.interpolate.contaminants.%s.model", demo_metals[i]);
        model_text(sm_test_json(run, path), want, sizeof want);
        assert_string_equal(cell(interp, i, 0), demo_metals[i]);
        assert_string_equal(cell(interp, i, 1), "mg/kg");
        assert_string_equal(cell(interp, i, 3), "32");
        assert_string_equal(cell(interp, i, 4), "4");
        assert_string_equal(cell(interp, i, 5), "2500");
        assert_string_equal(cell(interp, i, 7), want);
    }
    /* a row per contaminant and land-use class, each value as classify used it */
    const CPLXMLNode *gl = must_id(p, "settings-guidelines");
    assert_int_equal(body_rows(gl), 16);
    assert_string_equal(cell(gl, 0, 1), "agricultural");
    char want[32];
    json_object *bands =
        sm_test_json(run, "stages.classify.contaminants.cd.guideline_values.agricultural.bands");
    json_object *values = sm_test_json(json_object_array_get_idx(bands, 0), "values");
    snprintf(want, sizeof want, "%.4g",
             json_object_get_double(json_object_array_get_idx(values, 0)));
    assert_string_equal(cell(gl, 0, 4), want);
    assert_string_equal(want, "1.4"); /* CCME's agricultural cadmium */
    json_object_put(run);
}

/* Cells of value >= t in a class raster. */
static long cells_at_least(const char *path, int t)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    unsigned char *v = malloc((size_t)w * h);
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, w, h, v, w, h, GDT_Byte, 0, 0),
        CE_None);
    long n = 0;
    for (size_t i = 0; i < (size_t)w * h; i++)
        n += v[i] >= t && v[i] != 255;
    free(v);
    GDALClose(ds);
    return n;
}

static const CPLXMLNode *foot_row(const CPLXMLNode *table)
{
    const CPLXMLNode *tfoot = find(table, "tfoot", NULL);
    assert_non_null(tfoot);
    return find(tfoot, "tr", NULL);
}

static const char *foot_cell(const CPLXMLNode *table, int col)
{
    const CPLXMLNode *td = foot_row(table)->psChild;
    for (; td && (td->eType != CXT_Element || col-- > 0); td = td->psNext)
        ;
    return td ? text_of(td) : NULL;
}

/* The area above each tier, summed over the land uses, is the class
 * raster's cells above it times the cell area. */
static void check_areas(const page *p, const char *c, int ntiers, int n_landuse)
{
    char id[64], file[64], want[32];
    snprintf(id, sizeof id, "areas-%s", c);
    snprintf(file, sizeof file, "classes/%s_class.tif", c);
    const CPLXMLNode *table = must_id(p, id);
    assert_int_equal(body_rows(table), n_landuse);
    json_object *run = run_json(p);
    double ha = run_num(run, "stages.classify.cell_area_ha%s", "");
    for (int t = 1; t <= ntiers; t++) {
        long above = cells_at_least(out_file(p, file), t);
        snprintf(want, sizeof want, above * ha >= 1e4 ? "%.0f" : "%.4g", above * ha);
        assert_string_equal(foot_cell(table, 2 * t), want);
    }
    long all = cells_at_least(out_file(p, file), 0);
    snprintf(want, sizeof want, all * ha >= 1e4 ? "%.0f" : "%.4g", all * ha);
    assert_string_equal(foot_cell(table, 1), want);
    json_object_put(run);
}

static void test_tier_areas(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        check_areas(demo(), demo_metals[i], 1, 4);
        check_areas(meuse(), meuse_metals[i], 2, 1);
    }
    /* the demo's cadmium lies above its guideline somewhere: the check is not 0 = 0 */
    assert_true(cells_at_least(out_file(demo(), "classes/cd_class.tif"), 1) > 0);
}

/* Meuse asks for directions 0 and 90: a line and points for each. */
static void test_directional_variograms(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        char id[64];
        snprintf(id, sizeof id, "variogram-%s", meuse_metals[i]);
        const CPLXMLNode *svg = must_id(meuse(), id);
        assert_int_equal(count(svg, "polyline", "dir"), 2);
        assert_int_equal(count(svg, "text", "dir-legend"), 2);
        assert_true(count(svg, "circle", "lag-dir") > 4);
        snprintf(id, sizeof id, "variogram-%s", demo_metals[i]);
        assert_int_equal(count(must_id(demo(), id), "polyline", "dir"), 0);
    }
}

/* Each map of a contaminant has its samples as points and a scale bar. */
static void test_map_overlays(void **state)
{
    (void)state;
    const page *p = demo();
    json_object *run = run_json(p);
    for (int i = 0; i < 4; i++) {
        char id[64];
        snprintf(id, sizeof id, "c-%s", demo_metals[i]);
        const CPLXMLNode *sec = must_id(p, id);
        long n = (long)run_num(run, "stages.ingest.contaminants_mg_per_kg.%s.n", demo_metals[i]);
        assert_int_equal(count(sec, "svg", "overlay"), 3);
        assert_int_equal(count(sec, "g", "scalebar"), 3);
        assert_int_equal(count(sec, "circle", "sample"), 3 * n);
    }
    json_object_put(run);
}

static int teardown(void **state)
{
    (void)state;
    page *pages[] = {&demo_page, &meuse_page};
    for (int i = 0; i < 2; i++) {
        CPLDestroyXMLNode(pages[i]->doc);
        free(pages[i]->html);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_is_well_formed_and_offline),
        cmocka_unit_test(test_hostile_strings_escaped),
        cmocka_unit_test(test_run_and_ingest_summary),
        cmocka_unit_test(test_variograms),
        cmocka_unit_test(test_cross_validation_tables),
        cmocka_unit_test(test_quicklooks_are_png),
        cmocka_unit_test(test_hotspot_table),
        cmocka_unit_test(test_recommendations),
        cmocka_unit_test(test_screening_top_list),
        cmocka_unit_test(test_absent_sections),
        cmocka_unit_test(test_missing_run_json),
        cmocka_unit_test(test_settings_section),
        cmocka_unit_test(test_tier_areas),
        cmocka_unit_test(test_directional_variograms),
        cmocka_unit_test(test_map_overlays),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, teardown);
}
