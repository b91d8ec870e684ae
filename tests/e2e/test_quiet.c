/* End to end: what a run prints when its output goes to a file (a batch
 * log), not a terminal. -q keeps the results (fitted models, cross-validation,
 * counts) and drops the progress; plain progress lines come at most every
 * 10 % or 10 s of a task, none for a task shorter than that; IDW prints no
 * "MSDR nan"; --json-progress lines stay valid JSON whatever the output
 * folder is called. */
#define _GNU_SOURCE /* strcasestr */
#include "core/progress.h"
#include "testutil.h"

#include <json-c/json.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static char err[1024];
static const char *const contaminants[] = {"cd", "pb", "zn", "as"};

/* The demo config on a 200 m grid with two zoom levels of tiles, its own
 * store, and an output folder whose name holds a double quote; with the
 * method (may be NULL) instead of kriging. */
static const char *tiny_config(const char *name, const char *method)
{
    static char path[4096];
    char file[128], out[128], quoted[128];
    snprintf(path, sizeof path, "%s",
             sm_test_demo_config(name, "resolution: 10 ", "resolution: 200 "));
    char *text = sm_test_slurp(path);
    snprintf(out, sizeof out, "/out-%s ", name);
    snprintf(quoted, sizeof quoted, "/out-%s\"q ", name);
    char m[64];
    snprintf(m, sizeof m, "method: %s ", method ? method : "kriging");
    /* IDW has no probabilities: its hotspots follow the prediction */
    const char *from[] = {"zoom: [11, 15]", "demo-store.sqlite", out, "method: kriging ",
                          "basis: probability "};
    const char *to[] = {"zoom: [11, 12]", "quiet-store.sqlite", quoted, m,
                        method ? "basis: prediction " : "basis: probability "};
    for (int i = 0; i < 5; i++) {
        char *at = strstr(text, from[i]);
        if (!at)
            fail_msg("'%s' not in the demo config", from[i]);
        size_t n = strlen(text) + strlen(to[i]) + 1;
        char *next = malloc(n);
        snprintf(next, n, "%.*s%s%s", (int)(at - text), text, to[i], at + strlen(from[i]));
        free(text);
        text = next;
    }
    /* IDW has no variogram to simulate with: no simulation section */
    char *sim = strstr(text, "\nsimulation:"), *next = sim ? strstr(sim, "\nhotspots:") : NULL;
    if (method && !strcmp(method, "idw") && sim && next)
        memmove(sim, next, strlen(next) + 1);
    snprintf(file, sizeof file, "%s.yaml", name);
    snprintf(path, sizeof path, "%s", sm_test_write(file, text));
    free(text);
    snprintf(out, sizeof out, "out-%s\"q", name);
    sm_test_rmtree(out);
    return path;
}

static int cli(const char *fmt, const char *config)
{
    char args[4400];
    snprintf(args, sizeof args, fmt, config);
    return sm_test_cli(args, err, sizeof err);
}

/* Lines of text that are progress lines, "stage: task 40%" with or without
 * the elapsed "(12 s)" after it. */
static int progress_lines(const char *text, char *first, size_t size)
{
    regex_t re;
    assert_int_equal(
        regcomp(&re, "^[a-z]+: .* [0-9]+%( \\([0-9]+ s\\))?$", REG_EXTENDED | REG_NEWLINE), 0);
    int n = 0;
    first[0] = '\0';
    regmatch_t m;
    for (const char *p = text; regexec(&re, p, 1, &m, 0) == 0; p += m.rm_eo) {
        if (!n++)
            snprintf(first, size, "%.*s", (int)(m.rm_eo - m.rm_so), p + m.rm_so);
    }
    regfree(&re);
    return n;
}

static void assert_has_line(const char *text, const char *start, const char *fragment)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, start, strlen(start))) {
            size_t n = strcspn(p, "\n");
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)n, p);
            if (strstr(line, fragment))
                return;
        }
    fail_msg("no line '%s...%s' in:\n%s", start, fragment, text);
}

static void assert_no_nan(const char *what, const char *text)
{
    for (const char *p = text; (p = strcasestr(p, "nan")); p++) {
        /* a word "nan", not letters inside one (none of soilmap's words has them) */
        int before = p > text && ((p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z');
        int after = (p[3] | 32) >= 'a' && (p[3] | 32) <= 'z';
        if (!before && !after)
            fail_msg("'nan' in %s:\n%s", what, text);
    }
}

/* -q: every result line a user needs, no progress, nothing on stdout. */
static void test_quiet_prints_results(void **state)
{
    (void)state;
    const char *config = tiny_config("quiet", NULL);
    assert_int_equal(cli("store init --force -q %s", config), 0);
    assert_int_equal(cli("run -q %s", config), 0);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    char *out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    char first[256];
    int n = progress_lines(log, first, sizeof first);
    if (n)
        fail_msg("-q printed %d progress lines, e.g. '%s'", n, first);
    assert_string_equal(out, "");
    assert_has_line(log, "ingest: ", " rows read, ");
    assert_has_line(log, "grid: ", " cells of 200 m");
    for (int i = 0; i < 4; i++) {
        char start[64];
        snprintf(start, sizeof start, "interpolate: %s: ", contaminants[i]);
        assert_has_line(log, start, "samples, kriging, model ");
        assert_has_line(log, start, "cross-validation (leave-one-out): ME ");
    }
    assert_has_line(log, "classify: land use agricultural: ", " cells");
    assert_has_line(log, "hotspots: ", " areas, ");
    assert_has_line(log, "screen: ", " sites: ");
    assert_has_line(log, "results in ", "run.json");
    assert_no_nan("the -q log", log);
    /* a warning is a result too: the demo's forest cells are unmapped */
    assert_has_line(log, "warning: classify: ", "forest");
    free(log);
    free(out);
}

/* Without -q, into a file: a task shorter than 10 s prints no progress
 * line (before: 0 %, 10 %, ... 100 % of every task, 94 lines here). */
static void test_plain_log_progress(void **state)
{
    (void)state;
    const char *config = tiny_config("plain", NULL);
    assert_int_equal(cli("store init --force -q %s", config), 0);
    double t0 = sm_clock();
    assert_int_equal(cli("run %s", config), 0);
    double seconds = sm_clock() - t0;
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    char first[256];
    int n = progress_lines(log, first, sizeof first);
    if (seconds < SM_PROGRESS_INTERVAL && n)
        fail_msg("a %.1f s run printed %d progress lines, e.g. '%s'", seconds, n, first);
    if (strstr(log, " 0%\n") || strstr(log, " 0% ("))
        fail_msg("a 0 %% line:\n%s", log);
    assert_has_line(log, "interpolate: cd: ", "model ");
    assert_no_nan("the log", log);
    /* a guideline note is the classify stage's, said once (before: again
     * in hotspots, remediate and screen, 4 times in all) */
    int notes = 0;
    for (const char *p = log; (p = strstr(p, "no zn value for land-use class 'residential'")); p++)
        notes++;
    assert_int_equal(notes, 1);
    free(log);

    /* --json-progress on the same folder (its name holds a quote): every
     * line on stdout is a JSON object, publish's tasks included */
    assert_int_equal(cli("publish --force --json-progress %s", config), 0);
    char *out = sm_test_slurp(sm_test_tmp("cli.stdout"));
    int objects = 0, publish = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), objects++) {
        json_object *o = json_tokener_parse(line);
        if (!o)
            fail_msg("not JSON: %s", line);
        json_object *stage, *task, *progress;
        assert_true(json_object_object_get_ex(o, "stage", &stage));
        assert_true(json_object_object_get_ex(o, "task", &task));
        assert_true(json_object_object_get_ex(o, "progress", &progress));
        publish += !strcmp(json_object_get_string(stage), "publish") &&
                   strstr(json_object_get_string(task), "out-plain\"q/");
        json_object_put(o);
    }
    assert_true(objects > 0);
    assert_true(publish > 0);
    free(out);
}

/* IDW has no kriging variance: its cross-validation line has no MSDR, and
 * nothing says nan (before: "MSDR nan"). */
static void test_idw_prints_no_nan(void **state)
{
    (void)state;
    const char *config = tiny_config("idw", "idw");
    assert_int_equal(cli("ingest -q %s", config), 0);
    assert_int_equal(cli("interpolate %s", config), 0);
    char *log = sm_test_slurp(sm_test_tmp("cli.stderr"));
    if (strstr(log, "MSDR"))
        fail_msg("MSDR printed for IDW:\n%s", log);
    assert_no_nan("the IDW log", log);
    for (int i = 0; i < 4; i++) {
        char start[64];
        snprintf(start, sizeof start, "interpolate: %s: ", contaminants[i]);
        assert_has_line(log, start, "samples, IDW, power 2");
        assert_has_line(log, start, "cross-validation (leave-one-out): ME ");
    }
    free(log);
}

/* The cadence of plain lines, on a clock the test moves: silent for the
 * first 10 s, then a line per 10 % or per 10 s, whichever comes first. */
static double fake_now;
static double fake_clock(void) { return fake_now; }

static void test_plain_line_cadence(void **state)
{
    (void)state;
    const char *path = sm_test_tmp("cadence.stderr");
    fflush(stderr);
    int saved = dup(2);
    assert_non_null(freopen(path, "w", stderr));
    sm_progress_set_mode(SM_PROGRESS_AUTO);
    sm_progress_set_clock(fake_clock);
    fake_now = 100.0;
    sm_progress_task t;
    sm_progress_begin(&t, "interpolate", "cd surface");
    const double at[][2] = {{0, 0.0},   {3, 0.3},   {9.9, 0.45}, /* short: nothing */
                            {10, 0.46}, {11, 0.50}, {12, 0.56},  /* 46 %, then +10 % */
                            {21, 0.60}, {22, 0.61}, {32, 0.62},  /* 10 s: a line each */
                            {33, 1.0}};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        fake_now = 100.0 + at[i][0];
        sm_progress(at[i][1], NULL, &t);
    }
    sm_progress_set_clock(NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *text = sm_test_slurp(path);
    const char *want[] = {"cd surface 46%", "cd surface 56%", "cd surface 61%", "cd surface 62%",
                          "cd surface 100%"};
    char first[256];
    assert_int_equal(progress_lines(text, first, sizeof first), 5);
    const char *p = text;
    for (int i = 0; i < 5; i++) {
        p = strstr(p, want[i]);
        if (!p)
            fail_msg("no '%s' (in order) in:\n%s", want[i], text);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_prints_results),
        cmocka_unit_test(test_plain_log_progress),
        cmocka_unit_test(test_idw_prints_no_nan),
        cmocka_unit_test(test_plain_line_cadence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
