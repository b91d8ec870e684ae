/* The text of input cells: converted to UTF-8 from the encoding the config
 * declares, checked to be UTF-8, and examined for the mark of a CSV quote
 * that was never closed. */
#ifndef SM_CELLTEXT_H
#define SM_CELLTEXT_H

/* 0 if GDAL (CPLRecode) can convert from encoding to UTF-8, else -1. */
int sm_encoding_known(const char *encoding);

/* Whether encoding is UTF-8 itself: its text needs no conversion. */
int sm_encoding_is_utf8(const char *encoding);

/* text, written in encoding (one that keeps ASCII as ASCII), as UTF-8; free
 * it with CPLFree. NULL if a byte of it is no character of that encoding. */
char *sm_text_to_utf8(const char *text, const char *encoding);

/* How many lines after the first line of a cell look like whole CSV rows of
 * ncols columns (at least ncols - 1 separators): a quote that was never
 * closed swallowed them. 0 for an ordinary cell or a note over two lines. */
int sm_cell_swallowed_rows(const char *cell, int ncols);

#endif
