#include "grid/share.h"

#include "core/error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sm_share sm_share_all = {.mode = SM_SHARE_ALL, .index = 0, .count = 1};

int sm_share_owns(const sm_share *s, long tile)
{
    return s->mode == SM_SHARE_ALL || tile % s->count == s->index;
}

void sm_share_slice_dir(const char *root, int index, int count, char *out, size_t size)
{
    snprintf(out, size, "%s/slices/%d-of-%d", root, index, count);
}

int sm_share_slice_path(const sm_share *s, int index, const char *final, char *out, size_t size)
{
    size_t n = strlen(s->root);
    if (strncmp(final, s->root, n) != 0 || final[n] != '/')
        return -1;
    char dir[SM_PATH_SIZE];
    sm_share_slice_dir(s->root, index, s->count, dir, sizeof dir);
    snprintf(out, size, "%s%s", dir, final + n);
    return 0;
}

int sm_share_parse(const char *text, int *index, int *count)
{
    char *end;
    long i = strtol(text, &end, 10);
    if (end == text || *end != '/')
        return -1;
    const char *rest = end + 1;
    long n = strtol(rest, &end, 10);
    if (end == rest || *end || n < 1 || n > 100000 || i < 0 || i >= n)
        return -1;
    *index = (int)i, *count = (int)n;
    return 0;
}

int sm_share_find_slices(const char *root, int *count)
{
    char dir[SM_PATH_SIZE];
    snprintf(dir, sizeof dir, "%s/slices", root);
    DIR *d = opendir(dir);
    if (!d)
        return sm_error_set(SM_ENOINPUT,
                            "%s: no slices to assemble; run `soilmap run CONFIG "
                            "--tile-range I/N` for every I first",
                            dir);
    int n = 0, rc = SM_OK;
    struct dirent *e;
    while ((e = readdir(d)) && rc == SM_OK) {
        int i, c;
        char tail;
        if (e->d_name[0] == '.')
            continue;
        if (sscanf(e->d_name, "%d-of-%d%c", &i, &c, &tail) != 2 || c < 1)
            continue; /* not ours */
        if (n && c != n)
            rc = sm_error_set(SM_EDATA, "%s: slices of %d and of %d parts; remove the old ones",
                              dir, n, c);
        n = c;
    }
    closedir(d);
    if (rc == SM_OK && n == 0)
        rc = sm_error_set(SM_ENOINPUT, "%s: no slice folders (<i>-of-<n>)", dir);
    *count = n;
    return rc;
}
