/* End to end: interpolation settings per contaminant (issue 17, item 6). The
 * Meuse metals on a coarse 200 m grid: zinc log-kriged with the shared
 * settings, cadmium by IDW and copper kriged without the log transform,
 * each from its own `interpolation.per` entry. */
#include "testutil.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[1024];

static int run(const char *name, const char *per)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "project: per contaminant\noutput: o\ncrs: EPSG:28992\n"
             "grid: {resolution: 200, extent: from-samples}\n"
             "samples: {path: %s, crs: EPSG:28992, x: x, y: y,\n"
             "  contaminants: {cd: cadmium, cu: copper, zn: zinc}}\n"
             "interpolation:\n"
             "  method: kriging\n  transform: log\n  neighbours: {max: 20}\n"
             "  variogram: {model: Sph}\n  cross_validation: none\n%s",
             sm_test_src("data/meuse/meuse.csv"), per);
    return sm_test_run_config(name, yaml, err, sizeof err);
}

static int exists(const char *name, const char *file)
{
    char path[256];
    snprintf(path, sizeof path, "out-%s/%s", name, file);
    return access(sm_test_tmp(path), F_OK) == 0;
}

static void test_per_contaminant(void **state)
{
    (void)state;
    int rc = run("per", "  per:\n    cd: {method: idw, idw: {power: 3}}\n"
                        "    cu: {transform: none, neighbours: {max: 12}}\n");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    /* zn: the shared log kriging, back-transformed, with its log surfaces */
    assert_true(exists("per", "surfaces/zn.tif") && exists("per", "surfaces/zn_logvar.tif"));
    assert_true(exists("per", "variogram/zn.json"));
    /* cd: IDW, no variance, no variogram */
    assert_true(exists("per", "surfaces/cd.tif"));
    assert_false(exists("per", "surfaces/cd_var.tif") || exists("per", "surfaces/cd_logvar.tif"));
    assert_false(exists("per", "variogram/cd.json"));
    /* cu: kriged on the original scale */
    assert_true(exists("per", "surfaces/cu_var.tif") && exists("per", "variogram/cu.json"));
    assert_false(exists("per", "surfaces/cu_logvar.tif"));
    json_object *v = json_object_from_file(sm_test_tmp("out-per/variogram/cu.json"));
    assert_non_null(v);
    assert_string_equal(json_object_get_string(sm_test_json(v, "transform")), "none");
    json_object_put(v);
    v = json_object_from_file(sm_test_tmp("out-per/variogram/zn.json"));
    assert_string_equal(json_object_get_string(sm_test_json(v, "transform")), "log");
    json_object_put(v);
    /* both surfaces are in mg/kg, not ln(mg/kg) (below 8): zinc was
     * back-transformed (unbiased, so its peak may pass the largest sample) */
    sm_test_raster zn, cu;
    sm_test_read_raster(sm_test_tmp("out-per/surfaces/zn.tif"), 1, &zn);
    sm_test_read_raster(sm_test_tmp("out-per/surfaces/cu.tif"), 1, &cu);
    double zmax = 0, cmax = 0;
    for (int i = 0; i < zn.w * zn.h; i++) {
        if (zn.v[i] != zn.nodata && zn.v[i] > zmax)
            zmax = zn.v[i];
        if (cu.v[i] != cu.nodata && cu.v[i] > cmax)
            cmax = cu.v[i];
    }
    assert_true(zmax > 500 && zmax < 5000); /* Meuse zinc: 113 to 1839 mg/kg */
    assert_true(cmax > 40 && cmax < 130);   /* copper: 14 to 128 mg/kg */
    free(zn.v), free(cu.v);
}

static void test_per_errors(void **state)
{
    (void)state;
    int rc = run("per_unknown", "  per: {ni: {transform: none}}\n");
    sm_test_assert_one_line_error(rc, 78, err,
                                  "interpolation.per.ni: 'ni' is not one of samples.contaminants");
    rc = run("per_key", "  per: {cd: {tile_size: 64}}\n");
    sm_test_assert_one_line_error(rc, 78, err, "interpolation.per.cd.tile_size: unknown key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_contaminant),
        cmocka_unit_test(test_per_errors),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
