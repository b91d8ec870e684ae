#include "ingest/sources.h"
#include "core/crs.h"
#include "core/error.h"
#include "ingest/inputfile.h"
#include "stage/products.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One source file being read. */
typedef struct {
    const sm_config *cfg;
    const sm_source_config *src;
    int index; /* position in the config's sources list */
    GDALDatasetH ds;
    OGRLayerH layer;
    int itype, iname, iwkt;
    int iattr[SM_MAX_ATTRIBUTES];
    OGRCoordinateTransformationH ct;
} source_reader;

static int field_index(source_reader *r, const char *name, const char *key)
{
    int idx = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(r->layer), name);
    if (idx < 0)
        sm_error_set(SM_ECONFIG, "%s: sources[%d].%s: field '%s' is not in %s", r->cfg->file,
                     r->index, key, name, r->src->path);
    return idx;
}

static int open_source(source_reader *r)
{
    const sm_source_config *s = r->src;
    int encoded;
    int rc = sm_input_open(s->path, "pollution sources", NULL, &r->ds, &encoded);
    if (rc)
        return rc;
    r->layer =
        s->layer ? GDALDatasetGetLayerByName(r->ds, s->layer) : GDALDatasetGetLayer(r->ds, 0);
    if (!r->layer)
        return sm_error_set(SM_EDATA, "%s: has no layer '%s'", s->path, s->layer ? s->layer : "");
    r->itype = r->iname = r->iwkt = -1;
    if (s->type_field && (r->itype = field_index(r, s->type_field, "type_field")) < 0)
        return SM_ECONFIG;
    if (s->name_field && (r->iname = field_index(r, s->name_field, "name_field")) < 0)
        return SM_ECONFIG;
    if (s->wkt && (r->iwkt = field_index(r, s->wkt, "wkt")) < 0)
        return SM_ECONFIG;
    if (s->n_attributes > SM_MAX_ATTRIBUTES)
        return sm_error_set(SM_ECONFIG, "%s: sources[%d]: at most %d attributes", r->cfg->file,
                            r->index, SM_MAX_ATTRIBUTES);
    for (int i = 0; i < s->n_attributes; i++)
        if ((r->iattr[i] = field_index(r, s->attributes[i], "attributes")) < 0)
            return SM_ECONFIG;
    return SM_OK;
}

/* As for the samples: a file without a CRS under a local working CRS is in it. */
static int make_transform(source_reader *r, OGRSpatialReferenceH work)
{
    OGRSpatialReferenceH own = OGR_L_GetSpatialRef(r->layer);
    OGRSpatialReferenceH srs = r->src->crs             ? sm_crs_new(r->src->crs)
                               : own                   ? sm_crs_clone(own)
                               : sm_crs_is_local(work) ? sm_crs_clone(work)
                                                       : NULL;
    if (!srs)
        return sm_error_set(SM_ECONFIG,
                            "%s: sources[%d].crs: %s has no CRS of its own; say "
                            "which one it is in",
                            r->cfg->file, r->index, r->src->path);
    int rc = sm_crs_transform(srs, work, &r->ct);
    OSRDestroySpatialReference(srs);
    if (rc != 0)
        return sm_error_set(SM_ECONFIG, "%s: sources[%d]: cannot transform to the working CRS: %s",
                            r->cfg->file, r->index,
                            sm_crs_is_local(work) ? "a local CRS has no transformation"
                                                  : CPLGetLastErrorMsg());
    return SM_OK;
}

static void close_source(source_reader *r)
{
    if (r->ct)
        OCTDestroyCoordinateTransformation(r->ct);
    if (r->ds)
        GDALClose(r->ds);
    r->ct = NULL;
    r->ds = NULL;
}

/* The union of attribute names over all sources: the output layer's schema. */
static int collect_attribute_names(const sm_config *cfg, const char **names, int max)
{
    int n = 0;
    for (int s = 0; s < cfg->n_sources; s++)
        for (int a = 0; a < cfg->sources[s].n_attributes; a++) {
            const char *name = cfg->sources[s].attributes[a];
            int seen = 0;
            for (int k = 0; k < n && !seen; k++)
                seen = strcmp(names[k], name) == 0;
            if (!seen && n < max)
                names[n++] = name;
        }
    return n;
}

static OGRLayerH create_output(const sm_config *cfg, GDALDatasetH ds, OGRSpatialReferenceH work)
{
    static const char *const base[] = {"source", "src_row", "type", "name"};
    const char *attrs[SM_MAX_ATTRIBUTES];
    int na = collect_attribute_names(cfg, attrs, SM_MAX_ATTRIBUTES);
    OGRLayerH out = GDALDatasetCreateLayer(ds, SM_LAYER_SOURCES, work, wkbUnknown, NULL);
    for (int i = 0; out && i < 4 + na; i++) {
        const char *name = i < 4 ? base[i] : attrs[i - 4];
        OGRFieldDefnH fd = OGR_Fld_Create(name, i == 1 ? OFTInteger64 : OFTString);
        OGRErr err = OGR_L_CreateField(out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return NULL;
    }
    return out;
}

static OGRGeometryH feature_geometry(const source_reader *r, OGRFeatureH f)
{
    OGRGeometryH g = NULL;
    if (r->iwkt < 0) {
        OGRGeometryH own = OGR_F_GetGeometryRef(f);
        return own ? OGR_G_Clone(own) : NULL;
    }
    char *cursor = (char *)OGR_F_GetFieldAsString(f, r->iwkt); /* OGR only advances it */
    OGR_G_CreateFromWkt(&cursor, NULL, &g);
    return g;
}

/* The first text field copied to the output that is not UTF-8, or NULL:
 * such text would make the GeoPackage and the published GeoJSON invalid. */
static const char *bad_text_field(const source_reader *r, OGRFeatureH f)
{
    int fields[2 + SM_MAX_ATTRIBUTES], n = 0;
    fields[n++] = r->itype, fields[n++] = r->iname;
    for (int i = 0; i < r->src->n_attributes; i++)
        fields[n++] = r->iattr[i];
    for (int i = 0; i < n; i++)
        if (fields[i] >= 0 && OGR_F_IsFieldSetAndNotNull(f, fields[i]) &&
            !CPLIsUTF8(OGR_F_GetFieldAsString(f, fields[i]), -1))
            return OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, fields[i]));
    return NULL;
}

/* Why a feature cannot be used, or NULL if it can; g is transformed in place. */
static const char *check_feature(const source_reader *r, OGRFeatureH f, OGRGeometryH g)
{
    if (!g || OGR_G_IsEmpty(g))
        return "no readable geometry";
    if (!OGR_G_IsValid(g))
        return "geometry is not valid (self-intersecting or badly formed)";
    if (r->ct && OGR_G_Transform(g, r->ct) != OGRERR_NONE)
        return "geometry cannot be transformed to the working CRS";
    if (r->itype >= 0 && !OGR_F_GetFieldAsString(f, r->itype)[0])
        return "no source type";
    return NULL;
}

static void copy_feature(source_reader *r, OGRFeatureH f, OGRLayerH out, sm_rejects *rejects,
                         sm_source_counts *counts)
{
    OGRGeometryH g = feature_geometry(r, f);
    const char *why = check_feature(r, f, g);
    const char *text = why ? NULL : bad_text_field(r, f);
    if (text)
        why = "text is not valid UTF-8 (convert the file to UTF-8)";
    long row = (long)OGR_F_GetFID(f);
    counts->read++;
    if (why) {
        const char *column = text ? text : r->iwkt >= 0 ? r->src->wkt : "geometry";
        sm_rejects_add(rejects, r->src->path, OGR_L_GetName(r->layer), row, column, "", why);
        counts->rejected++;
        if (g)
            OGR_G_DestroyGeometry(g);
        return;
    }
    OGRFeatureH o = OGR_F_Create(OGR_L_GetLayerDefn(out));
    char label[512];
    snprintf(label, sizeof label, "%s%s%s", r->src->path, r->src->layer ? ":" : "",
             r->src->layer ? r->src->layer : "");
    OGR_F_SetFieldString(o, 0, label);
    OGR_F_SetFieldInteger64(o, 1, row);
    OGR_F_SetFieldString(o, 2, r->itype >= 0 ? OGR_F_GetFieldAsString(f, r->itype) : r->src->type);
    if (r->iname >= 0)
        OGR_F_SetFieldString(o, 3, OGR_F_GetFieldAsString(f, r->iname));
    for (int i = 0; i < r->src->n_attributes; i++)
        if (OGR_F_IsFieldSetAndNotNull(f, r->iattr[i]))
            OGR_F_SetFieldString(o, OGR_F_GetFieldIndex(o, r->src->attributes[i]),
                                 OGR_F_GetFieldAsString(f, r->iattr[i]));
    OGR_F_SetGeometryDirectly(o, g);
    if (OGR_L_CreateFeature(out, o) == OGRERR_NONE)
        counts->kept++;
    OGR_F_Destroy(o);
}

static int copy_source(source_reader *r, OGRSpatialReferenceH work, OGRLayerH out,
                       sm_rejects *rejects, sm_source_counts *counts)
{
    int rc = open_source(r);
    if (rc == SM_OK)
        rc = make_transform(r, work);
    if (rc == SM_OK) {
        OGRFeatureH f;
        OGR_L_ResetReading(r->layer);
        while ((f = OGR_L_GetNextFeature(r->layer))) {
            copy_feature(r, f, out, rejects, counts);
            OGR_F_Destroy(f);
        }
    }
    close_source(r);
    return rc;
}

int sm_sources_copy(const sm_config *cfg, OGRSpatialReferenceH work, void *ds, sm_rejects *rejects,
                    sm_source_counts *counts, sm_progress_task *progress)
{
    memset(counts, 0, sizeof *counts);
    OGRLayerH out = create_output(cfg, ds, work);
    if (!out)
        return sm_error_set(SM_ECANTCREAT, "cannot create the sources layer: %s",
                            CPLGetLastErrorMsg());
    for (int i = 0; i < cfg->n_sources; i++) {
        source_reader r = {.cfg = cfg, .src = &cfg->sources[i], .index = i};
        int rc = copy_source(&r, work, out, rejects, counts);
        if (rc)
            return rc;
        if (!sm_progress((double)(i + 1) / cfg->n_sources, NULL, progress))
            return sm_error_set(SM_ECANCEL, "cancelled");
    }
    return SM_OK;
}

int sm_sources_check(const sm_config *cfg)
{
    for (int i = 0; i < cfg->n_sources; i++) {
        source_reader r = {.cfg = cfg, .src = &cfg->sources[i], .index = i};
        OGRSpatialReferenceH work = sm_crs_new(cfg->crs);
        int rc = open_source(&r);
        if (rc == SM_OK)
            rc = make_transform(&r, work);
        OSRDestroySpatialReference(work);
        close_source(&r);
        if (rc)
            return rc;
    }
    return SM_OK;
}
