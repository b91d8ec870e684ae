/* The synthetic GB 15618 site of the classify tests: a flat cadmium field
 * on a 1 km square in EPSG:32650 with rice (paddy) north and dryland south,
 * its samples, configs, pH rasters and runs. */
#include "gbsite.h"
#include "testutil.h"

#include <gdal.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char gb_err[1024];

const char *gb_fixture(const char *name)
{
    static char buf[4][4096];
    static int slot;
    char *p = buf[slot++ % 4];
    snprintf(p, 4096, "%s/tests/fixtures/classify/%s", SM_SOURCE_DIR, name);
    return p;
}

/* Writes NAME.yaml in the scratch folder and runs it into out-NAME. */
int gb_run_config(const char *name, const char *text)
{
    return sm_test_run_config(name, text, gb_err, sizeof gb_err);
}

void gb_run_ok(const char *name, const char *text)
{
    int rc = gb_run_config(name, text);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", name, rc, gb_err);
}

json_object *gb_manifest(const char *name)
{
    json_object *o = json_object_from_file(sm_test_out_file(name, "run.json"));
    assert_non_null(o);
    return o;
}

void gb_read_out(const char *name, const char *file, int band, sm_test_raster *r)
{
    sm_test_read_raster(sm_test_out_file(name, file), band, r);
}

int gb_file_exists(const char *path) { return access(path, F_OK) == 0; }

/* A soil-pH raster in EPSG:32650 with 50 m cells from (xmin, ymax); a cell's
 * pH depends on its centre's x. */
const char *gb_write_ph_raster(const char *name, double xmin, double ymax, int w, int h,
                               double (*ph_at)(double x))
{
    const char *path = sm_test_tmp(name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, GDT_Float32, NULL);
    assert_non_null(ds);
    double gt[6] = {xmin, RES, 0, ymax, 0, -RES};
    GDALSetGeoTransform(ds, gt);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32650);
    GDALSetSpatialRef(ds, srs);
    OSRDestroySpatialReference(srs);
    float *v = malloc((size_t)w * h * sizeof *v);
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
            v[(size_t)r * w + c] = (float)ph_at(xmin + (c + 0.5) * RES);
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, w, h, v, w, h, GDT_Float32, 0, 0),
        CE_None);
    free(v);
    GDALClose(ds);
    return path;
}

/* 60 samples (10 x 6) on the square, all with Cd = cd and pH = ph: IDW then
 * gives a flat surface, cd everywhere. */
const char *gb_samples_csv(const char *name, double cd, double ph)
{
    char text[8192];
    int used = snprintf(text, sizeof text, "id,x,y,Cd,pH\n");
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 10; c++)
            used += snprintf(text + used, sizeof text - (size_t)used, "s%d,%d,%d,%g,%g\n",
                             r * 10 + c + 1, X0 + 50 + 100 * c, Y0 + 80 + 170 * r, cd, ph);
    return sm_test_write(name, text);
}

/* A GB 15618 config: rice -> paddy, dryland -> other; ph_yaml is the value
 * of thresholds.ph (NULL: none); table NULL: the shipped GB 15618 table. */
const char *gb_config(char *buf, size_t size, const char *csv, const char *landuse,
                      const char *table, const char *classes, const char *ph_yaml)
{
    char ph[4400] = "";
    if (ph_yaml)
        snprintf(ph, sizeof ph, "  ph: %s\n", ph_yaml);
    snprintf(buf, size,
             "project: gb15618\noutput: o\ncrs: EPSG:32650\n"
             "grid: {resolution: %d, extent: [%d, %d, %d, %d]}\n"
             "samples: {path: %s, crs: EPSG:32650, x: x, y: y, id: id,\n"
             "          contaminants: {cd: Cd}, attributes: [pH]}\n"
             "interpolation: {method: idw, cross_validation: none}\n"
             "landuse: {path: %s, field: class}\n"
             "thresholds:\n  table: %s\n  classes: %s\n%s",
             RES, X0, Y0, X0 + N * RES, Y0 + N * RES, csv,
             landuse ? landuse : gb_fixture("landuse_gb.geojson"),
             table ? table : sm_test_src("configs/thresholds/china_gb15618.csv"),
             classes ? classes : "{rice: paddy, dryland: [other]}", ph);
    return buf;
}

/* The rows north of y = Y0 + 500 are rice (paddy), the others dryland. */
int gb_is_paddy_row(int row) { return row < N / 2; }

double gb_stripes_ph(double x)
{
    return x < X0 + 250 ? 5.0 : x < X0 + 500 ? 6.0 : x < X0 + 750 ? 7.0 : 8.0;
}
