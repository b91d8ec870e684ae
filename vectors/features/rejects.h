/* Records that could not be used, each with where it came from and why, so
 * that accepted + rejected = read always holds and nothing is lost silently. */
#ifndef SM_REJECTS_H
#define SM_REJECTS_H

typedef struct {
    char *file;
    char *layer;
    long row;     /* the feature id in the source; for CSV, 1 = first data row */
    char *column; /* the first column at fault ("" when the row as a whole is) */
    char *value;  /* its text as read */
    char *reason; /* every problem found in the row, separated by "; " */
} sm_reject;

typedef struct {
    sm_reject *items;
    int n, cap;
} sm_rejects;

/* Copies the texts; bytes that are not UTF-8 are kept as \xNN. */
void sm_rejects_add(sm_rejects *r, const char *file, const char *layer, long row,
                    const char *column, const char *value, const char *reason);
void sm_rejects_free(sm_rejects *r);

/* Writes the list as CSV (header: file,layer,row,column,value,reason) through
 * OGR's CSV driver, atomically. */
int sm_rejects_write(const sm_rejects *r, const char *path);

#endif
