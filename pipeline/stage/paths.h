/* A growable list of file paths: what a stage reads, writes or rewrites. */
#ifndef SM_PATHS_H
#define SM_PATHS_H

typedef struct {
    char **v;
    int n, cap;
} sm_paths;

/* An empty list; sm_paths_free releases it. */
void sm_paths_init(sm_paths *p);
void sm_paths_free(sm_paths *p);

/* Appends a copy of path (printf-style); SM_EINTERNAL when out of memory. */
int sm_paths_add(sm_paths *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends path unless it is already listed (several layers of one file). */
int sm_paths_add_unique(sm_paths *p, const char *path);

#endif
