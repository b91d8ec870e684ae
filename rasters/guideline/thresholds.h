/* Guideline-value tables (the CSV files in configs/thresholds/): one row per regime,
 * contaminant, land-use category, tier and optional soil-pH band, with the
 * value in mg/kg dry weight and its source. configs/thresholds/README.md
 * documents the columns. */
#ifndef SM_THRESHOLDS_H
#define SM_THRESHOLDS_H

typedef struct {
    char *regime, *contaminant, *substance, *land_use, *tier_name, *condition, *source, *note;
    int tier;     /* 1 = the lowest level (target, screening ...), then upward */
    double value; /* mg/kg dry weight; in `unit` when that is not a mass fraction */
    char *unit;   /* the optional unit column: "mg/kg" when absent or a mass fraction */
    int verified;
    double ph_lo, ph_hi; /* the row applies for ph_lo < pH <= ph_hi (+-HUGE_VAL: open) */
    long row;            /* data row in the file, 1 = first after the header */
} sm_threshold;

typedef struct {
    char *path;
    sm_threshold *rows;
    int n;
} sm_threshold_table;

/* Reads and checks a table; an error names the file, row and column. */
int sm_thresholds_load(const char *path, sm_threshold_table *t);
/* SM_EDATA, naming the row, when a row of contaminant (and regime, NULL:
 * any) is in another unit than the values it is compared with. */
int sm_thresholds_check_unit(const sm_threshold_table *t, const char *regime,
                             const char *contaminant, const char *unit);
/* The loader's tier-order check again (after overrides). */
int sm_thresholds_check_order(const sm_threshold_table *t);
void sm_thresholds_free(sm_threshold_table *t);

/* The values of every tier for a contaminant and land-use category at soil
 * pH `ph` (NAN when not known): values[tier - 1], NAN for a tier the table
 * lacks. Returns the highest tier found (0: the table has nothing for them),
 * or SM_EDATA when the values depend on pH and ph is NAN. */
int sm_thresholds_lookup(const sm_threshold_table *t, const char *contaminant, const char *land_use,
                         double ph, double *values, int max_tiers);

/* Parses a condition such as "pH<=5.5", "5.5<pH<=6.5" or "pH>7.5" (empty:
 * any pH) into the band lo < pH <= hi; 0 on success. */
int sm_ph_band_parse(const char *text, double *lo, double *hi);

/* Replaces the value of every row (any pH band) for regime (NULL: any),
 * contaminant, land-use category and tier; returns how many changed, with
 * the last old value in *old. */
int sm_thresholds_override(sm_threshold_table *t, const char *regime, const char *contaminant,
                           const char *land_use, int tier, double value, double *old);

/* The values of one contaminant on each of the project's land-use classes,
 * resolved once so that a cell's lookup is a few comparisons. A class maps
 * onto a list of regime categories; the first the table has for the
 * contaminant applies (GB 15618 splits copper by orchard, the other metals
 * by paddy). */
enum { SM_MAX_TIERS = 9 };

typedef struct {
    double ph_lo, ph_hi;    /* -+HUGE_VAL: any pH */
    double v[SM_MAX_TIERS]; /* per tier, NAN where the table has none */
} sm_tier_band;

typedef struct {
    const char *category; /* NULL: no value applies to the class */
    sm_tier_band *bands;
    int n_bands;
} sm_class_values;

typedef struct {
    int ntiers; /* the highest tier of any class */
    const char *tier_names[SM_MAX_TIERS];
    int needs_ph, unverified;
    sm_class_values *classes;
    int n_classes;
} sm_guideline;

/* The values for each project class (categories[c]: the regime categories
 * class c maps onto, NULL-terminated; the first the table has applies; a
 * class with none has category NULL). SM_EDATA when the table has no value
 * for the contaminant at all. */
int sm_guideline_resolve(const sm_threshold_table *t, const char *regime, const char *contaminant,
                         char **const *categories, int n_classes, sm_guideline *g);
/* The tier values for class cls at soil pH ph, or NULL when none applies. */
const double *sm_guideline_values(const sm_guideline *g, int cls, double ph);
void sm_guideline_free(sm_guideline *g);

#endif
