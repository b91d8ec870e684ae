/* JSON documents soilmap writes: run.json, STAC, layers.json, variograms. */
#ifndef SM_JSONFILE_H
#define SM_JSONFILE_H

#include <json-c/json.h>

/* Any JSON document, pretty-printed, written atomically (o is not freed). */
int sm_json_write(json_object *o, const char *path);

/* A number, or null when it is NaN (JSON has no NaN). */
json_object *sm_json_number(double v);

#endif
