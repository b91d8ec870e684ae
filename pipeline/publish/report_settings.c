/* The run report's settings section (what an analyst hands on with the
 * maps: CRS, grid, interpolation per contaminant, the guideline values used)
 * and the areas above each tier per contaminant and land use. What the run
 * recorded in run.json is preferred; the config fills in what it does not
 * record. */
#include "core/error.h"
#include "publish/report_html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- run.json helpers ---- */

/* The first stage record that has key (e.g. "grid", "mask"), or NULL. */
static json_object *stage_with(const report *r, const char *key)
{
    json_object *stages = sm_report_json_at(r->run, "stages"), *v = NULL;
    if (!stages || !json_object_is_type(stages, json_type_object))
        return NULL;
    json_object_object_foreach(stages, name, s)
    {
        (void)name;
        if (json_object_is_type(s, json_type_object) && json_object_object_get_ex(s, key, &v))
            return v;
    }
    return NULL;
}

void sm_report_model_text(json_object *model, char *buf, size_t size)
{
    size_t used = 0;
    int n = model && json_object_is_type(model, json_type_array)
                ? (int)json_object_array_length(model)
                : 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        json_object *p = json_object_array_get_idx(model, i);
        const char *type = sm_report_json_str(p, "model"), *sep = i ? " + " : "";
        double psill = sm_report_json_num(p, "psill"), range = sm_report_json_num(p, "range");
        if (!type)
            continue;
        if (!strcmp(type, "Nug"))
            used += (size_t)snprintf(buf + used, size - used, "%s%.3g Nug", sep, psill);
        else
            used += (size_t)snprintf(buf + used, size - used, "%s%.3g %s(%.4g)", sep, psill, type,
                                     range);
    }
}

/* ---- CRS and grid ---- */

static void grid_table(report *r)
{
    FILE *f = r->f;
    const sm_grid_config *gc = &r->cfg->grid;
    json_object *g = stage_with(r, "grid"), *mask = stage_with(r, "mask");
    json_object *ext = sm_report_json_at(g, "extent");
    char text[256];
    sm_report_kv_open(f, "settings-grid");
    sm_report_kv_text(f, "working CRS", r->cfg->crs);
    double res = g ? sm_report_json_num(g, "resolution") : gc->resolution;
    sm_report_kv_num(f, "resolution (m)", res);
    if (ext && json_object_array_length(ext) == 4) {
        double e[4];
        for (int i = 0; i < 4; i++)
            e[i] = json_object_get_double(json_object_array_get_idx(ext, i));
        snprintf(text, sizeof text, "%.2f, %.2f, %.2f, %.2f", e[0], e[1], e[2], e[3]);
        sm_report_kv_text(f, "extent (xmin, ymin, xmax, ymax)", text);
    } else {
        sm_report_kv_text(f, "extent (xmin, ymin, xmax, ymax)",
                          gc->from_samples ? "the samples' extent" : NULL);
    }
    snprintf(text, sizeof text, "%.2f, %.2f", gc->origin[0], gc->origin[1]);
    sm_report_kv_text(f, "origin (cell edges)", gc->like ? gc->like : text);
    double cols = sm_report_json_num(g, "columns"), rows = sm_report_json_num(g, "rows");
    snprintf(text, sizeof text, "%.0f \xc3\x97 %.0f = %.0f", cols, rows, cols * rows);
    sm_report_kv_text(f, "cells (columns \xc3\x97 rows)", g ? text : NULL);
    if (mask) {
        sm_report_kv_text(f, "mask", sm_report_json_str(mask, "path"));
        sm_report_kv_num(f, "cells inside the mask", sm_report_json_num(mask, "cells_inside"));
    } else {
        sm_report_kv_text(f, "mask", gc->mask ? gc->mask : "none: every cell");
    }
    sm_report_table_close(f);
}

/* ---- interpolation per contaminant ---- */

static const char *back_name(sm_back_transform b)
{
    return b == SM_BACK_UNBIASED ? "unbiased" : b == SM_BACK_EXP ? "exp" : "none";
}

static void interp_row(report *r, const sm_contaminant *c)
{
    FILE *f = r->f;
    const sm_interp_config *ic = sm_config_interp(r->cfg, c->name);
    char key[200], text[256];
    snprintf(key, sizeof key, "stages.interpolate.contaminants.%s", c->name);
    json_object *rec = sm_report_json_at(r->run, key);
    fputs("<tr>", f);
    sm_report_td(f, c->name);
    sm_report_td(f, sm_config_unit(r->cfg, c->name));
    if (ic->method == SM_INTERP_KRIGING)
        sm_report_td(f, ic->nmax ? "ordinary kriging (local)" : "ordinary kriging (global)");
    else
        snprintf(text, sizeof text, "IDW, power %g", ic->power), sm_report_td(f, text);
    fputs("<td class=\"num\">", f);
    if (ic->nmax)
        fprintf(f, "%d", ic->nmax);
    else
        fputs("all", f);
    fprintf(f, "</td><td class=\"num\">%d</td>", ic->nmin);
    if (isfinite(ic->maxdist))
        sm_report_td_num(f, ic->maxdist);
    else
        sm_report_td(f, "unlimited");
    snprintf(text, sizeof text, "log, back-transform %s", back_name(ic->back_transform));
    sm_report_td(f, ic->log_transform ? text : "none");
    json_object *model = sm_report_json_at(rec, "model");
    sm_report_model_text(model, text, sizeof text);
    fputs("<td class=\"model\">", f);
    sm_report_html_escape(f, model                             ? text
                             : ic->method == SM_INTERP_KRIGING ? "not recorded"
                                                               : SM_REPORT_DASH);
    fputs("</td>", f);
    sm_report_td(f, ic->cv_folds == 0 ? "none"
                    : ic->cv_folds == 1
                        ? "leave-one-out"
                        : (snprintf(text, sizeof text, "%d-fold", ic->cv_folds), text));
    fputs("</tr>\n", f);
}

static void interp_table(report *r)
{
    sm_report_heading(r->f, 3, "Interpolation");
    if (!r->cfg->interpolation.present) {
        sm_report_absent(r->f, "No interpolation section in the config.");
        return;
    }
    sm_report_para(r->f, "note",
                   "Neighbourhood: the nearest n max samples, at least n min, within the "
                   "maximum distance (m). The variogram model is the one the run fitted "
                   "(run.json), on the transformed scale.");
    sm_report_table_open(r->f, "settings-interpolation",
                         (const char *const[]){"contaminant", "unit", "method", "n max", "n min",
                                               "max distance (m)", "transform", "variogram model",
                                               "cross-validation", NULL});
    for (int i = 0; i < r->cfg->samples.n_contaminants; i++)
        interp_row(r, &r->cfg->samples.contaminants[i]);
    sm_report_table_close(r->f);
}

/* ---- guideline values ---- */

static void band_cell(FILE *f, json_object *band)
{
    double lo = sm_report_json_num(band, "ph_lo"), hi = sm_report_json_num(band, "ph_hi");
    if (!isfinite(lo) && !isfinite(hi))
        sm_report_td(f, "any");
    else if (!isfinite(lo))
        fprintf(f, "<td>pH \xe2\x89\xa4 %g</td>", hi);
    else if (!isfinite(hi))
        fprintf(f, "<td>pH &gt; %g</td>", lo);
    else
        fprintf(f, "<td>%g &lt; pH \xe2\x89\xa4 %g</td>", lo, hi);
}

static void guideline_rows(report *r, const char *name, json_object *rec, int ntiers)
{
    FILE *f = r->f;
    json_object *values = sm_report_json_at(rec, "guideline_values");
    if (!values || !json_object_is_type(values, json_type_object))
        return;
    json_object_object_foreach(values, lu, o)
    {
        json_object *bands = sm_report_json_at(o, "bands");
        int nb = bands ? (int)json_object_array_length(bands) : 0;
        for (int b = 0; b < (nb ? nb : 1); b++) {
            json_object *band = nb ? json_object_array_get_idx(bands, b) : NULL;
            json_object *v = sm_report_json_at(band, "values");
            fputs("<tr>", f);
            sm_report_td(f, name);
            sm_report_td(f, lu);
            sm_report_td(f, sm_report_json_str(o, "category"));
            if (band)
                band_cell(f, band);
            else
                sm_report_td(f, "no value: not classified");
            for (int k = 0; k < ntiers; k++) {
                json_object *x = v && k < (int)json_object_array_length(v)
                                     ? json_object_array_get_idx(v, k)
                                     : NULL;
                sm_report_td_num(f, x ? json_object_get_double(x) : NAN);
            }
            fputs("</tr>\n", f);
        }
    }
}

static int max_tiers(report *r)
{
    int n = 0;
    for (int i = 0; i < r->cfg->samples.n_contaminants; i++) {
        char key[200];
        snprintf(key, sizeof key, "stages.classify.contaminants.%s.tiers",
                 r->cfg->samples.contaminants[i].name);
        json_object *t = sm_report_json_at(r->run, key);
        int k = t ? (int)json_object_array_length(t) : 0;
        n = k > n ? k : n;
    }
    return n < SM_MAX_TIERS_SHOWN ? n : SM_MAX_TIERS_SHOWN;
}

static void guideline_table(report *r)
{
    FILE *f = r->f;
    json_object *cl = sm_report_json_at(r->run, "stages.classify");
    sm_report_heading(f, 3, "Guideline values");
    if (!r->cfg->thresholds.present || !cl) {
        sm_report_absent(f, r->cfg->thresholds.present
                                ? "Not in this run: run.json has no classify record."
                                : "No thresholds section in the config.");
        return;
    }
    const char *table = sm_report_json_str(cl, "table");
    sm_report_kv_open(f, "settings-guideline-source");
    sm_report_kv_text(f, "table", table ? table : r->cfg->thresholds.table);
    sm_report_kv_text(f, "regime",
                      r->cfg->thresholds.regime ? r->cfg->thresholds.regime
                                                : "the table's only one");
    json_object *ov = sm_report_json_at(cl, "overrides");
    sm_report_kv_num(f, "values overridden in the config",
                     ov ? (double)json_object_array_length(ov) : 0);
    sm_report_table_close(f);
    int nt = max_tiers(r);
    const char *cols[SM_MAX_TIERS_SHOWN + 5] = {"contaminant", "land use", "category", "pH"};
    char names[SM_MAX_TIERS_SHOWN][32];
    for (int k = 0; k < nt; k++) {
        snprintf(names[k], sizeof names[k], "tier %d", k + 1);
        cols[4 + k] = names[k];
    }
    cols[4 + nt] = NULL;
    sm_report_para(f, "note",
                   "The values each land-use class was compared with, in each contaminant's "
                   "unit, after the config's overrides; tier names per contaminant are in its "
                   "section.");
    sm_report_table_open(f, "settings-guidelines", cols);
    for (int i = 0; i < r->cfg->samples.n_contaminants; i++) {
        const char *name = r->cfg->samples.contaminants[i].name;
        char key[200];
        snprintf(key, sizeof key, "stages.classify.contaminants.%s", name);
        guideline_rows(r, name, sm_report_json_at(r->run, key), nt);
    }
    sm_report_table_close(f);
}

void sm_report_section_settings(report *r)
{
    sm_report_section_open(r->f, "settings", "Settings");
    sm_report_heading(r->f, 3, "Coordinate system and grid");
    grid_table(r);
    interp_table(r);
    guideline_table(r);
    sm_report_section_close(r->f);
}

/* ---- areas above each tier ---- */

static void area_cells(FILE *f, double cells_above, double cells_all, double cell_ha)
{
    sm_report_td_num(f, cells_above * cell_ha);
    if (cells_all > 0)
        fprintf(f, "<td class=\"num\">%.1f %%</td>", 100 * cells_above / cells_all);
    else
        sm_report_td(f, NULL);
}

/* One row: cells[k] per class 0..nk-1. */
static void area_row(FILE *f, const char *lu, const double *cells, int nk, double cell_ha)
{
    double all = 0;
    for (int k = 0; k < nk; k++)
        all += cells[k];
    fputs("<tr>", f);
    sm_report_td(f, lu);
    sm_report_td_num(f, all * cell_ha);
    for (int t = 1; t < nk; t++) {
        double above = 0;
        for (int k = t; k < nk; k++)
            above += cells[k];
        area_cells(f, above, all, cell_ha);
    }
    fputs("</tr>\n", f);
}

void sm_report_tier_areas(report *r, const char *name)
{
    FILE *f = r->f;
    char key[200], id[128];
    snprintf(key, sizeof key, "stages.classify.contaminants.%s", name);
    json_object *rec = sm_report_json_at(r->run, key),
                *per = sm_report_json_at(rec, "cells_per_land_use_and_class"),
                *tiers = sm_report_json_at(rec, "tiers");
    double cell_ha = sm_report_json_num(r->run, "stages.classify.cell_area_ha");
    sm_report_heading(f, 3, "Area above each tier");
    if (!per || !tiers || !isfinite(cell_ha)) {
        sm_report_absent(f, "run.json records no areas per land use for this contaminant.");
        return;
    }
    int nk = (int)json_object_array_length(tiers) + 1;
    nk = nk <= SM_MAX_TIERS_SHOWN + 1 ? nk : SM_MAX_TIERS_SHOWN + 1;
    const char *cols[2 * SM_MAX_TIERS_SHOWN + 3] = {"land use", "classified area (ha)"};
    char names[2 * SM_MAX_TIERS_SHOWN][96];
    for (int t = 1; t < nk; t++) {
        const char *tn = json_object_get_string(json_object_array_get_idx(tiers, t - 1));
        snprintf(names[2 * t - 2], sizeof names[0], "above %s (ha)", tn && *tn ? tn : "tier");
        snprintf(names[2 * t - 1], sizeof names[0], "share above %s", tn && *tn ? tn : "tier");
        cols[2 * t] = names[2 * t - 2], cols[2 * t + 1] = names[2 * t - 1];
    }
    cols[2 * nk] = NULL;
    snprintf(id, sizeof id, "areas-%s", name);
    sm_report_para(f, "note",
                   "Cells of the class map per land-use class (cells without a guideline "
                   "value, or outside the mask, are not counted); share: of the classified "
                   "area of that land use.");
    sm_report_table_open(f, id, cols);
    double total[SM_MAX_TIERS_SHOWN + 1] = {0};
    json_object_object_foreach(per, lu, a)
    {
        double cells[SM_MAX_TIERS_SHOWN + 1] = {0};
        for (int k = 0; k < nk && k < (int)json_object_array_length(a); k++)
            cells[k] = (double)json_object_get_int64(json_object_array_get_idx(a, k));
        for (int k = 0; k < nk; k++)
            total[k] += cells[k];
        area_row(f, lu, cells, nk, cell_ha);
    }
    fputs("</tbody><tfoot>", f);
    area_row(f, "all", total, nk, cell_ha);
    fputs("</tfoot></table>\n", f);
}
