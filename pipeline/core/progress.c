#include "core/progress.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sm_progress_mode mode = SM_PROGRESS_AUTO;
static int bar_open; /* a bar line is on screen, unfinished */
static volatile sig_atomic_t cancel_requested;
static double (*line_clock)(void) = sm_clock;

void sm_progress_set_mode(sm_progress_mode m) { mode = m; }
void sm_progress_request_cancel(void) { cancel_requested = 1; }
int sm_progress_cancelled(void) { return cancel_requested; }

double sm_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void sm_progress_break_line(void)
{
    if (bar_open) {
        fputc('\n', stderr);
        bar_open = 0;
    }
}

void sm_progress_set_clock(double (*clock)(void)) { line_clock = clock ? clock : sm_clock; }

void sm_progress_begin(sm_progress_task *t, const char *stage, const char *task)
{
    snprintf(t->stage, sizeof t->stage, "%s", stage);
    snprintf(t->task, sizeof t->task, "%s", task);
    t->last_step = -1;
    t->started = sm_clock();
    t->last_line = line_clock();
}

static void render_bar(sm_progress_task *t, double frac)
{
    enum { WIDTH = 30 };
    int step = (int)(frac * 1000.0);
    if (step == t->last_step)
        return;
    t->last_step = step;
    char bar[WIDTH + 1];
    int filled = (int)(frac * WIDTH);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    double elapsed = sm_clock() - t->started;
    fprintf(stderr, "\r%s: %-28.28s [%s] %5.1f%% %6.1fs", t->stage, t->task, bar, frac * 100.0,
            elapsed);
    bar_open = 1;
    if (frac >= 1.0)
        sm_progress_break_line();
}

/* A log is read later: a task that ends within SM_PROGRESS_INTERVAL says
 * nothing (its result line follows); a longer one prints a line per 10 % or
 * per SM_PROGRESS_INTERVAL, whichever comes first, so that a stuck task
 * still shows where it is. */
static void render_line(sm_progress_task *t, double frac)
{
    double now = line_clock(), since = now - t->last_line;
    int percent = (int)(frac * 100.0);
    if (since < SM_PROGRESS_INTERVAL && (t->last_step < 0 || percent < t->last_step + 10))
        return;
    t->last_step = percent;
    t->last_line = now;
    fprintf(stderr, "%s: %s %d%% (%.0f s)\n", t->stage, t->task, percent, sm_clock() - t->started);
}

/* A task name may hold a path (publish names its tile folder): quoted as
 * JSON, so that a quote or backslash in the output folder keeps the line
 * valid. */
static void json_string(const char *s)
{
    fputc('"', stdout);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(stdout, "\\%c", c);
        else if (c < 0x20)
            fprintf(stdout, "\\u%04x", c);
        else
            fputc(c, stdout);
    }
    fputc('"', stdout);
}

static void render_json(sm_progress_task *t, double frac, const char *msg)
{
    int step = (int)(frac * 1000.0);
    if (step == t->last_step)
        return;
    t->last_step = step;
    (void)msg; /* GDAL's message: free text, and not needed */
    fputs("{\"stage\":", stdout);
    json_string(t->stage);
    fputs(",\"task\":", stdout);
    json_string(t->task);
    fprintf(stdout, ",\"progress\":%.3f,\"elapsed\":%.3f}\n", frac, sm_clock() - t->started);
    fflush(stdout);
}

int sm_progress(double frac, const char *msg, void *arg)
{
    sm_progress_task *t = arg;
    if (frac < 0.0)
        frac = 0.0;
    if (frac > 1.0)
        frac = 1.0;
    if (t && mode != SM_PROGRESS_QUIET) {
        if (mode == SM_PROGRESS_JSON)
            render_json(t, frac, msg);
        else if (isatty(fileno(stderr)))
            render_bar(t, frac);
        else
            render_line(t, frac);
    }
    return !cancel_requested;
}
