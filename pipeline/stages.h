/* The stage table's entries for the stages after interpolation (their
 * inputs, outputs and run.json records); run.c runs them in order. */
#ifndef SM_STAGES_H
#define SM_STAGES_H

#include "config.h"

#include <json-c/json.h>

int sm_stage_classify_inputs(const sm_config *cfg, char **paths);
int sm_stage_classify_outputs(const sm_config *cfg, char **paths);
int sm_stage_classify_run(const sm_config *cfg, json_object *record);

int sm_stage_hotspots_inputs(const sm_config *cfg, char **paths);
int sm_stage_hotspots_outputs(const sm_config *cfg, char **paths);
int sm_stage_hotspots_run(const sm_config *cfg, json_object *record);

int sm_stage_remediate_inputs(const sm_config *cfg, char **paths);
int sm_stage_remediate_outputs(const sm_config *cfg, char **paths);
int sm_stage_remediate_modifies(const sm_config *cfg, char **paths);
int sm_stage_remediate_run(const sm_config *cfg, json_object *record);

int sm_stage_screen_inputs(const sm_config *cfg, char **paths);
int sm_stage_screen_outputs(const sm_config *cfg, char **paths);
int sm_stage_screen_run(const sm_config *cfg, json_object *record);

int sm_stage_publish_inputs(const sm_config *cfg, char **paths);
int sm_stage_publish_outputs(const sm_config *cfg, char **paths);
int sm_stage_publish_run(const sm_config *cfg, json_object *record);

#endif
