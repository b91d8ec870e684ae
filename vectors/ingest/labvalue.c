#include "ingest/labvalue.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Words labs write for "not detected" without giving the limit in the cell. */
static const char *const not_detected_words[] = {
    "n.d.",  "n.d",  "nd",  "bdl",  "b.d.l.", "<bdl",  "not detected", "below detection limit",
    "<lod",  "<loq", "<dl", "<mdl", "<rl",    "< lod", "< loq",        "< dl",
    "< mdl", "< rl", NULL};

/* Spreadsheet and R spellings of "no value": the cell counts as empty.
 * NaN too: pandas and numpy write it for a value that is not there. */
static const char *const missing_words[] = {"NA", "N/A", "#N/A", "null", "-", "--", "NaN", NULL};

static int is_word(const char *s, size_t n, const char *const words[])
{
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return 1;
    return 0;
}

static void trim(const char *text, const char **start, size_t *len)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    *start = text;
    *len = n;
}

int sm_parse_number(const char *text, double *out)
{
    const char *s;
    size_t n;
    trim(text, &s, &n);
    if (n == 0 || n >= 64)
        return -1;
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strpbrk(buf, "xXpP")) /* strtod would read hexadecimal: no lab writes that */
        return -1;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0')
        return -1;
    /* ERANGE: beyond a double, read as infinity, 0 or a subnormal */
    if (errno == ERANGE)
        return fabs(v) > 1.0 ? -2 : -3;
    *out = v;
    return 0;
}

const char *sm_parse_number_error(int rc)
{
    if (rc == -2)
        return "number too large (beyond the range of a double)";
    if (rc == -3)
        return "number too small (it would read as 0)";
    return NULL;
}

static void classify_number(double v, sm_labvalue *out)
{
    out->value = v;
    if (isnan(v)) /* "-nan", "nan(1)", a NaN in a numeric field: no value */
        out->kind = SM_LAB_MISSING;
    else if (isinf(v))
        out->kind = SM_LAB_BAD, out->reason = "infinite value";
    else if (v < 0)
        out->kind = SM_LAB_BAD, out->reason = "negative concentration";
}

void sm_labvalue_parse(const char *text, sm_labvalue *out)
{
    const char *s;
    size_t n;
    trim(text ? text : "", &s, &n);
    out->kind = SM_LAB_DETECTED;
    out->value = NAN;
    out->reason = NULL;
    if (n == 0 || is_word(s, n, missing_words)) {
        out->kind = SM_LAB_MISSING;
        return;
    }
    if (is_word(s, n, not_detected_words)) {
        out->kind = SM_LAB_CENSORED;
        return;
    }
    if (s[0] == '>') {
        out->kind = SM_LAB_BAD;
        out->reason = "above the reporting range ('>'): no value to use";
        return;
    }
    int censored = s[0] == '<';
    double v;
    int rc = sm_parse_number(censored ? s + 1 : s, &v);
    if (rc == 0 && censored && isnan(v))
        rc = -1; /* "<NaN" states no limit */
    if (rc != 0) {
        out->kind = SM_LAB_BAD;
        out->reason = sm_parse_number_error(rc);
        if (!out->reason)
            out->reason = censored ? "unreadable detection limit after '<'" : "not a number";
        return;
    }
    if (censored)
        out->kind = SM_LAB_CENSORED;
    classify_number(v, out);
    if (censored && out->kind == SM_LAB_CENSORED && v == 0) {
        out->kind = SM_LAB_BAD;
        out->reason = "detection limit of zero";
    }
}

double sm_censored_substitute(double limit, sm_censor_policy policy)
{
    switch (policy) {
    case SM_CENSOR_HALF_LIMIT:
        return 0.5 * limit;
    case SM_CENSOR_LIMIT:
        return limit;
    case SM_CENSOR_DROP:
        break;
    }
    return NAN;
}
