/* Outputs appear under their final name only when complete: each is written
 * to a hidden temporary name in the same folder and renamed at the end. A
 * SIGINT/SIGTERM removes the temporaries in flight; a SIGKILL leaves at worst a
 * hidden ".tmp-*" file, never a truncated file under a final name. */
#ifndef SM_OUTFILE_H
#define SM_OUTFILE_H

#include "core/limits.h"

#include <stddef.h>

typedef struct {
    char final[SM_PATH_SIZE];
    char tmp[SM_PATH_SIZE]; /* "<dir>/.tmp-<job>.<rank>-<name>": keeps the extension drivers look at
                             */
} sm_outfile;

/* Chooses the temporary name and registers it for cleanup on a signal. */
void sm_outfile_begin(sm_outfile *f, const char *final_path);

/* Registers the temporary that MPI rank `rank` uses for final_path, so that
 * a signal here removes it too; touches no file. */
void sm_outfile_watch(sm_outfile *f, const char *final_path, int rank);

/* Stops watching the temporary without removing it (another rank will);
 * a later commit or abort of f does nothing. */
void sm_outfile_forget(sm_outfile *f);

/* Renames the temporary to the final name; SM_EIO with a message on failure. */
int sm_outfile_commit(sm_outfile *f);

/* Removes the temporary (and SQLite side files such as -journal, -wal). */
void sm_outfile_abort(sm_outfile *f);

/* Whether a file or folder name (no directory part) is a temporary of a
 * soilmap process that has since died, such as one killed with SIGKILL. */
int sm_outfile_is_stale(const char *name);

/* How many temporaries are registered, and removing them all (what a
 * second signal does; async-signal-safe). */
int sm_outfile_pending(void);
void sm_outfile_remove_pending(void);

/* Closes a GDAL dataset (a GDALDatasetH) and reports whether the final
 * flush failed: -1 then, with the reason in CPLGetLastErrorMsg(). */
int sm_dataset_close(void *dataset);

/* Installs SIGINT/SIGTERM handlers that request cancellation and remove
 * registered temporaries if the process is killed before it can clean up. */
void sm_outfile_install_signal_handlers(void);

/* Creates a folder and its parents; SM_ECANTCREAT on failure. */
int sm_make_dirs(const char *path);

#endif
