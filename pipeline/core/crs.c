#include "core/crs.h"

#include <cpl_conv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A survey without a georeference: engineering metres, not tied to the earth. */
static OGRSpatialReferenceH local_crs(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRSetLocalCS(srs, SM_CRS_LOCAL_NAME);
    OSRSetLinearUnits(srs, SRS_UL_METER, 1.0);
    return srs;
}

OGRSpatialReferenceH sm_crs_new(const char *text)
{
    OGRSpatialReferenceH srs =
        strcasecmp(text, "local") ? OSRNewSpatialReference(NULL) : local_crs();
    if (OSRIsLocal(srs))
        return srs;
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
    if (!OSRIsProjected(srs) && !OSRIsLocal(srs))
        return 0;
    double to_metre = OSRGetLinearUnits(srs, NULL);
    return to_metre > 0.999999 && to_metre < 1.000001;
}

int sm_crs_is_local(OGRSpatialReferenceH srs) { return srs && OSRIsLocal(srs); }

int sm_crs_transform(OGRSpatialReferenceH src, OGRSpatialReferenceH dst,
                     OGRCoordinateTransformationH *ct)
{
    *ct = NULL;
    if (OSRIsSame(src, dst))
        return 0;
    /* PROJ has no operation between engineering CRSs, not even to itself */
    if (OSRIsLocal(src) || OSRIsLocal(dst))
        return -1;
    *ct = OCTNewCoordinateTransformation(src, dst);
    return *ct ? 0 : -1;
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
