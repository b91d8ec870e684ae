/* Guideline-value tables: reading, checking, lookup by land use and pH. */
#include "core/error.h"
#include "testutil.h"
#include "guideline/thresholds.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char header[] =
    "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,verified,source,"
    "note\n";

static const char *table(const char *name, const char *rows)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", header, rows);
    return sm_test_write(name, text);
}

static void test_lookup_by_land_use_and_ph(void **state)
{
    (void)state;
    const char *path =
        table("t.csv", "X,cd,cadmium,7440-43-9,agri,1,screening,pH<=5.5,0.3,yes,src,\n"
                       "X,cd,cadmium,7440-43-9,agri,1,screening,5.5<pH<=6.5,0.4,yes,src,\n"
                       "X,cd,cadmium,7440-43-9,agri,1,screening,pH>6.5,0.6,no,src,\"a, note\"\n"
                       "X,cd,cadmium,7440-43-9,agri,2,control,,1.5,yes,src,\n"
                       "X,pb,lead,,residential,1,guideline,,140,yes,src,\n");
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(path, &t), SM_OK);
    assert_int_equal(t.n, 5);
    assert_string_equal(t.rows[2].note, "a, note");
    assert_false(t.rows[2].verified);
    double v[3];
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 5.5, v, 3), 2);
    assert_true(v[0] == 0.3 && v[1] == 1.5 && isnan(v[2])); /* 5.5 is in pH<=5.5 */
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 6.0, v, 3), 2);
    assert_true(v[0] == 0.4);
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", 7.9, v, 3), 2);
    assert_true(v[0] == 0.6);
    assert_int_equal(sm_thresholds_lookup(&t, "pb", "residential", NAN, v, 3), 1);
    assert_true(v[0] == 140);
    assert_int_equal(sm_thresholds_lookup(&t, "zn", "residential", NAN, v, 3), 0);
    /* pH-dependent values need a pH */
    assert_int_equal(sm_thresholds_lookup(&t, "cd", "agri", NAN, v, 3), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "depends on soil pH"));
    sm_thresholds_free(&t);
}

static void expect_error(const char *rows, const char *fragment)
{
    sm_threshold_table t;
    int rc = sm_thresholds_load(table("bad.csv", rows), &t);
    sm_thresholds_free(&t); /* before a failed assertion leaves the function */
    if (rc != SM_EDATA)
        fail_msg("status %d, expected SM_EDATA, for:\n%s", rc, rows);
    if (!strstr(sm_error_message(), fragment))
        fail_msg("'%s' lacks '%s'", sm_error_message(), fragment);
}

static void test_bad_rows_named(void **state)
{
    (void)state;
    expect_error("X,cd,c,,a,1,s,,abc,yes,src,\n", "bad.csv: row 1: value: must be a number");
    expect_error("X,cd,c,,a,1,s,,-2,yes,src,\n", "row 1: value: must be a number >= 0");
    expect_error("X,cd,c,,a,0,s,,1,yes,src,\n", "row 1: tier: must be a whole number");
    expect_error("X,cd,c,,a,1.5,s,,1,yes,src,\n", "row 1: tier: must be a whole number");
    expect_error("X,cd,c,,a,1,s,,1,maybe,src,\n", "row 1: verified: must be yes or no");
    expect_error("X,cd,c,,a,1,s,pH~6,1,yes,src,\n", "row 1: condition: is not a pH band");
    expect_error("X,cd,c,,a,1,s,7<pH<=6,1,yes,src,\n", "row 1: condition: is not a pH band");
    expect_error("X,cd,c,,a,1,s,,1,yes,,\n", "row 1: source: is empty");
    expect_error(
        "X,cd,c,,a,1,s,,1,yes,src,\nX,cd,c,,a,2,s,,3,yes,src,\nX,cd,c,,a,1,s,,2,yes,src,\n",
        "row 3 repeats row 1");
    expect_error("X,cd,c,,a,1,s,pH<=6,1,yes,src,\nX,cd,c,,a,1,s,5<pH,2,yes,src,\n",
                 "row 2 repeats row 1"); /* overlapping bands */
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(sm_test_write("nohead.csv", "a,b\n1,2\n"), &t), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "no column 'regime'"));
    sm_thresholds_free(&t);
}

static void test_ph_bands(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(sm_ph_band_parse("", &lo, &hi), 0);
    assert_true(lo == -HUGE_VAL && hi == HUGE_VAL);
    assert_int_equal(sm_ph_band_parse("pH<=5.5", &lo, &hi), 0);
    assert_true(lo == -HUGE_VAL && hi == 5.5);
    assert_int_equal(sm_ph_band_parse("5.5 < pH <= 6.5", &lo, &hi), 0);
    assert_true(lo == 5.5 && hi == 6.5);
    assert_int_equal(sm_ph_band_parse("pH>7.5", &lo, &hi), 0);
    assert_true(lo == 7.5 && hi == HUGE_VAL);
    assert_int_equal(sm_ph_band_parse("pH>=7.5", &lo, &hi), -1);
    assert_int_equal(sm_ph_band_parse("ph<5", &lo, &hi), -1);
}

static void expect_loads(const char *rows)
{
    sm_threshold_table t;
    if (sm_thresholds_load(table("good.csv", rows), &t) != SM_OK)
        fail_msg("%s", sm_error_message());
    sm_thresholds_free(&t);
}

/* Within a regime, contaminant, land use and overlapping pH band, a higher
 * tier may not have a lower value; the error names the higher tier's row. */
static void test_tiers_out_of_order(void **state)
{
    (void)state;
    expect_error("X,cd,c,,a,1,s,pH<=6,1.0,yes,src,\nX,cd,c,,a,2,s,pH<=6,0.5,yes,src,\n",
                 "bad.csv: row 2: tier 2 value 0.5 is below tier 1 value 1 of row 1: tiers out "
                 "of order");
    /* overlapping, not equal, bands */
    expect_error("X,cd,c,,a,1,s,pH<=6,1.0,yes,src,\nX,cd,c,,a,2,s,5<pH<=7,0.5,yes,src,\n",
                 "row 2: tier 2 value 0.5 is below tier 1 value 1 of row 1: tiers out of order");
    /* any pH (empty condition) overlaps every band */
    expect_error("X,cd,c,,a,1,s,pH>7.5,1.0,yes,src,\nX,cd,c,,a,2,s,,0.5,yes,src,\n",
                 "row 2: tier 2 value 0.5 is below tier 1 value 1 of row 1: tiers out of order");
    /* the higher tier written first: its row is named */
    expect_error("X,cd,c,,a,2,s,,0.5,yes,src,\nX,cd,c,,o,1,s,,9,yes,src,\n"
                 "X,cd,c,,a,1,s,,1.0,yes,src,\n",
                 "bad.csv: row 1: tier 2 value 0.5 is below tier 1 value 1 of row 3: tiers out of "
                 "order");
    /* tier 3 below tier 1, tier 2 absent */
    expect_error("X,pb,c,,a,1,s,,70,yes,src,\nX,pb,c,,a,3,s,,60,yes,src,\n",
                 "row 2: tier 3 value 60 is below tier 1 value 70 of row 1: tiers out of order");
    /* no overlap, another land use, another regime, another contaminant: fine */
    expect_loads("X,cd,c,,a,1,s,pH<=5.5,2.0,yes,src,\nX,cd,c,,a,2,s,pH>5.5,1.0,yes,src,\n"
                 "X,cd,c,,a,1,s,pH>5.5,0.5,yes,src,\n"
                 "X,cd,c,,o,2,s,pH<=5.5,0.1,yes,src,\nY,cd,c,,a,2,s,pH<=5.5,0.1,yes,src,\n"
                 "X,pb,c,,a,2,s,pH<=5.5,0.1,yes,src,\n");
}

/* Any code of letters, digits and _ is a contaminant (co, pfas, cs137), read
 * in lower case as configs name them; a substance name where its code
 * belongs is refused with the code. */
static void test_contaminant_codes(void **state)
{
    (void)state;
    expect_error("X,cadmium,c,,a,1,s,,1,yes,src,\n",
                 "bad.csv: row 1: contaminant: 'cadmium' is a substance name; its code is 'cd'");
    expect_error("X,cd,c,,a,1,s,,1,yes,src,\nX,Cobalt,c,,a,2,s,,2,yes,src,\n",
                 "row 2: contaminant: 'cobalt' is a substance name; its code is 'co'");
    expect_error("X,cs-137,c,,a,1,s,,1,yes,src,\n",
                 "row 1: contaminant: must be a code of letters, digits and _");
    expect_error("X,137cs,c,,a,1,s,,1,yes,src,\n", "row 1: contaminant: must be a code");
    expect_loads(
        "X,pah10,c,,a,1,s,,1,yes,src,\nX,tph_c10_c40,c,,a,1,s,,1,yes,src,\n"
        "X,cr6,c,,a,1,s,,1,yes,src,\nX,co,c,,a,1,s,,1,yes,src,\nX,cs137,c,,a,1,s,,1,yes,src,\n");
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(table("codes.csv", "X,Cd,c,,a,1,s,,1,yes,src,\n"), &t),
                     SM_OK);
    assert_string_equal(t.rows[0].contaminant, "cd");
    sm_thresholds_free(&t);
}

/* The optional unit column: a mass fraction is stored in mg/kg; any other
 * unit stays as written, and a row in another unit than the samples' is
 * named when they are compared. */
static void test_unit_column(void **state)
{
    (void)state;
    const char *head = "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,"
                       "verified,source,note,unit\n";
    char text[1024];
    snprintf(text, sizeof text,
             "%sX,cd,c,,a,1,s,,800,yes,src,,ug/kg\nX,cd,c,,a,2,s,,12,yes,src,,\n"
             "X,dose,c,,a,1,s,,100,yes,src,,nSv/h\nX,zn,c,,a,1,s,,0.5,yes,src,,g/kg\n",
             head);
    sm_threshold_table t;
    if (sm_thresholds_load(sm_test_write("units.csv", text), &t) != SM_OK)
        fail_msg("%s", sm_error_message());
    assert_true(fabs(t.rows[0].value - 0.8) < 1e-12);
    assert_string_equal(t.rows[0].unit, "mg/kg");
    assert_true(t.rows[1].value == 12.0);
    assert_string_equal(t.rows[1].unit, "mg/kg");
    assert_true(t.rows[2].value == 100.0);
    assert_string_equal(t.rows[2].unit, "nSv/h");
    assert_true(t.rows[3].value == 500.0);
    assert_int_equal(sm_thresholds_check_unit(&t, NULL, "cd", "mg/kg"), SM_OK);
    assert_int_equal(sm_thresholds_check_unit(&t, NULL, "dose", "nSv/h"), SM_OK);
    /* a unit soilmap does not convert is matched exactly: M is not m */
    assert_int_equal(sm_thresholds_check_unit(&t, NULL, "dose", "NSv/h"), SM_EDATA);
    assert_int_equal(sm_thresholds_check_unit(&t, "X", "dose", "uSv/h"), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "units.csv: row 3: dose is in nSv/h but the "
                                               "samples are in uSv/h"));
    assert_int_equal(sm_thresholds_check_unit(&t, NULL, "cd", "Bq/kg"), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "row 1: cd is in mg/kg"));
    assert_int_equal(sm_thresholds_check_unit(&t, "Y", "cd", "Bq/kg"), SM_OK); /* no Y rows */
    sm_thresholds_free(&t);
}

/* A value the unit conversion makes impossible is refused, naming it. */
static void test_unit_conversion_refused(void **state)
{
    (void)state;
    static const char head[] = "regime,contaminant,substance,cas,land_use,tier,tier_name,"
                               "condition,value,verified,source,note,unit\n";
    char text[512];
    snprintf(text, sizeof text, "%sX,cd,c,,a,1,s,,1e308,yes,src,,g/kg\n", head);
    sm_threshold_table t;
    int rc = sm_thresholds_load(sm_test_write("overflow.csv", text), &t);
    sm_thresholds_free(&t); /* a failed load leaves what it read to free */
    assert_int_equal(rc, SM_EDATA);
    assert_non_null(strstr(sm_error_message(),
                           "overflow.csv: row 1: value: infinite after conversion to mg/kg "
                           "'1e308 g/kg'"));
    snprintf(text, sizeof text, "%sX,cd,c,,a,1,s,,200,yes,src,,%%\n", head);
    rc = sm_thresholds_load(sm_test_write("percent.csv", text), &t);
    sm_thresholds_free(&t);
    assert_int_equal(rc, SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "row 1: value: more than 1e6 mg/kg"));
}

/* The empty-source case itself is in test_bad_rows_named. */
static void test_missing_source(void **state)
{
    (void)state;
    expect_error("X,cd,c,,a,1,s,,1,yes,src,\nX,cd,c,,a,2,s,,2,yes,\"\",\n",
                 "bad.csv: row 2: source: is empty");
    /* a source of blanks is empty too (read_row once tested the untrimmed
     * text, and field() then stored "") */
    expect_error("X,cd,c,,a,1,s,,1,yes,\"   \",\n", "bad.csv: row 1: source: is empty");
}

/* ---- GB 15618 through sm_guideline_resolve / sm_guideline_values ---- */

/* The tier values of class cls at pH ph: t1 and t2 (NAN: none). */
static void assert_tiers(const sm_guideline *g, int cls, double ph, double t1, double t2)
{
    const double *v = sm_guideline_values(g, cls, ph);
    if (!v)
        fail_msg("class %d at pH %g: no values", cls, ph);
    if (v[0] != t1 || (isnan(t2) ? !isnan(v[1]) : v[1] != t2))
        fail_msg("class %d at pH %g: %g / %g, expected %g / %g", cls, ph, v[0], v[1], t1, t2);
}

/* Project classes: orchard -> [other, orchard], rice -> paddy, forest -> a
 * category GB 15618 does not have. */
static char *gb_orchard[] = {"other", "orchard", NULL}, *gb_rice[] = {"paddy", NULL},
            *gb_forest[] = {"woodland", NULL};
static char **gb_categories[] = {gb_orchard, gb_rice, gb_forest};

static void load_gb15618(sm_threshold_table *t)
{
    if (sm_thresholds_load(sm_test_src("configs/thresholds/china_gb15618.csv"), t) != SM_OK)
        fail_msg("%s", sm_error_message());
}

static void resolve_gb(const sm_threshold_table *t, const char *c, sm_guideline *g)
{
    if (sm_guideline_resolve(t, "CN-GB15618", c, gb_categories, 3, g) != SM_OK)
        fail_msg("%s", sm_error_message());
}

/* Copper: [other, orchard] has no copper under 'other', so 'orchard' applies
 * (china_gb15618.csv lines 82-85: 150 / 150 / 200 / 200, screening only). */
static void test_gb15618_copper_orchard(void **state)
{
    (void)state;
    sm_threshold_table t;
    sm_guideline g;
    load_gb15618(&t);
    resolve_gb(&t, "cu", &g);
    assert_string_equal(g.classes[0].category, "orchard");
    /* copper has no paddy rows: GB 15618 splits it into orchard / other-non-orchard */
    assert_null(g.classes[1].category);
    assert_null(g.classes[2].category);
    assert_int_equal(g.ntiers, 1);
    assert_true(g.needs_ph);
    assert_string_equal(g.tier_names[0], "screening");
    assert_tiers(&g, 0, 5.0, 150, NAN); /* line 82, pH<=5.5 */
    assert_tiers(&g, 0, 6.0, 150, NAN); /* line 83, 5.5<pH<=6.5 */
    assert_tiers(&g, 0, 7.0, 200, NAN); /* line 84, 6.5<pH<=7.5 */
    assert_tiers(&g, 0, 8.0, 200, NAN); /* line 85, pH>7.5 */
    assert_null(sm_guideline_values(&g, 0, NAN));
    assert_null(sm_guideline_values(&g, 1, 6.0));
    assert_null(sm_guideline_values(&g, 2, 6.0));
    assert_null(sm_guideline_values(&g, 3, 6.0)); /* no such class */
    assert_null(sm_guideline_values(&g, -1, 6.0));
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
}

/* Cadmium: the same class gets 'other' (lines 10-17), rice 'paddy' (lines
 * 2-9); screening / control per band, the band edges in the lower band. */
static void test_gb15618_cadmium_ph_bands(void **state)
{
    (void)state;
    sm_threshold_table t;
    sm_guideline g;
    load_gb15618(&t);
    resolve_gb(&t, "cd", &g);
    assert_string_equal(g.classes[0].category, "other");
    assert_string_equal(g.classes[1].category, "paddy");
    assert_null(g.classes[2].category);
    assert_int_equal(g.ntiers, 2);
    assert_true(g.needs_ph);
    assert_false(g.unverified);
    assert_string_equal(g.tier_names[0], "screening");
    assert_string_equal(g.tier_names[1], "control");
    assert_tiers(&g, 0, 5.0, 0.3, 1.5); /* lines 10-11 */
    assert_tiers(&g, 0, 6.0, 0.3, 2.0); /* lines 12-13 */
    assert_tiers(&g, 0, 7.0, 0.3, 3.0); /* lines 14-15 */
    assert_tiers(&g, 0, 8.0, 0.6, 4.0); /* lines 16-17 */
    assert_tiers(&g, 1, 5.0, 0.3, 1.5); /* lines 2-3 */
    assert_tiers(&g, 1, 6.0, 0.4, 2.0); /* lines 4-5 */
    assert_tiers(&g, 1, 7.0, 0.6, 3.0); /* lines 6-7 */
    assert_tiers(&g, 1, 8.0, 0.8, 4.0); /* lines 8-9 */
    /* band edges: lo < pH <= hi */
    assert_tiers(&g, 1, 5.5, 0.3, 1.5); /* in pH<=5.5, not 0.4 / 2.0 */
    assert_tiers(&g, 1, 6.5, 0.4, 2.0); /* in 5.5<pH<=6.5, not 0.6 / 3.0 */
    assert_tiers(&g, 1, 7.5, 0.6, 3.0); /* in 6.5<pH<=7.5, not 0.8 / 4.0 */
    assert_tiers(&g, 0, 5.5, 0.3, 1.5);
    assert_tiers(&g, 0, 6.5, 0.3, 2.0);
    assert_tiers(&g, 0, 7.5, 0.3, 3.0);
    assert_tiers(&g, 1, 5.5000001, 0.4, 2.0);
    assert_tiers(&g, 0, 7.5000001, 0.6, 4.0);
    /* banded values need a pH */
    assert_null(sm_guideline_values(&g, 0, NAN));
    assert_null(sm_guideline_values(&g, 1, NAN));
    assert_null(sm_guideline_values(&g, 2, 6.0));
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
}

/* sm_guideline_values agrees with sm_thresholds_lookup on every category of
 * every metal, over pH 3 to 10 in steps of 0.25 (band edges included). */
static void test_gb15618_resolve_matches_lookup(void **state)
{
    (void)state;
    static const char *const metals[] = {"cd", "hg", "as", "pb", "cr", "ni", "zn", NULL};
    sm_threshold_table t;
    load_gb15618(&t);
    char *paddy[] = {"paddy", NULL}, *other[] = {"other", NULL};
    char **cats[] = {paddy, other};
    for (int m = 0; metals[m]; m++) {
        sm_guideline g;
        if (sm_guideline_resolve(&t, NULL, metals[m], cats, 2, &g) != SM_OK)
            fail_msg("%s", sm_error_message());
        for (double ph = 3.0; ph <= 10.0; ph += 0.25)
            for (int c = 0; c < 2; c++) {
                double want[SM_MAX_TIERS];
                int top = sm_thresholds_lookup(&t, metals[m], cats[c][0], ph, want, SM_MAX_TIERS);
                const double *v = sm_guideline_values(&g, c, ph);
                assert_true(top > 0 && v);
                for (int k = 0; k < SM_MAX_TIERS; k++)
                    if (!(v[k] == want[k] || (isnan(v[k]) && isnan(want[k]))))
                        fail_msg("%s on %s at pH %g tier %d: %g, lookup %g", metals[m], cats[c][0],
                                 ph, k + 1, v[k], want[k]);
            }
        sm_guideline_free(&g);
    }
    sm_thresholds_free(&t);
}

/* Values for any pH (benzo[a]pyrene, lines 110-111: 0.55) need no pH; a
 * contaminant the table lacks is an error. */
static void test_gb15618_any_ph_and_missing(void **state)
{
    (void)state;
    sm_threshold_table t;
    sm_guideline g;
    load_gb15618(&t);
    resolve_gb(&t, "bap", &g);
    assert_false(g.needs_ph);
    assert_int_equal(g.ntiers, 1);
    assert_tiers(&g, 0, NAN, 0.55, NAN); /* line 111, other */
    assert_tiers(&g, 1, NAN, 0.55, NAN); /* line 110, paddy */
    assert_tiers(&g, 1, 4.0, 0.55, NAN);
    sm_guideline_free(&g);
    assert_int_equal(sm_guideline_resolve(&t, "CN-GB15618", "pfos", gb_categories, 3, &g),
                     SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "china_gb15618.csv has no CN-GB15618 value for "
                                               "'pfos'"));
    sm_guideline_free(&g);
    /* another regime's code matches nothing */
    assert_int_equal(sm_guideline_resolve(&t, "NL", "cd", gb_categories, 3, &g), SM_EDATA);
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
}

/* An override replaces the value of every pH band of one tier. */
static void test_gb15618_override(void **state)
{
    (void)state;
    sm_threshold_table t;
    sm_guideline g;
    load_gb15618(&t);
    double old = NAN;
    /* cd on other, screening: lines 10, 12, 14, 16; the last is 0.6 */
    assert_int_equal(sm_thresholds_override(&t, "CN-GB15618", "cd", "other", 1, 0.25, &old), 4);
    assert_true(old == 0.6);
    resolve_gb(&t, "cd", &g);
    assert_tiers(&g, 0, 5.0, 0.25, 1.5);
    assert_tiers(&g, 0, 8.0, 0.25, 4.0); /* control unchanged */
    assert_tiers(&g, 1, 6.0, 0.4, 2.0);  /* paddy unchanged */
    sm_guideline_free(&g);
    /* any regime (NULL); then nothing to override */
    assert_int_equal(sm_thresholds_override(&t, NULL, "cd", "paddy", 2, 5.0, &old), 4);
    assert_true(old == 4.0); /* line 9 */
    resolve_gb(&t, "cd", &g);
    assert_tiers(&g, 1, 6.0, 0.4, 5.0);
    sm_guideline_free(&g);
    old = -1;
    assert_int_equal(sm_thresholds_override(&t, "NL", "cd", "other", 1, 1, &old), 0);
    assert_int_equal(sm_thresholds_override(&t, NULL, "cu", "orchard", 2, 1, &old), 0);
    assert_int_equal(sm_thresholds_override(&t, NULL, "cd", "orchard", 1, 1, &old), 0);
    assert_true(old == -1);
    sm_thresholds_free(&t);
}

/* A table may give one tier per pH band and another for any pH (README:
 * "empty = any pH"), as the table of test_lookup_by_land_use_and_ph does.
 * sm_thresholds_lookup merges them; the resolved guideline must too: every
 * band has the any-pH tier, and an unknown pH gives NULL, as lookup's
 * SM_EDATA. (Before fold_any_ph, sm_guideline_values returned the first band
 * that matched: at pH 6.0 {0.4, NAN}, so the classify stage never reached
 * class 2, and at an unknown pH {NAN, 1.5}.) */
static void test_guideline_merges_any_ph_rows(void **state)
{
    (void)state;
    const char *path =
        table("mixed.csv", "X,cd,cadmium,,agri,1,screening,pH<=5.5,0.3,yes,src,\n"
                           "X,cd,cadmium,,agri,1,screening,5.5<pH<=6.5,0.4,yes,src,\n"
                           "X,cd,cadmium,,agri,1,screening,pH>6.5,0.6,yes,src,\n"
                           "X,cd,cadmium,,agri,2,control,,1.5,yes,src,\n");
    sm_threshold_table t;
    assert_int_equal(sm_thresholds_load(path, &t), SM_OK);
    char *agri[] = {"agri", NULL};
    char **cats[] = {agri};
    sm_guideline g;
    assert_int_equal(sm_guideline_resolve(&t, NULL, "cd", cats, 1, &g), SM_OK);
    /* copied out first, so that a failure leaks nothing under ASan */
    static const double ph[3] = {5.0, 6.0, 7.0}, screening[3] = {0.3, 0.4, 0.6};
    double got[3][2];
    for (int i = 0; i < 3; i++) {
        const double *v = sm_guideline_values(&g, 0, ph[i]);
        got[i][0] = v ? v[0] : -1, got[i][1] = v ? v[1] : -1;
    }
    int ntiers = g.ntiers, none_without_ph = !sm_guideline_values(&g, 0, NAN);
    sm_guideline_free(&g);
    sm_thresholds_free(&t);
    assert_int_equal(ntiers, 2);
    for (int i = 0; i < 3; i++)
        if (got[i][0] != screening[i] || got[i][1] != 1.5)
            fail_msg("pH %g: %g / %g, expected %g / 1.5 (as sm_thresholds_lookup)", ph[i],
                     got[i][0], got[i][1], screening[i]);
    assert_true(none_without_ph);
}

/* Every table shipped in configs/thresholds/ reads without error. */
static void test_shipped_tables_load(void **state)
{
    (void)state;
    DIR *d = opendir(sm_test_src("configs/thresholds"));
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".csv"))
            continue;
        char rel[512];
        snprintf(rel, sizeof rel, "configs/thresholds/%s", e->d_name);
        sm_threshold_table t;
        if (sm_thresholds_load(sm_test_src(rel), &t) != SM_OK)
            fail_msg("%s", sm_error_message());
        assert_true(t.n > 0);
        sm_thresholds_free(&t);
        files++;
    }
    closedir(d);
    assert_true(files >= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_by_land_use_and_ph),
        cmocka_unit_test(test_bad_rows_named),
        cmocka_unit_test(test_ph_bands),
        cmocka_unit_test(test_shipped_tables_load),
        cmocka_unit_test(test_tiers_out_of_order),
        cmocka_unit_test(test_contaminant_codes),
        cmocka_unit_test(test_unit_column),
        cmocka_unit_test(test_unit_conversion_refused),
        cmocka_unit_test(test_missing_source),
        cmocka_unit_test(test_gb15618_copper_orchard),
        cmocka_unit_test(test_gb15618_cadmium_ph_bands),
        cmocka_unit_test(test_gb15618_resolve_matches_lookup),
        cmocka_unit_test(test_gb15618_any_ph_and_missing),
        cmocka_unit_test(test_gb15618_override),
        cmocka_unit_test(test_guideline_merges_any_ph_rows),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
