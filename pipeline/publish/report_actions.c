/* The run report's sections on what to do: the hotspots, the recommendations
 * with their action plans, and the screening top list. */
#include "core/error.h"
#include "publish/report_html.h"
#include "stage/products.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SITES_SHOWN = 20 };

/* ---- hotspots ---- */

static void hotspot_row(FILE *f, OGRFeatureH ft)
{
    char source[512];
    const char *name = sm_report_fstr(ft, "source_name"), *type = sm_report_fstr(ft, "source_type");
    snprintf(source, sizeof source, *type ? "%s (%s)" : "%s%s", name, type);
    fputs("<tr>", f);
    sm_report_td(f, sm_report_fstr(ft, "id"));
    sm_report_td(f, sm_report_fstr(ft, "contaminants"));
    sm_report_td(f, sm_report_fstr(ft, "tier"));
    sm_report_td_num(f, sm_report_fnum(ft, "area_ha"));
    sm_report_td_num(f, sm_report_fnum(ft, "max_ratio"));
    sm_report_td_num(f, sm_report_fnum(ft, "mean_probability"));
    sm_report_td(f, sm_report_fstr(ft, "main_landuse"));
    sm_report_td(f, source);
    sm_report_td_num(f, sm_report_fnum(ft, "source_distance_m"));
    sm_report_td(f, sm_report_fstr(ft, "n_samples"));
    fputs("</tr>\n", f);
}

/* hotspots.gpkg when the config has the section and the run wrote it; else
 * NULL, with *why the line saying which (or NULL after a read error). */
static GDALDatasetH open_hotspots(const report *r, int present, const char *no_section,
                                  const char **why)
{
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_HOTSPOTS);
    *why = !present                  ? no_section
           : !sm_report_exists(path) ? "Not in this run: hotspots.gpkg is not in the output folder."
                                     : NULL;
    return *why ? NULL : sm_report_open_vector(path);
}

/* The one line for a missing product, and the end of its section. */
static int section_absent(FILE *f, GDALDatasetH ds, const char *why)
{
    sm_report_absent(f, why);
    if (ds)
        GDALClose(ds);
    sm_report_section_close(f);
    return SM_OK;
}

int sm_report_section_hotspots(report *r)
{
    FILE *f = r->f;
    const char *why;
    sm_report_section_open(f, "hotspots", "Hotspots");
    GDALDatasetH ds = open_hotspots(r, r->cfg->hotspots.present,
                                    "Not in this run: the config has no hotspots section.", &why);
    if (!ds && !why)
        return SM_EDATA;
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_HOTSPOTS) : NULL;
    if (!l)
        return section_absent(f, ds, why ? why : "hotspots.gpkg has no hotspots layer.");
    sm_report_para(f, "note",
                   "Tier: the guideline tier exceeded; max ratio: the largest "
                   "concentration over guideline value; mean P: the mean probability of "
                   "exceeding it.");
    sm_report_table_open(f, "hotspots",
                         (const char *const[]){"id", "contaminants", "tier", "area (ha)",
                                               "max ratio", "mean P", "main land use",
                                               "nearest source", "distance (m)", "samples", NULL});
    OGRFeatureH ft;
    while ((ft = OGR_L_GetNextFeature(l))) {
        hotspot_row(f, ft);
        OGR_F_Destroy(ft);
    }
    sm_report_table_close(f);
    GDALClose(ds);
    sm_report_section_close(f);
    return SM_OK;
}

/* ---- recommendations ---- */

typedef struct {
    long id;
    char title[300];
} hotspot_ref;

static const char *const rec_columns[] = {
    "rank",           "technology",     "cover",    "applicability A",   "sustainability S",
    "environmental",  "social",         "economic", "cost fit",          "duration fit",
    "practicality P", "nature bonus B", "score",    "nearest case (km)", NULL};

static void rec_row(FILE *f, OGRFeatureH ft)
{
    static const char *const numbers[] = {
        "applicability", "sustainability", "environmental", "social",       "economic",
        "cost_fit",      "duration_fit",   "practicality",  "nature_bonus", "score"};
    char near[300];
    snprintf(near, sizeof near, "%s (%.0f)", sm_report_fstr(ft, "nearest_case"),
             sm_report_fnum(ft, "nearest_case_km"));
    fputs("<tr>", f);
    sm_report_td(f, sm_report_fstr(ft, "rank"));
    sm_report_td(f, *sm_report_fstr(ft, "technology_name") ? sm_report_fstr(ft, "technology_name")
                                                           : sm_report_fstr(ft, "technology"));
    sm_report_td(f, sm_report_fstr(ft, "cover"));
    for (unsigned i = 0; i < sizeof numbers / sizeof *numbers; i++)
        sm_report_td_num(f, sm_report_fnum(ft, numbers[i]));
    sm_report_td(f, *sm_report_fstr(ft, "nearest_case") ? near : "");
    fputs("</tr>\n", f);
}

static void checklist(FILE *f, const char *text)
{
    fputs("<ul class=\"checklist\">\n", f);
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n) {
            fputs("<li>", f);
            sm_report_html_escape_n(f, text, n);
            fputs("</li>\n", f);
        }
        text += n + (text[n] == '\n');
    }
    fputs("</ul>\n", f);
}

/* One hotspot's ranked options, the first one's weight sensitivity, and
 * its action plan. */
static void hotspot_recommendations(report *r, OGRLayerH rec, OGRLayerH plans, const hotspot_ref *h)
{
    FILE *f = r->f;
    char filter[64], table_id[64], sensitivity[512] = "";
    snprintf(filter, sizeof filter, "hotspot_id = %ld", h->id);
    snprintf(table_id, sizeof table_id, "recommendations-%ld", h->id);
    sm_report_heading(f, 3, h->title);
    OGR_L_SetAttributeFilter(rec, filter);
    OGR_L_ResetReading(rec);
    OGRFeatureH ft;
    int rows = 0;
    while ((ft = OGR_L_GetNextFeature(rec))) {
        if (rows++ == 0)
            sm_report_table_open(f, table_id, rec_columns);
        if (*sm_report_fstr(ft, "sensitivity") && !sensitivity[0])
            snprintf(sensitivity, sizeof sensitivity, "Weights: %s",
                     sm_report_fstr(ft, "sensitivity"));
        rec_row(f, ft);
        OGR_F_Destroy(ft);
    }
    if (rows)
        sm_report_table_close(f);
    else
        sm_report_absent(f, "No technology fits this hotspot's contaminants.");
    if (sensitivity[0])
        sm_report_para(f, "note", sensitivity);
    OGR_L_SetAttributeFilter(plans, filter);
    OGR_L_ResetReading(plans);
    while (plans && (ft = OGR_L_GetNextFeature(plans))) {
        checklist(f, sm_report_fstr(ft, "checklist"));
        OGR_F_Destroy(ft);
    }
}

/* The hotspots in file order, each with a heading naming what it is. */
static hotspot_ref *hotspot_refs(OGRLayerH l, int *n)
{
    long cap = (long)OGR_L_GetFeatureCount(l, TRUE);
    hotspot_ref *refs = malloc(((size_t)cap + 1) * sizeof *refs);
    OGRFeatureH ft;
    *n = 0;
    OGR_L_ResetReading(l);
    while ((ft = OGR_L_GetNextFeature(l))) {
        if (*n < cap) {
            hotspot_ref *h = &refs[(*n)++];
            h->id = sm_report_fint(ft, "id");
            snprintf(h->title, sizeof h->title, "Hotspot %ld: %s; %.4g ha; %s", h->id,
                     sm_report_fstr(ft, "contaminants"), sm_report_fnum(ft, "area_ha"),
                     sm_report_fstr(ft, "main_landuse"));
        }
        OGR_F_Destroy(ft);
    }
    return refs;
}

int sm_report_section_remediation(report *r)
{
    FILE *f = r->f;
    const char *why;
    sm_report_section_open(f, "remediation", "Recommendations");
    GDALDatasetH ds =
        open_hotspots(r, r->cfg->remediation.present,
                      "Not in this run: the config has no remediation section.", &why);
    if (!ds && !why)
        return SM_EDATA;
    OGRLayerH hs = ds ? GDALDatasetGetLayerByName(ds, SM_LAYER_HOTSPOTS) : NULL;
    OGRLayerH rec = ds ? GDALDatasetGetLayerByName(ds, "recommendations") : NULL;
    if (!hs || !rec)
        return section_absent(f, ds,
                              why ? why
                                  : "Not in this run: the remediate stage has not "
                                    "written its recommendations.");
    sm_report_para(f, "note",
                   "score = 0.4 A + 0.4 S + 0.2 P + B (docs/remediation.md); S weighs "
                   "the environmental, social and economic scores with the config's "
                   "weights.");
    int n;
    hotspot_ref *refs = hotspot_refs(hs, &n);
    for (int i = 0; i < n; i++)
        hotspot_recommendations(r, rec, GDALDatasetGetLayerByName(ds, "action_plans"), &refs[i]);
    free(refs);
    GDALClose(ds);
    sm_report_section_close(f);
    return SM_OK;
}

/* ---- screening ---- */

static void screening_summary(report *r)
{
    json_object *s = sm_report_json_at(r->run, "stages.screen");
    double n = sm_report_json_num(s, "screened");
    if (!isfinite(n))
        return;
    char text[256];
    snprintf(text, sizeof text,
             "%.0f sites screened: %.0f high, %.0f medium, %.0f low and %.0f "
             "very low priority. The first %d:",
             n, sm_report_json_num(s, "priority.high"), sm_report_json_num(s, "priority.medium"),
             sm_report_json_num(s, "priority.low"), sm_report_json_num(s, "priority.very low"),
             SITES_SHOWN);
    sm_report_para(r->f, "note", text);
}

int sm_report_section_screening(report *r)
{
    FILE *f = r->f;
    char path[SM_PATH_SIZE];
    sm_product_path(path, sizeof path, r->cfg, SM_PRODUCT_SITES_CSV);
    sm_report_section_open(f, "screening", "Site screening");
    if (!r->cfg->screening.present || !sm_report_exists(path))
        return section_absent(f, NULL,
                              !r->cfg->screening.present
                                  ? "Not in this run: the config has no screening section."
                                  : "Not in this run: sites_screened.csv is not in the "
                                    "output folder.");
    GDALDatasetH ds = sm_report_open_vector(path);
    if (!ds)
        return SM_EDATA;
    screening_summary(r);
    sm_report_table_open(
        f, "screening",
        (const char *const[]){"#", "site", "name", "land use", "priority", "reason", NULL});
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureH ft;
    for (int rank = 1; rank <= SITES_SHOWN && (ft = OGR_L_GetNextFeature(l)); rank++) {
        fprintf(f, "<tr><td class=\"num\">%d</td>", rank);
        sm_report_td(f, sm_report_fstr(ft, "site_id"));
        sm_report_td(f, sm_report_fstr(ft, "name"));
        sm_report_td(f, sm_report_fstr(ft, "landuse"));
        sm_report_td(f, sm_report_fstr(ft, "priority_class"));
        sm_report_td(f, sm_report_fstr(ft, "reason"));
        fputs("</tr>\n", f);
        OGR_F_Destroy(ft);
    }
    sm_report_table_close(f);
    GDALClose(ds);
    sm_report_section_close(f);
    return SM_OK;
}
