#include "fuzzutil.h"
#include "core/error.h"
#include "core/log.h"

#include <cpl_error.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[4096];

static void remove_scratch(void)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", scratch);
}

void sm_fuzz_init(const char *target)
{
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    sm_log_set_level(SM_LOG_ERROR);
    /* a fresh folder per process: parallel runs of a target do not meet */
    snprintf(scratch, sizeof scratch, "%s/%s-XXXXXX", SM_FUZZ_TMP, target);
    if (!mkdtemp(scratch)) {
        perror(scratch);
        abort();
    }
    atexit(remove_scratch);
}

const char *sm_fuzz_path(const char *name)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    return path;
}

const char *sm_fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = sm_fuzz_path(name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
        perror(path);
        abort();
    }
    return path;
}

char *sm_fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void sm_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz property failed: %s (error: %s)\n", file, line, what,
            sm_error_message());
    abort();
}

void sm_fuzz_check_error(int rc)
{
    SM_FUZZ_ASSERT(rc < 0);
    const char *msg = sm_error_message();
    SM_FUZZ_ASSERT(msg && *msg);
    SM_FUZZ_ASSERT(!strpbrk(msg, "\r\n"));
}
