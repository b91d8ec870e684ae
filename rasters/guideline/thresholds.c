#include "guideline/thresholds.h"
#include "core/error.h"
#include "core/log.h"
#include "core/units.h"

#include <ctype.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const columns[] = {"regime", "contaminant", "substance", "cas",   "land_use",
                                      "tier",   "tier_name",   "condition", "value", "verified",
                                      "source", "note",        "unit",      NULL};
enum {
    C_REGIME,
    C_CONTAMINANT,
    C_SUBSTANCE,
    C_CAS,
    C_LAND_USE,
    C_TIER,
    C_TIER_NAME,
    C_CONDITION,
    C_VALUE,
    C_VERIFIED,
    C_SOURCE,
    C_NOTE,
    C_UNIT, /* optional: mg/kg when the table has no such column */
    C_COUNT
};

/* Substance names and the codes configs/thresholds/README.md gives them: a table
 * that writes "cadmium" for "cd" would silently never match. Any other code
 * (co, mo, pfas, cs137) is the user's own. */
static const char *const substance_codes[][2] = {
    {"arsenic", "as"},         {"cadmium", "cd"},         {"chromium", "cr"}, {"copper", "cu"},
    {"mercury", "hg"},         {"nickel", "ni"},          {"lead", "pb"},     {"zinc", "zn"},
    {"benzo[a]pyrene", "bap"}, {"benzo(a)pyrene", "bap"}, {"cobalt", "co"},   {"molybdenum", "mo"},
    {"antimony", "sb"},        {"selenium", "se"},        {"thallium", "tl"}, {"vanadium", "v"},
    {"barium", "ba"},          {"beryllium", "be"},       {"tin", "sn"},      {"silver", "ag"},
    {"uranium", "u"},          {"fluorine", "f"},         {"fluoride", "f"}};

static int parse_number(const char *s, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    *out = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
}

int sm_ph_band_parse(const char *text, double *lo, double *hi)
{
    *lo = -HUGE_VAL, *hi = HUGE_VAL;
    char buf[64];
    int n = 0;
    for (const char *p = text; *p && n < 63; p++) /* drop blanks */
        if (!isspace((unsigned char)*p))
            buf[n++] = *p;
    buf[n] = '\0';
    if (!n)
        return 0;
    char *ph = strstr(buf, "pH");
    if (!ph)
        return -1;
    if (ph != buf) { /* "a<pH..." */
        if (ph[-1] != '<')
            return -1;
        ph[-1] = '\0';
        if (parse_number(buf, lo) != 0)
            return -1;
    }
    const char *rest = ph + 2;
    if (!*rest)
        return *lo > -HUGE_VAL ? 0 : -1;
    if (!strncmp(rest, "<=", 2))
        return parse_number(rest + 2, hi);
    if (rest[0] == '>' && ph == buf && rest[1] != '=')
        return parse_number(rest + 1, lo);
    return -1;
}

static char *field(OGRFeatureH f, const int *idx, int c)
{
    const char *s = OGR_F_GetFieldAsString(f, idx[c]);
    while (isspace((unsigned char)*s))
        s++;
    return strdup(s);
}

static int bad(const sm_threshold_table *t, long row, int c, const char *what, const char *value)
{
    if (!*value)
        return sm_error_set(SM_EDATA, "%s: row %ld: %s: %s", t->path, row, columns[c], what);
    return sm_error_set(SM_EDATA, "%s: row %ld: %s: %s '%s'", t->path, row, columns[c], what,
                        value);
}

/* Codes are matched with the config's contaminant names, which are lower-case
 * words; "Co" in a table means co. */
static int check_code(const sm_threshold_table *t, sm_threshold *r)
{
    for (char *p = r->contaminant; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (unsigned i = 0; i < sizeof substance_codes / sizeof substance_codes[0]; i++)
        if (!strcmp(r->contaminant, substance_codes[i][0]))
            return sm_error_set(SM_EDATA,
                                "%s: row %ld: contaminant: '%s' is a substance name; "
                                "its code is '%s' (configs/thresholds/README.md)",
                                t->path, r->row, r->contaminant, substance_codes[i][1]);
    int ok = isalpha((unsigned char)r->contaminant[0]);
    for (const char *p = r->contaminant; *p && ok; p++)
        ok = isalnum((unsigned char)*p) || *p == '_';
    if (!ok)
        return bad(t, r->row, C_CONTAMINANT,
                   "must be a code of letters, digits and _ as samples.contaminants names it, got",
                   r->contaminant);
    return SM_OK;
}

/* A mass fraction is stored in mg/kg, so that tables in ug/kg compare with
 * samples in mg/kg; another unit stays as written, to be matched exactly.
 * A value the conversion makes impossible (1e308 g/kg) is refused. */
static int read_unit(sm_threshold_table *t, OGRFeatureH f, const int *idx, sm_threshold *r)
{
    r->unit = idx[C_UNIT] >= 0 ? field(f, idx, C_UNIT) : strdup("");
    double factor;
    if (*r->unit && sm_unit_to_mgkg(r->unit, &factor) != 0)
        return SM_OK;
    const char *why = sm_unit_convert(r->value, *r->unit ? factor : 1.0, &r->value);
    if (why) {
        char text[64];
        snprintf(text, sizeof text, "%s %s", OGR_F_GetFieldAsString(f, idx[C_VALUE]), r->unit);
        return bad(t, r->row, C_VALUE, why, text);
    }
    free(r->unit);
    r->unit = strdup("mg/kg");
    return SM_OK;
}

static int read_row(sm_threshold_table *t, OGRFeatureH f, const int *idx, sm_threshold *r)
{
    static const int required[] = {C_REGIME, C_CONTAMINANT, C_LAND_USE, C_TIER,
                                   C_VALUE,  C_VERIFIED,    C_SOURCE};
    r->row = (long)OGR_F_GetFID(f);
    for (unsigned i = 0; i < sizeof required / sizeof required[0]; i++) {
        const char *s = OGR_F_GetFieldAsString(f, idx[required[i]]);
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            return bad(t, r->row, required[i], "is empty", "");
    }
    r->regime = field(f, idx, C_REGIME), r->contaminant = field(f, idx, C_CONTAMINANT);
    r->substance = field(f, idx, C_SUBSTANCE), r->land_use = field(f, idx, C_LAND_USE);
    r->tier_name = field(f, idx, C_TIER_NAME), r->condition = field(f, idx, C_CONDITION);
    r->source = field(f, idx, C_SOURCE), r->note = field(f, idx, C_NOTE);
    const char *tier = OGR_F_GetFieldAsString(f, idx[C_TIER]);
    double v;
    if (parse_number(tier, &v) != 0 || v < 1 || v > 9 || v != floor(v))
        return bad(t, r->row, C_TIER, "must be a whole number from 1 to 9, got", tier);
    r->tier = (int)v;
    const char *value = OGR_F_GetFieldAsString(f, idx[C_VALUE]);
    if (parse_number(value, &r->value) != 0 || r->value < 0)
        return bad(t, r->row, C_VALUE, "must be a number >= 0, got", value);
    const char *verified = OGR_F_GetFieldAsString(f, idx[C_VERIFIED]);
    if (strcasecmp(verified, "yes") && strcasecmp(verified, "no"))
        return bad(t, r->row, C_VERIFIED, "must be yes or no, got", verified);
    r->verified = !strcasecmp(verified, "yes");
    if (check_code(t, r) != SM_OK)
        return SM_EDATA;
    if (read_unit(t, f, idx, r) != SM_OK)
        return SM_EDATA;
    if (sm_ph_band_parse(r->condition, &r->ph_lo, &r->ph_hi) != 0 || r->ph_lo >= r->ph_hi)
        return bad(t, r->row, C_CONDITION, "is not a pH band like \"5.5<pH<=6.5\", got",
                   r->condition);
    return SM_OK;
}

static int same_key(const sm_threshold *a, const sm_threshold *b)
{
    return !strcmp(a->regime, b->regime) && !strcmp(a->contaminant, b->contaminant) &&
           !strcasecmp(a->land_use, b->land_use) && a->tier == b->tier && a->ph_lo < b->ph_hi &&
           b->ph_lo < a->ph_hi; /* overlapping pH bands */
}

/* Within a regime, contaminant, land use and pH band, a higher tier may not
 * have a lower value: class k means "above tier k" only if they increase. */
static int check_order(const sm_threshold_table *t, const sm_threshold *a, const sm_threshold *b)
{
    if (strcmp(a->regime, b->regime) || strcmp(a->contaminant, b->contaminant) ||
        strcasecmp(a->land_use, b->land_use) || !(a->ph_lo < b->ph_hi && b->ph_lo < a->ph_hi) ||
        a->tier == b->tier)
        return SM_OK;
    const sm_threshold *lo = a->tier < b->tier ? a : b, *hi = a->tier < b->tier ? b : a;
    if (lo->value <= hi->value)
        return SM_OK;
    return sm_error_set(SM_EDATA,
                        "%s: row %ld: tier %d value %g is below tier %d value %g of "
                        "row %ld: tiers out of order",
                        t->path, hi->row, hi->tier, hi->value, lo->tier, lo->value, lo->row);
}

int sm_thresholds_check_unit(const sm_threshold_table *t, const char *regime,
                             const char *contaminant, const char *unit)
{
    for (int i = 0; i < t->n; i++) {
        const sm_threshold *r = &t->rows[i];
        /* exact: mSv/h is not MSv/h (mass fractions are all mg/kg by now) */
        if ((regime && strcmp(r->regime, regime)) || strcmp(r->contaminant, contaminant) ||
            !strcmp(r->unit, unit))
            continue;
        return sm_error_set(SM_EDATA,
                            "%s: row %ld: %s is in %s but the samples are in %s; give the "
                            "table a unit column in the samples' unit, or the samples a unit "
                            "soilmap converts (%s)",
                            t->path, r->row, contaminant, r->unit, unit, sm_unit_names());
    }
    return SM_OK;
}

int sm_thresholds_check_order(const sm_threshold_table *t)
{
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < i; j++)
            if (check_order(t, &t->rows[j], &t->rows[i]) != SM_OK)
                return SM_EDATA;
    return SM_OK;
}

static int read_rows(sm_threshold_table *t, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int idx[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        if ((idx[c] = OGR_FD_GetFieldIndex(defn, columns[c])) < 0 && c != C_UNIT)
            return sm_error_set(SM_EDATA, "%s: no column '%s' (see configs/thresholds/README.md)",
                                t->path, columns[c]);
    long total = (long)OGR_L_GetFeatureCount(layer, TRUE);
    t->rows = calloc((size_t)(total > 0 ? total : 1), sizeof *t->rows);
    OGRFeatureH f;
    int rc = SM_OK;
    OGR_L_ResetReading(layer);
    while (rc == SM_OK && t->n < total && (f = OGR_L_GetNextFeature(layer))) {
        sm_threshold *r = &t->rows[t->n++];
        rc = read_row(t, f, idx, r);
        for (int i = 0; rc == SM_OK && i < t->n - 1; i++)
            if (same_key(&t->rows[i], r))
                rc = sm_error_set(SM_EDATA,
                                  "%s: row %ld repeats row %ld (same regime, "
                                  "contaminant, land use, tier and pH band)",
                                  t->path, r->row, t->rows[i].row);
            else
                rc = check_order(t, &t->rows[i], r);
        OGR_F_Destroy(f);
    }
    return rc;
}

int sm_thresholds_load(const char *path, sm_threshold_table *t)
{
    memset(t, 0, sizeof *t);
    t->path = strdup(path);
    struct stat st;
    if (stat(path, &st) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open threshold table: %m", path);
    /* every column as text: the checks above give the row-level messages */
    const char *const open_options[] = {"AUTODETECT_TYPE=NO", NULL};
    const char *const drivers[] = {"CSV", NULL};
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, open_options, NULL);
    if (!ds)
        return sm_error_set(SM_EDATA, "%s: not a CSV table GDAL can read", path);
    int rc = read_rows(t, GDALDatasetGetLayer(ds, 0));
    GDALClose(ds);
    return rc;
}

void sm_thresholds_free(sm_threshold_table *t)
{
    for (int i = 0; i < t->n; i++) {
        sm_threshold *r = &t->rows[i];
        free(r->regime), free(r->contaminant), free(r->substance), free(r->land_use);
        free(r->tier_name), free(r->condition), free(r->source), free(r->note), free(r->unit);
    }
    free(t->rows);
    free(t->path);
    memset(t, 0, sizeof *t);
}

int sm_thresholds_lookup(const sm_threshold_table *t, const char *contaminant, const char *land_use,
                         double ph, double *values, int max_tiers)
{
    int top = 0;
    for (int i = 0; i < max_tiers; i++)
        values[i] = NAN;
    for (int i = 0; i < t->n; i++) {
        const sm_threshold *r = &t->rows[i];
        if (strcmp(r->contaminant, contaminant) || strcasecmp(r->land_use, land_use) ||
            r->tier > max_tiers)
            continue;
        int banded = r->ph_lo > -HUGE_VAL || r->ph_hi < HUGE_VAL;
        if (banded && isnan(ph))
            return sm_error_set(SM_EDATA,
                                "%s: %s on %s depends on soil pH, which is not known "
                                "here",
                                t->path, contaminant, land_use);
        if (banded && !(ph > r->ph_lo && ph <= r->ph_hi))
            continue;
        values[r->tier - 1] = r->value;
        if (r->tier > top)
            top = r->tier;
    }
    return top;
}

int sm_thresholds_override(sm_threshold_table *t, const char *regime, const char *contaminant,
                           const char *land_use, int tier, double value, double *old)
{
    int n = 0;
    for (int i = 0; i < t->n; i++) {
        sm_threshold *r = &t->rows[i];
        if ((regime && strcmp(r->regime, regime)) || strcmp(r->contaminant, contaminant) ||
            strcasecmp(r->land_use, land_use) || r->tier != tier)
            continue;
        *old = r->value;
        r->value = value;
        n++;
    }
    return n;
}

/* ---- the values per project land-use class, for per-cell lookups ---- */

static int has_rows(const sm_threshold_table *t, const char *regime, const char *contaminant,
                    const char *land_use)
{
    for (int i = 0; i < t->n; i++) {
        const sm_threshold *r = &t->rows[i];
        if ((!regime || !strcmp(r->regime, regime)) && !strcmp(r->contaminant, contaminant) &&
            (!land_use || !strcasecmp(r->land_use, land_use)))
            return 1;
    }
    return 0;
}

static sm_tier_band *band_for(sm_class_values *cv, const sm_threshold *r)
{
    for (int b = 0; b < cv->n_bands; b++)
        if (cv->bands[b].ph_lo == r->ph_lo && cv->bands[b].ph_hi == r->ph_hi)
            return &cv->bands[b];
    cv->bands = realloc(cv->bands, (size_t)(cv->n_bands + 1) * sizeof *cv->bands);
    sm_tier_band *band = &cv->bands[cv->n_bands++];
    band->ph_lo = r->ph_lo, band->ph_hi = r->ph_hi;
    for (int k = 0; k < SM_MAX_TIERS; k++)
        band->v[k] = NAN;
    return band;
}

static void resolve_class(const sm_threshold_table *t, const char *regime, const char *contaminant,
                          char *const *categories, sm_class_values *cv, sm_guideline *g)
{
    for (; *categories && !cv->category; categories++)
        if (has_rows(t, regime, contaminant, *categories))
            cv->category = *categories;
    for (int i = 0; cv->category && i < t->n; i++) {
        const sm_threshold *r = &t->rows[i];
        if ((regime && strcmp(r->regime, regime)) || strcmp(r->contaminant, contaminant) ||
            strcasecmp(r->land_use, cv->category))
            continue;
        band_for(cv, r)->v[r->tier - 1] = r->value;
        if (r->tier > g->ntiers)
            g->ntiers = r->tier;
        if (!g->tier_names[r->tier - 1])
            g->tier_names[r->tier - 1] = r->tier_name;
        g->needs_ph |= r->ph_lo > -HUGE_VAL || r->ph_hi < HUGE_VAL;
        g->unverified |= !r->verified;
    }
}

/* A value for any pH (GB 15618's control values, say) holds in every pH
 * band the class has; once folded in, the any-pH entry is only kept when
 * there are no bands, so a lookup finds one complete set of tiers. */
static void fold_any_ph(sm_class_values *cv)
{
    int any = -1;
    for (int b = 0; b < cv->n_bands; b++)
        if (cv->bands[b].ph_lo == -HUGE_VAL && cv->bands[b].ph_hi == HUGE_VAL)
            any = b;
    if (any < 0 || cv->n_bands == 1)
        return;
    for (int b = 0; b < cv->n_bands; b++)
        for (int k = 0; k < SM_MAX_TIERS && b != any; k++)
            if (isnan(cv->bands[b].v[k]))
                cv->bands[b].v[k] = cv->bands[any].v[k];
    cv->bands[any] = cv->bands[--cv->n_bands];
}

int sm_guideline_resolve(const sm_threshold_table *t, const char *regime, const char *contaminant,
                         char **const *categories, int n_classes, sm_guideline *g)
{
    memset(g, 0, sizeof *g);
    if (!has_rows(t, regime, contaminant, NULL))
        return sm_error_set(SM_EDATA, "%s has no %s%svalue for '%s'", t->path, regime ? regime : "",
                            regime ? " " : "", contaminant);
    g->n_classes = n_classes;
    g->classes = calloc((size_t)n_classes, sizeof *g->classes);
    for (int c = 0; c < n_classes; c++) {
        resolve_class(t, regime, contaminant, categories[c], &g->classes[c], g);
        fold_any_ph(&g->classes[c]);
    }
    return SM_OK;
}

const double *sm_guideline_values(const sm_guideline *g, int cls, double ph)
{
    if (cls < 0 || cls >= g->n_classes)
        return NULL;
    const sm_class_values *cv = &g->classes[cls];
    for (int b = 0; b < cv->n_bands; b++) {
        const sm_tier_band *band = &cv->bands[b];
        int any = band->ph_lo == -HUGE_VAL && band->ph_hi == HUGE_VAL;
        if (any || (ph > band->ph_lo && ph <= band->ph_hi))
            return band->v;
    }
    return NULL;
}

void sm_guideline_free(sm_guideline *g)
{
    for (int c = 0; c < g->n_classes; c++)
        free(g->classes[c].bands);
    free(g->classes);
    memset(g, 0, sizeof *g);
}
