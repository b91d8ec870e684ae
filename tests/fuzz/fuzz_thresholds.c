/* libFuzzer target: a guideline-value table (configs/thresholds/ *.csv) as
 * sm_thresholds_load reads it, then looked up as classify and screen do. A
 * loaded table must hold what the loader checks; a refused one leaves one
 * one-line error. */
#include "fuzzutil.h"
#include "core/error.h"
#include "guideline/thresholds.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sm_fuzz_init("thresholds");
    return 0;
}

static void check_row(const sm_threshold_table *t, const sm_threshold *r)
{
    SM_FUZZ_ASSERT(r->regime && r->contaminant && r->land_use && r->unit);
    SM_FUZZ_ASSERT(r->tier >= 1 && r->tier <= SM_MAX_TIERS);
    SM_FUZZ_ASSERT(isfinite(r->value) && r->value >= 0);
    SM_FUZZ_ASSERT(r->ph_lo < r->ph_hi);
    double v[SM_MAX_TIERS];
    const double ph[] = {NAN, 3.0, 5.5, 6.0, 7.5, 9.0};
    for (unsigned i = 0; i < sizeof ph / sizeof ph[0]; i++) {
        sm_error_clear();
        int top = sm_thresholds_lookup(t, r->contaminant, r->land_use, ph[i], v, SM_MAX_TIERS);
        if (top < 0)
            sm_fuzz_check_error(top);
        else
            SM_FUZZ_ASSERT(top <= SM_MAX_TIERS);
    }
    sm_error_clear();
    int rc = sm_thresholds_check_unit(t, r->regime, r->contaminant, "mg/kg");
    if (rc)
        sm_fuzz_check_error(rc);
}

/* The table's first land uses as the project's classes, one category each. */
static void resolve(const sm_threshold_table *t, const sm_threshold *r)
{
    enum { MAXC = 4 };
    char *lists[MAXC][2];
    char **categories[MAXC];
    int n = 0;
    for (int i = 0; i < t->n && n < MAXC; i++) {
        lists[n][0] = t->rows[i].land_use, lists[n][1] = NULL;
        categories[n] = lists[n];
        n++;
    }
    sm_guideline g;
    sm_error_clear();
    int rc = sm_guideline_resolve(t, r->regime, r->contaminant, categories, n, &g);
    SM_FUZZ_ASSERT(rc == SM_OK); /* r itself is a row for them */
    SM_FUZZ_ASSERT(g.ntiers >= 1 && g.ntiers <= SM_MAX_TIERS);
    for (int c = -1; c <= n; c++)
        for (double ph = 2.0; ph <= 10.0; ph += 0.5)
            (void)sm_guideline_values(&g, c, ph);
    sm_guideline_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = sm_fuzz_write("table.csv", data, size);
    sm_threshold_table t;
    sm_error_clear();
    int rc = sm_thresholds_load(path, &t);
    if (rc) {
        sm_fuzz_check_error(rc);
        sm_thresholds_free(&t);
        return 0;
    }
    for (int i = 0; i < t.n; i++)
        check_row(&t, &t.rows[i]);
    SM_FUZZ_ASSERT(sm_thresholds_check_order(&t) == SM_OK);
    if (t.n > 0)
        resolve(&t, &t.rows[0]);
    sm_thresholds_free(&t);
    return 0;
}
