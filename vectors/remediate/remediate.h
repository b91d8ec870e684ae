/* The remediate stage: for each hotspot, the remediation technologies of the
 * store that fit its contaminants, ranked by a transparent score, with a
 * sensitivity check on the weights, the nearest comparable case studies and
 * an action-plan checklist. Writes <out>/recommendations.csv and the tables
 * `recommendations` and `action_plans` of hotspots.gpkg. docs/remediation.md
 * gives the score. */
#ifndef SM_REMEDIATE_H
#define SM_REMEDIATE_H

#include "config/config.h"

typedef struct {
    long hotspots, recommendations, partial, cases_linked;
} sm_remediate_summary;

int sm_remediate(const sm_config *cfg, sm_remediate_summary *out);

/* ---- the score, exposed for tests ---- */

typedef struct {
    char code[64], name[128];
    int nature;          /* 2 yes, 1 partly, 0 no */
    int cost_class;      /* 1-5, 0 unknown */
    double duration_max; /* months, NAN unknown */
    double env, social, econ;
} sm_technology;

typedef struct {
    double applicability, sustainability, cost_fit, duration_fit, practicality, bonus, total;
    int covered, groups; /* contaminant groups the technology covers, of the hotspot's */
} sm_score;

/* ratings[g]: the technology's rating (0-3) for each of the hotspot's groups. */
void sm_remediation_score(const sm_remediation_config *rc, const sm_technology *t,
                          const int *ratings, int ngroups, double area_ha, int urgent,
                          sm_score *out);

#endif
