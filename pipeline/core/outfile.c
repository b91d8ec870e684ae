#include "core/outfile.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/ranks.h"

#include <cpl_error.h>
#include <errno.h>
#include <gdal.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporaries in flight, for the signal handler. Fixed size: a stage has only
 * a few outputs open at once, but under MPI every rank also watches a part
 * of each output per rank. Threads of one tile loop register theirs at the
 * same time: a slot is claimed with a compare-and-swap (FREE -> CLAIMED),
 * filled, then published (LIVE); the handler reads LIVE slots only. */
enum { MAX_PENDING = 4096 };
enum { FREE, CLAIMED, LIVE };
static char pending[MAX_PENDING][SM_PATH_SIZE];
static atomic_int pending_state[MAX_PENDING];

/* Files that SQLite and GDAL keep beside one they write: journals, the
 * .aux.xml of PAM, and the COG driver's overviews in progress. */
static const char *const side_suffixes[] = {"-journal", "-wal", "-shm", ".aux.xml", ".ovr.tmp"};
enum { N_SIDE = sizeof side_suffixes / sizeof side_suffixes[0] };

/* tmp + suffix into path without snprintf, so that the signal handler may
 * call it (memcpy and strlen are async-signal-safe). */
static const char *side_path(char *path, size_t size, const char *tmp, const char *suffix)
{
    size_t a = strlen(tmp), b = strlen(suffix);
    if (a + b + 1 > size)
        return NULL;
    memcpy(path, tmp, a);
    memcpy(path + a, suffix, b + 1);
    return path;
}

static void side_files(const char *tmp, void (*fn)(const char *))
{
    char path[SM_PATH_SIZE];
    for (unsigned i = 0; i < N_SIDE; i++)
        if (side_path(path, sizeof path, tmp, side_suffixes[i]))
            fn(path);
}

static void remove_quietly(const char *path) { unlink(path); }

static void track(const char *tmp, int add)
{
    for (int i = 0; i < MAX_PENDING; i++) {
        int expected = FREE;
        if (add && atomic_compare_exchange_strong(&pending_state[i], &expected, CLAIMED)) {
            snprintf(pending[i], sizeof pending[i], "%s", tmp);
            atomic_store(&pending_state[i], LIVE);
            return;
        }
        expected = LIVE;
        if (!add && atomic_load(&pending_state[i]) == LIVE && strcmp(pending[i], tmp) == 0 &&
            atomic_compare_exchange_strong(&pending_state[i], &expected, FREE))
            return;
    }
}

int sm_outfile_pending(void)
{
    int n = 0;
    for (int i = 0; i < MAX_PENDING; i++)
        n += atomic_load(&pending_state[i]) == LIVE;
    return n;
}

void sm_outfile_remove_pending(void)
{
    char side[SM_PATH_SIZE];
    for (int i = 0; i < MAX_PENDING; i++) {
        if (atomic_load(&pending_state[i]) != LIVE)
            continue;
        unlink(pending[i]);
        for (unsigned k = 0; k < N_SIDE; k++)
            if (side_path(side, sizeof side, pending[i], side_suffixes[k]))
                unlink(side);
    }
}

/* The job's number and the rank rather than the process id: under MPI rank
 * 0 can name, and so remove, the temporaries of every rank. */
void sm_outfile_watch(sm_outfile *f, const char *final_path, int rank)
{
    snprintf(f->final, sizeof f->final, "%s", final_path);
    const char *slash = strrchr(final_path, '/');
    int dirlen = slash ? (int)(slash - final_path) + 1 : 0;
    snprintf(f->tmp, sizeof f->tmp, "%.*s.tmp-%ld.%d-%s", dirlen, final_path, sm_ranks_job(), rank,
             final_path + dirlen);
    track(f->tmp, 1);
}

int sm_outfile_is_stale(const char *name)
{
    long job;
    int rank, end = 0;
    if (sscanf(name, ".tmp-%ld.%d-%n", &job, &rank, &end) != 2 || end == 0 || job <= 0)
        return 0;
    if (job == sm_ranks_job())
        return 0;
    /* EPERM: alive, but another user's */
    return kill((pid_t)job, 0) != 0 && errno == ESRCH;
}

void sm_outfile_begin(sm_outfile *f, const char *final_path)
{
    sm_outfile_watch(f, final_path, sm_rank());
    remove_quietly(f->tmp);
    side_files(f->tmp, remove_quietly);
}

void sm_outfile_forget(sm_outfile *f)
{
    track(f->tmp, 0);
    f->tmp[0] = '\0'; /* commit and abort no longer touch it */
}

/* GDAL keeps what a GeoTIFF cannot hold (category names, statistics) in a
 * ".aux.xml" beside it; it moves first, so the final name never appears
 * without it. */
static int commit_aux(sm_outfile *f)
{
    char tmp[SM_PATH_SIZE], final[SM_PATH_SIZE];
    snprintf(tmp, sizeof tmp, "%s.aux.xml", f->tmp);
    snprintf(final, sizeof final, "%s.aux.xml", f->final);
    if (access(tmp, F_OK) != 0) {
        remove_quietly(final); /* a stale one from an earlier run would describe the new file */
        return 0;
    }
    return rename(tmp, final);
}

int sm_outfile_commit(sm_outfile *f)
{
    if (commit_aux(f) != 0 || rename(f->tmp, f->final) != 0) {
        int err = errno;
        sm_outfile_abort(f);
        return sm_error_set(SM_EIO, "%s: cannot move finished output into place: %s", f->final,
                            strerror(err));
    }
    track(f->tmp, 0);
    return SM_OK;
}

void sm_outfile_abort(sm_outfile *f)
{
    remove_quietly(f->tmp);
    side_files(f->tmp, remove_quietly);
    track(f->tmp, 0);
}

int sm_dataset_close(void *dataset)
{
    if (!dataset)
        return 0;
    CPLErrorReset();
    GDALClose((GDALDatasetH)dataset);
    return CPLGetLastErrorType() >= CE_Failure ? -1 : 0;
}

static void on_signal(int sig)
{
    /* First signal: ask the work to stop at the next progress report, so the
     * normal error path removes its temporaries. A second one exits at once,
     * removing what is registered (unlink is async-signal-safe). Under MPI
     * the first one does: a rank may be waiting for a rank that is gone, and
     * the launcher follows its SIGTERM with a SIGKILL. */
    if (!sm_progress_cancelled() && sm_nranks() == 1) {
        sm_progress_request_cancel();
        return;
    }
    sm_outfile_remove_pending();
    if (sm_nranks() > 1) { /* say why this rank stops: another one failed or was killed */
        static const char msg[] = "soilmap: stopped by a signal (under MPI: another rank "
                                  "failed or was stopped); temporaries removed\n";
        ssize_t ignored = write(2, msg, sizeof msg - 1);
        (void)ignored;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void sm_outfile_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int sm_make_dirs(const char *path)
{
    char buf[SM_PATH_SIZE];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return sm_error_set(SM_ECANTCREAT, "%s: cannot create folder: %s", buf,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create folder: %s", buf, strerror(errno));
    return SM_OK;
}
