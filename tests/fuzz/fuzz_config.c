/* libFuzzer target: a run config, as `soilmap validate` reads it. The bytes
 * go through the YAML layer alone (every document to JSON, as run.json
 * holds it) and through the whole loader (sm_config_load). A failure must
 * leave one located, one-line error. */
#include "fuzzutil.h"
#include "config/config.h"
#include "config/yamlread.h"
#include "core/error.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    sm_fuzz_init("config");
    return 0;
}

static void yaml_layer(const char *path)
{
    sm_yaml_doc doc;
    sm_error_clear();
    int rc = sm_yaml_load(path, &doc);
    if (rc) {
        sm_fuzz_check_error(rc);
        return;
    }
    char *json = NULL;
    sm_error_clear();
    rc = sm_yaml_to_json(&doc, &json);
    if (rc)
        sm_fuzz_check_error(rc);
    else
        SM_FUZZ_ASSERT(json != NULL);
    free(json);
    sm_yaml_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = sm_fuzz_write("config.yaml", data, size);
    yaml_layer(path);
    sm_config cfg;
    sm_error_clear();
    int rc = sm_config_load(path, &cfg);
    if (rc) {
        sm_fuzz_check_error(rc);
        return 0;
    }
    SM_FUZZ_ASSERT(cfg.json != NULL);
    sm_config_free(&cfg);
    return 0;
}
