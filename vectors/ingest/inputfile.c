#include "ingest/inputfile.h"
#include "core/error.h"

#include <cpl_error.h>
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <stdio.h>
#include <sys/stat.h>

/* Whether the driver lists the open option in its metadata. */
static int has_open_option(GDALDriverH drv, const char *option)
{
    const char *xml = drv ? GDALGetMetadataItem(drv, GDAL_DMD_OPENOPTIONLIST, NULL) : NULL;
    CPLXMLNode *root = xml ? CPLParseXMLString(xml) : NULL;
    CPLXMLNode *list = root ? CPLGetXMLNode(root, "=OpenOptionList") : NULL;
    int found = 0;
    for (CPLXMLNode *n = list ? list->psChild : NULL; n && !found; n = n->psNext)
        found = n->eType == CXT_Element && EQUAL(n->pszValue, "Option") &&
                EQUAL(CPLGetXMLValue(n, "name", ""), option);
    CPLDestroyXMLNode(root);
    return found;
}

/* A shapefile opens without its .dbf, as geometries without attributes: say
 * so, rather than let every configured column look missing. */
static int check_shapefile_parts(const char *path, GDALDatasetH ds)
{
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    if (!drv || !EQUAL(GDALGetDriverShortName(drv), "ESRI Shapefile") ||
        !EQUAL(CPLGetExtension(path), "shp"))
        return SM_OK;
    char **files = GDALGetFileList(ds);
    int dbf = 0;
    for (int i = 0; files && files[i]; i++)
        dbf |= EQUAL(CPLGetExtension(files[i]), "dbf");
    CSLDestroy(files);
    if (dbf)
        return SM_OK;
    return sm_error_set(SM_ENOINPUT,
                        "%s: its attribute table %s is missing (a shapefile is the .shp, "
                        ".shx and .dbf together)",
                        path, CPLResetExtension(path, "dbf"));
}

int sm_input_open(const char *path, const char *what, const char *encoding, GDALDatasetH *ds,
                  int *encoded)
{
    struct stat st;
    *ds = NULL;
    *encoded = 0;
    if (stat(path, &st) != 0)
        return sm_error_set(SM_ENOINPUT, "%s: cannot open %s: %m", path, what);
    char option[160];
    const char *options[2] = {NULL, NULL};
    if (encoding &&
        has_open_option(GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL), "ENCODING")) {
        snprintf(option, sizeof option, "ENCODING=%s", encoding);
        options[0] = option;
        *encoded = 1;
    }
    CPLErrorReset();
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, options, NULL);
    /* GDAL's own reason, when it gives one, says what to do (a missing .shx) */
    if (!*ds && CPLGetLastErrorType() >= CE_Failure && CPLGetLastErrorMsg()[0])
        return sm_error_set(SM_EDATA, "%s: GDAL cannot open it: %s", path, CPLGetLastErrorMsg());
    if (!*ds)
        return sm_error_set(SM_EDATA, "%s: not a vector format GDAL can read", path);
    return check_shapefile_parts(path, *ds);
}
