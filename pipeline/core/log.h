/* Messages to stderr, filtered by verbosity (-q / -v). */
#ifndef SM_LOG_H
#define SM_LOG_H

typedef enum { SM_LOG_ERROR = 0, SM_LOG_WARN = 1, SM_LOG_INFO = 2, SM_LOG_DEBUG = 3 } sm_log_level;

void sm_log_set_level(sm_log_level level);
sm_log_level sm_log_get_level(void);
void sm_log(sm_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
