/* <out>/report.html: the run report, one self-contained HTML file that opens
 * offline. It is built from the run's outputs alone (run.json, rejects.csv,
 * samples.gpkg, variogram/, surfaces/, classes/, hotspots.gpkg,
 * sites_screened.csv): the run summary and stage times, the ingest summary
 * and rejected rows, per contaminant the statistics, histogram, variogram,
 * cross-validation and quicklook maps with legends, the hotspots, the
 * recommendations with their action plans, and the screening top list.
 * Plots are inline SVG, maps inline PNG (data: URIs); every string from the
 * data is escaped. A product the run did not make (no such section in the
 * config, or the stage not run) is left out with a one-line note.
 *
 * The page is polyglot: valid HTML5 that is also well-formed XML. */
#ifndef SM_REPORT_H
#define SM_REPORT_H

#include "config/config.h"

/* Writes the run report to path (atomically) from the run's outputs in
 * cfg->output. SM_ENOINPUT without run.json; SM_EDATA if an output that
 * exists cannot be read; SM_ECANTCREAT / SM_EIO if the page cannot be
 * written. */
int sm_report_write(const sm_config *cfg, const char *path);

#endif
