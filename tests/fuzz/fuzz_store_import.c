/* libFuzzer target: a survey imported into the remediation store (`soilmap
 * store import`). The input is the cases CSV, a line "%%", then the
 * case_contaminants CSV; both are written beside each other as cases.csv
 * and case_contaminants.csv and imported into a store made once from
 * data/remediation/ with its case studies removed, so that every input
 * starts from the same store. */
#define _GNU_SOURCE /* memmem */
#include "fuzzutil.h"
#include "core/error.h"
#include "remediate/store.h"
#include "remediate/store_import.h"
#include "remediate/store_init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sm_store store;
static const char empty_cases[] = "DELETE FROM case_contaminants; DELETE FROM cases;";

static void must(int rc)
{
    if (rc) {
        fprintf(stderr, "fuzz_store_import: setup failed: %s\n", sm_error_message());
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sm_fuzz_init("store_import");
    char path[4200];
    snprintf(path, sizeof path, "%s", sm_fuzz_path("store.sqlite"));
    must(sm_store_init(path, SM_SOURCE_DIR "/data/remediation", 0));
    must(sm_store_open(path, 1, &store));
    must(sm_store_script(&store, empty_cases));
    return 0;
}

static const char cc_header[] = "case_id,contaminant,initial_mg_kg,target_mg_kg,achieved_mg_kg\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memmem(data, size, "\n%%\n", 4);
    size_t ncases = sep ? (size_t)(sep - data) + 1 : size;
    const char *cases = sm_fuzz_write("cases.csv", data, ncases);
    if (sep)
        sm_fuzz_write("case_contaminants.csv", sep + 4, size - ncases - 3);
    else /* no companion given: a header alone */
        sm_fuzz_write("case_contaminants.csv", (const uint8_t *)cc_header, strlen(cc_header));
    sm_import_summary sum;
    sm_error_clear();
    int rc = sm_store_import(&store, cases, sm_fuzz_path("rejects.csv"), &sum);
    if (rc) {
        sm_fuzz_check_error(rc);
        return 0;
    }
    SM_FUZZ_ASSERT(sum.rejected == 0);
    SM_FUZZ_ASSERT(sum.inserted + sum.updated == sum.cases);
    SM_FUZZ_ASSERT(sum.updated == 0); /* the store had no cases */
    must(sm_store_script(&store, empty_cases));
    return 0;
}
