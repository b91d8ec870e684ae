#include "core/error.h"
#include "core/log.h"

#include <cpl_error.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char sm_errbuf[2048];
static _Thread_local int sm_errstatus;

/* A message is one line, as the command line prints it: a line break in a
 * value quoted from a file (a CSV cell in quotes) is shown as \n or \r, the
 * other control characters but tab as '?'. */
static void one_line(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 2 < size; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '\n' || c == '\r')
            out[n++] = '\\', out[n++] = c == '\n' ? 'n' : 'r';
        else
            out[n++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    out[n] = '\0';
}

int sm_error_set(int status, const char *fmt, ...)
{
    /* through a copy: callers may pass sm_error_message() to add context */
    char text[sizeof sm_errbuf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    one_line(text, sm_errbuf, sizeof sm_errbuf);
    sm_errstatus = status;
    return status;
}

const char *sm_error_message(void) { return sm_errbuf[0] ? sm_errbuf : "unknown error"; }
int sm_error_status(void) { return sm_errstatus; }

void sm_error_clear(void)
{
    sm_errbuf[0] = '\0';
    sm_errstatus = SM_OK;
}

int sm_exit_code(int status) { return status < 0 ? -status : 0; }

static void CPL_STDCALL gdal_handler(CPLErr level, CPLErrorNum num, const char *msg)
{
    (void)num;
    /* Failures are reported by soilmap at the failure site (with the file or
     * row involved), so here they only go to the debug log. */
    if (level == CE_Warning)
        sm_log(SM_LOG_WARN, "GDAL: %s", msg);
    else if (level == CE_Debug)
        sm_log(SM_LOG_DEBUG, "GDAL: %s", msg);
    else
        sm_log(SM_LOG_DEBUG, "GDAL error: %s", msg);
}

void sm_error_install_gdal_handler(void) { CPLSetErrorHandler(gdal_handler); }
