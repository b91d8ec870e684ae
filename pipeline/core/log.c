#include "core/log.h"
#include "core/progress.h"

#include <stdarg.h>
#include <stdio.h>

static sm_log_level current_level = SM_LOG_INFO;

void sm_log_set_level(sm_log_level level) { current_level = level; }
sm_log_level sm_log_get_level(void) { return current_level; }

void sm_log(sm_log_level level, const char *fmt, ...)
{
    static const char *const prefix[] = {"error: ", "warning: ", "", "", "debug: "};
    if (level > current_level)
        return;
    /* A message must not land in the middle of a progress bar line. */
    sm_progress_break_line();
    va_list ap;
    va_start(ap, fmt);
    fputs(prefix[level], stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
