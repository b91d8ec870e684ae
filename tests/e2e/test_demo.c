/* End to end: the shipped demo config through every stage, compared with
 * the generator's true surfaces: hotspots (recall, false area, distance to
 * sources, attributes, minimum area, connectivity, the Gi* layer),
 * recommendations (metal-fit technologies, the score recomputed, nearest
 * cases) and site screening (truly exceeding sites first). */
#include "remediate/remediate.h"
#include "remediate/store.h"
#include "testutil.h"
#include "guideline/thresholds.h"

#include <gdal.h>
#include <gdal_alg.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[1024];

static int run_demo(const char *name, const char *replace, const char *with)
{
    return sm_test_run_demo(name, replace, with, err, sizeof err);
}

/* ---- the truth: the generator's surfaces against CCME ---- */

static const char *const metals[] = {"cd", "pb", "zn", "as"};
static char *const classes[] = {"agricultural", "residential", "parkland", "industrial"};
static char *const cat_agri[] = {"agricultural", NULL},
                   *const cat_res[] = {"residential-parkland", NULL},
                   *const cat_ind[] = {"industrial", NULL};
static char **const categories[] = {(char **)cat_agri, (char **)cat_res, (char **)cat_res,
                                    (char **)cat_ind};

/* 1 where the true surface of metal m exceeds its CCME value for the cell's
 * land use (landuse.tif of the run: 1 + index into classes). */
static unsigned char *true_exceedance(const char *run, int m, const sm_test_raster *truth)
{
    sm_threshold_table t;
    sm_guideline g;
    assert_int_equal(sm_thresholds_load(sm_test_src("configs/thresholds/ccme.csv"), &t), 0);
    assert_int_equal(sm_guideline_resolve(&t, NULL, metals[m], categories, 4, &g), 0);
    sm_test_raster lu;
    sm_test_read_raster(sm_test_out_file(run, "classes/landuse.tif"), 1, &lu);
    size_t n = (size_t)truth->w * truth->h;
    unsigned char *ex = calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        double x = truth->gt[0] + (i % truth->w + 0.5) * truth->gt[1];
        double y = truth->gt[3] + (i / truth->w + 0.5) * truth->gt[5];
        double cls = sm_test_raster_at(&lu, x, y);
        const double *v = cls > 0 ? sm_guideline_values(&g, (int)cls - 1, NAN) : NULL;
        ex[i] = v && !isnan(v[0]) && truth->v[i] > v[0];
    }
    free(lu.v);
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
    return ex;
}

/* The hotspot polygons burnt onto the truth's grid. */
static unsigned char *hotspot_cells(const char *run, const sm_test_raster *truth)
{
    GDALDatasetH mem =
        GDALCreate(GDALGetDriverByName("MEM"), "", truth->w, truth->h, 1, GDT_Byte, NULL);
    GDALSetGeoTransform(mem, (double *)truth->gt);
    GDALDatasetH v =
        GDALOpenEx(sm_test_out_file(run, "hotspots.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(v);
    OGRLayerH layer = GDALDatasetGetLayerByName(v, "hotspots");
    int band = 1;
    double one = 1;
    assert_int_equal(
        GDALRasterizeLayers(mem, 1, &band, 1, &layer, NULL, NULL, &one, NULL, NULL, NULL), CE_None);
    size_t n = (size_t)truth->w * truth->h;
    unsigned char *cells = malloc(n);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(mem, 1), GF_Read, 0, 0, truth->w, truth->h,
                                  cells, truth->w, truth->h, GDT_Byte, 0, 0),
                     CE_None);
    GDALClose(v);
    GDALClose(mem);
    return cells;
}

typedef struct {
    double recall, false_share;
} agreement;

static agreement compare(const unsigned char *found, const unsigned char *truth, size_t n)
{
    long hit = 0, t = 0, f = 0;
    for (size_t i = 0; i < n; i++)
        hit += found[i] && truth[i], t += truth[i], f += found[i];
    assert_true(t > 0 && f > 0);
    return (agreement){(double)hit / t, (double)(f - hit) / f};
}

/* The generator planted Cd, Pb and Zn around the smelter, the road and the
 * tailings; its arsenic also follows a geological field (scripts/make-demo-data),
 * so arsenic is reported but not held to the planted-hotspot bar. */
static void test_demo_finds_planted_hotspots(void **state)
{
    (void)state;
    assert_int_equal(run_demo("demo", NULL, NULL), 0);
    sm_test_raster truth[4];
    unsigned char *ex[4];
    for (int m = 0; m < 4; m++) {
        char file[64];
        snprintf(file, sizeof file, "data/demo/truth/%s.tif", metals[m]);
        sm_test_read_raster(sm_test_src(file), 1, &truth[m]);
        ex[m] = true_exceedance("demo", m, &truth[m]);
    }
    size_t n = (size_t)truth[0].w * truth[0].h;
    unsigned char *planted = calloc(n, 1), *all = calloc(n, 1);
    for (size_t i = 0; i < n; i++) {
        planted[i] = ex[0][i] || ex[1][i] || ex[2][i];
        all[i] = planted[i] || ex[3][i];
    }
    unsigned char *found = hotspot_cells("demo", &truth[0]);
    agreement p = compare(found, planted, n), a = compare(found, all, n);
    print_message("demo hotspots vs truth: planted Cd/Pb/Zn recall %.3f; all metals recall %.3f, "
                  "false-area share %.3f\n",
                  p.recall, a.recall, a.false_share);
    assert_true(p.recall > 0.6); /* most of the planted exceeding area is found */
    assert_true(a.false_share < 0.35);
    for (int m = 0; m < 4; m++)
        free(truth[m].v), free(ex[m]);
    free(planted), free(all), free(found);
}

/* Every hotspot with a planted metal lies within 1 km of a source, and the
 * attributes the issue lists are there. */
static void test_hotspot_attributes(void **state)
{
    (void)state;
    GDALDatasetH v =
        GDALOpenEx(sm_test_out_file("demo", "hotspots.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(v);
    OGRLayerH l = GDALDatasetGetLayerByName(v, "hotspots");
    assert_non_null(l);
    const char *fields[] = {"id",
                            "contaminants",
                            "tier",
                            "area_ha",
                            "max_ratio",
                            "mean_probability",
                            "cd_max",
                            "cd_mean",
                            "pb_max_ratio",
                            "zn_mean_probability",
                            "landuse",
                            "n_samples",
                            "source_name",
                            "source_type",
                            "source_distance_m"};
    for (unsigned i = 0; i < sizeof fields / sizeof *fields; i++)
        if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), fields[i]) < 0)
            fail_msg("hotspots has no field %s", fields[i]);
    OGRFeatureH f;
    int planted = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        const char *list = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "contaminants"));
        double d = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "source_distance_m"));
        double area = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area_ha"));
        assert_true(area >= 0.5);
        assert_true(list[0] != '\0');
        assert_true(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "max_ratio")) > 1);
        if (strstr(list, "cd") || strstr(list, "pb") || strstr(list, "zn")) {
            planted++;
            if (d > 1000)
                fail_msg("hotspot %s (%s) is %.0f m from every source",
                         OGR_F_GetFieldAsString(f, 0), list, d);
            assert_true(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "n_samples")) > 0);
        }
        OGR_F_Destroy(f);
    }
    assert_true(planted >= 2); /* the smelter's and the tailings' */
    OGRLayerH s = GDALDatasetGetLayerByName(v, "sample_statistics");
    assert_non_null(s);
    /* one row per sample and metal: 403 samples, 3 without arsenic, one
     * each without cd, pb (values rejected) and zn (NaN: missing) */
    assert_int_equal(OGR_L_GetFeatureCount(s, TRUE), 4 * 403 - 6);
    GDALClose(v);
}

static long manifest_long(const char *run, const char *path)
{
    return sm_test_manifest_long(sm_test_out_file(run, "run.json"), path);
}

/* A minimum area above the largest hotspot removes them all, and counts them. */
static void test_min_area_filter(void **state)
{
    (void)state;
    assert_int_equal(run_demo("big", "min_area_ha: 0.5", "min_area_ha: 100000"), 0);
    long found = manifest_long("big", "stages.hotspots.areas_found");
    assert_true(found > 0);
    assert_int_equal(manifest_long("big", "stages.hotspots.areas_removed_small"), found);
    assert_int_equal(sm_test_feature_count(sm_test_out_file("big", "hotspots.gpkg"), "hotspots"),
                     0);
}

/* 4-connectivity cannot join more cells than 8-connectivity does. */
static void test_connectivity(void **state)
{
    (void)state;
    assert_int_equal(run_demo("four", "connectivity: 8", "connectivity: 4"), 0);
    long four = manifest_long("four", "stages.hotspots.areas_found");
    long eight = manifest_long("demo", "stages.hotspots.areas_found");
    print_message("connected areas: %ld with 4-connectivity, %ld with 8\n", four, eight);
    assert_true(four >= eight);
}

/* ---- recommendations ---- */

typedef struct {
    GDALDatasetH ds;
    OGRLayerH l;
} csv_file;

static csv_file open_csv(const char *path)
{
    const char *const options[] = {"AUTODETECT_TYPE=YES", NULL};
    csv_file c = {GDALOpenEx(path, GDAL_OF_VECTOR, NULL, options, NULL), NULL};
    if (!c.ds)
        fail_msg("cannot open %s", path);
    c.l = GDALDatasetGetLayer(c.ds, 0);
    return c;
}

static double num(OGRFeatureH f, const char *field)
{
    int i = OGR_F_GetFieldIndex(f, field);
    if (i < 0)
        fail_msg("no field %s", field);
    return OGR_F_GetFieldAsDouble(f, i);
}

static const char *text(OGRFeatureH f, const char *field)
{
    return OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, field));
}

static int metal_rating(sm_store *s, const char *technology)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(s->db,
                                        "SELECT rating FROM applicability WHERE "
                                        "technology = ?1 AND group_code = 'M'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, technology, -1, SQLITE_STATIC);
    int r = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return r;
}

/* Every demo hotspot is metals only: each recommendation must be rated for
 * metals, its score must be the documented sum of its components, ranks must
 * follow the score, and each must come with near case studies. */
static void test_recommendations(void **state)
{
    (void)state;
    sm_store store;
    assert_int_equal(sm_store_open(sm_test_tmp("demo-store.sqlite"), 0, &store), 0);
    csv_file c = open_csv(sm_test_out_file("demo", "recommendations.csv"));
    OGRFeatureH f;
    double previous = HUGE_VAL;
    int rows = 0;
    while ((f = OGR_L_GetNextFeature(c.l))) {
        rows++;
        assert_true(metal_rating(&store, text(f, "technology")) >= 1);
        assert_string_equal(text(f, "cover"), "full");
        double s =
            (0.4 * num(f, "environmental") + 0.3 * num(f, "social") + 0.3 * num(f, "economic")) /
            10;
        assert_true(fabs(s - num(f, "sustainability")) < 1e-9);
        double total = 0.4 * num(f, "applicability") + 0.4 * s + 0.2 * num(f, "practicality") +
                       num(f, "nature_bonus");
        assert_true(fabs(total - num(f, "score")) < 1e-9);
        int rank = (int)num(f, "rank");
        if (rank > 1)
            assert_true(num(f, "score") <= previous + 1e-12);
        previous = num(f, "score");
        assert_true(num(f, "nearest_case_km") > 0 && text(f, "cases")[0]);
        if (rank == 1)
            assert_true(text(f, "sensitivity")[0]);
        OGR_F_Destroy(f);
    }
    assert_true(rows >= 3);
    GDALClose(c.ds);
    sm_store_close(&store);
}

/* ---- screening against the truth ---- */

static int truly_exceeds(const char *landuse, double x, double y)
{
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(sm_test_src("configs/thresholds/ccme.csv"), &t), 0);
    int cls = -1, exceeds = 0;
    for (int i = 0; i < 4; i++)
        if (!strcmp(classes[i], landuse))
            cls = i;
    for (int m = 0; m < 4 && cls >= 0; m++) {
        sm_guideline g;
        assert_int_equal(sm_guideline_resolve(&t, NULL, metals[m], categories, 4, &g), 0);
        const double *v = sm_guideline_values(&g, cls, NAN);
        char file[64];
        snprintf(file, sizeof file, "data/demo/truth/%s.tif", metals[m]);
        sm_test_raster truth;
        sm_test_read_raster(sm_test_src(file), 1, &truth);
        exceeds |= v && !isnan(v[0]) && sm_test_raster_at(&truth, x, y) > v[0];
        free(truth.v);
        sm_guideline_free(&g);
    }
    sm_thresholds_free(&t);
    return exceeds;
}

/* Sites where the true surface exceeds the value for the site's land use
 * come before the clean ones: the share of (exceeding, clean) pairs in the
 * right order (the area under the ROC curve). */
static void test_screening_ranks_exceeding_sites_first(void **state)
{
    (void)state;
    csv_file c = open_csv(sm_test_out_file("demo", "sites_screened.csv"));
    OGRFeatureH f;
    int rank = 0, nx = 0, nc = 0, ranks_x[64], ranks_c[64], first_exceeds = -1;
    while ((f = OGR_L_GetNextFeature(c.l)) && rank < 64) {
        int e = truly_exceeds(text(f, "landuse"), num(f, "X"), num(f, "Y"));
        if (first_exceeds < 0)
            first_exceeds = e;
        if (e)
            ranks_x[nx++] = rank;
        else
            ranks_c[nc++] = rank;
        rank++;
        OGR_F_Destroy(f);
    }
    GDALClose(c.ds);
    int ordered = 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < nc; j++)
            ordered += ranks_x[i] < ranks_c[j];
    double auc = (double)ordered / (nx * nc);
    print_message("screening: %d sites truly exceed, %d do not; AUC %.3f\n", nx, nc, auc);
    assert_int_equal(rank, 50);
    assert_true(nx > 0 && nc > 0);
    assert_true(first_exceeds == 1);
    assert_true(auc > 0.8);
}

/* The classification rasters are the same bytes for any thread count
 * (a tile writing past its bands once made them differ). */
static void test_classes_same_for_any_thread_count(void **state)
{
    (void)state;
    char cmd[1200], *sums[2];
    for (int t = 1; t <= 2; t++) {
        snprintf(cmd, sizeof cmd,
                 "%s classify -q --force --threads %d %s && cd %s && "
                 "sha256sum *.tif > %s",
                 SM_BINARY, t, sm_test_tmp("demo.yaml"), sm_test_out_file("demo", "classes"),
                 sm_test_tmp(t == 1 ? "sums1" : "sums2"));
        assert_int_equal(system(cmd), 0);
        sums[t - 1] = sm_test_slurp(sm_test_tmp(t == 1 ? "sums1" : "sums2"));
    }
    assert_non_null(strstr(sums[0], "n_exceeding.tif"));
    assert_string_equal(sums[0], sums[1]);
    free(sums[0]), free(sums[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_finds_planted_hotspots),
        cmocka_unit_test(test_hotspot_attributes),
        cmocka_unit_test(test_recommendations),
        cmocka_unit_test(test_screening_ranks_exceeding_sites_first),
        cmocka_unit_test(test_min_area_filter),
        cmocka_unit_test(test_connectivity),
        cmocka_unit_test(test_classes_same_for_any_thread_count), /* last: it reruns classify */
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
