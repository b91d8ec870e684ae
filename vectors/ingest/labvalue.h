/* One laboratory result as it appears in a spreadsheet cell: "12.5",
 * "<0.5", "< 0.5", "<LOD", "n.d.", "bdl", "" ... turned into a number, a
 * censored result with its detection limit, a missing value, or a reason why
 * the cell is unusable. */
#ifndef SM_LABVALUE_H
#define SM_LABVALUE_H

#include "config/config.h"

typedef enum {
    SM_LAB_DETECTED, /* value holds the result */
    SM_LAB_CENSORED, /* below detection: value holds the limit, NAN if the cell
                        did not say it ("<LOD", "n.d.", "bdl") */
    SM_LAB_MISSING,  /* empty, NA, NaN ...: not analysed */
    SM_LAB_BAD       /* reason says why */
} sm_lab_kind;

typedef struct {
    sm_lab_kind kind;
    double value;
    const char *reason; /* static text, for SM_LAB_BAD */
} sm_labvalue;

void sm_labvalue_parse(const char *text, sm_labvalue *out);

/* Parses a plain number (surrounding blanks allowed); 0 on success, -1 if
 * it is not a number, -2 or -3 if it is one beyond the range of a double
 * (too large, too small: strtod's ERANGE). */
int sm_parse_number(const char *text, double *out);

/* Why sm_parse_number returned rc, for -2 and -3; NULL otherwise. */
const char *sm_parse_number_error(int rc);

/* The value that stands in for a result below the limit, under policy;
 * NAN for SM_CENSOR_DROP. */
double sm_censored_substitute(double limit, sm_censor_policy policy);

#endif
