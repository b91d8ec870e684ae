#include "core/versions.h"
#include "core/version.h"

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h> /* spatialite.h needs it first */
#include <spatialite.h>
#include <stdio.h>

void sm_versions(sm_component_version out[SM_N_COMPONENTS])
{
    const char *v[SM_N_COMPONENTS] = {SM_VERSION, GDALVersionInfo("RELEASE_NAME"),
                                      proj_info().version, GEOSversion(), spatialite_version()};
    const char *names[SM_N_COMPONENTS] = {"soilmap", "GDAL", "PROJ", "GEOS", "SpatiaLite"};
    for (int i = 0; i < SM_N_COMPONENTS; i++) {
        out[i].name = names[i];
        snprintf(out[i].version, sizeof out[i].version, "%s", v[i] ? v[i] : "unknown");
    }
}
