/* Helpers shared by the tests: scratch files and running the CLI. */
#ifndef SM_TESTUTIL_H
#define SM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Writes text to a new file under the test scratch folder; returns its path
 * (static storage, valid until the next call with the same slot). */
const char *sm_test_write(const char *name, const char *text);

/* Path of a file under the scratch folder / the source tree (static buffer). */
const char *sm_test_tmp(const char *name);
const char *sm_test_src(const char *relative);

/* Runs the soilmap binary with the arguments (a shell-quoted string), stdout
 * and stderr captured to files; returns the exit code, and the first line of
 * stderr that starts with "soilmap:" in err (may be NULL). */
int sm_test_cli(const char *args, char *err, size_t errsize);

/* That sm_test_cli gave exit `code` and printed exactly one error line on
 * stderr (with -q, a failure is one "soilmap: ..." line), holding fragment. */
void sm_test_assert_one_line_error(int rc, int code, const char *err, const char *fragment);
/* FILE in the output folder out-NAME of the scratch folder (four rotating
 * static buffers, so a few can be used at once). */
const char *sm_test_out_file(const char *name, const char *file);
/* Exactly one error line in the last run's stderr (result lines aside). */
void sm_test_assert_single_error_line(void);

/* Reads a whole file; caller frees. */
char *sm_test_slurp(const char *path);

/* Number of features of a layer in a vector file; -1 if it cannot be read. */
long sm_test_feature_count(const char *path, const char *layer);

/* Removes a folder tree under the scratch folder. */
void sm_test_rmtree(const char *name);

/* A CSV file read through OGR as numbers: column c of row r is
 * v[c * nrows + r]; "NA" and empty cells are NAN. */
typedef struct {
    int nrows, ncols;
    char **names;
    double *v;
} sm_test_table;

void sm_test_read_csv(const char *path, sm_test_table *t);
/* The column named name (fails the test if absent). */
const double *sm_test_col(const sm_test_table *t, const char *name);
void sm_test_table_free(sm_test_table *t);

/* The JSON value at a dotted path ("stages.ingest.rows_read"); fails the
 * test if a key is missing. */
struct json_object;
struct json_object *sm_test_json(struct json_object *o, const char *path);

/* cmocka group setup that registers GDAL's drivers. */
int sm_test_setup_gdal(void **state);

/* The shipped configs/demo.yaml as NAME.yaml in the scratch folder, its
 * paths made absolute, its output out-NAME and its own remediation store,
 * with `replace` (may be NULL) swapped for `with`; returns its path. */
const char *sm_test_demo_config(const char *name, const char *replace, const char *with);
/* `store init` and `run` of that config; the exit code (err as sm_test_cli). */
int sm_test_run_demo(const char *name, const char *replace, const char *with, char *err,
                     size_t errsize);

/* Writes yaml as NAME.yaml in the scratch folder and runs it (`run -q`)
 * into out-NAME, emptied first; the exit code (err as sm_test_cli). */
int sm_test_run_config(const char *name, const char *yaml, char *err, size_t errsize);

/* A config, NAME.yaml, whose one IDW surface (6000 x 6000 cells) takes
 * seconds, with its ingest already run into the scratch folder out-NAME
 * (emptied first): a signal sent a moment after `interpolate` starts arrives
 * during the surface. Returns the config's path (static buffer). */
const char *sm_test_long_surface(const char *name);

/* A raster band as doubles, with its geotransform. */
typedef struct {
    int w, h, has_nodata;
    double gt[6], nodata;
    double *v;
} sm_test_raster;

/* Band `band` of path (fails the test if it cannot be read); free r->v. */
void sm_test_read_raster(const char *path, int band, sm_test_raster *r);
/* An integer of a run.json at a dotted path ("stages.hotspots.areas_found"). */
long sm_test_manifest_long(const char *run_json, const char *path);
/* The value of the cell containing (x, y); fails the test outside. */
double sm_test_raster_at(const sm_test_raster *r, double x, double y);
#endif
