/* Records that could not be used, each with where it came from and why, so
 * that accepted + rejected = read always holds and nothing is lost silently. */
#ifndef SM_REJECTS_H
#define SM_REJECTS_H

typedef enum {
    SM_REJECT_ROW = 0, /* the whole row (feature) was not used */
    SM_REJECT_CELL = 1 /* one value was left out; the rest of the row was used */
} sm_reject_scope;

typedef struct {
    char *file;
    char *layer;
    long row;  /* the feature id in the source; for CSV, 1 = first data row */
    long line; /* CSV: the file line the row starts on (header = 1); 0 unknown */
    char *id;  /* the row's own id (samples.id), "" without one */
    sm_reject_scope scope;
    char *column; /* the first column at fault ("" when the row as a whole is) */
    char *value;  /* its text as read */
    char *reason; /* every problem found (in the row, or the cell), separated by "; " */
} sm_reject;

typedef struct {
    sm_reject *items;
    int n, cap;
    int with_ids; /* write the line, id and scope columns (the samples' ledger) */
} sm_rejects;

/* One entry as sm_rejects_add_entry takes it; texts may be NULL. */
typedef struct {
    const char *file, *layer;
    long row, line;
    const char *id;
    sm_reject_scope scope;
    const char *column, *value, *reason;
} sm_reject_entry;

/* Copies the texts; bytes that are not UTF-8 are kept as \xNN. */
void sm_rejects_add(sm_rejects *r, const char *file, const char *layer, long row,
                    const char *column, const char *value, const char *reason);
void sm_rejects_add_entry(sm_rejects *r, const sm_reject_entry *e);
void sm_rejects_free(sm_rejects *r);

/* Writes the list as CSV through OGR's CSV driver, atomically. Header:
 * file,layer,row,column,value,reason; with with_ids
 * file,layer,row,line,id,scope,column,value,reason (scope "row" or "cell",
 * line and id empty when unknown). */
int sm_rejects_write(const sm_rejects *r, const char *path);

#endif
