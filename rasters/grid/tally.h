/* What a surface kernel counts while it computes cells (cells per class,
 * cells left as nodata) and the names it notes (unmapped land-use codes).
 * A plain struct, so that the processes that share a render can send theirs
 * to rank 0 or keep it in a slice file, and the totals are the whole grid's. */
#ifndef SM_TALLY_H
#define SM_TALLY_H

enum { SM_TALLY_COUNTS = 272, SM_TALLY_NAMES = 32, SM_TALLY_NAME_LEN = 64 };

typedef struct {
    long count[SM_TALLY_COUNTS];
    int nnames;
    char name[SM_TALLY_NAMES][SM_TALLY_NAME_LEN];
} sm_tally;

/* Adds name unless it is there already or the list is full. */
void sm_tally_note(sm_tally *t, const char *name);

/* into += from: counts summed, names joined. */
void sm_tally_merge(sm_tally *into, const sm_tally *from);

/* As GDAL metadata items (KEY=VALUE, for a slice file) and back;
 * sm_tally_from_metadata returns -1 if the items are missing or malformed. */
char **sm_tally_to_metadata(const sm_tally *t, char **md);
int sm_tally_from_metadata(char **md, sm_tally *t);

#endif
