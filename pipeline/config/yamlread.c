#include "config/yamlread.h"
#include "core/error.h"
#include "core/limits.h"

#include <libfyaml.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return strdup(".");
    if (slash == file)
        return strdup("/");
    return strndup(file, (size_t)(slash - file));
}

/* Removes "." and "dir/.." steps in place, so messages and the manifest show
 * "out/demo" rather than "configs/../out/demo". Leading ".." steps stay. */
static void normalise(char *path)
{
    int absolute = path[0] == '/';
    char *parts[512];
    int n = 0, kept_up = 0;
    for (char *tok = strtok(path, "/"); tok && n < 512; tok = strtok(NULL, "/")) {
        if (!strcmp(tok, "."))
            continue;
        if (!strcmp(tok, "..") && n > kept_up) {
            n--;
            continue;
        }
        if (!strcmp(tok, "..") && !absolute)
            kept_up++;
        else if (!strcmp(tok, ".."))
            continue; /* "/.." is "/" */
        parts[n++] = tok;
    }
    char buf[SM_PATH_SIZE];
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i || absolute ? "/" : "",
                                 parts[i]);
    if (n == 0)
        snprintf(buf, sizeof buf, "%s", absolute ? "/" : ".");
    strcpy(path, buf);
}

char *sm_path_join(const char *dir, const char *path)
{
    size_t n = (dir ? strlen(dir) : 0) + strlen(path) + 2;
    char *out = malloc(n < 4096 ? 4096 : n);
    if (path[0] == '/' || !dir)
        snprintf(out, n, "%s", path);
    else
        snprintf(out, n, "%s/%s", dir, path);
    normalise(out);
    return out;
}

/* libfyaml reports parse errors through a diag object; collect them and keep
 * the first, which is where the document went wrong. */
static int parse_error(struct fy_diag *diag, const char *file)
{
    void *iter = NULL;
    struct fy_diag_error *err = fy_diag_errors_iterate(diag, &iter);
    if (!err)
        return sm_error_set(SM_ECONFIG, "%s: cannot read as YAML", file);
    return sm_error_set(SM_ECONFIG, "%s:%d:%d: %s", file, err->line + 1, err->column + 1, err->msg);
}

int sm_yaml_load(const char *file, sm_yaml_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    FILE *probe = fopen(file, "rb");
    if (!probe)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open config: %m", file);
    fclose(probe);

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.level = FYET_ERROR;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag)
        return sm_error_set(SM_EINTERNAL, "out of memory");
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET, .diag = diag};
    doc->doc = fy_document_build_from_file(&pcfg, file);
    int rc = SM_OK;
    if (!doc->doc)
        rc = parse_error(diag, file);
    fy_diag_destroy(diag);
    if (rc)
        return rc;
    doc->file = strdup(file);
    doc->dir = dir_of(file);
    if (!fy_document_root(doc->doc)) {
        sm_yaml_free(doc);
        return sm_error_set(SM_ECONFIG, "%s: the config is empty", file);
    }
    return SM_OK;
}

void sm_yaml_free(sm_yaml_doc *doc)
{
    if (doc->doc)
        fy_document_destroy(doc->doc);
    free(doc->file);
    free(doc->dir);
    memset(doc, 0, sizeof *doc);
}

sm_ynode sm_yaml_root(const sm_yaml_doc *doc)
{
    sm_ynode n = {.doc = doc, .node = fy_document_root(doc->doc), .key = NULL};
    n.path[0] = '\0';
    return n;
}

char *sm_yaml_to_json(const sm_yaml_doc *doc)
{
    return fy_emit_document_to_string(doc->doc, FYECF_MODE_JSON_ONELINE);
}

/* 1-based line and column of a node: scalars carry their own token; for a
 * mapping or sequence value, point at the key it hangs from. */
static void locate(const sm_ynode *n, int *line, int *col)
{
    struct fy_node *nodes[2] = {n->node, n->key};
    *line = *col = 0;
    for (int i = 0; i < 2; i++) {
        struct fy_token *tok = nodes[i] ? fy_node_get_scalar_token(nodes[i]) : NULL;
        const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
        if (m) {
            *line = m->line + 1;
            *col = m->column + 1;
            return;
        }
    }
}

int sm_y_error(const sm_ynode *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    locate(n, &line, &col);
    const char *path = n->path[0] ? n->path : "(top level)";
    if (line > 0)
        return sm_error_set(SM_ECONFIG, "%s:%d:%d: %s: %s", n->doc->file, line, col, path, msg);
    return sm_error_set(SM_ECONFIG, "%s: %s: %s", n->doc->file, path, msg);
}

int sm_y_is_map(const sm_ynode *n) { return n->node && fy_node_is_mapping(n->node); }
int sm_y_is_seq(const sm_ynode *n) { return n->node && fy_node_is_sequence(n->node); }

static const char *kind_name(const sm_ynode *n)
{
    if (!n->node)
        return "nothing";
    if (fy_node_is_mapping(n->node))
        return "a mapping";
    if (fy_node_is_sequence(n->node))
        return "a list";
    return "a single value";
}

int sm_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return INT_MAX;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *sm_closest(const char *word, const char *const candidates[])
{
    const char *best = NULL;
    int best_d = INT_MAX;
    for (int i = 0; candidates[i]; i++) {
        int d = sm_edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* Beyond this many edits the candidate is not what was meant. */
    int limit = (int)strlen(word) / 3 + 1;
    if (limit > 3)
        limit = 3;
    return best_d <= limit ? best : NULL;
}

static void list_words(char *buf, size_t size, const char *const words[])
{
    buf[0] = '\0';
    for (int i = 0; words[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", words[i]);
    }
}

static void child_path(char *out, size_t size, const char *parent, const char *key)
{
    if (parent[0])
        snprintf(out, size, "%s.%s", parent, key);
    else
        snprintf(out, size, "%s", key);
}

int sm_y_check_map(const sm_ynode *n, const char *const allowed[])
{
    if (!sm_y_is_map(n))
        return sm_y_error(n, "expected a mapping of keys, got %s", kind_name(n));
    void *iter = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n->node, &iter))) {
        sm_ynode k = {.doc = n->doc, .node = fy_node_pair_key(pair), .key = NULL};
        const char *name = k.node ? fy_node_get_scalar0(k.node) : NULL;
        snprintf(k.path, sizeof k.path, "%s", n->path);
        if (!name)
            return sm_y_error(&k, "keys must be plain words");
        int known = 0;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(name, allowed[i]) == 0;
        if (known)
            continue;
        child_path(k.path, sizeof k.path, n->path, name);
        const char *guess = sm_closest(name, allowed);
        if (guess)
            return sm_y_error(&k, "unknown key; did you mean '%s'?", guess);
        char words[512];
        list_words(words, sizeof words, allowed);
        return sm_y_error(&k, "unknown key; valid keys here are %s", words);
    }
    return SM_OK;
}

int sm_y_get(const sm_ynode *map, const char *key, sm_ynode *out)
{
    if (!sm_y_is_map(map))
        return 0;
    struct fy_node_pair *pair = fy_node_mapping_lookup_pair_by_string(map->node, key, FY_NT);
    if (!pair)
        return 0;
    out->doc = map->doc;
    out->key = fy_node_pair_key(pair);
    out->node = fy_node_pair_value(pair);
    child_path(out->path, sizeof out->path, map->path, key);
    return 1;
}

int sm_y_map_len(const sm_ynode *map)
{
    return sm_y_is_map(map) ? fy_node_mapping_item_count(map->node) : -1;
}

sm_ynode sm_y_map_item(const sm_ynode *map, int i, const char **key)
{
    struct fy_node_pair *pair = fy_node_mapping_get_by_index(map->node, i);
    sm_ynode item = {
        .doc = map->doc, .key = fy_node_pair_key(pair), .node = fy_node_pair_value(pair)};
    const char *name = item.key ? fy_node_get_scalar0(item.key) : NULL;
    *key = name ? name : "";
    child_path(item.path, sizeof item.path, map->path, *key);
    return item;
}

int sm_y_seq_len(const sm_ynode *seq)
{
    return sm_y_is_seq(seq) ? fy_node_sequence_item_count(seq->node) : 0;
}

sm_ynode sm_y_seq_item(const sm_ynode *seq, int i)
{
    sm_ynode item = {
        .doc = seq->doc, .node = fy_node_sequence_get_by_index(seq->node, i), .key = seq->key};
    snprintf(item.path, sizeof item.path, "%s[%d]", seq->path, i);
    return item;
}

static const char *scalar_text(const sm_ynode *n)
{
    if (!n->node || !fy_node_is_scalar(n->node))
        return NULL;
    return fy_node_get_scalar0(n->node);
}

int sm_y_string(const sm_ynode *n, char **out)
{
    const char *s = scalar_text(n);
    if (!s)
        return sm_y_error(n, "expected a text value, got %s", kind_name(n));
    if (!s[0])
        return sm_y_error(n, "the value is empty");
    free(*out);
    *out = strdup(s);
    return 1;
}

int sm_y_number(const sm_ynode *n, double min, double max, double *out)
{
    const char *s = scalar_text(n);
    if (!s)
        return sm_y_error(n, "expected a number, got %s", kind_name(n));
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v))
        return sm_y_error(n, "expected a number, got '%s'", s);
    if (v < min || v > max) {
        if (max == HUGE_VAL)
            return sm_y_error(n, "%s is out of range: must be at least %g", s, min);
        return sm_y_error(n, "%s is out of range: must be between %g and %g", s, min, max);
    }
    *out = v;
    return 1;
}

int sm_y_choice(const sm_ynode *n, const char *const choices[], int *out)
{
    const char *s = scalar_text(n);
    char words[512];
    list_words(words, sizeof words, choices);
    if (!s)
        return sm_y_error(n, "expected one of %s, got %s", words, kind_name(n));
    for (int i = 0; choices[i]; i++)
        if (strcasecmp(s, choices[i]) == 0) {
            *out = i;
            return 1;
        }
    const char *guess = sm_closest(s, choices);
    if (guess)
        return sm_y_error(n, "'%s' is not valid; did you mean '%s'?", s, guess);
    return sm_y_error(n, "'%s' is not valid; expected one of %s", s, words);
}

int sm_y_bool(const sm_ynode *n, int *out)
{
    static const char *const words[] = {"false", "true", "no", "yes", "off", "on", NULL};
    int i = 0;
    int rc = sm_y_choice(n, words, &i);
    if (rc > 0)
        *out = i % 2;
    return rc;
}

#define KEY_GETTER(lookup_fail_return, call)                                                       \
    sm_ynode v;                                                                                    \
    if (!sm_y_get(map, key, &v)) {                                                                 \
        if (lookup_fail_return)                                                                    \
            return sm_y_error(map, "missing required key '%s'", key);                              \
        return 0;                                                                                  \
    }                                                                                              \
    return call;

int sm_y_key_string(const sm_ynode *map, const char *key, int required, char **out)
{
    KEY_GETTER(required, sm_y_string(&v, out))
}

int sm_y_key_number(const sm_ynode *map, const char *key, int required, double min, double max,
                    double *out)
{
    KEY_GETTER(required, sm_y_number(&v, min, max, out))
}

int sm_y_key_choice(const sm_ynode *map, const char *key, const char *const choices[], int *out)
{
    KEY_GETTER(0, sm_y_choice(&v, choices, out))
}

int sm_y_key_bool(const sm_ynode *map, const char *key, int *out)
{
    KEY_GETTER(0, sm_y_bool(&v, out))
}

int sm_y_key_path(const sm_ynode *map, const char *key, int required, char **out)
{
    char *raw = NULL;
    int rc = sm_y_key_string(map, key, required, &raw);
    if (rc <= 0)
        return rc;
    free(*out);
    *out = sm_path_join(map->doc->dir, raw);
    free(raw);
    return 1;
}

int sm_y_key_strings(const sm_ynode *map, const char *key, char ***out, int *n)
{
    sm_ynode v;
    if (!sm_y_get(map, key, &v))
        return 0;
    int count = sm_y_is_seq(&v) ? sm_y_seq_len(&v) : 1;
    char **list = calloc((size_t)count + 1, sizeof *list);
    for (int i = 0; i < count; i++) {
        sm_ynode item = sm_y_is_seq(&v) ? sm_y_seq_item(&v, i) : v;
        int rc = sm_y_string(&item, &list[i]);
        if (rc < 0) {
            for (int j = 0; j < i; j++)
                free(list[j]);
            free(list);
            return rc;
        }
    }
    *out = list;
    *n = count;
    return 1;
}
