#include "features/rejects.h"
#include "core/error.h"
#include "core/outfile.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

void sm_rejects_add(sm_rejects *r, const char *file, const char *layer, long row,
                    const char *column, const char *value, const char *reason)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = realloc(r->items, (size_t)r->cap * sizeof *r->items);
    }
    sm_reject *x = &r->items[r->n++];
    x->file = dup_or_empty(file);
    x->layer = dup_or_empty(layer);
    x->row = row;
    x->column = dup_or_empty(column);
    x->value = dup_or_empty(value);
    x->reason = dup_or_empty(reason);
}

void sm_rejects_free(sm_rejects *r)
{
    for (int i = 0; i < r->n; i++) {
        sm_reject *x = &r->items[i];
        free(x->file), free(x->layer), free(x->column), free(x->value), free(x->reason);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

static OGRLayerH create_layer(GDALDatasetH ds)
{
    static const char *const names[] = {"file", "layer", "row", "column", "value", "reason"};
    /* Quote only where CSV needs it, so the row column reads as a number. */
    char *options[] = {"STRING_QUOTING=IF_NEEDED", NULL};
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "rejects", NULL, wkbNone, options);
    for (int i = 0; layer && i < 6; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], i == 2 ? OFTInteger : OFTString);
        OGRErr err = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return NULL;
    }
    return layer;
}

static int write_rows(const sm_rejects *r, OGRLayerH layer)
{
    for (int i = 0; i < r->n; i++) {
        const sm_reject *x = &r->items[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldString(f, 0, x->file);
        OGR_F_SetFieldString(f, 1, x->layer);
        OGR_F_SetFieldInteger(f, 2, (int)x->row);
        OGR_F_SetFieldString(f, 3, x->column);
        OGR_F_SetFieldString(f, 4, x->value);
        OGR_F_SetFieldString(f, 5, x->reason);
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
    OGRLayerH layer = create_layer(ds);
    int bad = !layer || write_rows(r, layer) != 0;
    if (sm_dataset_close(ds) != 0)
        bad = 1;
    if (bad) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    }
    return sm_outfile_commit(&out);
}
