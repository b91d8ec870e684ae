/* Faults around a run: outputs that would replace inputs, a full disk, a
 * signal during publish, two runs on one folder, and what a killed run
 * leaves. A full disk is a file-size limit (`ulimit -f`, SIGXFSZ ignored):
 * writes past it fail with EFBIG, as they fail with ENOSPC on a full disk. */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char err[2048];

/* Exit code of a shell command line; stderr's "soilmap:" line into err. */
static int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int shell(const char *fmt, ...)
{
    char cmd[8192], line[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "(%s) 2>%s", line, sm_test_tmp("faults.stderr"));
    int status = system(cmd);
    char *text = sm_test_slurp(sm_test_tmp("faults.stderr"));
    char *msg = text ? strstr(text, "soilmap: ") : NULL;
    snprintf(err, sizeof err, "%.*s", msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");
    free(text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* soilmap ARGS with files limited to kb kilobytes. */
static int limited(int kb, const char *args)
{
    return shell("trap '' XFSZ; ulimit -f %d; exec %s %s", kb, SM_BINARY, args);
}

static long count_temporaries(const char *dir)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "find %s -name '.tmp-*' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    long n = -1;
    assert_int_equal(fscanf(p, "%ld", &n), 1);
    pclose(p);
    return n;
}

static void assert_error(int rc, int code, const char *fragment)
{
    if (rc != code)
        fail_msg("exit %d, expected %d: %s", rc, code, err);
    if (!strstr(err, fragment))
        fail_msg("error '%s' lacks '%s'", err, fragment);
}

/* The demo, run once, in out-faults (writing its config anew would empty
 * the folder). */
static const char *demo(void)
{
    static char config[4096];
    if (!config[0]) {
        snprintf(config, sizeof config, "%s", sm_test_demo_config("faults", NULL, NULL));
        assert_int_equal(shell("%s store init --force -q %s && %s run -q %s", SM_BINARY, config,
                               SM_BINARY, config),
                         0);
    }
    return config;
}

/* `output: .` beside the lab's samples.gpkg: ingest would write over it.
 * run and validate refuse (73) before anything is written. */
static void test_output_over_input_refused(void **state)
{
    (void)state;
    sm_test_rmtree("over");
    const char *csv = sm_test_write("over.csv", "x,y,v\n1000,1000,1\n2000,2000,4\n1500,3000,9\n");
    char args[8192];
    snprintf(args, sizeof args,
             "mkdir -p %s && ogr2ogr -q -f GPKG -nln samples -oo X_POSSIBLE_NAMES=x "
             "-oo Y_POSSIBLE_NAMES=y -a_srs EPSG:32633 %s %s && cp %s %s",
             sm_test_tmp("over"), sm_test_tmp("over/samples.gpkg"), csv,
             sm_test_tmp("over/samples.gpkg"), sm_test_tmp("over-copy.gpkg"));
    assert_int_equal(shell("%s", args), 0);
    sm_test_write("over/c.yaml", "project: over\noutput: .\ncrs: EPSG:32633\n"
                                 "grid: {resolution: 100, extent: [0, 0, 5000, 5000]}\n"
                                 "samples: {path: samples.gpkg, layer: samples, "
                                 "contaminants: {v: v}}\n");
    snprintf(args, sizeof args, "%s run -q %s", SM_BINARY, sm_test_tmp("over/c.yaml"));
    assert_error(shell("%s", args), 73, "samples.gpkg: ingest reads this file and would write");
    snprintf(args, sizeof args, "%s validate -q %s", SM_BINARY, sm_test_tmp("over/c.yaml"));
    assert_error(shell("%s", args), 73, "choose another output folder");
    assert_int_equal(
        shell("cmp %s %s", sm_test_tmp("over/samples.gpkg"), sm_test_tmp("over-copy.gpkg")), 0);
}

/* The disk fills while a surface is written: exit 74 naming the file, no
 * surface and no temporary (it was a double GDALClose: exit 139). */
static void test_disk_full_in_a_surface(void **state)
{
    (void)state;
    const char *csv = sm_test_write("full.csv", "x,y,v\n1000,1000,1\n50000,5000,4\n"
                                                "30005,30005,9\n5000,55000,2\n59000,59000,6\n");
    char cfg[2048], args[8192];
    snprintf(cfg, sizeof cfg,
             "project: full\noutput: out-full\ncrs: EPSG:32633\n"
             "grid: {resolution: 100, extent: [0, 0, 60000, 60000]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, contaminants: {v: v}}\n"
             "interpolation: {method: idw, neighbours: {max: 4}, cross_validation: none}\n",
             csv);
    const char *config = sm_test_write("full.yaml", cfg);
    sm_test_rmtree("out-full");
    snprintf(args, sizeof args, "ingest -q %s", config);
    assert_int_equal(limited(100000, args), 0);
    snprintf(args, sizeof args, "interpolate -q %s", config);
    for (int kb = 300; kb <= 1000; kb += 700) {
        assert_error(limited(kb, args), 74, "surfaces/v.tif: cannot write");
        assert_int_equal(count_temporaries(sm_test_tmp("out-full")), 0);
        assert_int_equal(shell("test ! -e %s", sm_test_tmp("out-full/surfaces/v.tif")), 0);
    }
}

/* A full disk in publish: the message names the file that could not be
 * written, not run.json (whose writing fails next), and no temporary stays. */
static void test_disk_full_in_publish(void **state)
{
    (void)state;
    char args[8192];
    snprintf(args, sizeof args, "publish -q --force %s", demo());
    assert_error(limited(4, args), 74, ".png: cannot write");
    assert_null(strstr(err, "run.json"));
    assert_int_equal(count_temporaries(sm_test_tmp("out-faults")), 0);
}

/* SIGINT while publish renders tiles: exit 75, no temporary left. */
static void test_interrupted_publish(void **state)
{
    (void)state;
    int rc = shell("%s publish -q --force %s & pid=$!; sleep 1.5; kill -INT $pid; wait $pid",
                   SM_BINARY, demo());
    assert_error(rc, 75, "cancelled");
    assert_int_equal(count_temporaries(sm_test_tmp("out-faults")), 0);
}

/* A stage that fails keeps the later stages' records of the last run:
 * run.json still describes every file in the folder. */
static void test_failed_stage_keeps_later_records(void **state)
{
    (void)state;
    char args[8192];
    snprintf(args, sizeof args, "run -q --force %s", demo());
    assert_error(limited(1000, args), 74, "cannot write");
    json_object *run = json_object_from_file(sm_test_tmp("out-faults/run.json"));
    assert_non_null(run);
    const char *later[] = {"classify", "hotspots", "remediate", "screen", "publish"};
    assert_string_equal(json_object_get_string(sm_test_json(run, "stages.interpolate.status")),
                        "failed");
    for (int i = 0; i < 5; i++) {
        char path[128];
        snprintf(path, sizeof path, "stages.%s.status", later[i]);
        assert_string_equal(json_object_get_string(sm_test_json(run, path)), "ok");
    }
    json_object_put(run);
    /* the next run finds the folder as run.json says and redoes the rest */
    snprintf(args, sizeof args, "%s run -q %s", SM_BINARY, demo());
    assert_int_equal(shell("%s", args), 0);
}

/* A second run on a folder in use waits for nothing and changes nothing:
 * exit 75 naming the first run's process. */
static void test_second_run_on_a_busy_folder(void **state)
{
    (void)state;
    const char *config = sm_test_long_surface("busy");
    int rc = shell("%s interpolate -q -o %s %s & pid=$!; sleep 1; "
                   "%s ingest -q -o %s %s; rc=$?; kill -TERM $pid; wait $pid; exit $rc",
                   SM_BINARY, sm_test_tmp("out-busy"), config, SM_BINARY, sm_test_tmp("out-busy"),
                   config);
    assert_error(rc, 75, "output folder in use by pid ");
}

/* What a SIGKILL leaves (temporaries named after a dead process) goes with
 * the next run on the folder, which says so. */
static void test_killed_run_swept(void **state)
{
    (void)state;
    const char *config = sm_test_long_surface("swept");
    const char *out = sm_test_tmp("out-swept");
    shell("%s interpolate -q -o %s %s & pid=$!; sleep 1.5; kill -KILL $pid; wait $pid", SM_BINARY,
          out, config);
    assert_true(count_temporaries(out) > 0);
    assert_int_equal(shell("%s ingest -o %s %s", SM_BINARY, out, config), 0);
    assert_int_equal(count_temporaries(out), 0);
    char *log = sm_test_slurp(sm_test_tmp("faults.stderr"));
    assert_non_null(strstr(log, "left by a run that was killed"));
    free(log);
}

/* Writes the sha256 of every raster under out-NAME under its final name
 * (a killed run's hidden .tmp-* files are swept by the next run), by
 * relative path, to NAME.sums; returns its path. */
static const char *raster_sums(const char *name)
{
    static char path[2][4096];
    static int slot;
    char *sums = path[slot++ % 2];
    snprintf(sums, 4096, "%s.sums", sm_test_tmp(name));
    char dir[64];
    snprintf(dir, sizeof dir, "out-%s", name);
    assert_int_equal(shell("cd %s && find . -name '*.tif' -not -name '.tmp-*' -print0 | sort -z | "
                           "xargs -0r sha256sum > %s",
                           sm_test_tmp(dir), sums),
                     0);
    return sums;
}

/* The whole demo run on a disk that fills, then killed, then run again:
 * the full disk exits 74 naming the file (under its final name), every
 * raster left under its final name is a complete one, and the run after it
 * makes the same bytes as a run that never failed. 1150 kB fails the first
 * surface, 1400 kB the report. */
static void test_full_run_after_faults(void **state)
{
    (void)state;
    char ref[4096], args[8192];
    demo();
    snprintf(ref, sizeof ref, "%s", raster_sums("faults"));
    const char *config = sm_test_demo_config("faults-full", NULL, NULL);
    assert_int_equal(shell("%s store init --force -q %s", SM_BINARY, config), 0);
    snprintf(args, sizeof args, "run -q --force %s", config);
    const int limits[] = {1150, 1400};
    for (int i = 0; i < 2; i++) {
        assert_error(limited(limits[i], args), 74, "cannot write");
        assert_non_null(strstr(err, "out-faults-full/"));
        assert_null(strstr(err, ".tmp-"));
        /* exit 1: no line of the partial run's sums differs from the reference */
        assert_int_equal(shell("grep -vxFf %s %s", ref, raster_sums("faults-full")), 1);
    }
    shell("%s run -q --force %s & pid=$!; sleep 2; kill -KILL $pid; wait $pid", SM_BINARY, config);
    assert_int_equal(shell("grep -vxFf %s %s", ref, raster_sums("faults-full")), 1);
    assert_int_equal(shell("%s run -q %s", SM_BINARY, config), 0);
    assert_int_equal(shell("cmp %s %s", ref, raster_sums("faults-full")), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_over_input_refused),
        cmocka_unit_test(test_disk_full_in_a_surface),
        cmocka_unit_test(test_failed_stage_keeps_later_records),
        cmocka_unit_test(test_disk_full_in_publish),
        cmocka_unit_test(test_interrupted_publish),
        cmocka_unit_test(test_second_run_on_a_busy_folder),
        cmocka_unit_test(test_killed_run_swept),
        cmocka_unit_test(test_full_run_after_faults),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
