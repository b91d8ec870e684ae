/* End to end: config files that are not what they seem. Bytes that are not
 * UTF-8 text, YAML aliases and merge keys, and lists far past the limits
 * must each give a located one-line error or a faithful run, never a config
 * quietly cut short or hashed as empty. */
#include "core/limits.h"
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

static int cli(const char *command, const char *config)
{
    char args[4200];
    snprintf(args, sizeof args, "%s %s", command, config);
    return sm_test_cli(args, err, sizeof err);
}

static void assert_one_line_error(int rc, int code, const char *fragment)
{
    sm_test_assert_one_line_error(rc, code, err, fragment);
}

/* Writes size bytes as is: the text may hold a NUL. */
static const char *write_bytes(const char *name, const char *bytes, size_t size)
{
    const char *path = sm_test_tmp(name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, size, fp), size);
    fclose(fp);
    return path;
}

/* The meuse samples, then `rest` (the keys after samples.contaminants). */
static const char *meuse_config(const char *name, const char *rest)
{
    char text[4096], file[128];
    snprintf(text, sizeof text,
             "project: %s\noutput: out-%s\ncrs: EPSG:28992\ngrid: {resolution: 200}\n"
             "samples:\n  path: %s\n  crs: EPSG:28992\n  x: x\n  y: y\n"
             "  contaminants: {zn: zinc}\n%s",
             name, name, sm_test_src("data/meuse/meuse.csv"), rest);
    snprintf(file, sizeof file, "%s.yaml", name);
    return sm_test_write(file, text);
}

/* A Latin-1 é in a comment used to end the config there: validate said ok
 * and run dropped every later section. Line 11 is the comment; its 'é' is
 * the 10th character. */
static void test_latin1_byte_located(void **state)
{
    (void)state;
    const char *cfg = meuse_config("latin1", "# Bodenpr\xe9\x66ung\n"
                                             "interpolation: {method: idw, colour: red}\n");
    assert_one_line_error(cli("validate -q", cfg), 78,
                          "latin1.yaml:11:10: not UTF-8 text (byte 0xe9); save the file as UTF-8");
    assert_one_line_error(cli("run -q", cfg), 78, "latin1.yaml:11:10: not UTF-8 text (byte 0xe9)");
}

/* Characters before the bad byte count once however many bytes they take;
 * a sequence cut short by the end of the file is named too. */
static void test_bad_byte_after_utf8_text(void **state)
{
    (void)state;
    const char *cfg = meuse_config("utf8", "# K\xc3\xb6ln \xe2\x80\x93 \xff\n");
    assert_one_line_error(cli("validate -q", cfg), 78,
                          "utf8.yaml:11:10: not UTF-8 text (byte 0xff)");
    cfg = meuse_config("cut", "# ends in half a character \xe2\x80");
    assert_one_line_error(cli("validate -q", cfg), 78,
                          "cut.yaml:11:28: not UTF-8 text (byte 0xe2)");
}

/* A NUL byte ended the config where it stood, as the Latin-1 byte did. */
static void test_nul_byte_located(void **state)
{
    (void)state;
    const char *head = meuse_config("nul-head", "");
    char *text = sm_test_slurp(head);
    size_t n = strlen(text);
    char bytes[4096];
    memcpy(bytes, text, n);
    free(text);
    static const char tail[] = "  id: sample\0id\ninterpolation: {method: idw, colour: red}\n";
    memcpy(bytes + n, tail, sizeof tail - 1);
    const char *cfg = write_bytes("nul.yaml", bytes, n + sizeof tail - 1);
    assert_one_line_error(cli("validate -q", cfg), 78,
                          "nul.yaml:11:13: not UTF-8 text (byte 0x00)");
}

/* The config with its anchors: the merge key gives cd and zn the unit of
 * &metal, *metals names the same list in interpolation and thresholds. */
static const char *alias_config(const char *unit)
{
    char text[4096];
    snprintf(text, sizeof text,
             "project: alias\noutput: out-alias\ncrs: &rd EPSG:28992\n"
             "grid: {resolution: 200, buffer: 100}\n"
             "samples:\n  path: %s\n  crs: *rd\n  x: x\n  y: y\n"
             "  contaminants:\n"
             "    cd: &metal {column: cadmium, unit: %s}\n"
             "    zn: {<<: *metal, column: zinc}\n"
             "interpolation:\n  method: idw\n  contaminants: &metals [cd, zn]\n"
             "  neighbours: {max: 8}\n  cross_validation: none\n"
             "landuse: {default: floodplain}\n"
             "thresholds:\n  table: %s\n  classes: {floodplain: all}\n"
             "  contaminants: *metals\n",
             sm_test_src("data/meuse/meuse.csv"), unit,
             sm_test_src("configs/thresholds/netherlands.csv"));
    return sm_test_write("alias.yaml", text);
}

static const char *json_text(json_object *run, const char *path)
{
    return json_object_get_string(sm_test_json(run, path));
}

/* Aliases and merge keys resolve as YAML says; run.json holds the resolved
 * config; editing the anchored value reruns the stages (an unresolved config
 * was hashed as empty, so the edit was skipped). */
static void test_aliases_resolved_and_hashed(void **state)
{
    (void)state;
    sm_test_rmtree("out-alias");
    assert_int_equal(cli("validate -q", alias_config("mg/kg")), 0);
    if (cli("run -q", alias_config("mg/kg")) != 0)
        fail_msg("run: %s", err);
    json_object *run = json_object_from_file(sm_test_tmp("out-alias/run.json"));
    assert_non_null(run);
    assert_true(json_object_is_type(sm_test_json(run, "config"), json_type_object));
    assert_string_equal(json_text(run, "config.samples.crs"), "EPSG:28992");
    assert_string_equal(json_text(run, "config.samples.contaminants.zn.column"), "zinc");
    assert_string_equal(json_text(run, "config.samples.contaminants.zn.unit"), "mg/kg");
    json_object *list = sm_test_json(run, "config.thresholds.contaminants");
    assert_int_equal(json_object_array_length(list), 2);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(list, 1)), "zn");
    json_object_put(run);

    assert_int_equal(cli("run", alias_config("mg/kg")), 0);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    assert_non_null(strstr(log, "ingest: up to date, skipped"));
    free(log);
    assert_int_equal(cli("run", alias_config("ug/kg")), 0);
    log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    if (strstr(log, "up to date"))
        fail_msg("the edited config was skipped:\n%s", log);
    free(log);
    run = json_object_from_file(sm_test_tmp("out-alias/run.json"));
    assert_string_equal(json_text(run, "config.samples.contaminants.zn.unit"), "ug/kg");
    json_object_put(run);
}

/* A config that names an anchor nobody defined is refused where it does. */
static void test_undefined_alias_located(void **state)
{
    (void)state;
    const char *cfg = meuse_config("noanchor", "  id: *nowhere\n");
    assert_one_line_error(cli("validate -q", cfg), 78,
                          "noanchor.yaml:11:7: samples.id: alias '*nowhere' names no anchor");
}

/* Nine anchors of nine aliases each would expand to 9^9 values: refused
 * before the expansion, not after minutes and gigabytes. */
static void test_alias_bomb_refused(void **state)
{
    (void)state;
    char rest[2048] = "  attributes:\n    - &a0 [x, x, x, x, x, x, x, x, x]\n";
    size_t len = strlen(rest);
    for (int level = 1; level < 9; level++) {
        len += (size_t)snprintf(rest + len, sizeof rest - len, "    - &a%d [", level);
        for (int i = 0; i < 9; i++)
            len +=
                (size_t)snprintf(rest + len, sizeof rest - len, "%s*a%d", i ? ", " : "", level - 1);
        len += (size_t)snprintf(rest + len, sizeof rest - len, "]\n");
    }
    const char *cfg = meuse_config("bomb", rest);
    assert_one_line_error(cli("validate -q", cfg), 78, "bomb.yaml:");
    assert_non_null(strstr(err, "aliases"));
}

/* n list items, one a line, under `key:` at the given indent. */
static char *long_list(const char *head, const char *key, const char *indent, int n)
{
    size_t cap = strlen(head) + (size_t)n * 24 + 256;
    char *text = malloc(cap);
    int len = snprintf(text, cap, "%s%s%s:\n", head, indent, key);
    for (int i = 0; i < n; i++)
        len += snprintf(text + len, cap - (size_t)len, "%s  - a%d\n", indent, i);
    return text;
}

/* 200,000 attributes: refused at the limit with the key's place. Reading
 * each item by its index made this minutes (quadratic); it takes well under
 * a second, so a ctest timeout catches a regression without a timed test. */
static void test_long_list_refused_at_limit(void **state)
{
    (void)state;
    enum { N = 200000 };
    char *head = sm_test_slurp(meuse_config("long-head", ""));
    char *text = long_list(head, "attributes", "  ", N);
    const char *cfg = sm_test_write("long.yaml", text);
    free(text);
    char want[128];
    snprintf(want, sizeof want, "long.yaml:11:3: samples.attributes: %d attributes; at most %d", N,
             SM_MAX_ATTRIBUTES);
    assert_one_line_error(cli("validate -q", cfg), 78, want);

    /* the same in interpolation.contaminants, whose names must each be one
     * of samples.contaminants: a list longer than that is refused first */
    size_t cap = strlen(head) + 64;
    char *with = malloc(cap);
    snprintf(with, cap, "%sinterpolation:\n  method: idw\n", head);
    text = long_list(with, "contaminants", "  ", N);
    cfg = sm_test_write("long-interp.yaml", text);
    free(text), free(with);
    snprintf(want, sizeof want,
             "long-interp.yaml:13:3: interpolation.contaminants: %d contaminants; one run "
             "handles at most %d",
             N, SM_MAX_CONTAMINANTS);
    assert_one_line_error(cli("validate -q", cfg), 78, want);
    free(head);
}

/* 200,000 contaminants as a mapping: libfyaml's own check for duplicate keys
 * compared every key with every other (minutes); refused at the limit. */
static void test_long_mapping_refused_at_limit(void **state)
{
    (void)state;
    enum { N = 200000 };
    char *head = sm_test_slurp(meuse_config("map-head", ""));
    char *cut = strstr(head, "  contaminants:");
    assert_non_null(cut);
    *cut = '\0';
    size_t cap = strlen(head) + (size_t)N * 24 + 64;
    char *text = malloc(cap);
    int len = snprintf(text, cap, "%s  contaminants:\n", head);
    for (int i = 0; i < N; i++)
        len += snprintf(text + len, cap - (size_t)len, "    c%d: C%d\n", i, i);
    const char *cfg = sm_test_write("long-map.yaml", text);
    free(text), free(head);
    char want[128];
    snprintf(want, sizeof want, "long-map.yaml:10:3: samples.contaminants: %d contaminants", N);
    assert_one_line_error(cli("validate -q", cfg), 78, want);
    /* a key given twice is still found, with its place */
    cfg = sm_test_write("dup.yaml", "project: x\noutput: o\nproject: y\n");
    assert_one_line_error(cli("validate -q", cfg), 78, "dup.yaml:3:1: project: duplicate key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin1_byte_located),
        cmocka_unit_test(test_bad_byte_after_utf8_text),
        cmocka_unit_test(test_nul_byte_located),
        cmocka_unit_test(test_aliases_resolved_and_hashed),
        cmocka_unit_test(test_undefined_alias_located),
        cmocka_unit_test(test_alias_bomb_refused),
        cmocka_unit_test(test_long_list_refused_at_limit),
        cmocka_unit_test(test_long_mapping_refused_at_limit),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
