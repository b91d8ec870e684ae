/* The run report (report.h): the page, and its run and ingest sections. The
 * section per contaminant is in report_contaminant.c; the hotspots,
 * recommendations and screening in report_actions.c; the building blocks
 * they share in report_html.c. */
#include "publish/report.h"
#include "core/error.h"
#include "core/outfile.h"
#include "publish/report_html.h"
#include "stage/products.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

enum { REJECTS_SHOWN = 200 };

/* ---- the run ---- */

static const char *config_sha256(const report *r)
{
    const char *sha = sm_report_json_str(r->run, "config_sha256"),
               *file = sm_report_json_str(r->run, "config_file");
    json_object *inputs = sm_report_json_at(r->run, "inputs");
    int n = inputs && json_object_is_type(inputs, json_type_array)
                ? (int)json_object_array_length(inputs)
                : 0;
    for (int i = 0; i < n && !sha && file; i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        const char *p = sm_report_json_str(in, "path");
        if (p && strcmp(p, file) == 0)
            sha = sm_report_json_str(in, "sha256");
    }
    return sha;
}

static void versions_table(report *r)
{
    json_object *v = sm_report_json_at(r->run, "versions");
    sm_report_heading(r->f, 3, "Software");
    if (!v || !json_object_is_type(v, json_type_object)) {
        sm_report_absent(r->f, "run.json records no versions.");
        return;
    }
    sm_report_table_open(r->f, "versions", (const char *const[]){"software", "version", NULL});
    json_object_object_foreach(v, key, val)
    {
        fputs("<tr>", r->f);
        sm_report_td(r->f, key);
        sm_report_td(r->f, json_object_get_string(val));
        fputs("</tr>\n", r->f);
    }
    sm_report_table_close(r->f);
}

static void stages_table(report *r)
{
    FILE *f = r->f;
    json_object *stages = sm_report_json_at(r->run, "stages");
    sm_report_heading(f, 3, "Time per stage");
    if (!stages || !json_object_is_type(stages, json_type_object)) {
        sm_report_absent(f, "run.json records no stages.");
        return;
    }
    sm_report_table_open(f, "stages", (const char *const[]){"stage", "status", "seconds", NULL});
    double total = 0;
    json_object_object_foreach(stages, name, s)
    {
        double sec = sm_report_json_num(s, "seconds");
        total += isfinite(sec) ? sec : 0;
        fputs("<tr>", f);
        sm_report_td(f, name);
        sm_report_td(f, sm_report_json_str(s, "status"));
        fprintf(f, "<td class=\"num\">%.2f</td></tr>\n", sec);
    }
    fprintf(f,
            "</tbody><tfoot><tr><th>total</th><td></td><td class=\"num\">%.2f</td></tr>"
            "</tfoot></table>\n",
            total);
}

static void section_run(report *r)
{
    FILE *f = r->f;
    const char *file = sm_report_json_str(r->run, "config_file"), *sha = config_sha256(r);
    sm_report_section_open(f, "run", "Run");
    sm_report_kv_open(f, "summary");
    sm_report_kv_text(f, "project", r->cfg->project);
    sm_report_kv_text(f, "config file", file ? file : r->cfg->file);
    if (sha)
        sm_report_kv_text(f, "config SHA-256", sha);
    sm_report_kv_text(f, "output folder", r->cfg->output);
    sm_report_kv_text(f, "started (UTC)", sm_report_json_str(r->run, "started"));
    sm_report_table_close(f);
    versions_table(r);
    stages_table(r);
    sm_report_section_close(f);
}

/* ---- ingest ---- */

static void reject_row(FILE *f, OGRFeatureH ft)
{
    const char *file = sm_report_fstr(ft, "file"), *slash = strrchr(file, '/');
    fputs("<tr>", f);
    sm_report_td(f, slash ? slash + 1 : file);
    sm_report_td(f, sm_report_fstr(ft, "row"));
    sm_report_td(f, sm_report_fstr(ft, "column"));
    sm_report_td(f, sm_report_fstr(ft, "value"));
    sm_report_td(f, sm_report_fstr(ft, "reason"));
    fputs("</tr>\n", f);
}

static int rejects_table(report *r)
{
    FILE *f = r->f;
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_REJECTS);
    sm_report_heading(f, 3, "Rejected rows");
    if (!sm_report_exists(path)) {
        sm_report_absent(f, "No rejects.csv in the output folder.");
        return SM_OK;
    }
    GDALDatasetH ds = sm_report_open_vector(path);
    if (!ds)
        return SM_EDATA;
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    long total = (long)OGR_L_GetFeatureCount(l, TRUE), shown = 0;
    char note[160];
    if (total > REJECTS_SHOWN)
        snprintf(note, sizeof note,
                 "The first %d of %ld rejected rows; rejects.csv lists them "
                 "all.",
                 REJECTS_SHOWN, total);
    else
        snprintf(note, sizeof note, "%ld rejected rows.", total);
    sm_report_para(f, "note", total ? note : "No row was rejected.");
    if (total)
        sm_report_table_open(
            f, "rejects", (const char *const[]){"file", "row", "column", "value", "reason", NULL});
    OGRFeatureH ft;
    while (shown < REJECTS_SHOWN && (ft = OGR_L_GetNextFeature(l))) {
        reject_row(f, ft);
        OGR_F_Destroy(ft);
        shown++;
    }
    if (total)
        sm_report_table_close(f);
    GDALClose(ds);
    return SM_OK;
}

static int section_ingest(report *r)
{
    FILE *f = r->f;
    json_object *s = sm_report_json_at(r->run, "stages.ingest");
    sm_report_section_open(f, "ingest", "Ingest");
    int rc = SM_OK;
    if (!s) {
        sm_report_absent(f, "Not in this run: run.json has no ingest record.");
    } else {
        sm_report_kv_open(f, "ingest-counts");
        sm_report_kv_num(f, "rows read", sm_report_json_num(s, "rows_read"));
        sm_report_kv_num(f, "rows accepted", sm_report_json_num(s, "rows_accepted"));
        sm_report_kv_num(f, "rows rejected", sm_report_json_num(s, "rows_rejected"));
        sm_report_kv_num(f, "duplicate rows merged",
                         sm_report_json_num(s, "duplicate_rows_merged"));
        sm_report_kv_num(f, "samples", sm_report_json_num(s, "samples"));
        sm_report_kv_num(f, "source features kept", sm_report_json_num(s, "source_features_kept"));
        sm_report_table_close(f);
        rc = rejects_table(r);
    }
    sm_report_section_close(f);
    return rc;
}

/* ---- the page ---- */

static const char css[] =
    "body{font-family:sans-serif;color:#222;max-width:76em;margin:1.5em auto;padding:0 1em}"
    "h2{border-bottom:2px solid #4c78a8;padding-bottom:2px;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0;font-size:.9em}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "div.mapbox{position:relative;line-height:0}div.mapbox svg.overlay{position:absolute;"
    "left:0;top:0;width:100%;height:100%;pointer-events:none}"
    ".absent{color:#777;font-style:italic}.note{color:#444;font-size:.9em}"
    ".figs{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}"
    "figure{margin:0}figcaption{font-weight:bold;margin-bottom:4px}figure.map{width:380px}"
    "figure.map img,figure.map svg{width:100%;height:auto}"
    "img.quicklook{display:block;background:#fff;border:1px solid #999;max-width:100%;"
    "height:auto;image-rendering:pixelated}ul.checklist{list-style:none;padding-left:.5em}"
    "ul.checklist li::before{content:'\\2610\\00a0'}nav a{margin-right:.8em}";

static void page_head(report *r)
{
    FILE *f = r->f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>", f);
    sm_report_html_escape(f, r->cfg->project);
    fprintf(f, ": soilmap report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    sm_report_html_escape(f, r->cfg->project);
    fputs(": soilmap report</h1>\n<nav><a href=\"#run\">Run</a><a href=\"#settings\">Settings</a>"
          "<a href=\"#ingest\">Ingest</a>",
          f);
    for (int i = 0; i < r->cfg->samples.n_contaminants; i++) {
        const char *name = r->cfg->samples.contaminants[i].name;
        fputs("<a href=\"#c-", f);
        sm_report_html_escape(f, name);
        fputs("\">", f);
        sm_report_html_escape(f, name);
        fputs("</a>", f);
    }
    fputs("<a href=\"#hotspots\">Hotspots</a><a href=\"#remediation\">Recommendations</a>"
          "<a href=\"#screening\">Screening</a></nav>\n",
          f);
}

static void page_tail(report *r)
{
    fputs("<footer><p class=\"note\">Written by soilmap ", r->f);
    sm_report_html_escape(r->f, sm_report_json_str(r->run, "versions.soilmap"));
    fputs(" from the files of the output folder.</p></footer>\n</body>\n</html>\n", r->f);
}

static int write_page(report *r)
{
    page_head(r);
    section_run(r);
    sm_report_section_settings(r);
    int rc = section_ingest(r);
    for (int i = 0; i < r->cfg->samples.n_contaminants && rc == SM_OK; i++)
        rc = sm_report_section_contaminant(r, &r->cfg->samples.contaminants[i]);
    if (rc == SM_OK)
        rc = sm_report_section_hotspots(r);
    if (rc == SM_OK)
        rc = sm_report_section_remediation(r);
    if (rc == SM_OK)
        rc = sm_report_section_screening(r);
    page_tail(r);
    return rc;
}

int sm_report_write(const sm_config *cfg, const char *path)
{
    report r = {.cfg = cfg};
    char run_json[SM_PATH_SIZE];
    sm_product_path(run_json, sizeof run_json, r.cfg, SM_PRODUCT_MANIFEST);
    if (!sm_report_exists(run_json))
        return sm_error_set(SM_ENOINPUT, "%s: not found: run the pipeline first", run_json);
    r.run = json_object_from_file(run_json);
    if (!r.run)
        return sm_error_set(SM_EDATA, "%s: cannot read: %s", run_json, json_util_get_last_err());
    sm_outfile out;
    sm_outfile_begin(&out, path);
    r.f = fopen(out.tmp, "w");
    int rc = r.f ? write_page(&r)
                 : sm_error_set(SM_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
    if (r.f) {
        int bad = ferror(r.f);
        bad |= fclose(r.f);
        if (bad && rc == SM_OK)
            rc = sm_error_set(SM_EIO, "%s: cannot write: %s", path, strerror(errno));
    }
    json_object_put(r.run);
    if (rc != SM_OK) {
        sm_outfile_abort(&out);
        return rc;
    }
    return sm_outfile_commit(&out);
}
