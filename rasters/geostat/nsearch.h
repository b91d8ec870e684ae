/* The neighbour search for a run of prediction points. Cells are visited in
 * small blocks: for each block, one tree search collects every sample that
 * can be among the k nearest of any point in it (the k-th nearest distance at
 * the block's centre plus twice the block's reach bounds them), and each cell
 * then selects its k nearest from that short list. The result is exactly the
 * k nearest by true distance (ties broken by sample index), in ascending
 * sample order, whatever the block. */
#ifndef SM_NSEARCH_H
#define SM_NSEARCH_H

#include "geostat/kdtree.h"

typedef struct {
    const sm_kdtree *tree;
    int k;           /* neighbours wanted; >= n means all samples */
    double radius;   /* HUGE_VAL: unlimited */
    int *cand;       /* the block's candidates, ascending */
    double *cx, *cy; /* their coordinates, contiguous for the per-cell scan */
    int m, cap, xy_cap;
    int block_valid;
    /* the last point found from the block and its k-th distance: the next
     * point's k nearest are within that distance plus the step between them */
    double last_x, last_y, last_dk;
    int last_valid;
    sm_neighbour *buf; /* results: index and squared distance */
    sm_neighbour *tmp; /* selection scratch */
    int buf_cap;
} sm_nsearch;

int sm_nsearch_init(sm_nsearch *s, const sm_kdtree *t, int k, double radius);
void sm_nsearch_free(sm_nsearch *s);

/* Candidates for the points within reach of (cx, cy). */
void sm_nsearch_block(sm_nsearch *s, double cx, double cy, double reach);
/* Forgets the block: the next searches go to the tree. */
void sm_nsearch_reset(sm_nsearch *s);

/* The neighbours of (x, y) without sample `exclude` (or -1): *out points at
 * them, ascending by sample index, .dist squared. Returns how many. A point
 * outside the current block's reach must not be asked for. */
int sm_nsearch_find(sm_nsearch *s, double x, double y, int exclude, sm_neighbour **out);

#endif
