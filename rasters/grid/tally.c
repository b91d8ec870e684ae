#include "grid/tally.h"

#include <cpl_string.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_tally_note(sm_tally *t, const char *name)
{
    for (int i = 0; i < t->nnames; i++)
        if (!strcmp(t->name[i], name))
            return;
    if (t->nnames < SM_TALLY_NAMES)
        snprintf(t->name[t->nnames++], SM_TALLY_NAME_LEN, "%s", name);
}

void sm_tally_merge(sm_tally *into, const sm_tally *from)
{
    for (int i = 0; i < SM_TALLY_COUNTS; i++)
        into->count[i] += from->count[i];
    for (int i = 0; i < from->nnames; i++)
        sm_tally_note(into, from->name[i]);
}

/* Counts up to the last non-zero one, as "n0 n1 ..."; names one item each. */
char **sm_tally_to_metadata(const sm_tally *t, char **md)
{
    int used = SM_TALLY_COUNTS;
    while (used > 1 && t->count[used - 1] == 0) /* at least one: GDAL drops empty items */
        used--;
    char *text = malloc((size_t)used * 21 + 2), *p = text;
    *p = '\0';
    for (int i = 0; i < used; i++)
        p += sprintf(p, i ? " %ld" : "%ld", t->count[i]);
    md = CSLSetNameValue(md, "SOILMAP_TALLY_COUNTS", text);
    free(text);
    char key[40], n[16];
    snprintf(n, sizeof n, "%d", t->nnames);
    md = CSLSetNameValue(md, "SOILMAP_TALLY_NAMES", n);
    for (int i = 0; i < t->nnames; i++) {
        snprintf(key, sizeof key, "SOILMAP_TALLY_NAME_%d", i);
        md = CSLSetNameValue(md, key, t->name[i]);
    }
    return md;
}

int sm_tally_from_metadata(char **md, sm_tally *t)
{
    memset(t, 0, sizeof *t);
    const char *counts = CSLFetchNameValue(md, "SOILMAP_TALLY_COUNTS");
    const char *names = CSLFetchNameValue(md, "SOILMAP_TALLY_NAMES");
    if (!counts || !names)
        return -1;
    char *end;
    for (int i = 0; *counts; i++) {
        if (i == SM_TALLY_COUNTS)
            return -1;
        t->count[i] = strtol(counts, &end, 10);
        if (end == counts || (*end && *end != ' '))
            return -1;
        counts = *end ? end + 1 : end;
    }
    int n = atoi(names);
    for (int i = 0; i < n && i < SM_TALLY_NAMES; i++) {
        char key[40];
        snprintf(key, sizeof key, "SOILMAP_TALLY_NAME_%d", i);
        const char *v = CSLFetchNameValue(md, key);
        if (!v)
            return -1;
        sm_tally_note(t, v);
    }
    return 0;
}
