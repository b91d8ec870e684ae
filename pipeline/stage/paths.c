#include "stage/paths.h"
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_paths_init(sm_paths *p) { memset(p, 0, sizeof *p); }

void sm_paths_free(sm_paths *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    sm_paths_init(p);
}

static int append(sm_paths *p, char *owned)
{
    if (!owned)
        return sm_error_set(SM_EINTERNAL, "out of memory listing files");
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 16;
        char **v = realloc(p->v, (size_t)cap * sizeof *v);
        if (!v) {
            free(owned);
            return sm_error_set(SM_EINTERNAL, "out of memory listing files");
        }
        p->v = v, p->cap = cap;
    }
    p->v[p->n++] = owned;
    return SM_OK;
}

int sm_paths_add(sm_paths *p, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *s = len < 0 ? NULL : malloc((size_t)len + 1);
    if (s)
        vsnprintf(s, (size_t)len + 1, fmt, again);
    va_end(again);
    va_end(ap);
    return append(p, s);
}

int sm_paths_add_unique(sm_paths *p, const char *path)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], path))
            return SM_OK;
    return append(p, strdup(path));
}
