#include "remediate/remediate.h"
#include "core/crs.h"
#include "core/error.h"
#include "core/fields.h"
#include "core/log.h"
#include "core/outfile.h"
#include "guideline/thresholds.h"
#include "remediate/store.h"
#include "remediate/store_init.h"
#include "stage/products.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum { MAXG = 16, MAXT = 64, MAXCASES = 10 };

/* ---- the score ---- */

/* Component weights of the total; the pillar weights come from the config. */
static const double W_APPLICABILITY = 0.4, W_SUSTAINABILITY = 0.4, W_PRACTICALITY = 0.2;

void sm_remediation_score(const sm_remediation_config *rc, const sm_technology *t,
                          const int *ratings, int ngroups, double area_ha, int urgent, sm_score *s)
{
    memset(s, 0, sizeof *s);
    s->groups = ngroups;
    for (int g = 0; g < ngroups; g++)
        s->applicability += ratings[g] / 3.0, s->covered += ratings[g] > 0;
    s->applicability = ngroups ? s->applicability / ngroups : 0;
    s->sustainability = (rc->w_env * t->env + rc->w_social * t->social + rc->w_econ * t->econ) / 10;
    /* an expensive option weighs more the larger the area (full weight at 10 ha) */
    double area_factor = fmin(1.0, area_ha / 10.0);
    s->cost_fit = t->cost_class ? 1.0 - (t->cost_class - 1) / 4.0 * area_factor : 0.5;
    /* where people live, an option taking years is worse than on farmland */
    double horizon = urgent ? 24.0 : 120.0;
    s->duration_fit = isnan(t->duration_max) ? 0.5 : 1.0 - fmin(1.0, t->duration_max / horizon);
    s->practicality = 0.5 * (s->cost_fit + s->duration_fit);
    s->bonus = t->nature == 2 ? rc->nature_bonus : t->nature == 1 ? rc->nature_bonus / 2 : 0;
    s->total = W_APPLICABILITY * s->applicability + W_SUSTAINABILITY * s->sustainability +
               W_PRACTICALITY * s->practicality + s->bonus;
}

/* ---- what the store knows ---- */

typedef struct {
    sm_technology tech[MAXT];
    int ntech;
    char groups[MAXG][16];
    int ngroups;
    int rating[MAXT][MAXG];
    sm_store store;
} catalogue;

static int group_index(catalogue *c, const char *code)
{
    for (int g = 0; g < c->ngroups; g++)
        if (!strcmp(c->groups[g], code))
            return g;
    if (c->ngroups == MAXG)
        return -1;
    snprintf(c->groups[c->ngroups], sizeof c->groups[0], "%s", code);
    return c->ngroups++;
}

static int tech_index(const catalogue *c, const char *code)
{
    for (int t = 0; t < c->ntech; t++)
        if (!strcmp(c->tech[t].code, code))
            return t;
    return -1;
}

static void tech_row(void *arg, const char *const *v, int n)
{
    catalogue *c = arg;
    if (n < 8 || c->ntech == MAXT)
        return;
    sm_technology *t = &c->tech[c->ntech++];
    snprintf(t->code, sizeof t->code, "%s", v[0]);
    snprintf(t->name, sizeof t->name, "%s", v[1]);
    t->nature = !strcmp(v[2], "yes") ? 2 : !strcmp(v[2], "partly") ? 1 : 0;
    t->cost_class = v[3] ? atoi(v[3]) : 0;
    t->duration_max = v[4] ? atof(v[4]) : NAN;
    t->env = atof(v[5]), t->social = atof(v[6]), t->econ = atof(v[7]);
}

static void rating_row(void *arg, const char *const *v, int n)
{
    catalogue *c = arg;
    int t = n == 3 ? tech_index(c, v[0]) : -1, g = t >= 0 ? group_index(c, v[1]) : -1;
    if (g >= 0)
        c->rating[t][g] = atoi(v[2]);
}

static int load_catalogue(const sm_config *cfg, catalogue *c)
{
    memset(c, 0, sizeof *c);
    struct stat st;
    int rc = SM_OK;
    if (stat(cfg->remediation.store, &st) != 0) { /* a first run: make it from the catalogue */
        sm_log(SM_LOG_INFO, "remediate: %s does not exist; creating it from %s",
               cfg->remediation.store, cfg->remediation.catalogue);
        rc = sm_store_init(cfg->remediation.store, cfg->remediation.catalogue, 0);
    }
    if (rc == SM_OK)
        rc = sm_store_open(cfg->remediation.store, 0, &c->store);
    if (rc == SM_OK)
        rc = sm_store_query(&c->store,
                            "SELECT code, name, nature_based, cost_class, duration_max_months, "
                            "env_score, social_score, econ_score FROM technologies ORDER BY code",
                            0, NULL, tech_row, c);
    if (rc == SM_OK)
        rc = sm_store_query(&c->store, "SELECT technology, group_code, rating FROM applicability",
                            0, NULL, rating_row, c);
    return rc;
}

typedef struct {
    char group[16];
} group_answer;

static void group_row(void *arg, const char *const *v, int n)
{
    group_answer *a = arg;
    if (n == 1 && v[0])
        snprintf(a->group, sizeof a->group, "%s", v[0]);
}

/* ---- one hotspot ---- */

typedef struct {
    long id;
    char contaminants[600], landuse[128];
    double area_ha, lon, lat;
    int n_samples;
    int groups[MAXG], ngroups;
} hotspot;

typedef struct {
    int tech;
    sm_score score;
    char sensitivity[300];
    sm_case_match cases[MAXCASES];
    int ncases;
} recommendation;

/* The contaminant groups of the hotspot's contaminants, through the store. */
static void hotspot_groups(catalogue *c, hotspot *h)
{
    char list[600];
    snprintf(list, sizeof list, "%s", h->contaminants);
    for (char *save, *code = strtok_r(list, ",", &save); code; code = strtok_r(NULL, ",", &save)) {
        group_answer a = {""};
        const char *v[] = {code};
        sm_store_query(&c->store, "SELECT group_code FROM contaminants WHERE code = ?1", 1, v,
                       group_row, &a);
        if (!a.group[0]) {
            sm_log(SM_LOG_WARN,
                   "remediate: contaminant '%s' is not in the store; hotspot %ld "
                   "is matched on its other contaminants",
                   code, h->id);
            continue;
        }
        int g = group_index(c, a.group), seen = 0;
        for (int i = 0; i < h->ngroups; i++)
            seen |= h->groups[i] == g;
        if (g >= 0 && !seen)
            h->groups[h->ngroups++] = g;
    }
}

static int is_urgent(const sm_config *cfg, const char *landuse)
{
    for (int i = 0; i < cfg->remediation.n_urgent; i++)
        if (!strcasecmp(cfg->remediation.urgent[i], landuse)) /* land uses: any case */
            return 1;
    return 0;
}

static void score_all(const sm_config *cfg, const sm_remediation_config *rc, const catalogue *c,
                      const hotspot *h, recommendation *r)
{
    for (int t = 0; t < c->ntech; t++) {
        int ratings[MAXG];
        for (int i = 0; i < h->ngroups; i++)
            ratings[i] = c->rating[t][h->groups[i]];
        r[t].tech = t;
        sm_remediation_score(rc, &c->tech[t], ratings, h->ngroups, h->area_ha,
                             is_urgent(cfg, h->landuse), &r[t].score);
    }
}

static int by_score(const void *pa, const void *pb)
{
    const recommendation *a = pa, *b = pb;
    if (a->score.covered != b->score.covered) /* full cover first */
        return b->score.covered - a->score.covered;
    if (a->score.total != b->score.total)
        return a->score.total < b->score.total ? 1 : -1;
    return a->tech - b->tech;
}

/* Ranks; returns how many candidates there are: every full cover, or, when
 * none covers all groups, those covering the most. */
static int rank(const sm_config *cfg, const sm_remediation_config *rc, const catalogue *c,
                const hotspot *h, recommendation *r)
{
    score_all(cfg, rc, c, h, r);
    qsort(r, (size_t)c->ntech, sizeof *r, by_score);
    int n = 0;
    while (n < c->ntech && r[n].score.covered == r[0].score.covered && r[n].score.covered > 0)
        n++;
    return n;
}

/* Moves one pillar weight by delta and the other two proportionally, so
 * they still sum to 1. */
static sm_remediation_config shifted(const sm_remediation_config *rc, int pillar, double delta)
{
    sm_remediation_config s = *rc;
    double *w[3] = {&s.w_env, &s.w_social, &s.w_econ};
    double target = fmin(1.0, fmax(0.0, *w[pillar] + delta)), rest = 1.0 - *w[pillar];
    for (int i = 0; i < 3; i++)
        if (i != pillar)
            *w[i] = rest > 0 ? *w[i] * (1.0 - target) / rest : (1.0 - target) / 2;
    *w[pillar] = target;
    return s;
}

static void sensitivity(const sm_config *cfg, const catalogue *c, const hotspot *h,
                        recommendation *top)
{
    static const char *const pillars[] = {"environmental", "social", "economic"};
    recommendation *r = malloc(sizeof *r * (size_t)c->ntech);
    top->sensitivity[0] = '\0';
    for (int p = 0; p < 3; p++)
        for (int sign = -1; sign <= 1; sign += 2) {
            sm_remediation_config s = shifted(&cfg->remediation, p, 0.1 * sign);
            if (rank(cfg, &s, c, h, r) > 0 && r[0].tech != top->tech) {
                size_t len = strlen(top->sensitivity);
                snprintf(top->sensitivity + len, sizeof top->sensitivity - len, "%s%s %+.1f -> %s",
                         len ? "; " : "", pillars[p], 0.1 * sign, c->tech[r[0].tech].code);
            }
        }
    if (!top->sensitivity[0])
        snprintf(top->sensitivity, sizeof top->sensitivity,
                 "stable: same first choice with "
                 "each weight moved by 0.1");
    free(r);
}

static void link_cases(const sm_config *cfg, catalogue *c, const hotspot *h, recommendation *r)
{
    int k = cfg->remediation.cases < MAXCASES ? cfg->remediation.cases : MAXCASES;
    const char *group = h->ngroups ? c->groups[h->groups[0]] : NULL;
    r->ncases = k > 0 ? sm_store_nearest_cases(&c->store, h->lon, h->lat, c->tech[r->tech].code,
                                               group, k, r->cases)
                      : 0;
    if (r->ncases < 0)
        r->ncases = 0;
}

/* ---- reading the hotspots ---- */

/* ct: the working CRS to lon/lat (NULL: already lon/lat); local: no place
 * on the earth, the hotspot's lon/lat NaN. */
static int read_hotspot(OGRFeatureH f, OGRCoordinateTransformationH ct, int local, hotspot *h)
{
    memset(h, 0, sizeof *h);
    h->id = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "id"));
    snprintf(h->contaminants, sizeof h->contaminants, "%s",
             OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "contaminants")));
    snprintf(h->landuse, sizeof h->landuse, "%s",
             OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "main_landuse")));
    h->area_ha = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area_ha"));
    h->n_samples = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "n_samples"));
    OGRGeometryH g = OGR_F_GetGeometryRef(f), centre = g ? OGR_G_PointOnSurface(g) : NULL;
    int ok = centre && (local || !ct || OGR_G_Transform(centre, ct) == OGRERR_NONE);
    h->lon = h->lat = NAN;
    if (ok && !local)
        h->lon = OGR_G_GetX(centre, 0), h->lat = OGR_G_GetY(centre, 0);
    if (centre)
        OGR_G_DestroyGeometry(centre);
    return ok ? SM_OK : sm_error_set(SM_EDATA, "hotspot %ld has no usable geometry", h->id);
}

/* ---- the action-plan checklist (FAO/UNEP 2021, ch. 13; ISO 18504) ---- */

typedef struct {
    sm_threshold_table table;
    int loaded;
} targets;

/* "cd <= 10 mg/kg (guideline)" for each contaminant on the class, or why not
 * (in the samples' unit, which the classify stage checked the table has). */
static void target_levels(const sm_config *cfg, targets *tg, const hotspot *h, char *out,
                          size_t size)
{
    const sm_thresholds_config *tc = &cfg->thresholds;
    int cls = -1;
    for (int i = 0; i < tc->n_classes; i++)
        if (!strcasecmp(tc->classes[i], h->landuse))
            cls = i;
    out[0] = '\0';
    char list[600];
    snprintf(list, sizeof list, "%s", h->contaminants);
    for (char *save, *code = strtok_r(list, ",", &save); code; code = strtok_r(NULL, ",", &save)) {
        sm_guideline g;
        size_t len = strlen(out);
        if (!tg->loaded || cls < 0 ||
            sm_guideline_resolve(&tg->table, tc->regime, code, tc->categories, tc->n_classes, &g) !=
                SM_OK) {
            snprintf(out + len, size - len, "%s%s: see the guideline table", len ? ", " : "", code);
            continue;
        }
        const double *v = sm_guideline_values(&g, cls, NAN);
        if (v && !isnan(v[0]))
            snprintf(out + len, size - len, "%s%s <= %g %s (%s)", len ? ", " : "", code, v[0],
                     sm_config_unit(cfg, code), g.tier_names[0] ? g.tier_names[0] : "tier 1");
        else
            snprintf(out + len, size - len, "%s%s: depends on soil pH, see classes/%s_ratio.tif",
                     len ? ", " : "", code, code);
        sm_guideline_free(&g);
    }
}

static void checklist(const sm_config *cfg, targets *tg, const catalogue *c, const hotspot *h,
                      const recommendation *r, int n, char *out, size_t size)
{
    char levels[800];
    target_levels(cfg, tg, h, levels, sizeof levels);
    double density = h->area_ha > 0 ? h->n_samples / h->area_ha : 0;
    snprintf(out, size,
             "1. Objectives: for %s land use, bring %s; confirm the intended future land use with "
             "the regulator and stakeholders.\n"
             "2. Site investigation: %d samples over %.1f ha (%.2f per ha); characterise the "
             "vertical extent, pathways and receptors and complete a risk assessment.\n"
             "3. Options appraisal: first choice %s (score %.2f)%s%s; appraise the shortlist "
             "against the SuRF-UK environmental, social and economic indicators with "
             "stakeholders.\n"
             "4. Implementation: design, permits, health and safety, and engagement of the "
             "neighbourhood before work starts.\n"
             "5. Verification: sample the treated soil to show each contaminant below its target "
             "level.\n"
             "6. Aftercare: monitoring and maintenance until the objectives are met and stable.",
             h->landuse[0] ? h->landuse : "its", levels, h->n_samples, h->area_ha, density,
             n ? c->tech[r[0].tech].name : "none found", n ? r[0].score.total : 0.0,
             n > 1 ? ", then " : "", n > 1 ? c->tech[r[1].tech].name : "");
}

/* ---- output ---- */

static const struct {
    const char *name;
    OGRFieldType type;
} rec_fields[] = {
    {"hotspot_id", OFTInteger},     {"rank", OFTInteger},        {"technology", OFTString},
    {"technology_name", OFTString}, {"cover", OFTString},        {"groups_covered", OFTInteger},
    {"groups", OFTInteger},         {"applicability", OFTReal},  {"sustainability", OFTReal},
    {"environmental", OFTReal},     {"social", OFTReal},         {"economic", OFTReal},
    {"cost_fit", OFTReal},          {"duration_fit", OFTReal},   {"practicality", OFTReal},
    {"nature_bonus", OFTReal},      {"score", OFTReal},          {"sensitivity", OFTString},
    {"cases", OFTString},           {"nearest_case", OFTString}, {"nearest_case_km", OFTReal},
};
enum { NREC = sizeof rec_fields / sizeof rec_fields[0] };

/* The table `name` of ds, made anew, in *out. NULL there and SM_OK when the
 * layer itself cannot be created (the caller names the file); a status when
 * a field cannot. */
static int create_table(GDALDatasetH ds, const char *name, int plans, OGRLayerH *out)
{
    int idx = -1;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++)
        if (!strcmp(OGR_L_GetName(GDALDatasetGetLayer(ds, i)), name))
            idx = i;
    if (idx >= 0)
        GDALDatasetDeleteLayer(ds, idx);
    /* CSV only: GPKG would warn about an option it does not know */
    const char *options[] = {"STRING_QUOTING=IF_NEEDED", NULL};
    int csv = !strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "CSV");
    OGRLayerH l = *out =
        GDALDatasetCreateLayer(ds, name, NULL, wkbNone, csv ? (char **)options : NULL);
    int rc = SM_OK;
    for (int i = 0; l && !plans && i < NREC && rc == SM_OK; i++)
        rc = sm_field_add(l, rec_fields[i].name, rec_fields[i].type);
    if (l && plans)
        rc = sm_field_add(l, "hotspot_id", OFTInteger);
    if (l && plans && rc == SM_OK)
        rc = sm_field_add(l, "checklist", OFTString);
    return rc;
}

static void case_text(const recommendation *r, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0; i < r->ncases; i++) {
        size_t len = strlen(out);
        const sm_case_match *m = &r->cases[i];
        char km[32] = "";
        if (isfinite(m->distance_km))
            snprintf(km, sizeof km, ", %.0f km", m->distance_km);
        snprintf(out + len, size - len, "%s%s (%s%s%s)", i ? "; " : "", m->id, m->country, km,
                 m->illustrative ? ", illustrative" : "");
    }
}

static int add_recommendation(OGRLayerH l, const catalogue *c, const hotspot *h, int rank,
                              const recommendation *r)
{
    const sm_technology *t = &c->tech[r->tech];
    const sm_score *s = &r->score;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    char cases[1200];
    case_text(r, cases, sizeof cases);
    double reals[] = {s->applicability, s->sustainability, t->env,          t->social, t->econ,
                      s->cost_fit,      s->duration_fit,   s->practicality, s->bonus,  s->total};
    OGR_F_SetFieldInteger(f, 0, (int)h->id), OGR_F_SetFieldInteger(f, 1, rank);
    OGR_F_SetFieldString(f, 2, t->code), OGR_F_SetFieldString(f, 3, t->name);
    OGR_F_SetFieldString(f, 4, s->covered == s->groups ? "full" : "partial");
    OGR_F_SetFieldInteger(f, 5, s->covered), OGR_F_SetFieldInteger(f, 6, s->groups);
    for (int i = 0; i < 10; i++)
        OGR_F_SetFieldDouble(f, 7 + i, reals[i]);
    if (rank == 1)
        OGR_F_SetFieldString(f, 17, r->sensitivity);
    OGR_F_SetFieldString(f, 18, cases);
    if (r->ncases) {
        OGR_F_SetFieldString(f, 19, r->cases[0].id);
        if (isfinite(r->cases[0].distance_km))
            OGR_F_SetFieldDouble(f, 20, r->cases[0].distance_km);
    }
    OGRErr err = OGR_L_CreateFeature(l, f);
    OGR_F_Destroy(f);
    return err == OGRERR_NONE
               ? SM_OK
               : sm_error_set(SM_EIO, "cannot write a recommendation: %s", CPLGetLastErrorMsg());
}

static int add_plan(OGRLayerH l, long id, const char *text)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldInteger(f, 0, (int)id);
    OGR_F_SetFieldString(f, 1, text);
    OGRErr err = OGR_L_CreateFeature(l, f);
    OGR_F_Destroy(f);
    return err == OGRERR_NONE
               ? SM_OK
               : sm_error_set(SM_EIO, "cannot write an action plan: %s", CPLGetLastErrorMsg());
}

/* ---- the stage ---- */

typedef struct {
    OGRLayerH csv, table, plans;
} sinks;

static int one_hotspot(const sm_config *cfg, catalogue *c, targets *tg, hotspot *h,
                       const sinks *out, sm_remediate_summary *sum)
{
    recommendation *r = calloc((size_t)c->ntech + 1, sizeof *r);
    hotspot_groups(c, h);
    int n = h->ngroups ? rank(cfg, &cfg->remediation, c, h, r) : 0;
    int keep = n < cfg->remediation.top ? n : cfg->remediation.top, rc = SM_OK;
    if (keep)
        sensitivity(cfg, c, h, &r[0]);
    for (int i = 0; i < keep && rc == SM_OK; i++) {
        link_cases(cfg, c, h, &r[i]);
        sum->cases_linked += r[i].ncases;
        sum->partial += r[i].score.covered < r[i].score.groups;
        rc = add_recommendation(out->csv, c, h, i + 1, &r[i]);
        if (rc == SM_OK)
            rc = add_recommendation(out->table, c, h, i + 1, &r[i]);
    }
    sum->recommendations += keep;
    char plan[4000];
    checklist(cfg, tg, c, h, r, keep, plan, sizeof plan);
    if (rc == SM_OK)
        rc = add_plan(out->plans, h->id, plan);
    free(r);
    return rc;
}

static int each_hotspot(const sm_config *cfg, catalogue *c, GDALDatasetH gpkg, const sinks *out,
                        sm_remediate_summary *sum)
{
    OGRLayerH l = GDALDatasetGetLayerByName(gpkg, SM_LAYER_HOTSPOTS);
    if (!l)
        return sm_error_set(SM_ENOINPUT, "hotspots.gpkg has no layer hotspots; run the "
                                         "hotspots stage");
    OGRSpatialReferenceH src = sm_crs_clone(OGR_L_GetSpatialRef(l)), ll = sm_crs_new("EPSG:4326");
    OGRCoordinateTransformationH ct = NULL;
    int local = src && sm_crs_is_local(src);
    if (!local && (!src || sm_crs_transform(src, ll, &ct) != 0)) {
        OSRDestroySpatialReference(src), OSRDestroySpatialReference(ll);
        return sm_error_set(SM_EDATA,
                            "hotspots.gpkg: the hotspots' CRS has no transformation to "
                            "lon/lat for the case-study distances; run the hotspots stage again");
    }
    targets tg = {0};
    tg.loaded = sm_thresholds_load(cfg->thresholds.table, &tg.table) == SM_OK;
    int rc = SM_OK;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (rc == SM_OK && (f = OGR_L_GetNextFeature(l))) {
        hotspot h;
        rc = read_hotspot(f, ct, local, &h);
        if (rc == SM_OK)
            rc = one_hotspot(cfg, c, &tg, &h, out, sum);
        sum->hotspots++;
        OGR_F_Destroy(f);
    }
    sm_thresholds_free(&tg.table);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(src), OSRDestroySpatialReference(ll);
    return rc;
}

static int finish(GDALDatasetH csv, sm_outfile *csv_file, GDALDatasetH gpkg, int rc)
{
    if (rc == SM_OK && GDALDatasetCommitTransaction(gpkg) != OGRERR_NONE)
        rc = sm_error_set(SM_EIO, "hotspots.gpkg: cannot commit: %s", CPLGetLastErrorMsg());
    else if (rc != SM_OK)
        GDALDatasetRollbackTransaction(gpkg);
    if (sm_dataset_close(csv) != 0 && rc == SM_OK)
        rc = sm_error_set(SM_EIO, "%s: cannot write: %s", csv_file->final, CPLGetLastErrorMsg());
    GDALClose(gpkg);
    if (rc == SM_OK)
        return sm_outfile_commit(csv_file);
    sm_outfile_abort(csv_file);
    return rc;
}

int sm_remediate(const sm_config *cfg, sm_remediate_summary *out)
{
    memset(out, 0, sizeof *out);
    char path[4200];
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_HOTSPOTS);
    GDALDatasetH gpkg = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!gpkg)
        return sm_error_set(SM_ENOINPUT, "%s: missing; run the hotspots stage first", path);
    catalogue *c = malloc(sizeof *c);
    int rc = load_catalogue(cfg, c);
    sm_product_path(path, sizeof path, cfg, SM_PRODUCT_RECOMMENDATIONS);
    sm_outfile csv_file;
    sm_outfile_begin(&csv_file, path);
    GDALDatasetH csv = rc == SM_OK ? GDALCreate(GDALGetDriverByName("CSV"), csv_file.tmp, 0, 0, 0,
                                                GDT_Unknown, NULL)
                                   : NULL;
    sinks s = {NULL, NULL, NULL};
    if (rc == SM_OK && csv)
        rc = create_table(csv, "recommendations", 0, &s.csv);
    if (rc == SM_OK && GDALDatasetStartTransaction(gpkg, FALSE) == OGRERR_NONE) {
        rc = create_table(gpkg, "recommendations", 0, &s.table);
        if (rc == SM_OK)
            rc = create_table(gpkg, "action_plans", 1, &s.plans);
    }
    if (rc == SM_OK && !(s.csv && s.table && s.plans))
        rc = sm_error_set(SM_ECANTCREAT, "%s: cannot create the recommendation tables: %s", path,
                          CPLGetLastErrorMsg());
    if (rc == SM_OK)
        rc = each_hotspot(cfg, c, gpkg, &s, out);
    sm_store_close(&c->store);
    free(c);
    return finish(csv, &csv_file, gpkg, rc);
}
