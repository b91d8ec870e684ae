#include "core/crs.h"

#include <cpl_conv.h>
#include <stdio.h>
#include <string.h>

OGRSpatialReferenceH sm_crs_new(const char *text)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (OSRSetFromUserInput(srs, text) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OGRSpatialReferenceH sm_crs_clone(OGRSpatialReferenceH srs)
{
    if (!srs)
        return NULL;
    OGRSpatialReferenceH copy = OSRClone(srs);
    OSRSetAxisMappingStrategy(copy, OAMS_TRADITIONAL_GIS_ORDER);
    return copy;
}

int sm_crs_is_metric_projected(OGRSpatialReferenceH srs)
{
    if (!OSRIsProjected(srs))
        return 0;
    double to_metre = OSRGetLinearUnits(srs, NULL);
    return to_metre > 0.999999 && to_metre < 1.000001;
}

char *sm_crs_label(OGRSpatialReferenceH srs)
{
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    char buf[256];
    if (auth && code)
        snprintf(buf, sizeof buf, "%s:%s", auth, code);
    else {
        const char *name = OSRGetName(srs);
        snprintf(buf, sizeof buf, "%s", name ? name : "unnamed CRS");
    }
    return CPLStrdup(buf);
}
