#include "features/webvectors.h"
#include "core/error.h"
#include "core/outfile.h"
#include "stage/products.h"

#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *name;
    sm_product file;
    const char *sql;
} source;

/* What each web layer is made of (SQL in the GeoPackage's SQLite dialect). */
static const source sources[] = {
    {"hotspots", SM_PRODUCT_HOTSPOTS,
     "SELECT h.*, (SELECT group_concat(r.technology_name || ' (' || printf('%.2f', r.score) || "
     "')', "
     "'; ') FROM recommendations r WHERE r.hotspot_id = h.id) AS recommendations, "
     "(SELECT a.checklist FROM action_plans a WHERE a.hotspot_id = h.id) AS action_plan "
     "FROM hotspots h"},
    {"recommendations", SM_PRODUCT_HOTSPOTS,
     "SELECT r.*, h.geom FROM recommendations r JOIN hotspots h ON h.id = r.hotspot_id"},
    {"samples", SM_PRODUCT_SAMPLES, "SELECT * FROM samples"},
    {"sources", SM_PRODUCT_SAMPLES, "SELECT * FROM sources"},
    {"sites", SM_PRODUCT_SITES, "SELECT * FROM sites"},
};

static int has_layer(GDALDatasetH ds, const char *name)
{
    return GDALDatasetGetLayerByName(ds, name) != NULL;
}

/* Hotspots without the remediate stage have no recommendation tables. */
static const char *sql_for(const source *s, GDALDatasetH ds)
{
    if (!strcmp(s->name, "hotspots") && !has_layer(ds, "recommendations"))
        return "SELECT * FROM hotspots";
    if (!strcmp(s->name, "recommendations") && !has_layer(ds, "recommendations"))
        return NULL;
    return s->sql;
}

/* In lon/lat (RFC 7946) normally; in the working CRS's own metres when it
 * is local, which has no lon/lat to give. */
static int translate(GDALDatasetH src, const char *sql, const char *name, const char *format,
                     const char *path, int local)
{
    sm_outfile out;
    sm_outfile_begin(&out, path);
    int geojson = !strcmp(format, "GeoJSON");
    char *argv[] = {"-f",       (char *)format,
                    "-sql",     (char *)sql,
                    "-nln",     (char *)name,
                    "-dialect", "SQLITE",
                    "-lco",     geojson ? "RFC7946=YES" : "SPATIAL_INDEX=YES",
                    "-t_srs",   "EPSG:4326",
                    NULL};
    if (local && geojson) /* no RFC 7946 and no reprojection */
        argv[8] = NULL;
    else if (local)
        argv[10] = NULL;
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    int err = 0;
    GDALDatasetH dst = GDALVectorTranslate(out.tmp, NULL, 1, &src, o, &err);
    GDALVectorTranslateOptionsFree(o);
    if (!dst || sm_dataset_close(dst) != 0) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    }
    return sm_outfile_commit(&out);
}

/* Feature count and extent (lon/lat, or local metres) of the written GeoJSON. */
static void describe(const char *path, sm_web_layer *l)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH layer = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    OGREnvelope e = {0, 0, 0, 0};
    if (layer) {
        l->features = (long)OGR_L_GetFeatureCount(layer, TRUE);
        OGR_L_GetExtent(layer, &e, TRUE);
    }
    l->bbox[0] = e.MinX, l->bbox[1] = e.MinY, l->bbox[2] = e.MaxX, l->bbox[3] = e.MaxY;
    if (ds)
        GDALClose(ds);
}

static int one_layer(const sm_config *cfg, const source *s, const char *dir, int local,
                     sm_web_vectors *out)
{
    char src_path[SM_PATH_SIZE], path[SM_PATH_SIZE];
    sm_product_path(src_path, sizeof src_path, cfg, s->file);
    struct stat st;
    if (stat(src_path, &st) != 0)
        return SM_OK;
    GDALDatasetH src = GDALOpenEx(src_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    const char *sql = src ? sql_for(s, src) : NULL;
    int rc = SM_OK;
    if (sql) {
        snprintf(path, sizeof path, "%s/%s.geojson", dir, s->name);
        rc = translate(src, sql, s->name, "GeoJSON", path, local);
        if (rc == SM_OK) {
            sm_web_layer *l = &out->layers[out->n++];
            l->name = s->name;
            describe(path, l);
            snprintf(path, sizeof path, "%s/%s.fgb", dir, s->name);
            rc = translate(src, sql, s->name, "FlatGeobuf", path, local);
        }
    }
    if (src)
        GDALClose(src);
    return rc;
}

int sm_webvectors_write(const sm_config *cfg, int local, sm_web_vectors *out)
{
    memset(out, 0, sizeof *out);
    char dir[SM_PATH_SIZE];
    sm_product_member(dir, sizeof dir, cfg, SM_PRODUCT_WEB, "vectors");
    int rc = sm_make_dirs(dir);
    for (unsigned i = 0; rc == SM_OK && i < sizeof sources / sizeof *sources; i++)
        rc = one_layer(cfg, &sources[i], dir, local, out);
    return rc;
}
