#include "run/overlap.h"
#include "core/error.h"
#include "run/registry.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One spelling per file: symbolic links and "a/../b" resolved, through the
 * folder when the file does not exist yet. */
static void canonical(const char *path, char out[SM_PATH_SIZE])
{
    char buf[SM_PATH_SIZE], dirbuf[SM_PATH_SIZE], resolved[PATH_MAX];
    if (realpath(path, resolved)) {
        snprintf(out, SM_PATH_SIZE, "%s", resolved);
        return;
    }
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(dirbuf, sizeof dirbuf, "%s", path);
    const char *base = basename(buf);
    if (realpath(dirname(dirbuf), resolved))
        snprintf(out, SM_PATH_SIZE, "%s/%s", resolved, base);
    else
        snprintf(out, SM_PATH_SIZE, "%s", path);
}

/* Whether writing `out` (a file, or a folder that exists) replaces `in`. */
static int overwrites(const char *out, const char *in)
{
    char a[SM_PATH_SIZE], b[SM_PATH_SIZE];
    canonical(out, a);
    canonical(in, b);
    size_t n = strlen(a);
    struct stat st;
    return !strcmp(a, b) ||
           (!strncmp(a, b, n) && b[n] == '/' && stat(out, &st) == 0 && S_ISDIR(st.st_mode));
}

static int enabled(const sm_config *cfg, const sm_stage *st)
{
    return !st->enabled || st->enabled(cfg);
}

static int list(const sm_config *cfg, const sm_stage *st, int (*fn)(const sm_config *, sm_paths *),
                sm_paths *p)
{
    return fn && enabled(cfg, st) ? fn(cfg, p) : SM_OK;
}

/* Whether a stage before `upto` writes path: then it is a product the
 * pipeline hands on, not the user's file. */
static int written_before(const sm_config *cfg, const sm_stage *const *stages, int upto,
                          const char *path)
{
    int found = 0;
    for (int i = 0; i < upto && !found; i++) {
        sm_paths out;
        sm_paths_init(&out);
        list(cfg, stages[i], stages[i]->outputs, &out);
        for (int k = 0; k < out.n && !found; k++)
            found = overwrites(out.v[k], path);
        sm_paths_free(&out);
    }
    return found;
}

/* The first stage from `from` on that writes over path, or NULL. */
static const sm_stage *writer_of(const sm_config *cfg, const sm_stage *const *stages, int from,
                                 const char *path, char *what, size_t size)
{
    for (int i = from; stages[i]; i++) {
        sm_paths out;
        sm_paths_init(&out);
        list(cfg, stages[i], stages[i]->outputs, &out);
        int hit = -1;
        for (int k = 0; k < out.n && hit < 0; k++)
            if (overwrites(out.v[k], path))
                hit = k;
        if (hit >= 0)
            snprintf(what, size, "%s", out.v[hit]);
        sm_paths_free(&out);
        if (hit >= 0)
            return stages[i];
    }
    return NULL;
}

int sm_overlap_check(const sm_config *cfg)
{
    const sm_stage *const *stages = sm_registry();
    int rc = SM_OK;
    for (int i = 0; stages[i] && rc == SM_OK; i++) {
        sm_paths in;
        sm_paths_init(&in);
        rc = list(cfg, stages[i], stages[i]->inputs, &in);
        for (int k = 0; k < in.n && rc == SM_OK; k++) {
            char what[SM_PATH_SIZE];
            const sm_stage *w = writer_of(cfg, stages, i, in.v[k], what, sizeof what);
            if (!w || written_before(cfg, stages, i, in.v[k]))
                continue;
            if (w == stages[i])
                rc = sm_error_set(SM_ECANTCREAT,
                                  "%s: %s reads this file and would write its output %s over "
                                  "it; choose another output folder (output:, or -o)",
                                  in.v[k], w->name, what);
            else
                rc = sm_error_set(SM_ECANTCREAT,
                                  "%s: %s reads this file and %s would write %s over it; "
                                  "choose another output folder (output:, or -o)",
                                  in.v[k], stages[i]->name, w->name, what);
        }
        sm_paths_free(&in);
    }
    return rc;
}
