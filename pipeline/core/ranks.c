#include "core/ranks.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SOILMAP_MPI
#include <mpi.h>
#endif

static int rank, nranks = 1, joined;
static long job;

/* Open MPI's mpirun, PMIx (srun --mpi=pmix) and PMI-2 (MPICH, srun) each set
 * one of these in the processes they start. */
static int under_launcher(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") ||
           getenv("PMI_SIZE");
}

int sm_ranks_init(int *argc, char ***argv)
{
    job = (long)getpid();
#ifdef SOILMAP_MPI
    if (!under_launcher())
        return SM_OK;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return sm_error_set(SM_EINTERNAL, "MPI: cannot join the job");
    joined = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (provided < MPI_THREAD_SERIALIZED) {
        /* every MPI call is made outside OpenMP regions or in one thread of
         * an `omp single`, which need not be the main thread */
        return sm_error_set(SM_EINTERNAL, "MPI: this MPI library does not allow calls from "
                                          "more than one thread (MPI_THREAD_SERIALIZED)");
    }
    sm_ranks_broadcast(&job, sizeof job);
#else
    (void)argc, (void)argv;
    if (under_launcher() && getenv("OMPI_COMM_WORLD_SIZE") &&
        strcmp(getenv("OMPI_COMM_WORLD_SIZE"), "1") != 0)
        return sm_error_set(SM_EUSAGE, "this soilmap was built without MPI (SOILMAP_MPI), so "
                                       "mpirun would start independent copies; rebuild with "
                                       "libopenmpi-dev installed");
#endif
    return SM_OK;
}

void sm_ranks_finalize(void)
{
#ifdef SOILMAP_MPI
    if (joined)
        MPI_Finalize();
#endif
    joined = 0;
}

int sm_rank(void) { return rank; }
int sm_nranks(void) { return nranks; }
long sm_ranks_job(void) { return job ? job : (long)getpid(); }

void sm_ranks_broadcast(void *buf, size_t n)
{
#ifdef SOILMAP_MPI
    if (nranks > 1)
        MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
#else
    (void)buf, (void)n;
#endif
}

void sm_ranks_gather(const void *mine, void *all, size_t n)
{
#ifdef SOILMAP_MPI
    if (nranks > 1) {
        MPI_Gather(mine, (int)n, MPI_BYTE, all, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
        return;
    }
#endif
    memcpy(all, mine, n);
}

void sm_ranks_barrier(void)
{
#ifdef SOILMAP_MPI
    if (nranks > 1)
        MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void sm_ranks_allgather_longs(const long *mine, long n, long **all, long *total, long *per_rank)
{
#ifdef SOILMAP_MPI
    if (nranks > 1) {
        int count = (int)n, *counts = malloc((size_t)nranks * sizeof *counts),
            *offsets = malloc((size_t)nranks * sizeof *offsets);
        MPI_Allgather(&count, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
        *total = 0;
        for (int r = 0; r < nranks; r++)
            offsets[r] = (int)*total, *total += counts[r], per_rank[r] = counts[r];
        *all = malloc((size_t)(*total > 0 ? *total : 1) * sizeof **all);
        MPI_Allgatherv(mine, count, MPI_LONG, *all, counts, offsets, MPI_LONG, MPI_COMM_WORLD);
        free(counts), free(offsets);
        return;
    }
#endif
    *all = malloc((size_t)(n > 0 ? n : 1) * sizeof **all);
    memcpy(*all, mine, (size_t)n * sizeof **all);
    *total = per_rank[0] = n;
}

struct sm_counter {
    long local; /* one process: the counter itself */
#ifdef SOILMAP_MPI
    MPI_Win win;
    long *base;
#endif
};

sm_counter *sm_counter_new(void)
{
    sm_counter *c = calloc(1, sizeof *c);
#ifdef SOILMAP_MPI
    if (nranks > 1) {
        MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(long) : 0, sizeof(long), MPI_INFO_NULL,
                         MPI_COMM_WORLD, &c->base, &c->win);
        if (rank == 0)
            *c->base = 0;
        MPI_Barrier(MPI_COMM_WORLD); /* zeroed before anyone draws */
        MPI_Win_lock_all(0, c->win);
    }
#endif
    return c;
}

long sm_counter_take(sm_counter *c, long n)
{
#ifdef SOILMAP_MPI
    if (nranks > 1) {
        long before;
        MPI_Fetch_and_op(&n, &before, MPI_LONG, 0, 0, MPI_SUM, c->win);
        MPI_Win_flush(0, c->win);
        return before;
    }
#endif
    long before = c->local;
    c->local += n;
    return before;
}

void sm_counter_free(sm_counter *c)
{
    if (!c)
        return;
#ifdef SOILMAP_MPI
    if (nranks > 1) {
        MPI_Win_unlock_all(c->win);
        MPI_Win_free(&c->win);
    }
#endif
    free(c);
}

void sm_ranks_abort(int status)
{
    fprintf(stderr, "soilmap: rank %d of %d: %s\n", rank, nranks, sm_error_message());
    fflush(stderr);
#ifdef SOILMAP_MPI
    if (joined)
        MPI_Abort(MPI_COMM_WORLD, sm_exit_code(status));
#endif
    exit(sm_exit_code(status));
}
