/* Messages to stderr, filtered by verbosity (-q / -v).
 *
 * RESULT is what a run found and a user needs even with -q: a fitted model,
 * a cross-validation summary, the counts a stage reports. INFO is the
 * narration around it (skipped stages, notes). -q shows RESULT and above and
 * no progress; the default adds INFO; -v adds DEBUG. */
#ifndef SM_LOG_H
#define SM_LOG_H

typedef enum {
    SM_LOG_ERROR = 0,
    SM_LOG_WARN = 1,
    SM_LOG_RESULT = 2,
    SM_LOG_INFO = 3,
    SM_LOG_DEBUG = 4
} sm_log_level;

void sm_log_set_level(sm_log_level level);
sm_log_level sm_log_get_level(void);
void sm_log(sm_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
