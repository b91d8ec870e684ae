/* End to end: sample files that used to slip through ingest (issue 18). A
 * failed rerun keeps the previous samples.gpkg; impossible values, text that
 * is not UTF-8, duplicated columns, broken quotes and incomplete shapefiles
 * are caught with a reason naming the row, column or file. */
#include "core/jsonfile.h"
#include "testutil.h"

#include <cpl_string.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[1024];

static int run(const char *fmt, const char *a, const char *b)
{
    char args[4096];
    snprintf(args, sizeof args, fmt, a, b);
    return sm_test_cli(args, err, sizeof err);
}

static void assert_one_line_error(int rc, int code, const char *fragment)
{
    sm_test_assert_one_line_error(rc, code, err, fragment);
}

/* NAME.yaml: output out-NAME, samples with x/y columns in RD New, the given
 * contaminants mapping and extra samples keys. */
static const char *config_for(const char *name, const char *csv, const char *contaminants,
                              const char *extra)
{
    char text[4096], file[256];
    snprintf(text, sizeof text,
             "project: ingest-input\noutput: out-%s\ncrs: EPSG:28992\ngrid: {resolution: 40}\n"
             "samples:\n  path: %s\n  crs: EPSG:28992\n  x: x\n  y: y\n  contaminants: %s\n%s",
             name, csv, contaminants, extra);
    snprintf(file, sizeof file, "%s.yaml", name);
    return sm_test_write(file, text);
}

/* The line of rejects.csv for a row of the layer; fails if there is none. */
static void assert_rejected(const char *name, const char *layer, long row, const char *reason)
{
    char *text = sm_test_slurp(sm_test_out_file(name, "rejects.csv"));
    assert_non_null(text);
    char needle[256];
    snprintf(needle, sizeof needle, ",%s,%ld,", layer, row);
    char *line = strstr(text, needle);
    if (!line)
        fail_msg("row %ld is not in rejects.csv:\n%s", row, text);
    line[strcspn(line, "\n")] = '\0';
    if (!strstr(line, reason))
        fail_msg("row %ld: '%s' lacks '%s'", row, line, reason);
    free(text);
}

/* A document json-c reads in strict mode (no Infinity, no NaN); caller puts. */
static json_object *parse_strict(const char *path)
{
    char *text = sm_test_slurp(path);
    assert_non_null(text);
    if (strstr(text, "Infinity") || strstr(text, "NaN"))
        fail_msg("%s has a non-finite number:\n%s", path, text);
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
    if (json_tokener_get_error(tok) != json_tokener_success)
        fail_msg("%s is not strict JSON: %s", path,
                 json_tokener_error_desc(json_tokener_get_error(tok)));
    json_tokener_free(tok);
    free(text);
    return o;
}

static long manifest_long(json_object *o, const char *path)
{
    return json_object_get_int64(sm_test_json(o, path));
}

/* ---- item 1: a failed rerun leaves the previous samples.gpkg alone ---- */

/* The bytes of a file; caller frees. */
static unsigned char *file_bytes(const char *path, long *size)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *size = ftell(fp);
    rewind(fp);
    unsigned char *b = malloc((size_t)*size + 1);
    assert_int_equal(fread(b, 1, (size_t)*size, fp), (size_t)*size);
    fclose(fp);
    return b;
}

static void assert_same_bytes(const char *path, const unsigned char *want, long size)
{
    long got_size = 0;
    unsigned char *got = file_bytes(path, &got_size);
    if (got_size != size || memcmp(got, want, (size_t)size) != 0)
        fail_msg("%s changed (%ld bytes, was %ld)", path, got_size, size);
    free(got);
}

static void test_failed_rerun_keeps_samples(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-keep");
    char good[4200]; /* sm_test_write's buffer is reused */
    snprintf(good, sizeof good, "%s",
             sm_test_write("ii-keep-good.csv", "x,y,zinc\n181000,333000,100\n"
                                               "181100,333100,200\n181200,333050,300\n"));
    const char *cfg = config_for("ii-keep", good, "{zn: zinc}", "");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("first run: %s", err);
    long size = 0;
    unsigned char *before = file_bytes(sm_test_out_file("ii-keep", "samples.gpkg"), &size);

    /* too many rejects */
    const char *bad = sm_test_write("ii-keep-bad.csv", "x,y,zinc\n181000,333000,abc\n"
                                                       "181100,333100,-1\n181200,333050,300\n");
    cfg = config_for("ii-keep", bad, "{zn: zinc}", "");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "2 of 3 rows rejected");
    assert_same_bytes(sm_test_out_file("ii-keep", "samples.gpkg"), before, size);

    /* a column that is not in the file */
    cfg = config_for("ii-keep", good, "{zn: Zink}", "");
    assert_one_line_error(run("run -q --force %s%s", cfg, ""), 78, "column 'Zink'");
    assert_same_bytes(sm_test_out_file("ii-keep", "samples.gpkg"), before, size);
    free(before);
    /* no temporary is left beside it */
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "ls -a %s | grep -q '^\\.tmp-'", sm_test_tmp("out-ii-keep"));
    assert_int_not_equal(system(pattern), 0);
}

/* ---- item 6: impossible values ---- */

static void test_impossible_values_rejected(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-values");
    const char *csv = sm_test_write("ii-values.csv", "x,y,zn,pb\n"
                                                     "181000,333000,100,1\n"       /* 1 ok */
                                                     "181100,333100,1e308,1\n"     /* 2 */
                                                     "181200,333050,100,1e308\n"   /* 3 */
                                                     "181300,333150,1e-400,1\n"    /* 4 */
                                                     "181400,333250,2e6,1\n"       /* 5 */
                                                     "181500,333350,100,2e3\n"     /* 6 */
                                                     "181600,333450,1e200,1\n"     /* 7 */
                                                     "181700,333550,1000000,999\n" /* 8 ok */
                                                     "181800,333650,100,<1e308\n"  /* 9 */
                                                     "181900,333750,5,1\n");       /* 10 ok */
    const char *cfg = config_for("ii-values", csv,
                                 "{zn: {column: zn, unit: mg/kg}, pb: {column: pb, unit: g/kg}}",
                                 "  max_reject_share: 0.9\n");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_rejected("ii-values", "ii-values", 2, "zn: more than 1e6 mg/kg");
    assert_rejected("ii-values", "ii-values", 3, "pb: infinite after conversion to mg/kg");
    assert_rejected("ii-values", "ii-values", 4, "zn: number too small");
    assert_rejected("ii-values", "ii-values", 5, "zn: more than 1e6 mg/kg");
    assert_rejected("ii-values", "ii-values", 6, "pb: more than 1e6 mg/kg"); /* 2e6 mg/kg */
    assert_rejected("ii-values", "ii-values", 7, "zn: more than 1e6 mg/kg");
    assert_rejected("ii-values", "ii-values", 9, "pb: detection limit infinite after conversion");
    json_object *m = parse_strict(sm_test_out_file("ii-values", "run.json"));
    /* each row has one usable value: the value is rejected, not the row */
    assert_int_equal(manifest_long(m, "stages.ingest.rows_rejected"), 0);
    assert_int_equal(manifest_long(m, "stages.ingest.values_rejected"), 7);
    assert_int_equal(manifest_long(m, "stages.ingest.rows_accepted"), 10);
    /* the boundary itself is possible: 999 g/kg */
    double pbmax =
        json_object_get_double(sm_test_json(m, "stages.ingest.contaminants_mg_per_kg.pb.max"));
    assert_true(pbmax == 999000.0);
    json_object_put(m);
}

/* The one JSON writer turns NaN and infinities, however deep, into null. */
static void test_json_writer_nonfinite(void **state)
{
    (void)state;
    json_object *o = json_object_new_object();
    json_object *a = json_object_new_array();
    json_object *inner = json_object_new_object();
    json_object_object_add(o, "inf", json_object_new_double(INFINITY));
    json_object_array_add(a, json_object_new_double(NAN));
    json_object_array_add(a, json_object_new_double(1.5));
    json_object_array_add(a, json_object_new_double(-INFINITY));
    json_object_object_add(o, "list", a);
    json_object_object_add(inner, "x", json_object_new_double(INFINITY));
    json_object_object_add(o, "inner", inner);
    json_object_object_add(o, "num", sm_json_number(INFINITY));
    const char *path = sm_test_tmp("ii-nonfinite.json");
    assert_int_equal(sm_json_write(o, path), 0);
    json_object_put(o);
    json_object *back = parse_strict(path);
    assert_true(json_object_is_type(json_object_object_get(back, "inf"), json_type_null));
    json_object *list = json_object_object_get(back, "list");
    assert_int_equal(json_object_array_length(list), 3);
    assert_true(json_object_is_type(json_object_array_get_idx(list, 0), json_type_null));
    assert_true(json_object_get_double(json_object_array_get_idx(list, 1)) == 1.5);
    assert_true(json_object_is_type(json_object_array_get_idx(list, 2), json_type_null));
    assert_true(json_object_is_type(sm_test_json(back, "inner.x"), json_type_null));
    assert_true(json_object_is_type(json_object_object_get(back, "num"), json_type_null));
    json_object_put(back);
}

/* ---- item 10: text encodings ---- */

/* A field of the sample whose src_row is row, from samples.gpkg. */
static char *sample_field(const char *name, long row, const char *field)
{
    GDALDatasetH ds =
        GDALOpenEx(sm_test_out_file(name, "samples.gpkg"), GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "samples");
    char filter[64];
    snprintf(filter, sizeof filter, "src_row = %ld", row);
    OGR_L_SetAttributeFilter(l, filter);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    assert_non_null(f);
    char *text = strdup(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, field)));
    OGR_F_Destroy(f);
    GDALClose(ds);
    return text;
}

static void assert_file_utf8(const char *path)
{
    char *text = sm_test_slurp(path);
    assert_non_null(text);
    if (!CPLIsUTF8(text, -1))
        fail_msg("%s is not valid UTF-8", path);
    free(text);
}

static const char latin1_csv[] = "x,y,zinc,id,note\n"
                                 "181000,333000,100,ok-1,fine\n"
                                 "181100,333100,200,M\xfcller-2,gr\xfcn\n"
                                 "181200,333050,300,ok-3,\n";

static void test_latin1_rejected_by_default(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-latin1");
    const char *csv = sm_test_write("ii-latin1.csv", latin1_csv);
    const char *cfg = config_for("ii-latin1", csv, "{zn: zinc}",
                                 "  id: id\n  attributes: [note]\n  max_reject_share: 0.5\n");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_rejected("ii-latin1", "ii-latin1", 2, "id: text is not valid UTF-8");
    assert_rejected("ii-latin1", "ii-latin1", 2, "note: text is not valid UTF-8");
    assert_file_utf8(sm_test_out_file("ii-latin1", "rejects.csv"));
    assert_int_equal(
        sm_test_feature_count(sm_test_out_file("ii-latin1", "samples.gpkg"), "samples"), 2);
}

static void test_latin1_with_encoding(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-latin1-enc");
    const char *csv = sm_test_write("ii-latin1-enc.csv", latin1_csv);
    const char *cfg = config_for("ii-latin1-enc", csv, "{zn: zinc}",
                                 "  id: id\n  attributes: [note]\n  encoding: ISO-8859-1\n");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_int_equal(
        sm_test_feature_count(sm_test_out_file("ii-latin1-enc", "samples.gpkg"), "samples"), 3);
    char *id = sample_field("ii-latin1-enc", 2, "sample_id");
    assert_string_equal(id, "M\xc3\xbcller-2"); /* Müller-2 in UTF-8 */
    free(id);
    char *note = sample_field("ii-latin1-enc", 2, "note");
    assert_string_equal(note, "gr\xc3\xbcn");
    free(note);
}

/* CP1252 has the euro sign at 0x80 and leaves 0x81 undefined. */
static void test_cp1252(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-cp1252");
    const char *csv = sm_test_write("ii-cp1252.csv", "x,y,zinc,id\n"
                                                     "181000,333000,100,\x80-1\n"
                                                     "181100,333100,200,ok-2\n"
                                                     "181200,333050,300,bad\x81-3\n");
    const char *cfg = config_for("ii-cp1252", csv, "{zn: zinc}",
                                 "  id: id\n  encoding: CP1252\n  max_reject_share: 0.5\n");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    char *id = sample_field("ii-cp1252", 1, "sample_id");
    assert_string_equal(id, "\xe2\x82\xac-1"); /* €-1 */
    free(id);
    assert_rejected("ii-cp1252", "ii-cp1252", 3, "id: text is not valid CP1252");
    assert_file_utf8(sm_test_out_file("ii-cp1252", "rejects.csv"));
}

static void test_encoding_key_checked(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-enc-bad");
    const char *csv = sm_test_write("ii-enc-key.csv", latin1_csv);
    const char *cfg = config_for("ii-enc-bad", csv, "{zn: zinc}", "  encoding: NO-SUCH-CODE\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 78, "samples.encoding: 'NO-SUCH-CODE'");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 78, "samples.encoding");
    cfg = config_for("ii-enc-typo", csv, "{zn: zinc}", "  encodng: ISO-8859-1\n");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 78, "did you mean 'encoding'?");
}

/* Sources have no encoding key: a feature whose copied text is not UTF-8 is
 * rejected, naming the field, rather than written into samples.gpkg. */
static void test_source_text_not_utf8(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-srctext");
    const char *csv = sm_test_write("ii-srctext.csv", "x,y,zinc\n181000,333000,100\n"
                                                      "181100,333100,200\n");
    const char *src =
        sm_test_write("ii-srctext-sources.csv", "wkt,name\n\"POINT (181050 333050)\",H\xfctte\n"
                                                "\"POINT (181060 333060)\",Works\n");
    char extra[1024];
    snprintf(extra, sizeof extra,
             "sources:\n  - {path: %s, crs: EPSG:28992, wkt: wkt, type: smelter, "
             "name_field: name}\n",
             src);
    const char *cfg = config_for("ii-srctext", csv, "{zn: zinc}", extra);
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_int_equal(
        sm_test_feature_count(sm_test_out_file("ii-srctext", "samples.gpkg"), "sources"), 1);
    assert_rejected("ii-srctext", "ii-srctext-sources", 1, "name,,text is not valid UTF-8");
    assert_file_utf8(sm_test_out_file("ii-srctext", "rejects.csv"));
}

/* ---- item 12: messages that mislead ---- */

/* s.shp (with id and zinc) in the scratch folder dir, in RD New. */
static void make_shapefile(const char *dir)
{
    sm_test_rmtree(dir);
    assert_int_equal(mkdir(sm_test_tmp(dir), 0755), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/s.shp", sm_test_tmp(dir));
    GDALDatasetH ds =
        GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH rd = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(rd, 28992);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "s", rd, wkbPoint, NULL);
    OSRDestroySpatialReference(rd);
    OGRFieldDefnH fd = OGR_Fld_Create("id", OFTString);
    OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("zinc", OFTReal);
    OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    for (int i = 0; i < 3; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldString(f, 0, i ? "b" : "a");
        OGR_F_SetFieldDouble(f, 1, 100.0 + i);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, 181000 + 100 * i, 333000 + 50 * i);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

static const char *shapefile_config(const char *name, const char *dir)
{
    char text[4096], file[256], shp[4200];
    snprintf(shp, sizeof shp, "%s/s.shp", sm_test_tmp(dir));
    snprintf(text, sizeof text,
             "project: ingest-input\noutput: out-%s\ncrs: EPSG:28992\ngrid: {resolution: 40}\n"
             "samples:\n  path: %s\n  id: id\n  contaminants: {zn: zinc}\n",
             name, shp);
    snprintf(file, sizeof file, "%s.yaml", name);
    return sm_test_write(file, text);
}

static void test_shapefile_without_dbf(void **state)
{
    (void)state;
    make_shapefile("ii-nodbf");
    char dbf[4200];
    snprintf(dbf, sizeof dbf, "%s/s.dbf", sm_test_tmp("ii-nodbf"));
    /* the complete shapefile runs */
    const char *cfg = shapefile_config("ii-nodbf", "ii-nodbf");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_int_equal(unlink(dbf), 0);
    assert_one_line_error(run("run -q --force %s%s", cfg, ""), 66, "s.dbf");
    assert_non_null(strstr(err, "missing"));
    assert_null(strstr(err, "column 'id'"));
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 66, "s.dbf");
}

static void test_shapefile_without_shx(void **state)
{
    (void)state;
    make_shapefile("ii-noshx");
    char shx[4200];
    snprintf(shx, sizeof shx, "%s/s.shx", sm_test_tmp("ii-noshx"));
    assert_int_equal(unlink(shx), 0);
    const char *cfg = shapefile_config("ii-noshx", "ii-noshx");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "SHAPE_RESTORE_SHX");
    assert_non_null(strstr(err, "s.shx"));
}

static void test_duplicate_column_used(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-dupcol");
    const char *csv = sm_test_write("ii-dupcol.csv", "x,y,zinc,Zinc\n181000,333000,100,1\n"
                                                     "181100,333100,200,2\n");
    const char *cfg = config_for("ii-dupcol", csv, "{zn: zinc}", "");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "column 'zinc' appears 2 times");
    assert_one_line_error(run("validate -q %s%s", cfg, ""), 65, "column 'zinc' appears 2 times");
}

static void test_duplicate_column_unused(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-dupunused");
    const char *csv = sm_test_write("ii-dupunused.csv", "x,y,zinc,note,note\n"
                                                        "181000,333000,100,a,b\n"
                                                        "181100,333100,200,c,d\n");
    const char *cfg = config_for("ii-dupunused", csv, "{zn: zinc}", "");
    if (run("run %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    if (!strstr(log, "warning: ") || !strstr(log, "column 'note' appears 2 times"))
        fail_msg("no warning about the duplicated column:\n%s", log);
    free(log);
    assert_int_equal(
        sm_test_feature_count(sm_test_out_file("ii-dupunused", "samples.gpkg"), "samples"), 2);
}

/* Rows 4 to 19 swallowed by the quote that opens in row 3 (line 4). */
static const char *unterminated_csv(const char *name, int close_at)
{
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "x,y,zinc,id\n");
    for (int i = 1; i <= 20; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%d,%d,%d,%ss-%d%s\n",
                                 181000 + 10 * i, 333000 + 10 * i, 100 + i, i == 3 ? "\"" : "", i,
                                 i == close_at ? "\"" : "");
    return sm_test_write(name, text);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-quote");
    sm_test_rmtree("out-ii-quote2");
    /* never closed: the rest of the file is one cell */
    const char *cfg =
        config_for("ii-quote", unterminated_csv("ii-quote.csv", 0), "{zn: zinc}", "  id: id\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "line 4");
    assert_non_null(strstr(err, "quote"));
    assert_non_null(strstr(err, "row 3"));
    assert_non_null(strstr(err, "'id'"));
    /* closed 16 rows later */
    cfg =
        config_for("ii-quote2", unterminated_csv("ii-quote2.csv", 19), "{zn: zinc}", "  id: id\n");
    assert_one_line_error(run("run -q %s%s", cfg, ""), 65, "line 4");
    assert_non_null(strstr(err, "16 lines"));
}

/* A quoted note over two lines is legitimate CSV and is read as one cell. */
static void test_multiline_note_accepted(void **state)
{
    (void)state;
    sm_test_rmtree("out-ii-note");
    const char *csv = sm_test_write("ii-note.csv", "x,y,zinc,note\n"
                                                   "181000,333000,100,\"wet, sieved\nresampled\"\n"
                                                   "181100,333100,200,dry\n");
    const char *cfg = config_for("ii-note", csv, "{zn: zinc}", "  attributes: [note]\n");
    if (run("run -q %s%s", cfg, "") != 0)
        fail_msg("run: %s", err);
    assert_int_equal(sm_test_feature_count(sm_test_out_file("ii-note", "samples.gpkg"), "samples"),
                     2);
    char *note = sample_field("ii-note", 1, "note");
    assert_string_equal(note, "wet, sieved\nresampled");
    free(note);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed_rerun_keeps_samples),
        cmocka_unit_test(test_impossible_values_rejected),
        cmocka_unit_test(test_json_writer_nonfinite),
        cmocka_unit_test(test_latin1_rejected_by_default),
        cmocka_unit_test(test_latin1_with_encoding),
        cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_encoding_key_checked),
        cmocka_unit_test(test_source_text_not_utf8),
        cmocka_unit_test(test_shapefile_without_dbf),
        cmocka_unit_test(test_shapefile_without_shx),
        cmocka_unit_test(test_duplicate_column_used),
        cmocka_unit_test(test_duplicate_column_unused),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_multiline_note_accepted),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
