/* The synthetic GB 15618 site shared by the classify tests (gbsite.c). */
#ifndef SM_TEST_GBSITE_H
#define SM_TEST_GBSITE_H

#include "testutil.h"

#include <json-c/json.h>
#include <stddef.h>

/* The synthetic site: a 1 km square in EPSG:32650, 20 x 20 cells of 50 m. */
enum { X0 = 500000, Y0 = 3300000, RES = 50, N = 20 };

/* The last CLI error line of gb_run_config. */
extern char gb_err[1024];

/* A file of tests/fixtures/classify/ (rotating static buffers). */
const char *gb_fixture(const char *name);
/* Writes NAME.yaml in the scratch folder and runs it into out-NAME. */
int gb_run_config(const char *name, const char *text);
void gb_run_ok(const char *name, const char *text);
json_object *gb_manifest(const char *name);
void gb_read_out(const char *name, const char *file, int band, sm_test_raster *r);
int gb_file_exists(const char *path);
/* A soil-pH raster in EPSG:32650 with 50 m cells from (xmin, ymax); a cell's
 * pH depends on its centre's x. */
const char *gb_write_ph_raster(const char *name, double xmin, double ymax, int w, int h,
                               double (*ph_at)(double x));
/* 60 samples on the square, all with Cd = cd and pH = ph: a flat surface. */
const char *gb_samples_csv(const char *name, double cd, double ph);
/* A GB 15618 config (see gbsite.c); NULLs take the defaults. */
const char *gb_config(char *buf, size_t size, const char *csv, const char *landuse,
                      const char *table, const char *classes, const char *ph_yaml);
int gb_is_paddy_row(int row);
/* pH 5, 6, 7, 8 in four stripes from west to east. */
double gb_stripes_ph(double x);

#endif
