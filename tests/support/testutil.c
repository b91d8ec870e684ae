#define _GNU_SOURCE /* program_invocation_short_name */
#include "testutil.h"

#include <errno.h>
#include <gdal.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Each test program has its own scratch folder, so that tests run in
 * parallel (ctest -j) never share a file. */
static const char *scratch_dir(void)
{
    static char dir[4096];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/%s", SM_TEST_TMP, program_invocation_short_name);
        mkdir(dir, 0777);
    }
    return dir;
}

const char *sm_test_tmp(const char *name)
{
    static char buf[8][4096];
    static int slot;
    char *p = buf[slot++ % 8];
    snprintf(p, 4096, "%s/%s", scratch_dir(), name);
    return p;
}

const char *sm_test_src(const char *relative)
{
    static char buf[8][4096];
    static int slot;
    char *p = buf[slot++ % 8];
    snprintf(p, 4096, "%s/%s", SM_SOURCE_DIR, relative);
    return p;
}

const char *sm_test_write(const char *name, const char *text)
{
    const char *path = sm_test_tmp(name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

char *sm_test_slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, fp);
    buf[got] = '\0';
    fclose(fp);
    return buf;
}

int sm_test_cli(const char *args, char *err, size_t errsize)
{
    char cmd[8192];
    const char *out = sm_test_tmp("cli.stdout"), *errf = sm_test_tmp("cli.stderr");
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s", SM_BINARY, args, out, errf);
    int status = system(cmd);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (err && errsize) {
        err[0] = '\0';
        char *text = sm_test_slurp(errf);
        char *line = text ? strstr(text, "soilmap: ") : NULL;
        if (line) {
            size_t n = strcspn(line, "\n");
            snprintf(err, errsize, "%.*s", (int)n, line);
        }
        free(text);
    }
    return code;
}

const char *sm_test_out_file(const char *name, const char *file)
{
    static char buf[4][4200];
    static int slot;
    char *p = buf[slot++ % 4], rel[512];
    snprintf(rel, sizeof rel, "out-%s/%s", name, file);
    snprintf(p, sizeof buf[0], "%s", sm_test_tmp(rel));
    return p;
}

void sm_test_assert_single_error_line(void)
{
    /* Under -q the run still reports its results; what must be single is
     * the error: one "soilmap:" line and no other error line. */
    char *text = sm_test_slurp(sm_test_tmp("cli.stderr"));
    int errors = 0;
    for (const char *line = text; *line;) {
        errors += !strncmp(line, "soilmap: ", 9) || !strncmp(line, "error: ", 7);
        const char *end = strchr(line, '\n');
        line = end ? end + 1 : line + strlen(line);
    }
    if (errors != 1)
        fail_msg("%d error lines on stderr:\n%s", errors, text);
    free(text);
}

void sm_test_assert_one_line_error(int rc, int code, const char *err, const char *fragment)
{
    if (rc != code)
        fail_msg("exit %d, expected %d: %s", rc, code, err);
    if (!strstr(err, fragment))
        fail_msg("error '%s' lacks '%s'", err, fragment);
    sm_test_assert_single_error_line();
}

long sm_test_feature_count(const char *path, const char *layer)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return -1;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    long n = l ? (long)OGR_L_GetFeatureCount(l, TRUE) : -1;
    GDALClose(ds);
    return n;
}

void sm_test_rmtree(const char *name)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sm_test_tmp(name));
    if (system(cmd) != 0)
        fail_msg("cannot remove %s", name);
}

void sm_test_read_csv(const char *path, sm_test_table *t)
{
    GDALAllRegister();
    memset(t, 0, sizeof *t);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        fail_msg("cannot open %s", path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
    t->ncols = OGR_FD_GetFieldCount(defn);
    t->nrows = (int)OGR_L_GetFeatureCount(l, TRUE);
    t->names = calloc((size_t)t->ncols, sizeof *t->names);
    t->v = malloc((size_t)t->ncols * t->nrows * sizeof *t->v);
    for (int c = 0; c < t->ncols; c++)
        t->names[c] = strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)));
    OGRFeatureH f;
    int r = 0;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) && r < t->nrows) {
        for (int c = 0; c < t->ncols; c++) {
            const char *s = OGR_F_GetFieldAsString(f, c);
            char *end;
            double v = strtod(s, &end);
            t->v[(size_t)c * t->nrows + r] = (end == s || *end) ? NAN : v;
        }
        OGR_F_Destroy(f);
        r++;
    }
    GDALClose(ds);
}

const double *sm_test_col(const sm_test_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (!strcmp(t->names[c], name))
            return t->v + (size_t)c * t->nrows;
    fail_msg("no column %s", name);
    return NULL;
}

void sm_test_table_free(sm_test_table *t)
{
    for (int c = 0; c < t->ncols; c++)
        free(t->names[c]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}

struct json_object *sm_test_json(struct json_object *o, const char *path)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *key = strtok_r(buf, ".", &save); key && o; key = strtok_r(NULL, ".", &save))
        if (!json_object_object_get_ex(o, key, &o))
            fail_msg("no '%s' in JSON (looking for %s)", key, path);
    return o;
}

int sm_test_setup_gdal(void **state)
{
    (void)state;
    GDALAllRegister();
    return 0;
}

void sm_test_read_raster(const char *path, int band, sm_test_raster *r)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds)
        fail_msg("cannot open %s", path);
    r->w = GDALGetRasterXSize(ds), r->h = GDALGetRasterYSize(ds);
    GDALGetGeoTransform(ds, r->gt);
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    if (!b)
        fail_msg("%s has no band %d", path, band);
    r->nodata = GDALGetRasterNoDataValue(b, &r->has_nodata);
    r->v = malloc((size_t)r->w * r->h * sizeof *r->v);
    assert_int_equal(
        GDALRasterIO(b, GF_Read, 0, 0, r->w, r->h, r->v, r->w, r->h, GDT_Float64, 0, 0), CE_None);
    GDALClose(ds);
}

double sm_test_raster_at(const sm_test_raster *r, double x, double y)
{
    int c = (int)floor((x - r->gt[0]) / r->gt[1]), l = (int)floor((y - r->gt[3]) / r->gt[5]);
    if (c < 0 || l < 0 || c >= r->w || l >= r->h)
        fail_msg("(%g, %g) is outside the raster", x, y);
    return r->v[(size_t)l * r->w + c];
}

long sm_test_manifest_long(const char *run_json, const char *path)
{
    json_object *o = json_object_from_file(run_json);
    if (!o)
        fail_msg("cannot read %s", run_json);
    long v = (long)json_object_get_int64(sm_test_json(o, path));
    json_object_put(o);
    return v;
}

/* ---- the shipped demo config, run in the scratch folder ---- */

static char *demo_text(const char *name, const char *replace, const char *with)
{
    char *text = sm_test_slurp(sm_test_src("configs/demo.yaml"));
    char data[600], table[600], out[300];
    snprintf(data, sizeof data, "%s/", sm_test_src("data"));
    snprintf(table, sizeof table, "%s", sm_test_src("configs/thresholds/"));
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    const char *from[] = {"../data/", "thresholds/ccme.csv", "../out/demo",
                          "../out/remediation.sqlite", replace};
    char ccme[700], store[600], outdir[600];
    snprintf(ccme, sizeof ccme, "%sccme.csv", table);
    snprintf(store, sizeof store, "%s", sm_test_tmp("demo-store.sqlite"));
    snprintf(outdir, sizeof outdir, "%s", sm_test_tmp(out));
    const char *to[] = {data, ccme, outdir, store, with};
    for (int i = 0; i < 5 && from[i]; i++) {
        char *at = strstr(text, from[i]);
        assert_non_null(at);
        for (; at; at = strstr(at, from[i])) { /* every occurrence */
            size_t n = strlen(text) + strlen(to[i]) + 1, offset = at - text + strlen(to[i]);
            char *next = malloc(n);
            snprintf(next, n, "%.*s%s%s", (int)(at - text), text, to[i], at + strlen(from[i]));
            free(text);
            text = next, at = text + offset;
        }
    }
    return text;
}

const char *sm_test_demo_config(const char *name, const char *replace, const char *with)
{
    static char config[600];
    char *text = demo_text(name, replace, with), file[128];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(config, sizeof config, "%s", sm_test_write(file, text));
    free(text);
    return config;
}

int sm_test_run_config(const char *name, const char *yaml, char *err, size_t errsize)
{
    char file[256], out[256], args[8192];
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    const char *config = sm_test_write(file, yaml);
    snprintf(args, sizeof args, "run -q -o %s %s", sm_test_tmp(out), config);
    return sm_test_cli(args, err, errsize);
}

int sm_test_run_demo(const char *name, const char *replace, const char *with, char *err,
                     size_t errsize)
{
    char config[600], args[700];
    snprintf(config, sizeof config, "%s", sm_test_demo_config(name, replace, with));
    snprintf(args, sizeof args, "store init --force -q %s", config);
    int rc = sm_test_cli(args, err, errsize);
    snprintf(args, sizeof args, "run -q %s", config);
    if (rc == 0)
        rc = sm_test_cli(args, err, errsize);
    if (rc)
        print_message("%s: %s\n", name, err);
    return rc;
}

const char *sm_test_long_surface(const char *name)
{
    static char path[4096];
    char cfg[2048], file[128], out[128], cmd[8192];
    snprintf(cfg, sizeof cfg,
             "project: %s\noutput: o\ncrs: EPSG:32633\n"
             "grid: {resolution: 10, extent: [0, 0, 60000, 60000]}\n"
             "samples: {path: %s, crs: EPSG:32633, x: x, y: y, contaminants: {v: v}}\n"
             "interpolation: {method: idw, neighbours: {max: 4}, cross_validation: none}\n",
             name,
             sm_test_write("long.csv", "x,y,v\n1000,1000,1\n50000,5000,4\n30005,30005,9\n"
                                       "5000,55000,2\n59000,59000,6\n"));
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(path, sizeof path, "%s", sm_test_write(file, cfg));
    snprintf(out, sizeof out, "out-%s", name);
    sm_test_rmtree(out);
    snprintf(cmd, sizeof cmd, "%s ingest -q -o %s %s", SM_BINARY, sm_test_tmp(out), path);
    assert_int_equal(system(cmd), 0);
    return path;
}
