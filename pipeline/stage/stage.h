/* What a stage is (PDAL's stage, split into what it declares and what it
 * does): each stage defines one sm_stage next to its body, and the registry
 * (run/registry.c) lists them in run order. run, validate, help and the
 * skip logic all read this one description. */
#ifndef SM_STAGE_H
#define SM_STAGE_H

#include "config/config.h"
#include "grid/grid.h"
#include "grid/share.h"
#include "stage/paths.h"

#include <json-c/json.h>
#include <ogr_srs_api.h>

/* What a stage runs with, set up by the run (run/run.c): nothing a stage
 * needs travels through a global. */
typedef struct {
    const sm_config *cfg;
    OGRSpatialReferenceH srs; /* the working CRS, cfg->crs parsed once */
    const sm_share *share;    /* the tiles this process computes (tiled stages) */
    const sm_grid *grid;      /* the analysis grid; NULL for a stage without needs_grid */
} sm_stage_ctx;

typedef struct {
    const char *name;
    /* `soilmap help`: the arguments after the name ("CONFIG"), the overview's
     * lines (a newline starts another), and `soilmap help NAME`'s text. */
    const char *args;
    const char *summary;
    const char *help;
    /* Whether the config asks for it; NULL: always. A stage that is not
     * enabled reads and writes nothing and logs `skip_note`. */
    int (*enabled)(const sm_config *cfg);
    const char *skip_note;
    /* For `validate`: its inputs open and its config is consistent, without
     * reading data or writing anything (NULL: the config loader's checks
     * suffice). Called for enabled stages only. */
    int (*check)(const sm_config *cfg);
    /* The files its result depends on, beyond the config and the earlier
     * stages' outputs (NULL: none). */
    int (*inputs)(const sm_config *cfg, sm_paths *paths);
    /* The files it writes. */
    int (*outputs)(const sm_config *cfg, sm_paths *paths);
    /* Earlier stages' outputs it rewrites (NULL: none). */
    int (*modifies)(const sm_config *cfg, sm_paths *paths);
    /* Does the work and adds its counts to record (run.json). */
    int (*run)(const sm_stage_ctx *ctx, json_object *record);
    /* It works on the analysis grid, which the run makes (from the samples'
     * extent: after ingest) and hands it in ctx->grid. */
    int needs_grid;
    /* Its rasters are computed tile by tile: MPI ranks and --tile-range
     * slices split them. */
    int tiled;
    /* Under MPI every rank runs it (its own share of the work); the others
     * run on rank 0 alone. */
    int all_ranks;
} sm_stage;

#endif
