/* Grid geometry: edges on multiples of the resolution. */
#include "core/error.h"
#include "grid/grid.h"
#include "testutil.h"

#include <math.h>

static void test_from_samples_with_buffer(void **state)
{
    (void)state;
    sm_grid_config cfg = {.resolution = 40, .from_samples = 1, .buffer = 100};
    double bbox[4] = {178605, 329714, 181390, 333611}; /* the Meuse samples */
    sm_grid g;
    assert_int_equal(sm_grid_make(&cfg, bbox, &g), SM_OK);
    /* 178505 -> 178480 (floor to 40), 181490 -> 181520 (ceil) */
    assert_true(g.xmin == 178480 && g.xmax == 181520);
    assert_true(g.ymin == 329600 && g.ymax == 333720);
    assert_int_equal(g.ncols, 76);
    assert_int_equal(g.nrows, 103);
}

static void test_explicit_extent(void **state)
{
    (void)state;
    sm_grid_config cfg = {
        .resolution = 10, .from_samples = 0, .extent = {497000, 5537000, 503000, 5542000}};
    sm_grid g;
    assert_int_equal(sm_grid_make(&cfg, NULL, &g), SM_OK);
    assert_int_equal(g.ncols, 600);
    assert_int_equal(g.nrows, 500);
    assert_true(g.xmax == 503000 && g.ymax == 5542000);
}

/* grid.origin: edges on origin + k * resolution, the extent still covered. */
static void test_origin(void **state)
{
    (void)state;
    sm_grid_config cfg = {
        .resolution = 10, .from_samples = 0, .extent = {100, 200, 150, 260}, .origin = {3, 7}};
    sm_grid g;
    assert_int_equal(sm_grid_make(&cfg, NULL, &g), SM_OK);
    assert_true(g.xmin == 93 && g.ymin == 197); /* 3 + 9 * 10, 7 + 19 * 10 */
    assert_true(g.xmax == 153 && g.ymax == 267);
    assert_int_equal(g.ncols, 6);
    assert_int_equal(g.nrows, 7);
    /* an origin far east of the extent works the same way */
    cfg.origin[0] = 2600000.5, cfg.origin[1] = -1e6 + 2.5;
    assert_int_equal(sm_grid_make(&cfg, NULL, &g), SM_OK);
    assert_true(g.xmin == 90.5 && g.ymin == 192.5);
    assert_true(g.xmax >= 150 && g.ymax >= 260 && g.xmax - 10 < 150 && g.ymax - 10 < 260);
}

/* extent: like: a template's edges, computed as config_grid.c does (the
 * bottom as top + rows x -res), give exactly its rows and columns, whatever
 * the rounding of that sum (before: often one row too many). */
static void test_template_extent_exact(void **state)
{
    (void)state;
    const double res[] = {0.1, 0.2, 0.3, 0.25, 2.5, 25};
    for (int k = 0; k < 6; k++)
        for (int h = 1; h <= 300; h++) {
            double gt[6] = {2600000.1, res[k], 0, 1200000.7, 0, -res[k]};
            int w = h + 3;
            sm_grid_config cfg = {.resolution = res[k],
                                  .extent = {gt[0], gt[3] + h * gt[5], gt[0] + w * gt[1], gt[3]},
                                  .origin = {gt[0], gt[3]}};
            sm_grid g;
            assert_int_equal(sm_grid_make(&cfg, NULL, &g), SM_OK);
            if (g.nrows != h || g.ncols != w)
                fail_msg("res %g, %d x %d template: grid of %ld x %ld", res[k], w, h, g.ncols,
                         g.nrows);
        }
}

static void test_no_extent_fails(void **state)
{
    (void)state;
    sm_grid_config cfg = {.resolution = 10, .from_samples = 1};
    double empty[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    sm_grid g;
    assert_int_equal(sm_grid_make(&cfg, empty, &g), SM_EDATA);
}

static void test_too_many_cells_fails(void **state)
{
    (void)state;
    sm_grid_config cfg = {.resolution = 1e-3, .from_samples = 0, .extent = {0, 0, 1e7, 1}};
    sm_grid g;
    assert_int_equal(sm_grid_make(&cfg, NULL, &g), SM_ECONFIG);
}

/* The automatic tile: 256 unless the grid would have fewer than 16 tiles,
 * then halved down to 64; a configured size always wins. */
static void test_tile_size(void **state)
{
    (void)state;
    sm_grid big = {.ncols = 1000, .nrows = 1000}, mid = {.ncols = 500, .nrows = 500};
    sm_grid small = {.ncols = 200, .nrows = 200}, tiny = {.ncols = 10, .nrows = 10};
    sm_grid strip = {.ncols = 4096, .nrows = 100};
    assert_int_equal(sm_grid_tile(&big, 0), 256);   /* 4 x 4 tiles */
    assert_int_equal(sm_grid_tile(&mid, 0), 128);   /* 2 x 2 at 256, 4 x 4 at 128 */
    assert_int_equal(sm_grid_tile(&small, 0), 64);  /* 4 x 4 at 64 */
    assert_int_equal(sm_grid_tile(&tiny, 0), 64);   /* never below 64 */
    assert_int_equal(sm_grid_tile(&strip, 0), 256); /* 16 x 1 tiles */
    assert_int_equal(sm_grid_tile(&small, 300), 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_from_samples_with_buffer),
                                       cmocka_unit_test(test_explicit_extent),
                                       cmocka_unit_test(test_origin),
                                       cmocka_unit_test(test_template_extent_exact),
                                       cmocka_unit_test(test_no_extent_fails),
                                       cmocka_unit_test(test_too_many_cells_fails),
                                       cmocka_unit_test(test_tile_size)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
