#include "config/yamlread.h"
#include "core/error.h"
#include "core/limits.h"

#include <json-c/json.h>
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

static void child_path(char *out, size_t size, const char *parent, const char *key)
{
    if (parent[0])
        snprintf(out, size, "%s.%s", parent, key);
    else
        snprintf(out, size, "%s", key);
}

/* ---- the file's bytes ---- */

static int read_file(const char *file, sm_yaml_doc *doc)
{
    FILE *fp = fopen(file, "rb");
    if (!fp)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open config: %m", file);
    size_t cap = 0, n = 0, got = 1;
    char *text = NULL;
    while (got > 0) {
        if (n + 1 >= cap) {
            char *more = realloc(text, cap = cap ? 2 * cap : 1 << 16);
            if (!more) {
                free(text), fclose(fp);
                return sm_error_set(SM_EINTERNAL, "%s: out of memory", file);
            }
            text = more;
        }
        got = fread(text + n, 1, cap - n - 1, fp);
        n += got;
    }
    text[n] = '\0';
    doc->text = text, doc->size = n;
    int failed = ferror(fp);
    fclose(fp);
    return failed ? sm_error_set(SM_EIO, "%s: cannot read config", file) : SM_OK;
}

/* Bytes in the UTF-8 character at s (n bytes left), or 0 if there is none:
 * a stray or missing continuation byte, an overlong form, a surrogate, past
 * U+10FFFF, or a NUL (text has none). The ranges are Unicode's table 3-7. */
static int utf8_length(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xbf;
    int len;
    if (s[0] < 0x80)
        return s[0] ? 1 : 0;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < (size_t)len || s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* libfyaml takes a byte that is not UTF-8, or a NUL, for the end of the
 * file and says nothing: the config would lose every key after it. Columns
 * count characters, as libfyaml's do. */
static int check_text(const char *file, const char *text, size_t size)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < size;) {
        const unsigned char *s = (const unsigned char *)text + i;
        int len = utf8_length(s, size - i);
        if (!len)
            return sm_error_set(SM_ECONFIG,
                                "%s:%d:%d: not UTF-8 text (byte 0x%02x); save the file as UTF-8",
                                file, line, col, s[0]);
        int newline = s[0] == '\n' || (s[0] == '\r' && (i + 1 == size || s[1] != '\n'));
        line += newline;
        col = newline ? 1 : col + 1;
        i += (size_t)len;
    }
    return SM_OK;
}

/* ---- parsing ---- */

/* libfyaml reports parse errors through a diag object; collect them and keep
 * the first, which is where the document went wrong. Its lines and columns
 * are already 1-based. */
static int parse_error(struct fy_diag *diag, const char *file)
{
    void *iter = NULL;
    struct fy_diag_error *err = fy_diag_errors_iterate(diag, &iter);
    if (!err)
        return sm_error_set(SM_ECONFIG, "%s: cannot read as YAML", file);
    return sm_error_set(SM_ECONFIG, "%s:%d:%d: %s", file, err->line, err->column, err->msg);
}

static int parse(sm_yaml_doc *doc, enum fy_parse_cfg_flags flags)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.level = FYET_ERROR;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag)
        return sm_error_set(SM_EINTERNAL, "out of memory");
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET | flags, .diag = diag};
    doc->doc = fy_document_build_from_string(&pcfg, doc->text, doc->size);
    int rc = doc->doc ? SM_OK : parse_error(diag, doc->file);
    fy_diag_destroy(diag);
    return rc;
}

/* ---- checks before resolving aliases ---- */

enum {
    /* Values a config that uses aliases may hold, each alias counted as the
     * values it names: far more than any config needs, far fewer than nine
     * nested lists of nine aliases make (9^9). It also bounds libfyaml's
     * resolving, which compares every key of a mapping with every other. */
    MAX_EXPANDED = 10000,
    /* Lists and mappings in one another, aliases followed; libfyaml stops
     * plain nesting well before this. */
    MAX_NESTING = 256,
};

typedef struct {
    long values;                        /* aliases counted as what they name */
    int aliases;                        /* seen: the document must be resolved */
    struct fy_node *chain[MAX_NESTING]; /* from the root to the current node */
    int depth;
} walk;

static int push(walk *w, struct fy_node *fyn, const sm_ynode *at)
{
    for (int i = 0; i < w->depth; i++)
        if (w->chain[i] == fyn)
            return sm_y_error(at, "this alias is inside the value it names");
    if (w->depth == MAX_NESTING)
        return sm_y_error(at, "lists, mappings and aliases nest more than %d deep", MAX_NESTING);
    w->chain[w->depth++] = fyn;
    return SM_OK;
}

static int count_value(walk *w, const sm_ynode *at)
{
    if (++w->values > MAX_EXPANDED && w->aliases)
        return sm_y_error(at,
                          "with its aliases expanded the config holds more than %d values; "
                          "write the values out",
                          MAX_EXPANDED);
    return SM_OK;
}

/* Counts what an alias at `at` expands to, following aliases within. */
static int count_alias(walk *w, struct fy_node *fyn, const sm_ynode *at)
{
    struct fy_node *target = fy_node_is_alias(fyn) ? fy_node_resolve_alias(fyn) : fyn;
    if (!target) {
        size_t len = 0;
        const char *name = fy_node_get_scalar(fyn, &len);
        return sm_y_error(at, "alias '*%.*s' names no anchor: define '&%.*s' before it", (int)len,
                          name, (int)len, name);
    }
    if (fy_node_is_scalar(target))
        return count_value(w, at);
    SM_TRY(push(w, target, at));
    int rc = count_value(w, at);
    void *iter = NULL;
    struct fy_node *child;
    struct fy_node_pair *pair;
    if (fy_node_is_sequence(target))
        while (rc == SM_OK && (child = fy_node_sequence_iterate(target, &iter)))
            rc = count_alias(w, child, at);
    else
        while (rc == SM_OK && (pair = fy_node_mapping_iterate(target, &iter)))
            rc = fy_node_pair_value(pair) ? count_alias(w, fy_node_pair_value(pair), at) : SM_OK;
    w->depth--;
    return rc;
}

typedef struct {
    const char *text;
    size_t len;
    long index;
    struct fy_node *key;
} key_entry;

static int key_order(const void *pa, const void *pb)
{
    const key_entry *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    if (c == 0 && a->len != b->len)
        c = a->len < b->len ? -1 : 1;
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* The first key, in file order, that repeats an earlier one; NULL if none. */
static struct fy_node *repeated_key(key_entry *keys, long n)
{
    qsort(keys, (size_t)n, sizeof *keys, key_order);
    struct fy_node *first = NULL;
    long at = n;
    for (long i = 1; i < n; i++)
        if (keys[i].len == keys[i - 1].len &&
            !memcmp(keys[i].text, keys[i - 1].text, keys[i].len) && keys[i].index < at)
            at = keys[i].index, first = keys[i].key;
    return first;
}

/* libfyaml's own check compares each key with every other, minutes for a
 * long mapping: sort the keys instead. A key must be a plain value, as JSON
 * (run.json) has no other kind. */
static int check_keys(const sm_ynode *map)
{
    long n = fy_node_mapping_item_count(map->node), i = 0;
    key_entry *keys = malloc(((size_t)n + 1) * sizeof *keys);
    void *iter = NULL;
    struct fy_node_pair *pair;
    int rc = keys ? SM_OK : sm_error_set(SM_EINTERNAL, "out of memory");
    while (rc == SM_OK && (pair = fy_node_mapping_iterate(map->node, &iter))) {
        key_entry *k = &keys[i];
        k->key = fy_node_pair_key(pair), k->index = i++;
        k->text = k->key && fy_node_is_scalar(k->key) && !fy_node_is_alias(k->key)
                      ? fy_node_get_scalar(k->key, &k->len)
                      : NULL;
        if (!k->text) {
            sm_ynode at = {.doc = map->doc, .node = k->key, .key = map->key};
            snprintf(at.path, sizeof at.path, "%s", map->path);
            rc = sm_y_error(&at, "a key must be a plain value, not a list, mapping or alias");
        }
    }
    struct fy_node *again = rc == SM_OK ? repeated_key(keys, n) : NULL;
    if (again) {
        sm_ynode at = {.doc = map->doc, .node = again, .key = again};
        child_path(at.path, sizeof at.path, map->path, fy_node_get_scalar0(again));
        rc = sm_y_error(&at, "duplicate key");
    }
    free(keys);
    return rc;
}

/* Every node once: keys, aliases (counted with what they name) and depth. */
static int check_node(walk *w, const sm_ynode *n)
{
    SM_TRY(count_value(w, n));
    if (fy_node_is_alias(n->node)) {
        w->aliases++;
        return count_alias(w, n->node, n);
    }
    if (fy_node_is_scalar(n->node))
        return SM_OK;
    SM_TRY(push(w, n->node, n));
    int rc = sm_y_is_map(n) ? check_keys(n) : SM_OK;
    sm_ycursor at = {0};
    sm_ynode item;
    const char *key;
    if (sm_y_is_map(n))
        while (rc == SM_OK && sm_y_map_next(n, &at, &item, &key))
            rc = item.node ? check_node(w, &item) : SM_OK;
    else
        while (rc == SM_OK && sm_y_seq_next(n, &at, &item))
            rc = item.node ? check_node(w, &item) : SM_OK;
    w->depth--;
    return rc;
}

/* Parsed first with duplicate keys allowed, which libfyaml checks in time
 * linear in the file; we check them. A document with aliases is parsed again
 * by the book, aliases and merge keys resolved, once its size is known. */
static int build(sm_yaml_doc *doc)
{
    SM_TRY(parse(doc, FYPCF_ALLOW_DUPLICATE_KEYS));
    sm_ynode root = sm_yaml_root(doc);
    if (!root.node)
        return sm_error_set(SM_ECONFIG, "%s: the config is empty", doc->file);
    walk *w = calloc(1, sizeof *w);
    int rc = w ? check_node(w, &root) : sm_error_set(SM_EINTERNAL, "out of memory");
    int aliases = w && w->aliases;
    free(w);
    if (rc || !aliases)
        return rc;
    fy_document_destroy(doc->doc);
    doc->doc = NULL;
    return parse(doc, FYPCF_RESOLVE_DOCUMENT);
}

int sm_yaml_load(const char *file, sm_yaml_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->file = strdup(file);
    doc->dir = dir_of(file);
    int rc = read_file(file, doc);
    if (rc == SM_OK)
        rc = check_text(file, doc->text, doc->size);
    if (rc == SM_OK)
        rc = build(doc);
    if (rc)
        sm_yaml_free(doc);
    return rc;
}

void sm_yaml_free(sm_yaml_doc *doc)
{
    if (doc->doc)
        fy_document_destroy(doc->doc);
    free(doc->file);
    free(doc->dir);
    free(doc->text);
    memset(doc, 0, sizeof *doc);
}

sm_ynode sm_yaml_root(const sm_yaml_doc *doc)
{
    sm_ynode n = {.doc = doc, .node = fy_document_root(doc->doc), .key = NULL};
    n.path[0] = '\0';
    return n;
}

/* What libfyaml emits must also parse as JSON: run.json embeds it, and a
 * config without it would hash as empty and its edits skip the stages. */
int sm_yaml_to_json(const sm_yaml_doc *doc, char **out)
{
    *out = fy_emit_document_to_string(doc->doc, FYECF_MODE_JSON_ONELINE);
    json_object *parsed = *out ? json_tokener_parse(*out) : NULL;
    if (parsed) {
        json_object_put(parsed);
        return SM_OK;
    }
    free(*out);
    *out = NULL;
    return sm_error_set(SM_ECONFIG, "%s: the config cannot be written as JSON for run.json",
                        doc->file);
}

/* 1-based line and column of a node: scalars carry their own token; for a
 * mapping or sequence value, point at the key it hangs from. An alias's
 * token starts after its '*': point at the '*'. */
static void locate(const sm_ynode *n, int *line, int *col)
{
    struct fy_node *nodes[2] = {n->node, n->key};
    *line = *col = 0;
    for (int i = 0; i < 2; i++) {
        struct fy_token *tok = nodes[i] ? fy_node_get_scalar_token(nodes[i]) : NULL;
        const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
        if (m) {
            int star = fy_node_is_alias(nodes[i]) && m->column > 0;
            *line = m->line + 1;
            *col = m->column + 1 - star;
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

int sm_y_seq_next(const sm_ynode *seq, sm_ycursor *at, sm_ynode *item)
{
    struct fy_node *next = sm_y_is_seq(seq) ? fy_node_sequence_iterate(seq->node, &at->iter) : NULL;
    if (!next)
        return 0;
    *item = (sm_ynode){.doc = seq->doc, .node = next, .key = seq->key};
    snprintf(item->path, sizeof item->path, "%s[%d]", seq->path, at->i++);
    return 1;
}

int sm_y_map_next(const sm_ynode *map, sm_ycursor *at, sm_ynode *item, const char **key)
{
    struct fy_node_pair *pair =
        sm_y_is_map(map) ? fy_node_mapping_iterate(map->node, &at->iter) : NULL;
    if (!pair)
        return 0;
    *item = (sm_ynode){
        .doc = map->doc, .key = fy_node_pair_key(pair), .node = fy_node_pair_value(pair)};
    const char *name = item->key ? fy_node_get_scalar0(item->key) : NULL;
    *key = name ? name : "";
    child_path(item->path, sizeof item->path, map->path, *key);
    at->i++;
    return 1;
}

int sm_y_count(const sm_ynode *n)
{
    if (!n->node)
        return 0;
    return sm_y_is_seq(n) ? sm_y_seq_len(n) : 1;
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

int sm_y_key_int(const sm_ynode *map, const char *key, int min, int max, int *out)
{
    double v = *out;
    int rc = sm_y_key_number(map, key, 0, min, max, &v);
    if (rc <= 0)
        return rc;
    if (v != floor(v)) {
        sm_ynode n;
        sm_y_get(map, key, &n);
        return sm_y_error(&n, "expected a whole number, got %g", v);
    }
    *out = (int)v;
    return 1;
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

int sm_y_strings(const sm_ynode *v, char ***out, int *n)
{
    int count = sm_y_is_seq(v) ? sm_y_seq_len(v) : 1;
    char **list = calloc((size_t)count + 1, sizeof *list);
    sm_ycursor at = {0};
    sm_ynode item = *v;
    for (int i = 0; i < count; i++) {
        if (sm_y_is_seq(v))
            sm_y_seq_next(v, &at, &item);
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

int sm_y_key_strings(const sm_ynode *map, const char *key, char ***out, int *n)
{
    sm_ynode v;
    if (!sm_y_get(map, key, &v))
        return 0;
    return sm_y_strings(&v, out, n);
}
