/* Atomic outputs: the registry of temporaries that a signal removes must
 * hold every temporary, also when the threads of a tile loop register
 * theirs at the same moment (tiles.c and surface.c do). */
#include "core/outfile.h"
#include "testutil.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { N_FILES = 3000, N_THREADS = 8 };

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("partial", f);
    fclose(f);
}

static void test_concurrent_registration(void **state)
{
    (void)state;
    sm_test_rmtree("outfile");
    const char *dir = sm_test_tmp("outfile");
    assert_int_equal(sm_make_dirs(dir), 0);
    int before = sm_outfile_pending();
    sm_outfile *files = calloc(N_FILES, sizeof *files);
    assert_non_null(files);
    int created = 0;
#pragma omp parallel for num_threads(N_THREADS) schedule(static, 1) reduction(+ : created)
    for (int i = 0; i < N_FILES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tile-%d.tif", dir, i);
        sm_outfile_begin(&files[i], path);
        FILE *f = fopen(files[i].tmp, "w");
        if (f)
            created += fputs("partial", f) >= 0, fclose(f);
    }
    assert_int_equal(created, N_FILES);
    /* each temporary registered once: none lost to a slot two threads took */
    assert_int_equal(sm_outfile_pending(), before + N_FILES);
    sm_outfile_remove_pending();
    int left = 0;
    for (int i = 0; i < N_FILES; i++)
        left += access(files[i].tmp, F_OK) == 0;
    assert_int_equal(left, 0);
#pragma omp parallel for num_threads(N_THREADS)
    for (int i = 0; i < N_FILES; i++)
        sm_outfile_abort(&files[i]);
    assert_int_equal(sm_outfile_pending(), before);
    free(files);
}

static void test_commit_unregisters(void **state)
{
    (void)state;
    sm_test_rmtree("outfile-commit");
    const char *dir = sm_test_tmp("outfile-commit");
    assert_int_equal(sm_make_dirs(dir), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/result.csv", dir);
    int before = sm_outfile_pending();
    sm_outfile f;
    sm_outfile_begin(&f, path);
    assert_int_equal(sm_outfile_pending(), before + 1);
    touch(f.tmp);
    assert_int_not_equal(access(path, F_OK), 0); /* no final name until complete */
    assert_int_equal(sm_outfile_commit(&f), 0);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_not_equal(access(f.tmp, F_OK), 0);
    assert_int_equal(sm_outfile_pending(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_registration),
        cmocka_unit_test(test_commit_unregisters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
