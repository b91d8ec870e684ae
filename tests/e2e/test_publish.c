/* End to end: the publish stage on the shipped demo. The viewer, served on
 * loopback, checks itself in headless Chromium (tiles load, the hotspot
 * layer loads, a click on a hotspot shows its recommendations, no errors)
 * and leaves a screenshot; every COG passes GDAL's validator; the STAC items
 * list every product with the right media types and bounding boxes; a rerun
 * with nothing changed does no work and says so; with publish.tiles: false
 * the viewer still works and says there are no raster maps. The viewer has
 * a metric scale bar clear of its legends, a site priority legend and
 * popups with rounded values in their units; it fetches no basemap unless
 * publish.basemap asks for one; with crs: local it shows images on a plain
 * metric canvas, says so, and the STAC items have no lon/lat. */
#include "testutil.h"

#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char err[1024];

static const char *out_file(const char *file)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "out-pub/%s", file);
    return sm_test_tmp(buf);
}

static json_object *read_json(const char *path)
{
    json_object *o = json_object_from_file(path);
    if (!o)
        fail_msg("cannot read %s", path);
    return o;
}

static int setup(void **state)
{
    sm_test_setup_gdal(state);
    if (sm_test_run_demo("pub", NULL, NULL, err, sizeof err) != 0)
        fail_msg("demo run: %s", err);
    return 0;
}

/* ---- the viewer in Chromium ---- */

static pid_t serve(const char *dir, int port)
{
    pid_t pid = fork();
    if (pid == 0) {
        char p[16];
        snprintf(p, sizeof p, "%d", port);
        freopen("/dev/null", "w", stderr);
        freopen("/dev/null", "w", stdout);
        execl("/usr/bin/python3", "python3", "-m", "http.server", "--bind", "127.0.0.1",
              "--directory", dir, p, (char *)NULL);
        _exit(127);
    }
    char cmd[200]; /* wait until it answers */
    snprintf(cmd, sizeof cmd,
             "for i in $(seq 1 100); do python3 -c 'import urllib.request as u; "
             "u.urlopen(\"http://127.0.0.1:%d/layers.json\")' 2>/dev/null && exit 0; "
             "sleep 0.1; done; exit 1",
             port);
    assert_int_equal(system(cmd), 0);
    return pid;
}

static int chromium(const char *args, const char *url, const char *out)
{
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
             "--user-data-dir=%s --virtual-time-budget=20000 %s '%s' >%s 2>/dev/null",
             sm_test_tmp("chromium-profile"), args, url, out);
    return system(cmd);
}

/* 1 if text has a number with 5 or more decimals: a float's noise. */
static int long_decimals(const char *text)
{
    for (const char *p = text; *p; p++) {
        int n = 0;
        if (*p == '.' && p > text && p[-1] >= '0' && p[-1] <= '9')
            while (p[1 + n] >= '0' && p[1 + n] <= '9')
                n++;
        if (n >= 5)
            return 1;
    }
    return 0;
}

/* What the self-test checked (scale bar metric and clear of the legends,
 * the priority legend, value formatting) and what the DOM shows. */
static void assert_viewer_parts(const char *dom, const char *report)
{
    assert_non_null(strstr(dom, "leaflet-control-scale-line"));
    assert_non_null(strstr(report, "\"scaleClear\":true"));
    assert_non_null(strstr(report, "\"metric\":true"));
    assert_non_null(strstr(report, "\"formatting\":[]"));
    const char *legend = strstr(dom, "id=\"priority-legend\"");
    assert_non_null(legend);
    const char *classes[] = {"high", "medium", "low", "very low", "not assessed"};
    for (int i = 0; i < 5; i++)
        assert_non_null(strstr(legend, classes[i]));
    const char *site = strstr(report, "\"sitePopup\"");
    assert_non_null(site);
    /* labelled rows, values in their unit (the popup's HTML, escaped in the DOM) */
    assert_non_null(strstr(site, "Priority&lt;/th&gt;&lt;td&gt;"));
    assert_non_null(strstr(site, "predicted&lt;/th&gt;&lt;td&gt;"));
    assert_non_null(strstr(site, " mg/kg&lt;/td&gt;"));
    if (long_decimals(site) || long_decimals(strstr(report, "\"popup\"")))
        fail_msg("a popup shows an unrounded value: %.1500s", site);
}

/* The viewer in web/ served on port, through Chromium: its DOM after the
 * self-test (NAME.html in the scratch folder) and, with a screenshot,
 * NAME.png; fails unless the self-test passed. The caller frees the DOM. */
static char *viewer_selftest(const char *web, int port, const char *name, int screenshot)
{
    pid_t server = serve(web, port);
    char url[200], file[128], shot[600];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html?selftest=1", port);
    snprintf(file, sizeof file, "%s.html", name);
    int rc = chromium("--dump-dom", url, sm_test_tmp(file)), shot_rc = 0;
    if (screenshot) {
        snprintf(file, sizeof file, "%s.png", name);
        snprintf(shot, sizeof shot, "--window-size=1200,800 --screenshot=%s", sm_test_tmp(file));
        snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html", port);
        snprintf(file, sizeof file, "%s.log", name);
        shot_rc = chromium(shot, url, sm_test_tmp(file));
    }
    kill(server, SIGTERM), waitpid(server, NULL, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(shot_rc, 0);
    snprintf(file, sizeof file, "%s.html", name);
    char *dom = sm_test_slurp(sm_test_tmp(file));
    char *report = dom ? strstr(dom, "<pre id=\"selftest\">") : NULL;
    if (!report || !strstr(dom, "<title>SELFTEST PASS</title>"))
        fail_msg("the viewer's self-test did not pass: %.2000s", report ? report : "(no report)");
    return dom;
}

static void test_viewer_in_chromium(void **state)
{
    (void)state;
    char *dom = viewer_selftest(out_file("web"), 20000 + getpid() % 20000, "viewer", 1);
    char *report = strstr(dom, "<pre id=\"selftest\">");
    char hotspots[64];
    snprintf(hotspots, sizeof hotspots, "\"hotspots\":%ld",
             sm_test_feature_count(out_file("hotspots.gpkg"), "hotspots"));
    assert_non_null(strstr(report, hotspots)); /* every hotspot reached the map */
    assert_non_null(strstr(report, "Recommendations"));
    assert_viewer_parts(dom, report);
    free(dom);
    FILE *png = fopen(sm_test_tmp("viewer.png"), "rb");
    unsigned char sig[8] = {0};
    assert_non_null(png);
    assert_int_equal(fread(sig, 1, 8, png), 8);
    fclose(png);
    assert_true(sig[1] == 'P' && sig[2] == 'N' && sig[3] == 'G');
    print_message("screenshot: %s\n", sm_test_tmp("viewer.png"));
}

/* publish.tiles: false on the demo's folder: the pyramids go, and the
 * viewer still passes its self-test (hotspot popup, no errors) with the
 * note that there are no raster maps in place of a legend. */
static void test_viewer_without_tiles(void **state)
{
    (void)state;
    char *text = sm_test_slurp(sm_test_tmp("pub.yaml")), *at = strstr(text, "tiles: {zoom:");
    assert_non_null(at);
    char *end = strchr(at, '}'), yaml[16384], args[700];
    snprintf(yaml, sizeof yaml, "%.*stiles: false%s", (int)(at - text), text, end + 1);
    free(text);
    snprintf(args, sizeof args, "publish -q %s", sm_test_write("pub-notiles.yaml", yaml));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    assert_int_not_equal(access(out_file("web/tiles"), F_OK), 0);
    char *dom =
        viewer_selftest(out_file("web"), 20000 + (getpid() + 1) % 20000, "viewer-notiles", 0);
    char *report = strstr(dom, "<pre id=\"selftest\">");
    assert_non_null(strstr(dom, "No raster maps: the config switches tiles off"));
    assert_non_null(strstr(report, "Recommendations"));
    free(dom);
}

/* Nothing in the viewer points outside web/ unless publish.basemap asks:
 * no URL in its files or its layer list, and no basemap entry. */
static void test_no_basemap_by_default(void **state)
{
    (void)state;
    const char *files[] = {"web/index.html", "web/viewer.js", "web/viewer.css", "web/layers.json"};
    for (int i = 0; i < 4; i++) {
        char *text = sm_test_slurp(out_file(files[i]));
        assert_non_null(text);
        if (strstr(text, "http://") || strstr(text, "https://") || strstr(text, "\"basemap\""))
            fail_msg("%s names an external address or a basemap", files[i]);
        free(text);
    }
}

/* publish.basemap on: its url and attribution reach layers.json and the
 * map's attribution, and the viewer still passes its self-test. The
 * "basemap" is served by the test's own server, so nothing leaves the
 * machine. */
static void test_basemap(void **state)
{
    (void)state;
    int port = 20000 + (getpid() + 2) % 20000;
    char *text = sm_test_slurp(sm_test_tmp("pub.yaml")), *at = strstr(text, "viewer: true");
    assert_non_null(at);
    char yaml[16384], args[700], url[200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/tiles/cd/{z}/{x}/{y}.png", port);
    snprintf(yaml, sizeof yaml,
             "%.*sbasemap: {url: \"%s\", attribution: \"Test tiles \u00a9 me\"}\n  %s",
             (int)(at - text), text, url, at);
    free(text);
    snprintf(args, sizeof args, "publish -q %s", sm_test_write("pub-basemap.yaml", yaml));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    json_object *layers = read_json(out_file("web/layers.json"));
    assert_string_equal(json_object_get_string(sm_test_json(layers, "basemap.url")), url);
    assert_string_equal(json_object_get_string(sm_test_json(layers, "basemap.attribution")),
                        "Test tiles \u00a9 me");
    json_object_put(layers);
    json_object *run = read_json(out_file("run.json"));
    assert_string_equal(json_object_get_string(sm_test_json(run, "stages.publish.basemap")), url);
    json_object_put(run);
    char *dom = viewer_selftest(out_file("web"), port, "viewer-basemap", 0);
    char *attribution = strstr(dom, "leaflet-control-attribution");
    assert_non_null(attribution);
    assert_non_null(strstr(attribution, "Test tiles \u00a9 me"));
    assert_non_null(strstr(dom, "/tiles/cd/")); /* basemap tiles were asked of the server */
    free(dom);
}

/* ---- crs: local ---- */

/* A 200 m site in local metres, IDW, with hotspots, remediation and three
 * sites (one outside the grid): publish makes images on the grid, no XYZ
 * tiles, vectors in local metres and STAC items without lon/lat. */
static const char *local_config(void)
{
    char csv[8192], yaml[4096];
    int used = snprintf(csv, sizeof csv, "id,x,y,Cd,Landuse\n");
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++)
            used += snprintf(csv + used, sizeof csv - (size_t)used, "s%d,%g,%g,%g,%s\n",
                             r * 8 + c + 1, 12.5 + 25 * c, 12.5 + 25 * r, 0.75 + 0.5 * c,
                             r >= 4 ? "residential" : "agricultural");
    const char *samples = sm_test_write("pub-local.csv", csv);
    const char *sites = sm_test_write(
        "pub-local-sites.csv", "site_id,name,x,y,landuse\nA,North yard,40,160,residential\n"
                               "B,East shed,140,60,agricultural\nC,Far,400,400,residential\n");
    snprintf(yaml, sizeof yaml,
             "project: local site\noutput: %s\ncrs: local\n"
             "grid: {resolution: 10, extent: [0, 0, 200, 200]}\n"
             "samples: {path: %s, x: x, y: y, id: id, contaminants: {cd: Cd}, "
             "attributes: [Landuse]}\n"
             "interpolation: {method: idw, cross_validation: none}\n"
             "landuse: {column: Landuse}\n"
             "thresholds:\n  table: %s\n"
             "  classes: {residential: residential-parkland, agricultural: agricultural}\n"
             "hotspots: {basis: prediction, min_area_ha: 0.01}\n"
             "remediation: {store: %s, cases: 2}\n"
             "screening: {sites: %s, x: x, y: y, id: site_id, name: name, landuse: landuse, "
             "sample_distance: 30}\n"
             "publish: {}\n",
             sm_test_tmp("out-pub-local"), samples, sm_test_src("configs/thresholds/ccme.csv"),
             sm_test_tmp("pub-local.sqlite"), sites);
    return sm_test_write("pub-local.yaml", yaml);
}

static const char *local_file(const char *file)
{
    static char buf[600];
    snprintf(buf, sizeof buf, "out-pub-local/%s", file);
    return sm_test_tmp(buf);
}

static void check_local_item(const char *path)
{
    json_object *item = read_json(path), *v;
    if (json_object_object_get_ex(item, "bbox", &v))
        fail_msg("%s: a bbox in lon/lat for a local CRS", path);
    assert_true(json_object_object_get_ex(item, "geometry", &v) && v == NULL);
    assert_true(json_object_object_get_ex(sm_test_json(item, "properties"), "proj:epsg", &v) &&
                v == NULL);
    json_object *pb = sm_test_json(item, "properties.proj:bbox");
    assert_int_equal(json_object_array_length(pb), 4);
    if (json_object_object_get_ex(sm_test_json(item, "assets"), "data", &v)) { /* a raster */
        assert_non_null(
            strstr(json_object_get_string(sm_test_json(item, "properties.proj:wkt2")), "ENGCRS"));
        assert_true(json_object_get_double(json_object_array_get_idx(pb, 2)) == 200); /* metres */
    }
    json_object_put(item);
}

static void test_local_crs(void **state)
{
    (void)state;
    const char *config = local_config();
    char args[700];
    snprintf(args, sizeof args, "store init --force -q %s", config);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "run -q --force %s", config);
    if (sm_test_cli(args, err, sizeof err) != 0)
        fail_msg("local run: %s", err);
    assert_int_not_equal(access(local_file("web/tiles"), F_OK), 0); /* no Web Mercator */
    assert_int_equal(access(local_file("web/images/cd/image.png"), R_OK), 0);
    assert_int_equal(access(local_file("web/images/cd/legend.json"), R_OK), 0);
    json_object *layers = read_json(local_file("web/layers.json"));
    assert_string_equal(json_object_get_string(sm_test_json(layers, "crs")), "local");
    assert_string_equal(json_object_get_string(sm_test_json(layers, "units.cd")), "mg/kg");
    json_object_put(layers);
    json_object *run = read_json(local_file("run.json"));
    assert_true(json_object_get_boolean(sm_test_json(run, "stages.publish.local_canvas")));
    json_object_put(run);
    char *geojson = sm_test_slurp(local_file("web/vectors/sites.geojson"));
    assert_non_null(strstr(geojson, "[ 40.0, 160.0 ]")); /* local metres, not lon/lat */
    free(geojson);
    /* STAC: every item without lon/lat, the collection valid JSON with an extent */
    json_object *c = read_json(local_file("web/stac/collection.json"));
    json_object *links = sm_test_json(c, "links");
    int items = 0;
    for (size_t i = 0; i < json_object_array_length(links); i++) {
        json_object *l = json_object_array_get_idx(links, i);
        if (strcmp(json_object_get_string(sm_test_json(l, "rel")), "item"))
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", local_file("web/stac"),
                 json_object_get_string(sm_test_json(l, "href")) + 2);
        check_local_item(path), items++;
    }
    json_object *bbox = json_object_array_get_idx(sm_test_json(c, "extent.spatial.bbox"), 0);
    assert_int_equal(json_object_array_length(bbox), 4);
    json_object_put(c);
    assert_true(items >= 6);
    /* the viewer: images on a plain canvas, the note, its self-test */
    char *dom =
        viewer_selftest(local_file("web"), 20000 + (getpid() + 3) % 20000, "viewer-local", 1);
    assert_non_null(strstr(dom, "Local coordinates (crs: local, engineering metres)"));
    assert_non_null(strstr(dom, "leaflet-image-layer"));
    assert_null(strstr(dom, "leaflet-tile "));
    assert_viewer_parts(dom, strstr(dom, "<pre id=\"selftest\">"));
    free(dom);
    print_message("screenshot: %s\n", sm_test_tmp("viewer-local.png"));
}

/* ---- COGs ---- */

static void test_cogs_validate(void **state)
{
    (void)state;
    const char *script = "/usr/lib/python3/dist-packages/osgeo_utils/samples/"
                         "validate_cloud_optimized_geotiff.py";
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "set -e; n=0; for f in %s/*.tif; do /usr/bin/python3 %s -q \"$f\"; "
             "n=$((n+1)); done; test $n -ge 12",
             out_file("web/cog"), script);
    assert_int_equal(system(cmd), 0);
}

/* ---- STAC ---- */

/* The COG's extent in lon/lat, computed here from its grid. */
static void cog_bbox(const char *path, double b[4])
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    OGRSpatialReferenceH src = OSRClone(GDALGetSpatialRef(ds)), ll = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(ll, 4326);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, ll);
    assert_true(OCTTransformBounds(ct, gt[0], gt[3] + h * gt[5], gt[0] + w * gt[1], gt[3], &b[0],
                                   &b[1], &b[2], &b[3], 21));
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src), OSRDestroySpatialReference(ll);
    GDALClose(ds);
}

static void check_asset(json_object *asset, const char *item_path)
{
    const char *href = json_object_get_string(sm_test_json(asset, "href"));
    const char *type = json_object_get_string(sm_test_json(asset, "type"));
    const char *expect = strstr(href, ".tif")
                             ? "image/tiff; application=geotiff; profile=cloud-optimized"
                         : strstr(href, ".geojson") ? "application/geo+json"
                         : strstr(href, ".fgb")     ? "application/vnd.flatgeobuf"
                                                    : "image/png";
    assert_string_equal(type, expect);
    if (strchr(href, '{'))
        return; /* a tile template */
    char path[1200];
    snprintf(path, sizeof path, "%.*s/%s", (int)(strrchr(item_path, '/') - item_path), item_path,
             href);
    if (access(path, R_OK) != 0)
        fail_msg("%s: asset %s is missing", item_path, path);
}

static void check_item(const char *path, int *rasters)
{
    json_object *item = read_json(path), *assets = sm_test_json(item, "assets");
    json_object_object_foreach(assets, key, asset)
    {
        (void)key;
        check_asset(asset, path);
    }
    json_object *data;
    if (json_object_object_get_ex(assets, "data", &data)) { /* a raster: its bbox */
        char cog[1200];
        const char *href = json_object_get_string(sm_test_json(data, "href"));
        snprintf(cog, sizeof cog, "%.*s/%s", (int)(strrchr(path, '/') - path), path, href);
        double b[4];
        cog_bbox(cog, b);
        json_object *bbox = sm_test_json(item, "bbox");
        for (int i = 0; i < 4; i++)
            assert_true(fabs(json_object_get_double(json_object_array_get_idx(bbox, i)) - b[i]) <
                        1e-9);
        assert_int_equal(json_object_get_int(sm_test_json(item, "properties.proj:epsg")), 32633);
        (*rasters)++;
    }
    json_object_put(item);
}

static void test_stac_lists_every_product(void **state)
{
    (void)state;
    json_object *c = read_json(out_file("web/stac/collection.json"));
    json_object *links = sm_test_json(c, "links");
    int items = 0, rasters = 0;
    for (size_t i = 0; i < json_object_array_length(links); i++) {
        json_object *l = json_object_array_get_idx(links, i);
        if (strcmp(json_object_get_string(sm_test_json(l, "rel")), "item"))
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", out_file("web/stac"),
                 json_object_get_string(sm_test_json(l, "href")) + 2);
        check_item(path, &rasters);
        items++;
    }
    json_object_put(c);
    char cmd[600], *count; /* one raster item per COG in web/cog */
    snprintf(cmd, sizeof cmd, "ls %s/*.tif | wc -l > %s", out_file("web/cog"), sm_test_tmp("n"));
    assert_int_equal(system(cmd), 0);
    count = sm_test_slurp(sm_test_tmp("n"));
    assert_int_equal(rasters, atoi(count));
    free(count);
    print_message("STAC: %d items, %d of them rasters\n", items, rasters);
    assert_true(items >= rasters + 4); /* and the vector layers */
}

/* ---- reruns ---- */

static void test_rerun_does_nothing(void **state)
{
    (void)state;
    char args[700];
    snprintf(args, sizeof args, "run %s", sm_test_tmp("pub.yaml")); /* the config setup ran */
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    const char *stages[] = {"ingest",    "interpolate", "classify", "hotspots",
                            "remediate", "screen",      "publish"};
    for (int i = 0; i < 7; i++) {
        char line[120];
        snprintf(line, sizeof line, "%s: up to date, skipped", stages[i]);
        if (!strstr(log, line))
            fail_msg("the rerun log lacks '%s':\n%s", line, log);
    }
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_viewer_in_chromium),
        cmocka_unit_test(test_cogs_validate),
        cmocka_unit_test(test_stac_lists_every_product),
        cmocka_unit_test(test_rerun_does_nothing),
        cmocka_unit_test(test_no_basemap_by_default),
        cmocka_unit_test(test_local_crs),
        cmocka_unit_test(test_basemap),              /* changes the folder */
        cmocka_unit_test(test_viewer_without_tiles), /* last: it changes the folder */
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
