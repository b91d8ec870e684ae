#include "ingest/celltext.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <string.h>

int sm_encoding_known(const char *encoding)
{
    /* CPLRecode warns and returns the text unchanged for an unknown one */
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    char *probe = CPLRecode("a", encoding, CPL_ENC_UTF8);
    CPLErr err = CPLGetLastErrorType();
    CPLPopErrorHandler();
    CPLFree(probe);
    CPLErrorReset();
    return err == CE_None ? 0 : -1;
}

int sm_encoding_is_utf8(const char *encoding)
{
    return EQUAL(encoding, "UTF-8") || EQUAL(encoding, "UTF8");
}

static int is_ascii(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c >= 0x80)
            return 0;
    return 1;
}

char *sm_text_to_utf8(const char *text, const char *encoding)
{
    if (is_ascii(text)) /* numbers and most words: nothing to convert */
        return CPLStrdup(text);
    /* CPLRecode drops a byte the encoding does not define (0x81 in CP1252)
     * and warns only once per process: converting back tells instead. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    char *utf8 = CPLRecode(text, encoding, CPL_ENC_UTF8);
    char *back = CPLRecode(utf8, CPL_ENC_UTF8, encoding);
    CPLPopErrorHandler();
    int same = strcmp(back, text) == 0 && CPLIsUTF8(utf8, -1);
    CPLFree(back);
    if (same)
        return utf8;
    CPLFree(utf8);
    return NULL;
}

/* The most separators of one kind in a line: the CSV driver takes a comma,
 * semicolon, tab or pipe, whichever the header uses. */
static int separators(const char *line, size_t len)
{
    static const char kinds[] = ",;\t|";
    int most = 0;
    for (const char *k = kinds; *k; k++) {
        int n = 0;
        for (size_t i = 0; i < len; i++)
            n += line[i] == *k;
        most = n > most ? n : most;
    }
    return most;
}

int sm_cell_swallowed_rows(const char *cell, int ncols)
{
    int rows = 0;
    if (ncols < 2)
        return 0;
    for (const char *nl = strchr(cell, '\n'); nl; nl = strchr(nl + 1, '\n')) {
        const char *line = nl + 1;
        rows += separators(line, strcspn(line, "\n")) >= ncols - 1;
    }
    return rows;
}
