#include "features/rejects.h"
#include "core/error.h"
#include "core/outfile.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 character at s, or 0 if there is none. */
static size_t utf8_char_length(const char *s)
{
    for (size_t len = 1; len <= 4; len++) {
        if (!s[len - 1])
            return 0;
        if (CPLIsUTF8(s, (int)len))
            return len;
    }
    return 0;
}

/* A copy that is valid UTF-8, so that rejects.csv is: a byte that is not
 * part of a UTF-8 character is written as \xNN, which still shows the
 * analyst what the file holds. */
static char *dup_utf8(const char *s)
{
    s = s ? s : "";
    if (CPLIsUTF8(s, -1))
        return strdup(s);
    size_t n = strlen(s);
    char *out = malloc(4 * n + 1), *o = out;
    while (*s) {
        size_t len = utf8_char_length(s);
        if (len) {
            memcpy(o, s, len), o += len, s += len;
        } else {
            o += sprintf(o, "\\x%02X", (unsigned char)*s), s++;
        }
    }
    *o = '\0';
    return out;
}

void sm_rejects_add_entry(sm_rejects *r, const sm_reject_entry *e)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = realloc(r->items, (size_t)r->cap * sizeof *r->items);
    }
    sm_reject *x = &r->items[r->n++];
    x->file = dup_utf8(e->file);
    x->layer = dup_utf8(e->layer);
    x->row = e->row;
    x->line = e->line;
    x->id = dup_utf8(e->id);
    x->scope = e->scope;
    x->column = dup_utf8(e->column);
    x->value = dup_utf8(e->value);
    x->reason = dup_utf8(e->reason);
}

void sm_rejects_add(sm_rejects *r, const char *file, const char *layer, long row,
                    const char *column, const char *value, const char *reason)
{
    sm_reject_entry e = {.file = file,
                         .layer = layer,
                         .row = row,
                         .scope = SM_REJECT_ROW,
                         .column = column,
                         .value = value,
                         .reason = reason};
    sm_rejects_add_entry(r, &e);
}

void sm_rejects_free(sm_rejects *r)
{
    for (int i = 0; i < r->n; i++) {
        sm_reject *x = &r->items[i];
        free(x->file), free(x->layer), free(x->id), free(x->column), free(x->value);
        free(x->reason);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* The columns, in order; the samples' ledger has three more. */
static const char *const plain_names[] = {"file",  "layer",  "row", "column",
                                          "value", "reason", NULL};
static const char *const id_names[] = {"file",  "layer",  "row",   "line",   "id",
                                       "scope", "column", "value", "reason", NULL};

static OGRLayerH create_layer(GDALDatasetH ds, const char *const *names)
{
    /* Quote only where CSV needs it, so the row column reads as a number. */
    char *options[] = {"STRING_QUOTING=IF_NEEDED", NULL};
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "rejects", NULL, wkbNone, options);
    for (int i = 0; layer && names[i]; i++) {
        int number = !strcmp(names[i], "row") || !strcmp(names[i], "line");
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], number ? OFTInteger64 : OFTString);
        OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return NULL;
    }
    return layer;
}

static void set_fields(OGRFeatureH f, const sm_reject *x, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        const char *n = names[i];
        if (!strcmp(n, "row"))
            OGR_F_SetFieldInteger64(f, i, x->row);
        else if (!strcmp(n, "line") && x->line > 0)
            OGR_F_SetFieldInteger64(f, i, x->line);
        else if (!strcmp(n, "scope"))
            OGR_F_SetFieldString(f, i, x->scope == SM_REJECT_CELL ? "cell" : "row");
        else if (strcmp(n, "line") != 0)
            OGR_F_SetFieldString(f, i,
                                 !strcmp(n, "file")     ? x->file
                                 : !strcmp(n, "layer")  ? x->layer
                                 : !strcmp(n, "id")     ? x->id
                                 : !strcmp(n, "column") ? x->column
                                 : !strcmp(n, "value")  ? x->value
                                                        : x->reason);
    }
}

static int write_rows(const sm_rejects *r, OGRLayerH layer, const char *const *names)
{
    for (int i = 0; i < r->n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        set_fields(f, &r->items[i], names);
        OGRErr err = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        if (err != OGRERR_NONE)
            return -1;
    }
    return 0;
}

int sm_rejects_write(const sm_rejects *r, const char *path)
{
    sm_outfile out;
    sm_outfile_begin(&out, path);
    GDALDriverH drv = GDALGetDriverByName("CSV");
    GDALDatasetH ds = drv ? GDALCreate(drv, out.tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, CPLGetLastErrorMsg());
    const char *const *names = r->with_ids ? id_names : plain_names;
    OGRLayerH layer = create_layer(ds, names);
    int bad = !layer || write_rows(r, layer, names) != 0;
    if (sm_dataset_close(ds) != 0)
        bad = 1;
    if (bad) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    }
    return sm_outfile_commit(&out);
}
