#include "run/registry.h"
#include "classify/stage_classify.h"
#include "hotspots/stage_hotspots.h"
#include "ingest/stage_ingest.h"
#include "interpolate/stage_interpolate.h"
#include "publish/stage_publish.h"
#include "remediate/stage_remediate.h"
#include "screen/stage_screen.h"
#include "simulate/stage_simulate.h"

#include <string.h>

static const sm_stage *const stages[] = {
    &sm_stage_ingest,   &sm_stage_interpolate, &sm_stage_classify, &sm_stage_hotspots,
    &sm_stage_simulate, &sm_stage_remediate,   &sm_stage_screen,   &sm_stage_publish,
    NULL,
};
enum { N_STAGES = sizeof stages / sizeof stages[0] - 1 };

const sm_stage *const *sm_registry(void) { return stages; }

const sm_stage *sm_registry_find(const char *name)
{
    for (int i = 0; i < N_STAGES; i++)
        if (!strcmp(stages[i]->name, name))
            return stages[i];
    return NULL;
}

const char *const *sm_stage_names(void)
{
    static const char *names[N_STAGES + 1];
    for (int i = 0; i < N_STAGES; i++)
        names[i] = stages[i]->name;
    return names;
}
