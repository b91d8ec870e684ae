/* Beyond one process: MPI ranks and --tile-range slices give the very files
 * one process writes, and a rank that dies takes the job down leaving no
 * file behind. The MPI tests run when the build has MPI (SOILMAP_MPI and
 * Open MPI found). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* GeoPackages record when they were written; a fixed date makes them
 * comparable byte for byte. */
#define FIXED_DATE "--config OGR_CURRENT_DATE 2026-01-01T00:00:00Z"

/* The two files that record times (durations, start times) by design. */
static int timed_file(const char *rel)
{
    return !strcmp(rel, "run.json") || !strcmp(rel, "report.html");
}

/* Every file of the whole run `a` (except slices/) equals the same path
 * under b, and b has no other file outside slices/; returns how many. */
static int assert_same_tree(const char *a, const char *b)
{
    char cmd[8192], rel[4096];
    int files = 0, differ = 0;
    snprintf(cmd, sizeof cmd, "cd %s && find . -path ./slices -prune -o -type f -print | sort", a);
    FILE *list = popen(cmd, "r");
    assert_non_null(list);
    while (fgets(rel, sizeof rel, list)) {
        rel[strcspn(rel, "\n")] = '\0';
        if (timed_file(rel + 2))
            continue;
        snprintf(cmd, sizeof cmd, "cmp -s %s/%s %s/%s", a, rel, b, rel);
        if (system(cmd) != 0 && differ++ < 5)
            print_message("differs: %s\n", rel + 2);
        files++;
    }
    pclose(list);
    snprintf(cmd, sizeof cmd,
             "test $(cd %s && find . -path ./slices -prune -o -type f -print | wc -l) -eq "
             "$(cd %s && find . -path ./slices -prune -o -type f -print | wc -l)",
             a, b);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(differ, 0);
    return files;
}

/* The demo, whole, by one process with two threads: what the others must equal. */
static const char *whole_run(void)
{
    static char out[4096];
    static int done;
    char config[4096];
    snprintf(config, sizeof config, "%s", sm_test_demo_config("scaling", NULL, NULL));
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-whole"));
    if (done)
        return out;
    char args[8192], err[1024];
    snprintf(args, sizeof args, "store init --force -q %s", config);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    sm_test_rmtree("out-whole");
    snprintf(args, sizeof args, "run -q --threads 2 %s -o %s %s", FIXED_DATE, out, config);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    done = 1;
    return out;
}

static void run_slices(const char *out, int first, int last, int count)
{
    char config[4096];
    snprintf(config, sizeof config, "%s", sm_test_demo_config("scaling", NULL, NULL));
    char args[8192], err[1024];
    for (int i = first; i < last; i++) {
        snprintf(args, sizeof args, "run -q --threads 1 --tile-range %d/%d %s -o %s %s", i, count,
                 FIXED_DATE, out, config);
        assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    }
}

/* Three slices, as three job-array tasks would run them, then assemble:
 * every product equals the whole run's, byte for byte. */
static void test_slices_assembled_equal_whole_run(void **state)
{
    (void)state;
    const char *whole = whole_run();
    sm_test_rmtree("out-slices");
    char out[4096];
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-slices"));
    run_slices(out, 0, 3, 3);
    /* a slice holds only its own tiles: slice 1 of 3 has no tile 0 */
    char part[4200];
    snprintf(part, sizeof part, "%s/slices/1-of-3/surfaces/cd.tif", out);
    sm_test_raster r;
    sm_test_read_raster(part, 1, &r);
    assert_true(r.v[0] == r.nodata || r.v[0] == 0); /* an empty tile of a sparse file */
    free(r.v);
    char args[8192], err[1024];
    snprintf(args, sizeof args, "assemble -q %s -o %s %s", FIXED_DATE, out,
             sm_test_demo_config("scaling", NULL, NULL));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    int files = assert_same_tree(whole, out);
    print_message("%d files equal the whole run's\n", files);
    assert_true(files > 100); /* rasters, vectors, tiles, STAC ... */
    /* the counts in run.json are the whole grid's, summed over the slices */
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/run.json", whole);
    snprintf(b, sizeof b, "%s/run.json", out);
    assert_int_equal(
        sm_test_manifest_long(a, "stages.classify.contaminants.cd.cells_without_value"),
        sm_test_manifest_long(b, "stages.classify.contaminants.cd.cells_without_value"));
    assert_int_equal(
        sm_test_manifest_long(a, "stages.classify.landuse.cells_per_class.agricultural"),
        sm_test_manifest_long(b, "stages.classify.landuse.cells_per_class.agricultural"));
}

/* assemble with a slice missing names it, and writes no surface. */
static void test_assemble_needs_every_slice(void **state)
{
    (void)state;
    sm_test_rmtree("out-partial");
    char out[4096];
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-partial"));
    run_slices(out, 0, 1, 2);
    char args[8192], err[1024], cmd[8300];
    snprintf(args, sizeof args, "assemble -q -o %s %s", out,
             sm_test_demo_config("scaling", NULL, NULL));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 66);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "slices/1-of-2/surfaces/"));
    assert_non_null(strstr(err, "--tile-range 1/2"));
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/surfaces)\"", out);
    assert_int_equal(system(cmd), 0);
    /* a slice made with another config is refused */
    const char *other = sm_test_demo_config("scaling-other", "resolution: 10", "resolution: 10.0");
    snprintf(args, sizeof args, "run -q --tile-range 1/2 -o %s %s", out, other);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "assemble -q -o %s %s", out,
             sm_test_demo_config("scaling", NULL, NULL));
    assert_int_equal(sm_test_cli(args, err, sizeof err), 65);
    print_message("%s\n", err);
    assert_non_null(strstr(err, "another config"));
}

static void test_tile_range_is_checked(void **state)
{
    (void)state;
    char err[1024], config[4096], args[8192];
    snprintf(config, sizeof config, "%s", sm_test_demo_config("scaling", NULL, NULL));
    const char *bad[] = {"3/3", "-1/2", "1", "a/b", "0/0"};
    for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(args, sizeof args, "run --tile-range %s %s", bad[i], config);
        assert_int_equal(sm_test_cli(args, err, sizeof err), 64);
        assert_non_null(strstr(err, "--tile-range"));
    }
    snprintf(args, sizeof args, "classify --tile-range 0/2 %s", config);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 64);
    snprintf(args, sizeof args, "run --schedule sometimes %s", config);
    assert_int_equal(sm_test_cli(args, err, sizeof err), 64);
    assert_non_null(strstr(err, "--schedule"));
}

#ifdef SM_MPIEXEC
/* mpirun as root needs these; the ranks inherit the environment. */
static const char *MPIRUN = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                            "ASAN_OPTIONS=detect_leaks=0 " SM_MPIEXEC " -n 2 --oversubscribe";

/* Two ranks, with tiles dealt out (static) and drawn as they go (dynamic):
 * the same files as one process. */
static void test_two_ranks_write_the_same_files(void **state)
{
    (void)state;
    const char *whole = whole_run();
    const char *schedules[] = {"static", "dynamic"};
    for (int s = 0; s < 2; s++) {
        sm_test_rmtree("out-ranks");
        char out[4096], cmd[8192];
        snprintf(out, sizeof out, "%s", sm_test_tmp("out-ranks"));
        snprintf(cmd, sizeof cmd, "%s %s run -q --threads 1 --schedule %s %s -o %s %s > %s 2>&1",
                 MPIRUN, SM_BINARY, schedules[s], FIXED_DATE, out,
                 sm_test_demo_config("scaling", NULL, NULL), sm_test_tmp("ranks.log"));
        int status = system(cmd);
        if (status != 0)
            print_message("%s\n", sm_test_slurp(sm_test_tmp("ranks.log")));
        assert_int_equal(status, 0);
        int files = assert_same_tree(whole, out);
        print_message("%s: %d files equal the single-process run's\n", schedules[s], files);
        snprintf(cmd, sizeof cmd, "test -z \"$(find %s -name '.tmp-*')\"", out);
        assert_int_equal(system(cmd), 0);
    }
}

/* SIGKILL to rank 1 in the middle of a surface: the job fails, and neither
 * a surface nor a temporary is left (rank 0's handler removes rank 1's part
 * too). */
static void test_killed_rank_fails_the_job_cleanly(void **state)
{
    (void)state;
    char config[4096], out[4096], cmd[8192];
    snprintf(config, sizeof config, "%s", sm_test_long_surface("killed"));
    snprintf(out, sizeof out, "%s", sm_test_tmp("out-killed"));
    /* rank 1 is the child of mpirun whose environment says so */
    snprintf(cmd, sizeof cmd,
             "%s %s interpolate -q --threads 1 -o %s %s > %s 2>&1 & mp=$!; sleep 2; "
             "for p in $(pgrep -P $mp); do "
             "  tr '\\0' '\\n' < /proc/$p/environ | grep -qx OMPI_COMM_WORLD_RANK=1 && "
             "  kill -KILL $p; done; wait $mp",
             MPIRUN, SM_BINARY, out, config, sm_test_tmp("killed.log"));
    int status = system(cmd);
    char *log = sm_test_slurp(sm_test_tmp("killed.log"));
    print_message("exit status %d; mpirun said:\n%.600s\n", WEXITSTATUS(status), log);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    assert_non_null(strstr(log, "rank 1")); /* mpirun names the rank that died */
    free(log);
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/surfaces)\"", out);
    assert_int_equal(system(cmd), 0);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tile_range_is_checked),
        cmocka_unit_test(test_slices_assembled_equal_whole_run),
        cmocka_unit_test(test_assemble_needs_every_slice),
#ifdef SM_MPIEXEC
        cmocka_unit_test(test_two_ranks_write_the_same_files),
        cmocka_unit_test(test_killed_rank_fails_the_job_cleanly),
#endif
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
