#include "core/jsonfile.h"
#include "core/error.h"
#include "core/outfile.h"

#include <math.h>
#include <stdio.h>

static int is_nonfinite(json_object *v)
{
    return json_object_is_type(v, json_type_double) && !isfinite(json_object_get_double(v));
}

void sm_json_make_finite(json_object *o)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, v)
        {
            if (is_nonfinite(v))
                json_object_object_add(o, key, json_object_new_null()); /* replaces v */
            else
                sm_json_make_finite(v);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n; i++) {
            json_object *v = json_object_array_get_idx(o, i);
            if (is_nonfinite(v))
                json_object_array_put_idx(o, i, json_object_new_null());
            else
                sm_json_make_finite(v);
        }
    }
}

int sm_json_write(json_object *o, const char *path)
{
    /* json-c would print NaN and Infinity, which no JSON reader accepts;
     * every document soilmap writes passes here, whoever built it */
    if (is_nonfinite(o))
        return sm_error_set(SM_EINTERNAL, "%s: the document is a non-finite number", path);
    sm_json_make_finite(o);
    sm_outfile out;
    sm_outfile_begin(&out, path);
    const char *text = json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    FILE *fp = fopen(out.tmp, "w");
    if (!fp)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create: %m", path);
    int bad = fputs(text, fp) < 0 || fputc('\n', fp) == EOF;
    bad |= fclose(fp) != 0;
    if (bad) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write", path);
    }
    return sm_outfile_commit(&out);
}

json_object *sm_json_number(double v)
{
    return isfinite(v) ? json_object_new_double(v) : json_object_new_null();
}
