/* JSON documents soilmap writes: run.json, STAC, layers.json, variograms. */
#ifndef SM_JSONFILE_H
#define SM_JSONFILE_H

#include <json-c/json.h>

/* Any JSON document, pretty-printed, written atomically (o is not freed).
 * A NaN or infinite number in it is written as null (sm_json_make_finite):
 * JSON has neither, and strict readers refuse the file. */
int sm_json_write(json_object *o, const char *path);

/* Replaces every NaN or infinite number in the tree under o by null, in
 * place; for a writer other than sm_json_write. */
void sm_json_make_finite(json_object *o);

/* A number, or null when it is NaN or infinite (JSON has neither). */
json_object *sm_json_number(double v);

#endif
