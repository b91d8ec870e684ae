/* Which tiles of a surface this process computes, and where the rest come
 * from. Tile t (row-major, the same tiling for every surface of a run) goes
 * to part t % count; a part is an MPI rank or a --tile-range slice.
 *
 *   all       one process computes every tile (a plain run, and the stages
 *             that are not split, under MPI too);
 *   ranks     MPI: rank `index` computes its part into a temporary file;
 *             rank 0 builds the COG from all parts through a VRT;
 *   slice     --tile-range index/count: the part, other parts' tiles left
 *             empty, is the output, under <root>/slices/<index>-of-<count>/;
 *   assemble  nothing is computed: each COG is built from the count slices.
 *
 * Under MPI the ranks may instead draw batches of tiles from a counter on
 * rank 0 as they go (dynamic), for nodes of unequal speed.
 *
 * Every way gives the same COG bytes: they differ only in where the tiles
 * were computed. run.c decides the share of each stage and hands it to the
 * stage in its context (stage/stage.h); a surface takes it in its spec. */
#ifndef SM_SHARE_H
#define SM_SHARE_H

#include "core/limits.h"

#include <stddef.h>

typedef enum { SM_SHARE_ALL, SM_SHARE_RANKS, SM_SHARE_SLICE, SM_SHARE_ASSEMBLE } sm_share_mode;

typedef struct {
    sm_share_mode mode;
    int index, count;
    int dynamic;             /* ranks: draw tiles from a shared counter instead of t % count */
    char root[SM_PATH_SIZE]; /* slice, assemble: the run's own output folder */
    char config[65];         /* slice, assemble: SHA-256 of the config the slices belong to */
} sm_share;

/* One process computes every tile. */
extern const sm_share sm_share_all;

/* Whether this process computes tile t when tiles are dealt statically. */
int sm_share_owns(const sm_share *s, long tile);

/* "<root>/slices/<index>-of-<count>". */
void sm_share_slice_dir(const char *root, int index, int count, char *out, size_t size);

/* Where slice index holds the file whose path in the whole run is final
 * (a path under root); -1 if final is not under root. */
int sm_share_slice_path(const sm_share *s, int index, const char *final, char *out, size_t size);

/* The n of the <i>-of-<n> folders under <root>/slices (all must agree). */
int sm_share_find_slices(const char *root, int *count);

/* "I/N" with 0 <= I < N: 0, or -1. */
int sm_share_parse(const char *text, int *index, int *count);

#endif
