#include "core/jsonfile.h"
#include "core/error.h"
#include "core/outfile.h"

#include <stdio.h>

int sm_json_write(json_object *o, const char *path)
{
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
    return v == v ? json_object_new_double(v) : json_object_new_null();
}
