/* The processes of one run. Started by an MPI launcher (mpirun, srun) in a
 * build with SOILMAP_MPI, a run is P ranks that split the tiles of the heavy
 * stages; otherwise it is one process and every call here is trivial.
 * MPI is initialised only under a launcher, so a plain `soilmap run` never
 * pays MPI's start-up. Only the thread that calls these may talk to MPI
 * (MPI_THREAD_SERIALIZED): OpenMP workers never do. */
#ifndef SM_RANKS_H
#define SM_RANKS_H

#include <stddef.h>

/* Joins the MPI job if a launcher started this process. */
int sm_ranks_init(int *argc, char ***argv);
void sm_ranks_finalize(void);

int sm_rank(void);
int sm_nranks(void);

/* The same number on every rank (rank 0's process id): names the temporary
 * files of this job, so that one rank can find and remove another's. */
long sm_ranks_job(void);

/* Rank 0's n bytes at buf, copied to every rank. */
void sm_ranks_broadcast(void *buf, size_t n);

/* Every rank's n bytes at mine, side by side in all (n * P bytes) on rank 0;
 * all may be NULL elsewhere. Also a barrier for rank 0: it returns when
 * every rank has sent. */
void sm_ranks_gather(const void *mine, void *all, size_t n);

void sm_ranks_barrier(void);

/* Every rank's n longs at mine, concatenated in rank order, on every rank:
 * *all (malloc'ed; the caller frees), *total longs in all, per_rank[r] of
 * them from rank r (per_rank has room for every rank). */
void sm_ranks_allgather_longs(const long *mine, long n, long **all, long *total, long *per_rank);

/* A number on rank 0 that every rank draws from without waiting for the
 * others (MPI one-sided fetch-and-add): dynamic scheduling. Created and freed
 * by every rank together. */
typedef struct sm_counter sm_counter;
sm_counter *sm_counter_new(void);
/* The counter's value before adding n to it. */
long sm_counter_take(sm_counter *c, long n);
void sm_counter_free(sm_counter *c);

/* Ends the whole job after a failure on this rank: prints the message that
 * is set, names the rank, and makes the launcher stop every other rank
 * (whose signal handlers remove their temporaries). */
void sm_ranks_abort(int status) __attribute__((noreturn));

#endif
