#include "publish/report_html.h"
#include "core/error.h"
#include "render/svgplot.h"
#include "stage/products.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char SM_REPORT_DASH[] = "\xe2\x80\x93"; /* an en dash: no value */

/* ---- paths and run.json ---- */

int sm_report_exists(const char *path) { return access(path, F_OK) == 0; }

/* The value at a dotted path ("stages.ingest.rows_read"), or NULL. */
json_object *sm_report_json_at(json_object *o, const char *path)
{
    char key[128];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        if (!json_object_object_get_ex(o, key, &o))
            return NULL;
        path += n + (path[n] == '.');
    }
    return o;
}

double sm_report_json_num(json_object *o, const char *path)
{
    json_object *v = sm_report_json_at(o, path);
    if (v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return json_object_get_double(v);
    return NAN;
}

const char *sm_report_json_str(json_object *o, const char *path)
{
    json_object *v = sm_report_json_at(o, path);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* ---- HTML ---- */

/* Every string that comes from data goes through here. XML's escaping is
 * also HTML's, for text and quoted attribute values alike, and keeps the
 * page well-formed XML. */
void sm_report_html_escape(FILE *f, const char *s) { sm_xml_escape(f, s); }

void sm_report_html_escape_n(FILE *f, const char *s, size_t n)
{
    char *copy = strndup(s, n);
    sm_report_html_escape(f, copy);
    free(copy);
}

/* Four significant digits; whole numbers from 10^4 up (areas, distances). */
static void fmt_num(double v, char *buf, size_t size)
{
    if (!isfinite(v))
        snprintf(buf, size, "%s", SM_REPORT_DASH);
    else if (fabs(v) >= 1e4 && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
}

void sm_report_td(FILE *f, const char *text)
{
    fputs("<td>", f);
    sm_report_html_escape(f, text && *text ? text : SM_REPORT_DASH);
    fputs("</td>", f);
}

void sm_report_td_num(FILE *f, double v)
{
    char buf[48];
    fmt_num(v, buf, sizeof buf);
    fprintf(f, "<td class=\"num\">%s</td>", buf);
}

static void th_row(FILE *f, const char *key)
{
    fputs("<tr><th>", f);
    sm_report_html_escape(f, key);
    fputs("</th>", f);
}

void sm_report_kv_text(FILE *f, const char *key, const char *value)
{
    th_row(f, key);
    sm_report_td(f, value);
    fputs("</tr>\n", f);
}

void sm_report_kv_num(FILE *f, const char *key, double value)
{
    th_row(f, key);
    sm_report_td_num(f, value);
    fputs("</tr>\n", f);
}

void sm_report_table_open(FILE *f, const char *id, const char *const *columns)
{
    fputs("<table", f);
    if (id) {
        fputs(" id=\"", f);
        sm_report_html_escape(f, id);
        fputc('"', f);
    }
    fputs("><thead><tr>", f);
    for (int i = 0; columns[i]; i++) {
        fputs("<th>", f);
        sm_report_html_escape(f, columns[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
}

void sm_report_table_close(FILE *f) { fputs("</tbody></table>\n", f); }

void sm_report_kv_open(FILE *f, const char *id)
{
    fputs("<table class=\"kv\"", f);
    if (id) {
        fputs(" id=\"", f);
        sm_report_html_escape(f, id);
        fputc('"', f);
    }
    fputs("><tbody>\n", f);
}

void sm_report_para(FILE *f, const char *cls, const char *text)
{
    fprintf(f, "<p class=\"%s\">", cls);
    sm_report_html_escape(f, text);
    fputs("</p>\n", f);
}

/* The one line that stands for a product this run did not make. */
void sm_report_absent(FILE *f, const char *text) { sm_report_para(f, "absent", text); }

void sm_report_heading(FILE *f, int level, const char *text)
{
    fprintf(f, "<h%d>", level);
    sm_report_html_escape(f, text);
    fprintf(f, "</h%d>\n", level);
}

void sm_report_section_open(FILE *f, const char *id, const char *title)
{
    fputs("<section id=\"", f);
    sm_report_html_escape(f, id);
    fputs("\">\n", f);
    sm_report_heading(f, 2, title);
}

void sm_report_section_close(FILE *f) { fputs("</section>\n", f); }

/* ---- vector files ---- */

GDALDatasetH sm_report_open_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        sm_error_set(SM_EDATA, "%s: cannot open: %s", path, CPLGetLastErrorMsg());
    return ds;
}

/* A field's text, "" when the field is missing or null. */
const char *sm_report_fstr(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
}

/* A field's number, NAN when missing, null or empty (CSV fields are text). */
double sm_report_fnum(OGRFeatureH f, const char *name)
{
    const char *s = sm_report_fstr(f, name);
    return *s ? OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, name)) : NAN;
}

/* A whole-number field, 0 when missing or null. */
long sm_report_fint(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? (long)OGR_F_GetFieldAsInteger64(f, i) : 0;
}

static int row_complete(OGRFeatureH ft, const int *idx, int k)
{
    for (int j = 0; j < k; j++)
        if (!OGR_F_IsFieldSetAndNotNull(ft, idx[j]) ||
            !isfinite(OGR_F_GetFieldAsDouble(ft, idx[j])))
            return 0;
    return 1;
}

/* The rows of a layer where each of k (<= 4) fields has a finite value:
 * field j in cols[j] (caller frees each). A missing layer or field gives no
 * rows. */
int sm_report_read_columns(const char *path, const char *layer, const char *const *fields, int k,
                           double **cols, int *n)
{
    *n = 0;
    GDALDatasetH ds = sm_report_open_vector(path);
    if (!ds)
        return SM_EDATA;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    int idx[4], ok = l != NULL;
    for (int j = 0; j < k; j++) {
        idx[j] = ok ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), fields[j]) : -1;
        ok = ok && idx[j] >= 0;
    }
    long cap = ok ? (long)OGR_L_GetFeatureCount(l, TRUE) : 0;
    for (int j = 0; j < k; j++)
        cols[j] = malloc(((size_t)cap + 1) * sizeof **cols);
    OGRFeatureH ft;
    while (ok && (ft = OGR_L_GetNextFeature(l))) {
        if (*n < cap && row_complete(ft, idx, k)) {
            for (int j = 0; j < k; j++)
                cols[j][*n] = OGR_F_GetFieldAsDouble(ft, idx[j]);
            (*n)++;
        }
        OGR_F_Destroy(ft);
    }
    GDALClose(ds);
    return SM_OK;
}
