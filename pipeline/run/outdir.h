/* The output folder a run owns: one run at a time (an advisory lock), and
 * what killed runs left in it swept away before the next one starts. */
#ifndef SM_OUTDIR_H
#define SM_OUTDIR_H

/* Takes the folder's lock (<dir>/.soilmap.lock, a POSIX record lock, which
 * NFS honours too), held until the
 * process exits or sm_outdir_unlock. A folder in use by another run gives
 * SM_ECANCEL (75: try again later) naming that run's process id. */
int sm_outdir_lock(const char *dir, int *fd);
void sm_outdir_unlock(int fd);

/* Removes the temporaries (".tmp-*" files and folders) under dir whose
 * process is gone, and logs what it removed; returns how many. */
long sm_outdir_sweep(const char *dir);

#endif
