#define _GNU_SOURCE /* nftw with FTW_ACTIONRETVAL */
#include "run/outdir.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char lock_name[] = ".soilmap.lock";

/* A POSIX record lock on the whole file: the kernel names the holder's
 * process (F_GETLK), so the file stays empty and folders compare equal. */
static int set_lock(int fd, int cmd, struct flock *fl)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = F_WRLCK;
    fl->l_whence = SEEK_SET;
    return fcntl(fd, cmd, fl);
}

int sm_outdir_lock(const char *dir, int *fd)
{
    char path[SM_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, lock_name);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0)
        return sm_error_set(SM_ECANTCREAT, "%s: cannot create the folder's lock: %s", path,
                            strerror(errno));
    struct flock fl;
    if (set_lock(*fd, F_SETLK, &fl) == 0)
        return SM_OK;
    int err = errno;
    long pid = set_lock(*fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? (long)fl.l_pid : 0;
    close(*fd);
    *fd = -1;
    if (err != EAGAIN && err != EACCES)
        return sm_error_set(SM_EIO, "%s: cannot lock: %s", path, strerror(err));
    return sm_error_set(SM_ECANCEL,
                        "%s: output folder in use by pid %ld (another soilmap run); wait for it "
                        "to finish, or give this run another output",
                        dir, pid);
}

void sm_outdir_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the lock */
}

/* ---- sweeping ---- */

static long swept, swept_bytes;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    swept_bytes += type == FTW_F ? (long)st->st_size : 0;
    if (type == FTW_DP ? rmdir(path) : unlink(path))
        sm_log(SM_LOG_WARN, "%s: cannot remove a stale temporary: %s", path, strerror(errno));
    return 0;
}

/* nftw's callback: a stale temporary goes, with everything under it. */
static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    if (ftw->level == 0 || !sm_outfile_is_stale(path + ftw->base))
        return FTW_CONTINUE;
    sm_log(SM_LOG_DEBUG, "removing %s, left by a run that was killed", path);
    swept++;
    if (type == FTW_D) {
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return FTW_SKIP_SUBTREE;
    }
    remove_entry(path, st, type, ftw);
    return FTW_CONTINUE;
}

long sm_outdir_sweep(const char *dir)
{
    swept = swept_bytes = 0;
    nftw(dir, visit, 16, FTW_PHYS | FTW_ACTIONRETVAL);
    if (swept)
        sm_log(SM_LOG_WARN, "%s: removed %ld temporar%s (%.1f MB) left by a run that was killed",
               dir, swept, swept == 1 ? "y" : "ies", swept_bytes / 1e6);
    return swept;
}
