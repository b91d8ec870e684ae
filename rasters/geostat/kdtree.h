/* An exact k-nearest-neighbour index over 2-D points (a static k-d tree).
 * Neighbours are the nearest by true Euclidean distance; equal distances are
 * ordered by point index, so results never depend on the tree's shape or on
 * the order of a search. */
#ifndef SM_KDTREE_H
#define SM_KDTREE_H

typedef struct {
    int n;
    const double *x, *y; /* the caller's arrays, not copied */
    int *perm;           /* point indices in tree order */
    double *split;       /* per node: the split coordinate */
    unsigned char *axis; /* per node: 0 = x, 1 = y */
    int nnodes;
} sm_kdtree;

typedef struct {
    int index;
    double dist; /* Euclidean distance */
} sm_neighbour;

int sm_kdtree_build(sm_kdtree *t, int n, const double *x, const double *y);
void sm_kdtree_free(sm_kdtree *t);

/* The k nearest points to (qx, qy) within radius (HUGE_VAL for none), sorted
 * by distance then index, into out[0..]; returns how many were found. */
int sm_kdtree_knn(const sm_kdtree *t, double qx, double qy, int k, double radius,
                  sm_neighbour *out);

/* The same set, faster for callers that need no order: out is a max-heap
 * (out[0] the farthest) and .dist holds squared distances. */
int sm_kdtree_knn_set(const sm_kdtree *t, double qx, double qy, int k, double radius,
                      sm_neighbour *out);

/* Indices of every point within radius of (qx, qy), appended to *out (grown
 * as needed, *cap its capacity), in no particular order; returns the count. */
int sm_kdtree_within(const sm_kdtree *t, double qx, double qy, double radius, int **out, int *cap);

#endif
