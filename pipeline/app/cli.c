#include "app/cli.h"
#include "app/cli_store.h"
#include "config/config.h"
#include "config/yamlread.h"
#include "core/error.h"
#include "core/log.h"
#include "core/outfile.h"
#include "core/progress.h"
#include "core/ranks.h"
#include "core/versions.h"
#include "grid/share.h"
#include "run/overlap.h"
#include "run/registry.h"
#include "run/run.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *command;
    const char *config;
    const char *topic;  /* for "help TOPIC" */
    const char *output; /* overrides the config's output folder */
    const char *sub;    /* store SUB */
    const char *extra;  /* store import FILE, store export DIR, store list WHAT */
    const char *sites;  /* screen --sites FILE */
    sm_run_options run;
    int threads;
} cli_args;

/* The commands that are not stages; stages describe themselves (stage.h). */
typedef struct {
    const char *name, *args, *summary, *help;
} command;

static const command run_command = {
    "run",
    "CONFIG",
    "run every stage of the job (%s)",
    "Runs the job's stages in order. A stage whose config, inputs and outputs are\n"
    "unchanged since the last run is skipped; --force redoes it. Every run writes\n"
    "<output>/run.json: the config, inputs and outputs with SHA-256, versions,\n"
    "and per-stage timings and counts.\n\n"
    "Under MPI (mpirun -n P, or srun, with a soilmap built with SOILMAP_MPI) the P\n"
    "ranks split the tiles of interpolate and classify and publish's web tiles,\n"
    "each on --threads threads (--schedule: how); rank 0 runs the other stages.\n"
    "The files are the same bytes as one process writes. A failing rank stops\n"
    "the whole job.\n\n"
    "Without MPI, --tile-range I/N computes slice I of N (tiles I, I+N, I+2N, ...)\n"
    "of interpolate and classify in <output>/slices/I-of-N/, one job-array task\n"
    "per slice; then `soilmap assemble CONFIG` builds the results. See\n"
    "docs/scaling.md.\n",
};

static const command other_commands[] = {
    {"store", "SUB CONFIG [ARG]",
     "the remediation store (SpatiaLite): init [--force], import FILE,\n"
     "list [technologies|cases|countries|contaminants], coverage,\n"
     "export DIR",
     "The remediation store named by the config's remediation.store, a SpatiaLite file of\n"
     "technologies, their applicability and sustainability scores, countries and case\n"
     "studies (docs/remediation.md):\n"
     "  init [--force]  create it from the catalogue CSVs (remediation.catalogue,\n"
     "                  default: soilmap's data/remediation/)\n"
     "  import FILE     add or update case studies from a survey: a cases CSV (with its\n"
     "                  NAME_contaminants.csv) or a GeoPackage (layers cases,\n"
     "                  case_contaminants). Any bad row rejects the whole file, the store\n"
     "                  is unchanged, and every bad row goes to <output>/store-rejects.csv\n"
     "  list [WHAT]     technologies (default), cases, countries or contaminants\n"
     "  coverage        countries with real case studies, share of UN member states\n"
     "                  against INSOP's 60 % target, per region\n"
     "  export DIR      the store as catalogue CSVs (the format init and import read)\n"
     "Example: soilmap store init configs/demo.yaml && soilmap store coverage configs/demo.yaml\n"},
    {"assemble", "CONFIG",
     "after `run --tile-range I/N` for every I: build the surfaces\n"
     "and classes from <output>/slices/ and run the other stages",
     "After `soilmap run CONFIG --tile-range I/N` has run for every I from 0 to\n"
     "N-1 (Slurm job arrays, or any batch system), builds the surfaces and\n"
     "classification rasters from the slices' tiles in <output>/slices/, checks\n"
     "that every slice is there and was made with this config, and runs the\n"
     "remaining stages. The files equal those of a single `soilmap run`.\n"
     "<output>/slices/ may be removed afterwards. See docs/scaling.md.\n"},
    {"validate", "CONFIG", "check the config and the enabled stages' inputs; runs nothing",
     "Checks the config (every error names file:line:column and the key) and, for\n"
     "each stage the config enables, that its inputs open: the samples and sources\n"
     "with the configured columns and a CRS, the guideline table, land use and pH,\n"
     "the remediation store or its catalogue, the site registry. Reads no rows and\n"
     "writes nothing.\n"},
    {"version", "", "print the versions of soilmap, GDAL, PROJ, GEOS, SpatiaLite",
     "Prints the versions of soilmap and its libraries.\n"},
    {"help", "[COMMAND]", "this text, or more about one command",
     "Prints the overview, or the help of one command.\n"},
};
enum { N_OTHER = sizeof other_commands / sizeof other_commands[0] };

static const char usage_head[] =
    "Usage: soilmap <command> [options] [CONFIG]\n"
    "\n"
    "soilmap turns soil samples and pollution sources into contaminant maps.\n"
    "A job is described by one YAML config file (see docs/config.md).\n"
    "\n"
    "Commands:\n";

static const char usage_tail[] =
    "\n"
    "Options:\n"
    "  -o, --output DIR    write results to DIR instead of the config's output\n"
    "  --sites FILE        screen: the site registry to rank\n"
    "  --config KEY VALUE  set a GDAL configuration option (e.g. GDAL_CACHEMAX 512)\n"
    "  --threads N         worker threads (default: all cores)\n"
    "  --force             redo stages whose outputs are already current\n"
    "  --tile-range I/N    run: compute slice I of N (0-based) of the tiles only, in\n"
    "                      <output>/slices/I-of-N/ (Slurm job arrays; see assemble)\n"
    "  --schedule static|dynamic  under MPI: tile t to rank t mod P (static, the\n"
    "                      default), or ranks draw tiles as they go (dynamic: for\n"
    "                      nodes of unequal speed)\n"
    "  --json-progress     progress as one JSON object per line on stdout\n"
    "  -q, --quiet         no progress, only results (fitted models, cross-validation\n"
    "                      summaries, counts), warnings and errors\n"
    "  -v, --verbose       more detail, including GDAL's debug messages\n"
    "  -h, --help          this text\n"
    "\n"
    "Examples:\n"
    "  soilmap validate configs/demo.yaml\n"
    "  soilmap run configs/demo.yaml\n"
    "  soilmap ingest --force -v configs/meuse.yaml\n"
    "  mpirun -n 4 soilmap run --threads 8 national.yaml   (ranks split the tiles)\n"
    "\n"
    "Exit codes: 0 ok, 64 usage, 65 bad data, 66 missing input, 73 cannot create\n"
    "output, 74 I/O error, 75 cancelled, 78 config error.\n";

/* One command of the overview: its name and arguments, then its summary
 * lines aligned in a column. */
static void print_entry(const char *name, const char *args, const char *summary)
{
    char head[64];
    snprintf(head, sizeof head, "%s%s%s", name, *args ? " " : "", args);
    printf("  %-17s ", head);
    if (strlen(head) > 17)
        putchar(' ');
    for (const char *p = summary; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            printf("%20s", "");
    }
    putchar('\n');
}

static void print_usage(void)
{
    /* the stage list wrapped at 80 columns, after the summary's first words */
    char stages[256] = "";
    const sm_stage *const *st = sm_registry();
    size_t column = 20 + strlen(run_command.summary) - 2;
    for (int i = 0; st[i]; i++) {
        int wrap = i && column + strlen(st[i]->name) + 3 > 80;
        column = wrap ? 20 : column + 2;
        column += strlen(st[i]->name);
        snprintf(stages + strlen(stages), sizeof stages - strlen(stages), "%s%s",
                 i ? (wrap ? ",\n" : ", ") : "", st[i]->name);
    }
    char run_summary[512];
    snprintf(run_summary, sizeof run_summary, run_command.summary, stages);
    fputs(usage_head, stdout);
    print_entry(run_command.name, run_command.args, run_summary);
    for (int i = 0; st[i]; i++)
        print_entry(st[i]->name, st[i]->args, st[i]->summary);
    for (int i = 0; i < N_OTHER; i++)
        print_entry(other_commands[i].name, other_commands[i].args, other_commands[i].summary);
    fputs(usage_tail, stdout);
}

static void print_help(const char *name, const char *args, const char *help)
{
    printf("soilmap %s%s%s\n\n%s", name, *args ? " " : "", args, help);
}

static int usage_error(const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, arg);
    return sm_error_set(SM_EUSAGE, "%s (soilmap --help shows the usage)", msg);
}

/* Every command name, for "did you mean"; NULL-terminated. */
static const char *const *command_names(void)
{
    static const char *names[32];
    if (names[0])
        return names;
    int n = 0;
    names[n++] = run_command.name;
    for (const sm_stage *const *st = sm_registry(); *st; st++)
        names[n++] = (*st)->name;
    for (int i = 0; i < N_OTHER; i++)
        names[n++] = other_commands[i].name;
    return names;
}

static int parse_option(int argc, char **argv, int *i, cli_args *a)
{
    const char *o = argv[*i];
    if (!strcmp(o, "-q") || !strcmp(o, "--quiet")) {
        sm_log_set_level(SM_LOG_RESULT);
        sm_progress_set_mode(SM_PROGRESS_QUIET);
    } else if (!strcmp(o, "-v") || !strcmp(o, "--verbose")) {
        sm_log_set_level(SM_LOG_DEBUG);
        CPLSetConfigOption("CPL_DEBUG", "ON");
    } else if (!strcmp(o, "--force")) {
        a->run.force = 1;
    } else if (!strcmp(o, "--json-progress")) {
        sm_progress_set_mode(SM_PROGRESS_JSON);
    } else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
        a->topic = a->command;
        a->command = "help";
    } else if (!strcmp(o, "--threads")) {
        char *end;
        if (*i + 1 >= argc)
            return usage_error("--threads needs a number", "");
        long n = strtol(argv[++*i], &end, 10);
        if (*end || n < 1 || n > 4096)
            return usage_error("--threads: '%s' is not a thread count", argv[*i]);
        a->threads = (int)n;
    } else if (!strcmp(o, "-o") || !strcmp(o, "--output")) {
        if (*i + 1 >= argc)
            return usage_error("%s needs a folder", o);
        a->output = argv[++*i];
    } else if (!strcmp(o, "--schedule")) {
        if (*i + 1 >= argc)
            return usage_error("--schedule needs static or dynamic", "");
        const char *v = argv[++*i];
        if (strcmp(v, "static") != 0 && strcmp(v, "dynamic") != 0)
            return usage_error("--schedule: '%s' is neither static nor dynamic", v);
        a->run.dynamic = !strcmp(v, "dynamic");
    } else if (!strcmp(o, "--tile-range")) {
        if (*i + 1 >= argc)
            return usage_error("--tile-range needs I/N", "");
        if (sm_share_parse(argv[++*i], &a->run.slice, &a->run.slices) != 0)
            return usage_error("--tile-range: '%s' is not I/N with 0 <= I < N (slice I of N)",
                               argv[*i]);
    } else if (!strcmp(o, "--sites")) {
        if (*i + 1 >= argc)
            return usage_error("--sites needs a FILE", "");
        a->sites = argv[++*i];
    } else if (!strcmp(o, "--config")) {
        if (*i + 2 >= argc)
            return usage_error("--config needs KEY and VALUE", "");
        CPLSetConfigOption(argv[*i + 1], argv[*i + 2]);
        *i += 2;
    } else {
        return usage_error("unknown option '%s'", o);
    }
    return SM_OK;
}

static int parse_args(int argc, char **argv, cli_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            int rc = parse_option(argc, argv, &i, a);
            if (rc)
                return rc;
        } else if (!a->command) {
            a->command = argv[i];
        } else if (!strcmp(a->command, "help") && !a->topic) {
            a->topic = argv[i];
        } else if (!strcmp(a->command, "store") && !a->sub) {
            a->sub = argv[i];
        } else if (!a->config) {
            a->config = argv[i];
        } else if (!strcmp(a->command, "store") && !a->extra) {
            a->extra = argv[i];
        } else {
            return usage_error("unexpected argument '%s'", argv[i]);
        }
    }
    if (!a->command)
        return usage_error("no command given%s", "");
    const char *const *commands = command_names();
    for (int i = 0; commands[i]; i++)
        if (!strcmp(a->command, commands[i]))
            return SM_OK;
    const char *guess = sm_closest(a->command, commands);
    if (guess) {
        char msg[256];
        snprintf(msg, sizeof msg, "unknown command '%s'; did you mean '%s'?", a->command, guess);
        return usage_error("%s", msg);
    }
    return usage_error("unknown command '%s'", a->command);
}

static int cmd_help(const char *topic)
{
    const sm_stage *st = topic ? sm_registry_find(topic) : NULL;
    if (st)
        print_help(st->name, st->args, st->help);
    else if (topic && !strcmp(topic, run_command.name))
        print_help(run_command.name, run_command.args, run_command.help);
    for (int i = 0; !st && topic && i < N_OTHER; i++)
        if (!strcmp(topic, other_commands[i].name)) {
            print_help(other_commands[i].name, other_commands[i].args, other_commands[i].help);
            return SM_OK;
        }
    if (!st && !(topic && !strcmp(topic, run_command.name)))
        print_usage();
    return SM_OK;
}

static int cmd_version(void)
{
    sm_component_version v[SM_N_COMPONENTS];
    sm_versions(v);
    for (int i = 0; i < SM_N_COMPONENTS; i++)
        printf("%-11s %s\n", v[i].name, v[i].version);
    return SM_OK;
}

/* Each enabled stage checks its own inputs, in run order. */
static int cmd_validate(const sm_config *cfg)
{
    int rc = sm_overlap_check(cfg);
    for (const sm_stage *const *st = sm_registry(); *st && rc == SM_OK; st++)
        if ((*st)->check && (!(*st)->enabled || (*st)->enabled(cfg)))
            rc = (*st)->check(cfg);
    if (rc)
        return rc;
    printf("%s: ok (project '%s', %d contaminant%s, %d source layer%s)\n", cfg->file, cfg->project,
           cfg->samples.n_contaminants, cfg->samples.n_contaminants == 1 ? "" : "s", cfg->n_sources,
           cfg->n_sources == 1 ? "" : "s");
    return SM_OK;
}

static int assemble(const sm_config *cfg, const sm_run_options *given)
{
    sm_run_options opt = *given;
    opt.assemble = 1;
    opt.slice = 0;
    int rc = sm_share_find_slices(cfg->output, &opt.slices);
    return rc ? rc : sm_run(cfg, NULL, &opt);
}

static int with_config(const cli_args *a)
{
    if (!a->config)
        return usage_error("'%s' needs a CONFIG file", a->command);
    if (a->run.slices && strcmp(a->command, "run") != 0)
        return usage_error("--tile-range goes with run, not '%s'", a->command);
    if (sm_nranks() > 1 && (!strcmp(a->command, "store") || !strcmp(a->command, "validate")))
        return usage_error("'%s' is not split across MPI ranks; run it without mpirun", a->command);
    sm_config cfg;
    int rc = sm_config_load(a->config, &cfg);
    if (rc)
        return rc;
    if (a->output) {
        free(cfg.output);
        cfg.output = strdup(a->output);
    }
    if (a->sites) { /* screen --sites FILE: this registry instead of the config's */
        free(cfg.screening.sites);
        cfg.screening.sites = strdup(a->sites);
        cfg.screening.present = 1;
        if (cfg.screening.sample_distance <= 0)
            cfg.screening.sample_distance = 500;
    }
    if (!strcmp(a->command, "validate"))
        rc = cmd_validate(&cfg);
    else if (!strcmp(a->command, "store"))
        rc = sm_cli_store(&cfg, a->sub, a->extra, a->run.force);
    else if (!strcmp(a->command, "assemble"))
        rc = assemble(&cfg, &a->run);
    else
        rc = sm_run(&cfg, !strcmp(a->command, "run") ? NULL : a->command, &a->run);
    sm_config_free(&cfg);
    return rc;
}

static void setup(const cli_args *a)
{
    GDALAllRegister();
    sm_error_install_gdal_handler();
    sm_outfile_install_signal_handlers();
    int threads = a->threads > 0 ? a->threads : omp_get_num_procs();
    omp_set_num_threads(threads);
    /* GDAL_NUM_THREADS is left to the user (--config): GDAL 3.6's threaded
     * TIFF compression can deadlock against its block cache. */
    /* GDAL's block cache defaults to 5 % of RAM; a fixed cap keeps a run's
     * memory independent of the grid size (--config GDAL_CACHEMAX raises it). */
    if (!CPLGetConfigOption("GDAL_CACHEMAX", NULL))
        CPLSetConfigOption("GDAL_CACHEMAX", "256");
    /* The COG driver keeps overviews in a temporary file, ZSTD-compressed by
     * default; the file is deleted at once, and compressing it took a tenth
     * of a 500x500 run. */
    if (!CPLGetConfigOption("COG_TMP_COMPRESSION", NULL))
        CPLSetConfigOption("COG_TMP_COMPRESSION", "NONE");
}

int sm_cli_main(int argc, char **argv)
{
    cli_args a = {0};
    int rc = sm_ranks_init(&argc, &argv);
    if (rc == SM_OK)
        rc = parse_args(argc, argv, &a);
    if (rc == SM_OK && sm_rank() > 0) { /* rank 0 speaks for the job, whatever -q or -v say */
        sm_log_set_level(SM_LOG_ERROR);
        sm_progress_set_mode(SM_PROGRESS_QUIET);
    }
    if (rc == SM_OK && !strcmp(a.command, "help"))
        rc = cmd_help(a.topic);
    else if (rc == SM_OK && !strcmp(a.command, "version"))
        rc = (setup(&a), cmd_version());
    else if (rc == SM_OK) {
        setup(&a);
        rc = with_config(&a);
    }
    if (rc != SM_OK && sm_nranks() > 1)
        sm_ranks_abort(rc); /* prints the message with the rank */
    if (rc != SM_OK) {
        sm_progress_break_line();
        fprintf(stderr, "soilmap: %s\n", sm_error_message());
    }
    GDALDestroy();
    sm_ranks_finalize();
    return sm_exit_code(rc);
}
