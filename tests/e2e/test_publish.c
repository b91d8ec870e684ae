/* End to end: the publish stage on the shipped demo. The viewer, served on
 * loopback, checks itself in headless Chromium (tiles load, the hotspot
 * layer loads, a click on a hotspot shows its recommendations, no errors)
 * and leaves a screenshot; every COG passes GDAL's validator; the STAC items
 * list every product with the right media types and bounding boxes; a rerun
 * with nothing changed does no work and says so; with publish.tiles: false
 * the viewer still works and says there are no raster maps. */
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

static void test_viewer_in_chromium(void **state)
{
    (void)state;
    int port = 20000 + getpid() % 20000;
    pid_t server = serve(out_file("web"), port);
    char url[200], shot[600];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html?selftest=1", port);
    int rc = chromium("--dump-dom", url, sm_test_tmp("viewer.html"));
    snprintf(shot, sizeof shot, "--window-size=1200,800 --screenshot=%s",
             sm_test_tmp("viewer.png"));
    snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html", port);
    int shot_rc = chromium(shot, url, sm_test_tmp("screenshot.log"));
    kill(server, SIGTERM), waitpid(server, NULL, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(shot_rc, 0);
    char *dom = sm_test_slurp(sm_test_tmp("viewer.html"));
    char *report = dom ? strstr(dom, "<pre id=\"selftest\">") : NULL;
    if (!report || !strstr(dom, "<title>SELFTEST PASS</title>"))
        fail_msg("the viewer's self-test did not pass: %.2000s", report ? report : "(no report)");
    char hotspots[64];
    snprintf(hotspots, sizeof hotspots, "\"hotspots\":%ld",
             sm_test_feature_count(out_file("hotspots.gpkg"), "hotspots"));
    assert_non_null(strstr(report, hotspots)); /* every hotspot reached the map */
    assert_non_null(strstr(report, "Recommendations"));
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
    int port = 20000 + (getpid() + 1) % 20000;
    pid_t server = serve(out_file("web"), port);
    char url[200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/index.html?selftest=1", port);
    int rc = chromium("--dump-dom", url, sm_test_tmp("viewer-notiles.html"));
    kill(server, SIGTERM), waitpid(server, NULL, 0);
    assert_int_equal(rc, 0);
    char *dom = sm_test_slurp(sm_test_tmp("viewer-notiles.html"));
    char *report = dom ? strstr(dom, "<pre id=\"selftest\">") : NULL;
    if (!report || !strstr(dom, "<title>SELFTEST PASS</title>"))
        fail_msg("the viewer's self-test did not pass: %.2000s", report ? report : "(no report)");
    assert_non_null(strstr(dom, "No raster maps: the config switches tiles off"));
    assert_non_null(strstr(report, "Recommendations"));
    free(dom);
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

static json_object *read_json(const char *path)
{
    json_object *o = json_object_from_file(path);
    if (!o)
        fail_msg("cannot read %s", path);
    return o;
}

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
        cmocka_unit_test(test_viewer_in_chromium),       cmocka_unit_test(test_cogs_validate),
        cmocka_unit_test(test_stac_lists_every_product), cmocka_unit_test(test_rerun_does_nothing),
        cmocka_unit_test(test_viewer_without_tiles), /* last: it changes the folder */
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
