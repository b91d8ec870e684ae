/* Progress reporting through GDAL's callback type, so that GDAL's own long
 * calls (polygonize, rasterize, warp, COG creation) nest inside ours with
 * GDALCreateScaledProgress. Three renderings: a bar on a terminal, plain log
 * lines otherwise, one JSON object per update with --json-progress.
 *
 * Plain lines are for logs a person reads later (batch jobs, CI): a task
 * prints nothing during its first SM_PROGRESS_INTERVAL seconds (its result
 * line says it is done), then a line each time it has advanced 10 % or
 * SM_PROGRESS_INTERVAL seconds have passed since its last line, whichever
 * comes first. */
#ifndef SM_PROGRESS_H
#define SM_PROGRESS_H

typedef enum { SM_PROGRESS_AUTO, SM_PROGRESS_QUIET, SM_PROGRESS_JSON } sm_progress_mode;

#define SM_PROGRESS_INTERVAL 10.0 /* seconds between plain progress lines */

/* The state of one task's progress; pass a pointer as the callback argument. */
typedef struct {
    char stage[32];
    char task[96];
    int last_step;    /* last rendered step, in permille (bar, JSON) or percent (lines) */
    double started;   /* monotonic seconds */
    double last_line; /* when the last plain line was printed */
} sm_progress_task;

void sm_progress_set_mode(sm_progress_mode mode);

/* Starts a task named "stage: task"; returns its state for sm_progress. */
void sm_progress_begin(sm_progress_task *t, const char *stage, const char *task);

/* GDALProgressFunc-compatible: frac in [0,1]; returns 0 when the run was
 * cancelled (SIGINT/SIGTERM), which makes the caller stop. */
int sm_progress(double frac, const char *msg, void *task);

/* Finishes a bar line so that a log message does not overwrite it. */
void sm_progress_break_line(void);

/* Set by the signal handler; checked by sm_progress. */
void sm_progress_request_cancel(void);
int sm_progress_cancelled(void);

double sm_clock(void);

/* The clock the plain lines are timed with (NULL: sm_clock), so that a test
 * can let ten seconds pass at once. */
void sm_progress_set_clock(double (*clock)(void));

#endif
