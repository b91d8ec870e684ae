/* End to end: publish on a tiny synthetic field (20 x 20 cells of 50 m,
 * log kriging with a given variogram) against every bundled guideline table
 * in configs/thresholds/. Each tier's probability band gets its own tile
 * pyramid (tiles/cd_prob_tier<k>/) showing that band, a viewer layer and
 * legend, a STAC asset and a map in the report. Then the switches
 * publish.tiles, publish.viewer and publish.report: false, each on a folder
 * that held the part before, which is removed rather than left stale. */
#include "testutil.h"

#include <dirent.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define get sm_test_json

static char err[1024];

/* A table, a land-use category it has, and a cadmium range spanning its
 * tiers (from a tenth of the first to ten times the last). */
typedef struct {
    const char *table, *category, *extra;
    int tiers;
    double lo, hi;
} table_case;

/* The tables of configs/thresholds/, cadmium: ccme agricultural 1.4; GB 15618 paddy
 * at pH 6.5: 0.4 and 2.0; GB 36600 class I: 20 and 47; NL 0.8 and 12;
 * Sweden KM 0.7. */
static const table_case cases[] = {
    {"ccme", "agricultural", "", 1, 0.14, 14},
    {"china_gb15618", "paddy", "  ph: 6.5\n", 2, 0.04, 20},
    {"china_gb36600", "class-i", "", 2, 2, 470},
    {"netherlands", "all", "", 2, 0.08, 120},
    {"sweden", "km", "", 1, 0.07, 7},
};

enum { X0 = 500000, Y0 = 3300000, RES = 50, N = 20 };

/* 49 samples on a 7 x 7 lattice, cadmium rising log-linearly from lo in
 * the south-west to hi in the north-east, with a ripple. */
static const char *samples_csv(const table_case *c)
{
    char text[8192], name[64];
    int used = snprintf(text, sizeof text, "id,x,y,Cd\n");
    for (int r = 0; r < 7; r++)
        for (int k = 0; k < 7; k++) {
            double f = (r + k) / 12.0 + 0.05 * sin(3.0 * r + 5.0 * k);
            double cd = exp(log(c->lo) + (log(c->hi) - log(c->lo)) * fmin(fmax(f, 0), 1));
            used += snprintf(text + used, sizeof text - (size_t)used, "s%d,%d,%d,%.6g\n",
                             r * 7 + k + 1, X0 + 70 + 140 * k, Y0 + 70 + 140 * r, cd);
        }
    snprintf(name, sizeof name, "%s.csv", c->table);
    return sm_test_write(name, text);
}

static const char *config(const table_case *c, const char *publish)
{
    static char yaml[8192];
    char table[128];
    snprintf(table, sizeof table, "configs/thresholds/%s.csv", c->table);
    snprintf(yaml, sizeof yaml,
             "project: pubtables\noutput: o\ncrs: EPSG:32650\n"
             "grid: {resolution: %d, extent: [%d, %d, %d, %d]}\n"
             "samples: {path: %s, crs: EPSG:32650, x: x, y: y, id: id, contaminants: {cd: Cd}}\n"
             "interpolation:\n  method: kriging\n  transform: log\n  neighbours: {max: 16}\n"
             "  variogram: {model: Sph, psill: 1, range: 600, nugget: 0.05, fit: none}\n"
             "  cross_validation: none\n"
             "landuse: {default: field}\n"
             "thresholds:\n  table: %s\n  classes: {field: %s}\n%s"
             "publish:\n%s",
             RES, X0, Y0, X0 + N * RES, Y0 + N * RES, samples_csv(c), sm_test_src(table),
             c->category, c->extra, publish);
    return yaml;
}

/* Runs the config into out-<name> (kept from an earlier run: reruns test
 * what a switch does to an existing folder). */
static int run(const char *name, const char *yaml)
{
    char file[128], out[128], args[2000];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(out, sizeof out, "out-%s", name);
    const char *path = sm_test_write(file, yaml);
    snprintf(args, sizeof args, "run -q -o %s %s", sm_test_tmp(out), path);
    return sm_test_cli(args, err, sizeof err);
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

static json_object *read_json(const char *path)
{
    json_object *o = json_object_from_file(path);
    if (!o)
        fail_msg("cannot read %s", path);
    return o;
}

/* The sum of the alpha channel over every tile of a pyramid: the
 * probability ramp is more opaque where the probability is higher. */
static double pyramid_alpha(const char *dir, long *tiles)
{
    char cmd[1200], *list;
    snprintf(cmd, sizeof cmd, "find %s -name '*.png' ! -name legend.png | sort > %s", dir,
             sm_test_tmp("tiles.txt"));
    assert_int_equal(system(cmd), 0);
    list = sm_test_slurp(sm_test_tmp("tiles.txt"));
    double sum = 0;
    *tiles = 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        GDALDatasetH ds = GDALOpen(line, GA_ReadOnly);
        assert_non_null(ds);
        assert_int_equal(GDALGetRasterCount(ds), 4);
        unsigned char *a = malloc(256 * 256);
        assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 4), GF_Read, 0, 0, 256, 256, a, 256,
                                      256, GDT_Byte, 0, 0),
                         CE_None);
        for (int i = 0; i < 256 * 256; i++)
            sum += a[i];
        free(a);
        GDALClose(ds);
        (*tiles)++;
    }
    free(list);
    return sum;
}

static int band_count(const char *path, char desc[][96])
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    int n = GDALGetRasterCount(ds);
    for (int b = 1; b <= n && b <= 9; b++)
        snprintf(desc[b - 1], 96, "%s", GDALGetDescription(GDALGetRasterBand(ds, b)));
    GDALClose(ds);
    return n;
}

/* layers.json lists a layer per tier with its legend, titled as the band. */
static void check_layers(const char *name, int tiers, char desc[][96])
{
    json_object *layers = read_json(sm_test_out_file(name, "web/layers.json"));
    json_object *tiles = get(layers, "tiles");
    int found = 0;
    for (size_t i = 0; i < json_object_array_length(tiles); i++) {
        json_object *t = json_object_array_get_idx(tiles, i), *tier;
        if (!json_object_object_get_ex(t, "tier", &tier))
            continue;
        int k = json_object_get_int(tier);
        char id[64], legend[96];
        snprintf(id, sizeof id, "cd_prob_tier%d", k);
        assert_string_equal(json_object_get_string(get(t, "id")), id);
        assert_string_equal(json_object_get_string(get(t, "title")), desc[k - 1]);
        snprintf(legend, sizeof legend, "web/tiles/%s/legend.json", id);
        assert_string_equal(json_object_get_string(get(t, "legend")), legend + 4);
        json_object *l = read_json(sm_test_out_file(name, legend));
        assert_string_equal(json_object_get_string(get(l, "title")), desc[k - 1]);
        json_object_put(l);
        found++;
    }
    assert_int_equal(found, tiers);
    json_object_put(layers);
}

/* The STAC item of cd_prob: a tiles asset per tier, a raster band per tier. */
static void check_stac(const char *name, int tiers)
{
    json_object *item = read_json(sm_test_out_file(name, "web/stac/items/cd_prob.json"));
    json_object *assets = get(item, "assets");
    for (int k = 1; k <= tiers + 1; k++) {
        char key[32];
        snprintf(key, sizeof key, "tiles_tier%d", k);
        json_object *a;
        assert_int_equal(json_object_object_get_ex(assets, key, &a), k <= tiers);
        if (k <= tiers) {
            char href[96];
            snprintf(href, sizeof href, "../../tiles/cd_prob_tier%d/{z}/{x}/{y}.png", k);
            assert_string_equal(json_object_get_string(get(a, "href")), href);
        }
    }
    assert_int_equal(json_object_array_length(get(item, "assets.data.raster:bands")), tiers);
    json_object_put(item);
}

static void check_table(const table_case *c)
{
    char name[64];
    snprintf(name, sizeof name, "pt-%s", c->table);
    char out[128];
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    if (run(name, config(c, "  viewer: true\n")) != 0)
        fail_msg("%s: exit nonzero: %s", c->table, err);
    char desc[9][96];
    int tiers = band_count(sm_test_out_file(name, "classes/cd_prob.tif"), desc);
    assert_int_equal(tiers, c->tiers);
    double alpha[2] = {0};
    for (int k = 1; k <= tiers; k++) {
        char dir[64];
        snprintf(dir, sizeof dir, "web/tiles/cd_prob_tier%d", k);
        long n = 0;
        alpha[k - 1] = pyramid_alpha(sm_test_out_file(name, dir), &n);
        assert_true(n >= 1);
        assert_true(alpha[k - 1] > 0); /* something above zero probability to see */
    }
    if (tiers == 2) /* P(above tier 2) <= P(above tier 1) everywhere: band 2 was drawn */
        assert_true(alpha[1] < 0.9 * alpha[0]);
    assert_false(exists(sm_test_out_file(name, "web/tiles/cd_prob")));
    check_layers(name, tiers, desc);
    check_stac(name, tiers);
    char *report = sm_test_slurp(sm_test_out_file(name, "report.html"));
    assert_non_null(report);
    assert_non_null(strstr(report, "id=\"map-cd-probability\""));
    assert_int_equal(strstr(report, "id=\"map-cd-probability-tier2\"") != NULL, tiers == 2);
    char caption[128]; /* the last tier's map, its caption escaped: P(cd &gt; control) */
    const char *gt = strchr(desc[tiers - 1], '>');
    assert_non_null(gt);
    snprintf(caption, sizeof caption, "%.*s&gt;%s", (int)(gt - desc[tiers - 1]), desc[tiers - 1],
             gt + 1);
    assert_non_null(strstr(report, caption));
    free(report);
    /* cd surface, a pyramid per tier, the class map */
    assert_int_equal(
        sm_test_manifest_long(sm_test_out_file(name, "run.json"), "stages.publish.tile_pyramids"),
        2 + tiers);
    print_message("%s: %d tiers published\n", c->table, tiers);
}

static void test_every_bundled_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        check_table(&cases[i]);
}

/* ---- the switches, each on the folder the Dutch run filled ---- */

static const table_case *nl(void) { return &cases[3]; }

static void rerun(const char *publish)
{
    if (run("switch", config(nl(), publish)) != 0)
        fail_msg("publish '%s': %s", publish, err);
}

static void fresh_switch_folder(void)
{
    sm_test_rmtree("out-switch");
    rerun("  tiles: true\n");
    assert_true(exists(sm_test_out_file("switch", "web/tiles/cd_prob_tier2/legend.json")));
    assert_true(exists(sm_test_out_file("switch", "web/index.html")));
    assert_true(exists(sm_test_out_file("switch", "report.html")));
}

static void test_tiles_false(void **state)
{
    (void)state;
    fresh_switch_folder();
    rerun("  tiles: false\n");
    assert_false(exists(sm_test_out_file("switch", "web/tiles"))); /* none stale */
    json_object *layers = read_json(sm_test_out_file("switch", "web/layers.json"));
    assert_int_equal(json_object_array_length(get(layers, "tiles")), 0);
    assert_non_null(strstr(json_object_get_string(get(layers, "note")), "publish.tiles: false"));
    assert_true(json_object_array_length(get(layers, "vectors")) >= 1);
    json_object_put(layers);
    assert_true(exists(sm_test_out_file("switch", "web/index.html")));
    assert_true(exists(sm_test_out_file("switch", "web/cog/cd_prob.tif")));
    assert_true(exists(sm_test_out_file("switch", "report.html")));
    json_object *item = read_json(sm_test_out_file("switch", "web/stac/items/cd.json")), *a;
    assert_false(json_object_object_get_ex(get(item, "assets"), "tiles", &a));
    json_object_put(item);
    json_object *m = read_json(sm_test_out_file("switch", "run.json"));
    assert_int_equal(json_object_get_int(get(m, "stages.publish.tile_pyramids")), 0);
    assert_false(json_object_get_boolean(get(m, "stages.publish.tiles")));
    json_object_put(m);
}

static void test_viewer_false(void **state)
{
    (void)state;
    fresh_switch_folder();
    rerun("  viewer: false\n");
    const char *gone[] = {"web/index.html", "web/viewer.js", "web/layers.json", "web/lib"};
    for (int i = 0; i < 4; i++)
        if (exists(sm_test_out_file("switch", gone[i])))
            fail_msg("viewer: false left %s", gone[i]);
    assert_true(exists(sm_test_out_file("switch", "web/tiles/cd_prob_tier1/legend.json")));
    assert_true(exists(sm_test_out_file("switch", "web/stac/catalog.json")));
    assert_true(exists(sm_test_out_file("switch", "report.html")));
}

static void test_report_false(void **state)
{
    (void)state;
    fresh_switch_folder();
    rerun("  report: false\n");
    assert_false(exists(sm_test_out_file("switch", "report.html")));
    assert_true(exists(sm_test_out_file("switch", "web/index.html")));
    assert_true(exists(sm_test_out_file("switch", "web/tiles/cd_prob_tier1/legend.json")));
    json_object *m = read_json(sm_test_out_file("switch", "run.json"));
    json_object *outputs = get(m, "stages.publish.outputs");
    for (size_t i = 0; i < json_object_array_length(outputs); i++)
        assert_null(
            strstr(json_object_get_string(get(json_object_array_get_idx(outputs, i), "path")),
                   "report.html"));
    json_object_put(m);
}

/* tiles: is true, false or a mapping; anything else is a located error. */
static void test_tiles_bad_value(void **state)
{
    (void)state;
    int rc = run("switch-bad", config(nl(), "  tiles: 3\n"));
    sm_test_assert_one_line_error(rc, 78, err, "publish.tiles: '3' is not valid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_bundled_table), cmocka_unit_test(test_tiles_false),
        cmocka_unit_test(test_viewer_false),        cmocka_unit_test(test_report_false),
        cmocka_unit_test(test_tiles_bad_value),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
