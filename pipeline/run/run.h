/* Stage orchestration: runs stages in order, skips those whose inputs,
 * config and outputs are unchanged since the last run (unless forced), and
 * keeps <out>/run.json up to date after every stage. */
#ifndef SM_RUN_H
#define SM_RUN_H

#include "config/config.h"

typedef struct {
    int force;         /* redo stages even when their outputs are current */
    int slice, slices; /* --tile-range slice/slices; slices 0: the whole grid */
    int assemble;      /* the tiled stages' files from the slices (slices set) */
    int dynamic;       /* MPI: ranks draw tiles as they go instead of t % P */
    const char *root;  /* a slice run's: the whole run's output folder */
} sm_run_options;

/* Runs one stage by name, or every stage soilmap has when stage is NULL.
 * Under MPI every rank calls it; a failing rank ends the job. With
 * --tile-range it runs ingest and the tiled stages (interpolate, classify)
 * for one slice of the tiles, in <output>/slices/<i>-of-<n>/; with assemble
 * it runs every stage, the tiled ones from the slices' tiles. */
int sm_run(const sm_config *cfg, const char *stage, const sm_run_options *opt);

#endif
