/* Guideline-value tables (the CSV files in configs/thresholds/): one row per regime,
 * contaminant, land-use category, tier and optional soil-pH band, with the
 * value in mg/kg dry weight and its source. configs/thresholds/README.md
 * documents the columns. */
#ifndef SM_THRESHOLDS_H
#define SM_THRESHOLDS_H

typedef struct {
    char *regime, *contaminant, *substance, *land_use, *tier_name, *condition, *source, *note;
    int tier;       /* 1 = the lowest level (target, screening ...), then upward */
    double value;   /* mg/kg dry weight */
    int verified;
    double ph_lo, ph_hi; /* the row applies for ph_lo < pH <= ph_hi (+-HUGE_VAL: open) */
    long row;       /* data row in the file, 1 = first after the header */
} sm_threshold;

typedef struct {
    char *path;
    sm_threshold *rows;
    int n;
} sm_threshold_table;

/* Reads and checks a table; an error names the file, row and column. */
int sm_thresholds_load(const char *path, sm_threshold_table *t);
void sm_thresholds_free(sm_threshold_table *t);

/* The values of every tier for a contaminant and land-use category at soil
 * pH `ph` (NAN when not known): values[tier - 1], NAN for a tier the table
 * lacks. Returns the highest tier found (0: the table has nothing for them),
 * or SM_EDATA when the values depend on pH and ph is NAN. */
int sm_thresholds_lookup(const sm_threshold_table *t, const char *contaminant,
                         const char *land_use, double ph, double *values, int max_tiers);

/* Parses a condition such as "pH<=5.5", "5.5<pH<=6.5" or "pH>7.5" (empty:
 * any pH) into the band lo < pH <= hi; 0 on success. */
int sm_ph_band_parse(const char *text, double *lo, double *hi);

#endif
