/* libFuzzer target: one laboratory cell ("12.5", "<0.5", "n.d.", ...) as
 * sm_labvalue_parse and sm_parse_number read it. Beyond memory errors, it
 * checks what labvalue.h promises of each kind. */
#include "fuzzutil.h"
#include "ingest/labvalue.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cell(const char *text)
{
    sm_labvalue v;
    sm_labvalue_parse(text, &v);
    switch (v.kind) {
    case SM_LAB_DETECTED: /* a usable concentration */
        SM_FUZZ_ASSERT(isfinite(v.value) && v.value >= 0);
        break;
    case SM_LAB_CENSORED: /* a limit, or none given */
        SM_FUZZ_ASSERT(isnan(v.value) || (isfinite(v.value) && v.value > 0));
        if (!isnan(v.value)) {
            SM_FUZZ_ASSERT(sm_censored_substitute(v.value, SM_CENSOR_HALF_LIMIT) <= v.value);
            SM_FUZZ_ASSERT(isnan(sm_censored_substitute(v.value, SM_CENSOR_DROP)));
        }
        break;
    case SM_LAB_MISSING:
        break;
    case SM_LAB_BAD: /* the reason goes to rejects.csv */
        SM_FUZZ_ASSERT(v.reason && *v.reason);
        break;
    default:
        SM_FUZZ_ASSERT(!"a kind labvalue.h does not define");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = sm_fuzz_string(data, size);
    check_cell(text);
    double x;
    int rc = sm_parse_number(text, &x);
    SM_FUZZ_ASSERT(rc == 0 || rc == -1 || rc == -2 || rc == -3);
    SM_FUZZ_ASSERT((rc == -2 || rc == -3) == (sm_parse_number_error(rc) != NULL));
    free(text);
    return 0;
}
