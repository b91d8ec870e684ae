/* Inputs the fuzzers (tests/fuzz/, scripts/fuzz) found to break a promise,
 * each kept as it was found (or as libFuzzer minimised it), so the fix stays. */
#include "core/error.h"
#include "guideline/thresholds.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static const char *write_bytes(const char *name, const char *data, size_t size)
{
    const char *path = sm_test_tmp(name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* fuzz_thresholds: a quoted cell spanning lines made the error two lines,
 * and soilmap prints every failure as one. Minimised crash input. */
static void test_thresholds_quoted_line_break(void **state)
{
    (void)state;
    static const char input[] =
        "regime,contaminant,substance,cas,land_use,tier,tier_name,condition,value,verified,"
        "source,note\n"
        "M,as,a),7,c,1,u\xff,,12,\",\n\",\x01\x00\x00";
    sm_threshold_table t;
    const char *path = write_bytes("fuzz_thresholds.csv", input, sizeof input - 1);
    assert_int_equal(sm_thresholds_load(path, &t), SM_EDATA);
    const char *msg = sm_error_message();
    if (strpbrk(msg, "\r\n"))
        fail_msg("the error is not one line: %s", msg);
    assert_non_null(strstr(msg, "row 1: verified: must be yes or no, got ',\\n'"));
    sm_thresholds_free(&t);
}

/* The same for any message: control characters never reach the terminal. */
static void test_error_message_one_line(void **state)
{
    (void)state;
    sm_error_set(SM_EDATA, "%s: row %d: value '%s'", "t.csv", 2, "a\r\nb\x1b[31mc\td");
    assert_string_equal(sm_error_message(), "t.csv: row 2: value 'a\\r\\nb?[31mc\td'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds_quoted_line_break),
        cmocka_unit_test(test_error_message_one_line),
    };
    return cmocka_run_group_tests(tests, sm_test_setup_gdal, NULL);
}
