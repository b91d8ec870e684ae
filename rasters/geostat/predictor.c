#include "geostat/predictor.h"
#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sm_predictor_scratch {
    sm_kriging_scratch *kr; /* kriging; NULL for IDW */
    sm_nsearch idw_ns;      /* IDW's search */
    sm_nsearch *ns;         /* the search in use: kr->ns or idw_ns */
    int global;             /* kriging's global neighbourhood: no search */
};

int sm_predictor_init(sm_predictor *p, const sm_predictor_setup *s)
{
    memset(p, 0, sizeof *p);
    p->method = s->method;
    switch (s->method) {
    case SM_PREDICTOR_KRIGING:
        return sm_kriging_init(&p->kr, &s->model, s->n, s->x, s->y, s->z, s->tree, s->nmax, s->nmin,
                               s->maxdist);
    case SM_PREDICTOR_IDW:
        p->idw = (sm_idw){s->n,     s->x,         s->y,    s->z,    s->tree,
                          s->power, s->smoothing, s->nmax, s->nmin, s->maxdist};
        return SM_OK;
    }
    return sm_error_set(SM_EINTERNAL, "predictor: unknown method %d", (int)s->method);
}

void sm_predictor_free(sm_predictor *p)
{
    sm_kriging_free(&p->kr); /* frees nothing for IDW: kr stays zeroed */
}

sm_predictor_scratch *sm_predictor_scratch_new(const sm_predictor *p)
{
    sm_predictor_scratch *s = calloc(1, sizeof *s);
    if (!s) {
        sm_error_set(SM_EINTERNAL, "out of memory for a prediction scratch");
        return NULL;
    }
    if (p->method == SM_PREDICTOR_KRIGING) {
        s->kr = sm_kriging_scratch_new(&p->kr); /* NULL: its error is set */
        s->ns = s->kr ? &s->kr->ns : NULL;
        s->global = p->kr.L != NULL;
    } else if (sm_idw_search_init(&p->idw, &s->idw_ns) == SM_OK) { /* else its error */
        s->ns = &s->idw_ns;
    }
    if (s->ns)
        return s;
    sm_predictor_scratch_free(s);
    return NULL;
}

void sm_predictor_scratch_free(sm_predictor_scratch *s)
{
    if (!s)
        return;
    sm_kriging_scratch_free(s->kr);
    sm_nsearch_free(&s->idw_ns); /* zeroed, so a no-op, for kriging */
    free(s);
}

void sm_predictor_scratch_reset(sm_predictor_scratch *s)
{
    if (s && s->kr)
        sm_kriging_scratch_reset(s->kr);
    else if (s)
        sm_nsearch_reset(s->ns);
}

void sm_predictor_block(sm_predictor_scratch *s, double cx, double cy, double reach)
{
    if (s && !s->global)
        sm_nsearch_block(s->ns, cx, cy, reach);
}

static int kriging_predict(const sm_kriging *k, sm_kriging_scratch *s, double x, double y,
                           int exclude, sm_predictor_result *r)
{
    sm_kriging_result kr;
    int rc = sm_kriging_predict(k, s, x, y, exclude, &kr);
    if (rc < 0) /* kriging's -1: its error is set on this thread */
        return sm_error_status() < 0 ? sm_error_status() : SM_EINTERNAL;
    r->neighbours = kr.neighbours;
    if (rc == 0)
        r->pred = kr.pred, r->var = kr.var, r->lagrange = kr.lagrange;
    return rc;
}

int sm_predictor_predict(const sm_predictor *p, sm_predictor_scratch *s, double x, double y,
                         int exclude, sm_predictor_result *r)
{
    *r = (sm_predictor_result){NAN, NAN, NAN, -1};
    if (!s)
        return sm_error_set(SM_EINTERNAL, "predictor: no scratch (sm_predictor_scratch_new "
                                          "failed)");
    if (s->kr)
        return kriging_predict(&p->kr, s->kr, x, y, exclude, r);
    return sm_idw_predict(&p->idw, s->ns, x, y, exclude, &r->pred);
}

sm_predictor_counts sm_predictor_scratch_counts(const sm_predictor_scratch *s)
{
    if (!s || !s->kr)
        return (sm_predictor_counts){0, 0, 0};
    return (sm_predictor_counts){s->kr->singular_cells, s->kr->rebuilds, s->kr->updated};
}

void sm_predictor_failure_keep(sm_predictor_failure *f)
{
#pragma omp critical(sm_predictor_failure)
    if (f->status == SM_OK) {
        f->status = sm_error_status() < 0 ? sm_error_status() : SM_EINTERNAL;
        snprintf(f->message, sizeof f->message, "%s", sm_error_message());
    }
}

int sm_predictor_failure_report(const sm_predictor_failure *f)
{
    return f->status == SM_OK ? SM_OK : sm_error_set(f->status, "%s", f->message);
}
