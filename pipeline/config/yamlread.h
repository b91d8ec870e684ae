/* Typed, located access to a YAML document (libfyaml underneath). Every error
 * is one line: "FILE:LINE:COLUMN: key.path: what is wrong". Getters return a
 * negative sm_status on error, 0 when an optional key is absent, 1 when set. */
#ifndef SM_YAMLREAD_H
#define SM_YAMLREAD_H

#include <stddef.h>

/* Returns from the enclosing function when a getter failed. */
#define SM_TRY(expr)                                                                               \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ < 0)                                                                               \
            return rc_;                                                                            \
    } while (0)

struct fy_document;
struct fy_node;

typedef struct {
    struct fy_document *doc;
    char *file; /* as given */
    char *dir;  /* folder of the file: relative paths resolve against it */
    char *text; /* the file's bytes, which libfyaml's tokens point into */
    size_t size;
} sm_yaml_doc;

typedef struct {
    const sm_yaml_doc *doc;
    struct fy_node *node; /* the value; NULL for an empty value ("key:") */
    struct fy_node *key;  /* the key it hangs from, for locating errors */
    char path[200];       /* "grid.resolution", "sources[1].path" */
} sm_ynode;

/* Reads a config: UTF-8 text without NUL bytes (else a located error, as
 * libfyaml would stop there as if the file ended), one key at most once in
 * each mapping, aliases and merge keys resolved. */
int sm_yaml_load(const char *file, sm_yaml_doc *doc);
void sm_yaml_free(sm_yaml_doc *doc);
sm_ynode sm_yaml_root(const sm_yaml_doc *doc);

/* The document as JSON text, which run.json holds and the rerun key hashes;
 * caller frees *out. Fails (SM_ECONFIG) rather than give no JSON. */
int sm_yaml_to_json(const sm_yaml_doc *doc, char **out);

/* Records a located error about n and returns SM_ECONFIG. */
int sm_y_error(const sm_ynode *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int sm_y_is_map(const sm_ynode *n);
int sm_y_is_seq(const sm_ynode *n);

/* Fails unless n is a mapping whose keys are all in allowed (NULL-terminated);
 * an unknown key gets the closest allowed key as a suggestion. */
int sm_y_check_map(const sm_ynode *n, const char *const allowed[]);

/* Finds key in mapping map: 1 and *out set if present, 0 if absent. */
int sm_y_get(const sm_ynode *map, const char *key, sm_ynode *out);

/* Mappings by position: the number of keys (-1 if not a mapping), and the
 * value of the i-th key with the key's text in *key. */
int sm_y_map_len(const sm_ynode *map);
sm_ynode sm_y_map_item(const sm_ynode *map, int i, const char **key);

int sm_y_seq_len(const sm_ynode *seq);
sm_ynode sm_y_seq_item(const sm_ynode *seq, int i);

/* The items of a list, or a mapping's values, in order. libfyaml finds the
 * i-th item by walking from the first, so sm_y_seq_item and sm_y_map_item
 * in a loop are quadratic: loop over a list of any length with these.
 *     sm_ycursor at = {0};
 *     while (sm_y_seq_next(&list, &at, &item)) ...
 * Each returns 1 with *item set (and *key for a mapping), 0 after the last. */
typedef struct {
    void *iter;
    int i; /* items returned so far */
} sm_ycursor;
int sm_y_seq_next(const sm_ynode *seq, sm_ycursor *at, sm_ynode *item);
int sm_y_map_next(const sm_ynode *map, sm_ycursor *at, sm_ynode *item, const char **key);

/* The items a list of strings holds, a single value counting as one (0 for
 * nothing): lets a caller check a limit before reading any item. */
int sm_y_count(const sm_ynode *n);

/* Scalar conversions of a node. */
int sm_y_string(const sm_ynode *n, char **out);
int sm_y_number(const sm_ynode *n, double min, double max, double *out);
int sm_y_choice(const sm_ynode *n, const char *const choices[], int *out);
int sm_y_bool(const sm_ynode *n, int *out);

/* The same, looked up by key in a mapping; required keys fail when absent. */
int sm_y_key_string(const sm_ynode *map, const char *key, int required, char **out);
int sm_y_key_path(const sm_ynode *map, const char *key, int required, char **out);
int sm_y_key_number(const sm_ynode *map, const char *key, int required, double min, double max,
                    double *out);
/* A whole number in [min, max]: 1 when present, 0 when absent (out kept). */
int sm_y_key_int(const sm_ynode *map, const char *key, int min, int max, int *out);
int sm_y_key_choice(const sm_ynode *map, const char *key, const char *const choices[], int *out);
int sm_y_key_bool(const sm_ynode *map, const char *key, int *out);
/* A list of strings; a single scalar counts as a list of one. The list is
 * NULL-terminated; *n is its length. */
int sm_y_strings(const sm_ynode *v, char ***out, int *n);
int sm_y_key_strings(const sm_ynode *map, const char *key, char ***out, int *n);

/* Edit distance, for "did you mean" suggestions elsewhere too. */
int sm_edit_distance(const char *a, const char *b);
/* The closest candidate to word, or NULL if none is plausibly meant. */
const char *sm_closest(const char *word, const char *const candidates[]);

/* Resolves a relative path against dir; caller frees. */
char *sm_path_join(const char *dir, const char *path);

#endif
