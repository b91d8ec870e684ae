/* Config loading: every error names file:line:column and the key path. */
#include "config/config.h"
#include "core/units.h"
#include "core/error.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const base_top = "project: t\n"
                                    "output: out/t\n"
                                    "crs: EPSG:32633\n";
static const char *const base_samples = "samples:\n"
                                        "  path: data/s.csv\n"
                                        "  crs: EPSG:4326\n"
                                        "  x: lon\n"
                                        "  y: lat\n"
                                        "  contaminants:\n"
                                        "    cd: {column: Cd, unit: ug/kg}\n"
                                        "    pb: Pb\n";

/* Loads a config made of the given parts; returns the status. */
static int load(const char *grid, const char *samples, const char *extra, sm_config *cfg)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s%s%s", base_top, grid, samples, extra ? extra : "");
    const char *path = sm_test_write("cfg.yaml", text);
    return sm_config_load(path, cfg);
}

static void assert_error(int rc, int status, const char *fragment)
{
    assert_int_equal(rc, status);
    if (!strstr(sm_error_message(), fragment))
        fail_msg("error '%s' lacks '%s'", sm_error_message(), fragment);
}

static void test_valid_config(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 25, buffer: 100}\n", base_samples, NULL, &cfg);
    assert_int_equal(rc, SM_OK);
    assert_string_equal(cfg.project, "t");
    assert_true(cfg.grid.from_samples);
    assert_true(fabs(cfg.grid.resolution - 25.0) < 1e-12);
    assert_int_equal(cfg.samples.n_contaminants, 2);
    assert_string_equal(cfg.samples.contaminants[0].name, "cd");
    assert_true(fabs(cfg.samples.contaminants[0].to_mgkg - 1e-3) < 1e-15);
    assert_string_equal(cfg.samples.contaminants[1].column, "Pb"); /* shorthand */
    assert_int_equal(cfg.samples.censored, SM_CENSOR_HALF_LIMIT);  /* defaults */
    assert_int_equal(cfg.samples.duplicates, SM_DUP_MEAN);
    assert_true(fabs(cfg.samples.max_reject_share - 0.10) < 1e-12);
    /* relative paths resolve against the config file's folder */
    char expect[4096];
    snprintf(expect, sizeof expect, "%s", sm_test_tmp("data/s.csv"));
    assert_string_equal(cfg.samples.path, expect);
    sm_config_free(&cfg);
}

static void test_unknown_key_suggests(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid:\n  resolutoin: 10\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "cfg.yaml:5:3: grid.resolutoin: unknown key; did you mean "
                 "'resolution'?");
}

static void test_unknown_key_without_close_match_lists_keys(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 10}\n", base_samples, "colour: red\n", &cfg);
    assert_error(rc, SM_ECONFIG, ":13:1: colour: unknown key; valid keys here are 'project'");
}

static void test_wrong_type(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: ten}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "cfg.yaml:4:20: grid.resolution: expected a number, got 'ten'");
    rc = load("grid: {resolution: [1, 2]}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "grid.resolution: expected a number, got a list");
}

static void test_out_of_range(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: -5}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "cfg.yaml:4:20: grid.resolution: -5 is out of range");
    char samples[1024];
    snprintf(samples, sizeof samples, "%s  max_reject_share: 1.5\n", base_samples);
    rc = load("grid: {resolution: 5}\n", samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "samples.max_reject_share: 1.5 is out of range: must be between "
                 "0 and 1");
}

static void test_missing_required_key(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {buffer: 5}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "grid: missing required key 'resolution'");
}

static void test_bad_choice_suggests(void **state)
{
    (void)state;
    sm_config cfg;
    char samples[1024];
    snprintf(samples, sizeof samples, "%s  censored: half-limt\n", base_samples);
    int rc = load("grid: {resolution: 5}\n", samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "samples.censored: 'half-limt' is not valid; did you mean "
                 "'half-limit'?");
}

/* A unit soilmap does not convert is kept as given (nSv/h, Bq/kg); one that
 * could not label a map is refused, naming the known ones. */
static void test_unit_as_given(void **state)
{
    (void)state;
    sm_config cfg;
    char samples[1024];
    snprintf(samples, sizeof samples, "%s    dose: {column: Dose, unit: nSv/h}\n", base_samples);
    assert_int_equal(load("grid: {resolution: 5}\n", samples, NULL, &cfg), SM_OK);
    const sm_contaminant *c = &cfg.samples.contaminants[cfg.samples.n_contaminants - 1];
    assert_true(c->to_mgkg == SM_UNIT_AS_GIVEN);
    assert_string_equal(sm_contaminant_unit(c), "nSv/h");
    assert_string_equal(sm_config_unit(&cfg, "dose"), "nSv/h");
    assert_string_equal(sm_config_unit(&cfg, "cd"), "mg/kg"); /* ug/kg, converted */
    sm_config_free(&cfg);
    snprintf(samples, sizeof samples, "%s    zn: {column: Zn, unit: mg kg-1}\n", base_samples);
    assert_int_equal(load("grid: {resolution: 5}\n", samples, NULL, &cfg), SM_OK);
    assert_true(cfg.samples.contaminants[cfg.samples.n_contaminants - 1].to_mgkg == 1.0);
    sm_config_free(&cfg);
    snprintf(samples, sizeof samples, "%s    zn: {column: Zn, unit: \"<b>\"}\n", base_samples);
    int rc = load("grid: {resolution: 5}\n", samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 ":13:29: samples.contaminants.zn.unit: unit '<b>': a unit is 1 to "
                 "32 printable characters");
}

static void test_geographic_working_crs_refused(void **state)
{
    (void)state;
    const char *path = sm_test_write("geo.yaml", "project: t\noutput: o\ncrs: EPSG:4326\n"
                                                 "grid: {resolution: 1}\n");
    sm_config cfg;
    int rc = sm_config_load(path, &cfg);
    assert_error(rc, SM_ECONFIG, "geo.yaml:3:6: crs: 'EPSG:4326' is not a projected CRS in metres");
}

static void test_yaml_syntax_error_located(void **state)
{
    (void)state;
    const char *path = sm_test_write("syntax.yaml", "project: t\ngrid: {resolution: 5\n"
                                                    "output: o\n");
    sm_config cfg;
    int rc = sm_config_load(path, &cfg);
    assert_int_equal(rc, SM_ECONFIG);
    /* The flow mapping opened on line 2 is never closed; libfyaml notices at
     * "output" (line 3) or at the end of the file (line 4). */
    const char *at = strstr(sm_error_message(), "syntax.yaml:");
    assert_non_null(at);
    int line = 0, col = 0;
    assert_int_equal(sscanf(at, "syntax.yaml:%d:%d:", &line, &col), 2);
    assert_in_range(line, 3, 4);
    assert_true(col >= 1);
}

/* libfyaml's error positions are already 1-based: the '@' is line 2,
 * column 4 (they were reported one line and one column late). */
static void test_yaml_error_position_exact(void **state)
{
    (void)state;
    const char *path = sm_test_write("at.yaml", "project: t\nb: @x\n");
    sm_config cfg;
    assert_error(sm_config_load(path, &cfg), SM_ECONFIG,
                 "at.yaml:2:4: plain scalar cannot start with '@'");
}

/* Bytes that are not UTF-8 text stopped libfyaml without an error, so the
 * config silently ended there; now they are refused where they stand. */
static void test_not_utf8_located(void **state)
{
    (void)state;
    sm_config cfg;
    const char *path = sm_test_write("latin1.yaml", "project: t\n# caf\xe9\ngrid: x\n");
    assert_error(sm_config_load(path, &cfg), SM_ECONFIG,
                 "latin1.yaml:2:6: not UTF-8 text (byte 0xe9); save the file as UTF-8");
    /* an overlong '/' (0xc0 0xaf) and a UTF-16 surrogate are not UTF-8 either */
    path = sm_test_write("overlong.yaml", "project: t\noutput: a\xc0\xaf\n");
    assert_error(sm_config_load(path, &cfg), SM_ECONFIG,
                 "overlong.yaml:2:10: not UTF-8 text (byte 0xc0)");
    path = sm_test_write("surrogate.yaml", "project: \xed\xa0\x80\n");
    assert_error(sm_config_load(path, &cfg), SM_ECONFIG,
                 "surrogate.yaml:1:10: not UTF-8 text (byte 0xed)");
    /* a BOM and characters of every length are fine */
    path = sm_test_write("bom.yaml", "\xef\xbb\xbfproject: \xc3\xa9\xe2\x82\xac\xf0\x9f\x8c\x8d\n");
    assert_error(sm_config_load(path, &cfg), SM_ECONFIG,
                 "bom.yaml: (top level): missing required key 'output'");
}

/* Anchors, aliases and merge keys behave as YAML says, and the JSON kept
 * for run.json and the rerun key holds the resolved values. */
static void test_aliases_and_merge_keys(void **state)
{
    (void)state;
    sm_config cfg;
    const char *samples = "samples:\n"
                          "  path: data/s.csv\n"
                          "  crs: EPSG:4326\n"
                          "  x: lon\n"
                          "  y: lat\n"
                          "  contaminants:\n"
                          "    cd: &metal {column: Cd, unit: ug/kg}\n"
                          "    pb: {<<: *metal, column: Pb}\n";
    int rc = load("grid: {resolution: &cell 25, buffer: *cell}\n", samples, NULL, &cfg);
    if (rc)
        fail_msg("%s", sm_error_message());
    assert_true(fabs(cfg.grid.buffer - 25.0) < 1e-12);
    assert_string_equal(cfg.samples.contaminants[1].column, "Pb");
    assert_true(fabs(cfg.samples.contaminants[1].to_mgkg - 1e-3) < 1e-15);
    assert_non_null(cfg.json);
    assert_non_null(strstr(cfg.json, "\"buffer\": 25"));
    assert_non_null(strstr(cfg.json, "\"pb\": {\"unit\": \"ug/kg\", \"column\": \"Pb\"}") ||
                    strstr(cfg.json, "\"pb\": {\"column\": \"Pb\", \"unit\": \"ug/kg\"}"));
    sm_config_free(&cfg);
}

/* An alias to no anchor, and an anchor that contains its own alias. */
static void test_bad_aliases_located(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 25, buffer: *nowhere}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "cfg.yaml:4:32: grid.buffer: alias '*nowhere' names no anchor: define "
                 "'&nowhere' before it");
    rc = load("grid: &g {resolution: 25, extent: [*g]}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "cfg.yaml:4:36: grid.extent[0]: this alias is inside the value it names");
}

/* A key given twice is an error at the second one. */
static void test_duplicate_key_located(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 25, resolution: 30}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "cfg.yaml:4:24: grid.resolution: duplicate key");
}

static void test_random_bytes_config(void **state)
{
    (void)state;
    char bytes[512];
    unsigned x = 12345;
    for (unsigned i = 0; i < sizeof bytes - 1; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (char)(1 + (x >> 16) % 255);
    }
    bytes[sizeof bytes - 1] = '\0';
    const char *path = sm_test_write("random.yaml", bytes);
    sm_config cfg;
    int rc = sm_config_load(path, &cfg);
    assert_int_equal(rc, SM_ECONFIG);
    assert_non_null(strstr(sm_error_message(), "random.yaml"));
}

static void test_missing_config_file(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = sm_config_load(sm_test_tmp("no-such.yaml"), &cfg);
    assert_error(rc, SM_ENOINPUT, "no-such.yaml: cannot open config");
}

static void test_explicit_extent(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 5, extent: [0, 0, 100, 50]}\n", base_samples, NULL, &cfg);
    assert_int_equal(rc, SM_OK);
    assert_false(cfg.grid.from_samples);
    assert_true(fabs(cfg.grid.extent[2] - 100.0) < 1e-12);
    sm_config_free(&cfg);
    rc = load("grid: {resolution: 5, extent: [0, 0, -100, 50]}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "grid.extent: xmax must exceed xmin");
    rc = load("grid: {resolution: 5, extent: [0, 0, 100]}\n", base_samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "grid.extent: expected 'from-samples', 'like' or [xmin, ymin, xmax, ymax]");
}

static void test_bad_contaminant_name(void **state)
{
    (void)state;
    sm_config cfg;
    char samples[1024];
    snprintf(samples, sizeof samples, "%s    Zn-total: Zn\n", base_samples);
    int rc = load("grid: {resolution: 5}\n", samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG, "samples.contaminants.Zn-total: contaminant names must be");
}

static void expect_classify_error(const char *sections, const char *fragment)
{
    sm_config cfg;
    char extra[2000];
    snprintf(extra, sizeof extra, "interpolation: {method: idw}\n%s", sections);
    int rc = load("grid: {resolution: 5}\n", base_samples, extra, &cfg);
    assert_error(rc, SM_ECONFIG, fragment);
}

/* interpolation.per: a contaminant's keys replace the shared group they
 * name, the rest is shared; per-contaminant keys that would do nothing and
 * landuse.max_distance without a column are refused. */
static void test_interpolation_per(void **state)
{
    (void)state;
    sm_config cfg;
    const char *extra = "interpolation:\n  method: idw\n  idw: {power: 2}\n"
                        "  neighbours: {max: 20, min: 3}\n"
                        "  per: {cd: {idw: {power: 3}}, pb: {neighbours: {max: 12}}}\n";
    if (load("grid: {resolution: 5}\n", base_samples, extra, &cfg) != SM_OK)
        fail_msg("%s", sm_error_message());
    const sm_interp_config *cd = sm_config_interp(&cfg, "cd"), *pb = sm_config_interp(&cfg, "pb");
    assert_true(cd->power == 3 && cd->nmax == 20 && cd->nmin == 3);
    assert_true(pb->power == 2 && pb->nmax == 12 && pb->nmin == 1); /* neighbours replaced whole */
    assert_true(sm_config_interp(&cfg, "zn") == &cfg.interpolation);
    sm_config_free(&cfg);
    extra = "interpolation: {method: idw, contaminants: [cd], per: {pb: {method: kriging}}}\n";
    assert_error(load("grid: {resolution: 5}\n", base_samples, extra, &cfg), SM_ECONFIG,
                 "interpolation.per.pb: 'pb' is not interpolated");
    extra = "interpolation: {method: idw}\nlanduse: {default: farm, max_distance: 50}\n";
    assert_error(load("grid: {resolution: 5}\n", base_samples, extra, &cfg), SM_ECONFIG,
                 "landuse.max_distance: applies to land use from the samples");
}

/* basis: probability needs kriging for the contaminants hotspots read,
 * the classified ones, and only those: pb by IDW is fine when only cd is
 * classified, and named when it is. */
static void test_probability_basis_per_contaminant(void **state)
{
    (void)state;
    static const char *const fmt =
        "interpolation: {method: kriging, per: {pb: {method: idw}}}\n"
        "landuse: {default: farm}\n"
        "thresholds: {table: t.csv, classes: {farm: a}, contaminants: [%s]}\n"
        "hotspots: {basis: probability}\n";
    char extra[1000];
    sm_config cfg;
    snprintf(extra, sizeof extra, fmt, "cd");
    if (load("grid: {resolution: 5}\n", base_samples, extra, &cfg) != SM_OK)
        fail_msg("%s", sm_error_message());
    sm_config_free(&cfg);
    snprintf(extra, sizeof extra, fmt, "cd, pb");
    assert_error(load("grid: {resolution: 5}\n", base_samples, extra, &cfg), SM_ECONFIG,
                 "hotspots.basis: 'probability' needs the kriging variance; pb is interpolated "
                 "with idw");
}

/* The landuse, thresholds and hotspots sections: located errors. */
static void test_classify_sections(void **state)
{
    (void)state;
    const char *lu = "landuse: {default: farm}\n";
    const char *th = "thresholds: {table: t.csv, classes: {farm: agricultural}}\n";
    char buf[1000];
    expect_classify_error("landuse: {field: class}\n", "landuse: give one of 'path'");
    expect_classify_error("landuse: {path: lu.gpkg}\n", "landuse: give 'field'");
    expect_classify_error("landuse: {path: lu.tif, codes: {ten: farm}}\n",
                          "landuse.codes: 'ten' is not a number");
    expect_classify_error("thresholds: {table: t.csv}\n", "thresholds: missing key 'classes'");
    expect_classify_error("thresholds: {table: t.csv, classes: {farm: agricultural}}\n",
                          "thresholds depend on land use");
    snprintf(buf, sizeof buf,
             "%sthresholds: {table: t.csv, classes: {farm: a}, ph: {column: pH}}\n", lu);
    expect_classify_error(buf, "thresholds.ph: column 'pH' is not in samples.attributes");
    snprintf(buf, sizeof buf, "%sthresholds: {table: t.csv, classes: {farm: a}, ph: 15}\n", lu);
    expect_classify_error(buf, "thresholds.ph:");
    snprintf(buf, sizeof buf, "%s%shotspots: {basis: probability}\n", lu, th);
    expect_classify_error(buf, "hotspots.basis: 'probability' needs the kriging variance");
    snprintf(buf, sizeof buf, "%s%shotspots: {connectivity: 6}\n", lu, th);
    expect_classify_error(buf, "connectivity 4 or 8");
    expect_classify_error("hotspots: {basis: prediction}\n", "add a 'thresholds' section");
    snprintf(buf, sizeof buf,
             "%sthresholds: {table: t.csv, classes: {farm: a}, overrides: [{contaminant: cd, "
             "land_use: a, value: -1}]}\n",
             lu);
    expect_classify_error(buf, "thresholds.overrides[0].value");
    sm_config cfg;
    snprintf(buf, sizeof buf,
             "interpolation: {method: idw}\n%sthresholds: {table: t.csv, "
             "classes: {farm: [other, orchard]}, ph: 6.5}\n",
             lu);
    assert_int_equal(load("grid: {resolution: 5}\n", base_samples, buf, &cfg), SM_OK);
    assert_string_equal(cfg.thresholds.categories[0][1], "orchard");
    assert_null(cfg.thresholds.categories[0][2]);
    assert_true(cfg.thresholds.ph_source == SM_PH_VALUE && cfg.thresholds.ph_value == 6.5);
    sm_config_free(&cfg);
}

static void test_attribute_clash(void **state)
{
    (void)state;
    sm_config cfg;
    char samples[1024];
    snprintf(samples, sizeof samples, "%s  attributes: [depth, CD_FLAG]\n", base_samples);
    int rc = load("grid: {resolution: 5}\n", samples, NULL, &cfg);
    assert_error(rc, SM_ECONFIG,
                 "samples.attributes: attribute 'CD_FLAG' would clash with the "
                 "output field 'cd_flag'");
}

static void test_source_crs_checked(void **state)
{
    (void)state;
    sm_config cfg;
    int rc = load("grid: {resolution: 5}\n", base_samples,
                  "sources:\n  - {path: s.gpkg, type: smelter, crs: EPSG:99999}\n", &cfg);
    assert_error(rc, SM_ECONFIG, "sources[0].crs: 'EPSG:99999' is not a CRS that PROJ knows");
    rc = load("grid: {resolution: 5}\n", base_samples, "sources:\n  - {path: s.gpkg}\n", &cfg);
    assert_error(rc, SM_ECONFIG, "give exactly one of 'type'");
}

/* publish.basemap: off by default; {url, attribution} or a bare url, the
 * attribution required; refused with crs: local (issue 17, items 9, 12). */
static void test_publish_basemap(void **state)
{
    (void)state;
    sm_config cfg;
    const char *grid = "grid: {resolution: 5}\n";
    assert_int_equal(load(grid, base_samples, "publish: {}\n", &cfg), SM_OK);
    assert_string_equal(cfg.publish.basemap_url, "");
    sm_config_free(&cfg);
    assert_int_equal(load(grid, base_samples,
                          "publish:\n  basemap: {url: \"https://tile.openstreetmap.org/{z}/{x}/"
                          "{y}.png\", attribution: \"\u00a9 OpenStreetMap contributors\"}\n",
                          &cfg),
                     SM_OK);
    assert_string_equal(cfg.publish.basemap_url, "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    assert_string_equal(cfg.publish.basemap_attribution, "\u00a9 OpenStreetMap contributors");
    sm_config_free(&cfg);
    int rc = load(grid, base_samples, "publish: {basemap: \"https://t.example/{z}/{x}/{y}.png\"}\n",
                  &cfg);
    assert_error(rc, SM_ECONFIG, "publish.basemap: attribution is required with a basemap url");
    rc = load(grid, base_samples,
              "publish: {basemap: {url: \"https://t.example/tiles.png\", "
              "attribution: x}}\n",
              &cfg);
    assert_error(rc, SM_ECONFIG, "publish.basemap: expected a tile URL template with {z}");
    rc = load(grid, base_samples, "publish: {basemap: {attribution: x, link: y}}\n", &cfg);
    assert_error(rc, SM_ECONFIG, "publish.basemap");
    const char *local = sm_test_write(
        "local.yaml", "project: t\noutput: out/t\ncrs: local\ngrid: {resolution: 5}\n"
                      "samples: {path: s.csv, x: x, y: y, contaminants: {cd: Cd}}\n"
                      "publish: {basemap: {url: \"https://t.example/{z}/{x}/{y}.png\", "
                      "attribution: x}}\n");
    assert_error(sm_config_load(local, &cfg), SM_ECONFIG,
                 "publish.basemap: crs: local has no georeference");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_config),
        cmocka_unit_test(test_unknown_key_suggests),
        cmocka_unit_test(test_unknown_key_without_close_match_lists_keys),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_missing_required_key),
        cmocka_unit_test(test_bad_choice_suggests),
        cmocka_unit_test(test_unit_as_given),
        cmocka_unit_test(test_geographic_working_crs_refused),
        cmocka_unit_test(test_yaml_syntax_error_located),
        cmocka_unit_test(test_yaml_error_position_exact),
        cmocka_unit_test(test_not_utf8_located),
        cmocka_unit_test(test_aliases_and_merge_keys),
        cmocka_unit_test(test_bad_aliases_located),
        cmocka_unit_test(test_duplicate_key_located),
        cmocka_unit_test(test_random_bytes_config),
        cmocka_unit_test(test_missing_config_file),
        cmocka_unit_test(test_explicit_extent),
        cmocka_unit_test(test_bad_contaminant_name),
        cmocka_unit_test(test_classify_sections),
        cmocka_unit_test(test_probability_basis_per_contaminant),
        cmocka_unit_test(test_interpolation_per),
        cmocka_unit_test(test_attribute_clash),
        cmocka_unit_test(test_source_crs_checked),
        cmocka_unit_test(test_publish_basemap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
