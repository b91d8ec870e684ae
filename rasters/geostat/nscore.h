/* The normal-score transform of sequential Gaussian simulation (GSLIB's
 * nscore and backtr): data values to standard normal scores through their
 * (declustering-weighted) cumulative frequencies, and simulated scores back
 * to values, with a chosen model for the tails beyond the data.
 *
 * Ties are one value with one score, the middle of the group's cumulative
 * frequency (GSLIB breaks ties at random instead; soil data, with many
 * values at a detection limit, would then get scores that depend on the
 * seed). Between data the back-transform is linear in the scores, as in
 * backtr; below the lowest and above the highest datum the tails run to
 * zmin and zmax. */
#ifndef SM_NSCORE_H
#define SM_NSCORE_H

typedef enum {
    SM_TAIL_LINEAR,    /* linear in the cumulative probability up to zmin / zmax */
    SM_TAIL_POWER,     /* GSLIB's power model: z moves as (F / F_end) to the power 1 / par */
    SM_TAIL_HYPERBOLIC /* upper tail only: 1 - F(z) = lambda / z^par, par >= 1; no zmax */
} sm_tail_kind;

typedef struct {
    sm_tail_kind kind;
    double par;
} sm_tail;

typedef struct {
    int n;      /* distinct values */
    double *z;  /* sorted distinct values */
    double *y;  /* their normal scores */
    double *cp; /* their cumulative probabilities (the middle of their weight) */
    double zmin, zmax;
    sm_tail lower, upper;
} sm_nscore;

/* The table of n values z with weights w (NULL: equal). zmin and zmax bound
 * the tails (zmin <= the smallest value, zmax >= the largest; zmax may be
 * HUGE_VAL with a hyperbolic upper tail). SM_EDATA with a message (no file
 * named: the caller adds it) for fewer than 2 distinct values, a
 * non-finite value or weight, a negative weight, or limits inside the data. */
int sm_nscore_fit(sm_nscore *t, int n, const double *z, const double *w, double zmin, double zmax,
                  sm_tail lower, sm_tail upper);
void sm_nscore_free(sm_nscore *t);

/* The normal score of value v: exact for a value of the table, linear in
 * the scores between two, and at the ends the score of the nearest end. */
double sm_nscore_forward(const sm_nscore *t, double v);

/* The value of normal score y, within [zmin, zmax]. */
double sm_nscore_back(const sm_nscore *t, double y);

#endif
