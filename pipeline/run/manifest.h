/* <out>/run.json: what a run read, wrote and measured. The config as
 * given, every input and output file with its size and SHA-256, library
 * versions, and per-stage timings and counts. */
#ifndef SM_MANIFEST_H
#define SM_MANIFEST_H

#include "config/config.h"

#include <json-c/json.h>

typedef struct {
    json_object *root;
    json_object *inputs, *outputs, *stages;
} sm_manifest;

void sm_manifest_init(sm_manifest *m, const sm_config *cfg);
void sm_manifest_free(sm_manifest *m);

/* Records a file with its size and SHA-256 under "inputs" or "outputs"; a
 * path already listed is measured again (a later stage may have changed it).
 * Returns the file's entry (owned by the manifest), or NULL with the error set. */
json_object *sm_manifest_add_input(sm_manifest *m, const char *path);
json_object *sm_manifest_add_output(sm_manifest *m, const char *path);

/* A new stage record {"seconds": ..., "status": ...}; fill it with counts. */
json_object *sm_manifest_stage(sm_manifest *m, const char *name, double seconds, int status);

/* Writes the manifest to path atomically. */
int sm_manifest_write(const sm_manifest *m, const char *path);

/* Hex SHA-256 of a file's contents; SM_ENOINPUT if it cannot be read. */
int sm_file_sha256(const char *path, char hex[65]);
void sm_text_sha256(const char *text, char hex[65]);

#endif
