#include "ingest/duplicates.h"
#include "core/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int find_root(int *parent, int i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

static void join(int *parent, int a, int b)
{
    a = find_root(parent, a);
    b = find_root(parent, b);
    /* The lower index (earlier row) stays the root: "first" means first read. */
    if (a < b)
        parent[b] = a;
    else if (b < a)
        parent[a] = b;
}

static const sm_sample_set *sort_set;
static int by_x(const void *a, const void *b)
{
    double xa = sort_set->items[*(const int *)a].x, xb = sort_set->items[*(const int *)b].x;
    return (xa > xb) - (xa < xb);
}

/* Sort by x, then compare each point only with those within tolerance in x. */
static void group_points(const sm_sample_set *set, double tol, int *parent)
{
    int n = set->n;
    int *order = malloc((size_t)n * sizeof *order);
    for (int i = 0; i < n; i++)
        order[i] = parent[i] = i;
    sort_set = set;
    qsort(order, (size_t)n, sizeof *order, by_x);
    for (int a = 0; a < n; a++) {
        const sm_sample *p = &set->items[order[a]];
        for (int b = a + 1; b < n && set->items[order[b]].x - p->x <= tol; b++) {
            const sm_sample *q = &set->items[order[b]];
            if (hypot(q->x - p->x, q->y - p->y) <= tol)
                join(parent, order[a], order[b]);
        }
    }
    free(order);
}

static void merge_value(sm_sample *dst, const sm_sample *src, int i, sm_dup_policy policy,
                        int *count)
{
    double sv = src->value[i], dv = dst->value[i];
    if (isnan(sv))
        return;
    if (isnan(dv) || (policy == SM_DUP_MAX && sv > dv)) {
        dst->value[i] = sv;
        dst->flag[i] = src->flag[i];
        dst->limit[i] = src->limit[i];
        *count = 1;
        return;
    }
    if (policy != SM_DUP_MEAN)
        return;
    dst->value[i] += sv; /* divided by count at the end */
    (*count)++;
    if (src->flag[i] == SM_FLAG_CENSORED) {
        dst->flag[i] = SM_FLAG_CENSORED;
        if (isnan(dst->limit[i]) || src->limit[i] > dst->limit[i])
            dst->limit[i] = src->limit[i];
    }
}

static void append_id(sm_sample *dst, const char *id)
{
    size_t old = dst->merged_ids ? strlen(dst->merged_ids) : 0;
    dst->merged_ids = realloc(dst->merged_ids, old + strlen(id) + 2);
    if (old)
        dst->merged_ids[old++] = ',';
    strcpy(dst->merged_ids + old, id);
}

/* Folds member into root (both in set), then frees member's contents. */
static void absorb(sm_sample_set *set, sm_sample *root, sm_sample *member, sm_dup_policy policy,
                   int *counts)
{
    if (root->n_merged == 1)
        append_id(root, root->id);
    append_id(root, member->id);
    root->n_merged++;
    if (policy == SM_DUP_MEAN) {
        root->x += member->x; /* divided by n_merged at the end */
        root->y += member->y;
    }
    for (int i = 0; i < set->n_contaminants; i++)
        merge_value(root, member, i, policy, &counts[i]);
    sm_sample_free(member, set->n_attributes);
}

static void finish_means(sm_sample_set *set, int **counts)
{
    for (int s = 0; s < set->n; s++) {
        sm_sample *p = &set->items[s];
        if (p->n_merged == 1)
            continue;
        p->x /= p->n_merged;
        p->y /= p->n_merged;
        for (int i = 0; i < set->n_contaminants; i++)
            if (counts[s][i] > 1)
                p->value[i] /= counts[s][i];
    }
}

void sm_duplicates_merge(sm_sample_set *set, double tolerance, sm_dup_policy policy,
                         sm_merge_counts *mc)
{
    int n = set->n, nc = set->n_contaminants;
    memset(mc, 0, sizeof *mc);
    if (n == 0)
        return;
    int *parent = malloc((size_t)n * sizeof *parent);
    group_points(set, tolerance, parent);
    /* counts[i][c]: values summed into sample i's contaminant c, for means */
    int **counts = malloc((size_t)n * sizeof *counts);
    int *newpos = malloc((size_t)n * sizeof *newpos);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        int root = find_root(parent, i);
        if (root == i) {
            counts[kept] = malloc((size_t)nc * sizeof **counts);
            for (int c = 0; c < nc; c++)
                counts[kept][c] = isnan(set->items[i].value[c]) ? 0 : 1;
            set->items[kept] = set->items[i];
            newpos[i] = kept++;
            continue;
        }
        sm_sample *dst = &set->items[newpos[root]];
        if (dst->n_merged == 1)
            mc->groups++;
        mc->absorbed++;
        absorb(set, dst, &set->items[i], policy, counts[newpos[root]]);
    }
    set->n = kept;
    if (policy == SM_DUP_MEAN)
        finish_means(set, counts);
    for (int i = 0; i < kept; i++)
        free(counts[i]);
    free(counts), free(newpos), free(parent);
}
