/* Samples at the same location (within a tolerance) merged into one: coincident
 * points make kriging systems singular, and lab replicates are common. */
#ifndef SM_DUPLICATES_H
#define SM_DUPLICATES_H

#include "ingest/samples.h"

typedef struct {
    int groups;   /* locations that had more than one sample */
    int absorbed; /* samples merged into another (rows - samples after) */
} sm_merge_counts;

/* Replaces set's samples by one per location group. Points closer than
 * tolerance are chained into one group. Within a group the merged value is the
 * mean, the first row's or the maximum of the values present (policy); a merged
 * value counts as censored if any value it came from was. Coordinates are the
 * group's centroid under "mean", the first row's otherwise. Under "first", a
 * value missing in the first row is taken from the next row that has one. */
void sm_duplicates_merge(sm_sample_set *set, double tolerance, sm_dup_policy policy,
                         sm_merge_counts *counts);

#endif
