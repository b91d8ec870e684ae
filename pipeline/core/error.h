/* One error channel for the whole library (libvips' rule): a failing function
 * sets the message once, where the failure is detected, and returns a negative
 * sm_status; callers propagate the status without rewording the message.
 * The absolute value of a status is the process exit code (sysexits.h). */
#ifndef SM_ERROR_H
#define SM_ERROR_H

#include <stdarg.h>

typedef enum {
    SM_OK = 0,
    SM_EUSAGE = -64,     /* bad command line */
    SM_EDATA = -65,      /* input data is bad */
    SM_ENOINPUT = -66,   /* input file missing or unreadable */
    SM_EINTERNAL = -70,  /* a bug in soilmap */
    SM_ECANTCREAT = -73, /* cannot create an output */
    SM_EIO = -74,        /* read/write error */
    SM_ECANCEL = -75,    /* cancelled by the user or a signal */
    SM_ECONFIG = -78     /* bad run configuration */
} sm_status;

/* Records the message (printf-style) and returns status, so that failures read
 * `return sm_error_set(SM_EDATA, "%s: row %d: ...", ...)`. */
int sm_error_set(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sm_error_message(void);
int sm_error_status(void);
void sm_error_clear(void);

/* Exit code for a status: 0 for SM_OK, else -status. */
int sm_exit_code(int status);

/* Routes GDAL/OGR/PROJ messages into soilmap's log; the text of the last GDAL
 * failure stays available through CPLGetLastErrorMsg() for the message that
 * sm_error_set composes at the failure site. */
void sm_error_install_gdal_handler(void);

#endif
