/* Survey import into the remediation store. A survey is a cases table and a
 * case_contaminants table (data/remediation/README.md gives the columns):
 * either a CSV of cases with lon/lat columns and its companion CSV
 * (cases.csv -> case_contaminants.csv beside it, NAME.csv ->
 * NAME_contaminants.csv), or a GeoPackage with layers `cases` (points) and
 * `case_contaminants`. Every row is checked first; one bad row rejects the
 * whole import and leaves the store as it was. A good survey is upserted by
 * case id in one transaction, so importing it again changes nothing. */
#ifndef SM_STORE_IMPORT_H
#define SM_STORE_IMPORT_H

#include "remediate/store.h"

typedef struct {
    long cases, contaminant_rows; /* read */
    long rejected;                /* rows with a problem, both tables */
    long inserted, updated;       /* cases */
} sm_import_summary;

/* SM_EDATA when rows were rejected (written to rejects_path when not NULL). */
int sm_store_import(sm_store *s, const char *file, const char *rejects_path,
                    sm_import_summary *out);

#endif
