/* Versions of soilmap and the libraries it runs on, for `soilmap version`
 * and the run manifest. */
#ifndef SM_VERSIONS_H
#define SM_VERSIONS_H

typedef struct {
    const char *name;
    char version[64];
} sm_component_version;

enum { SM_N_COMPONENTS = 5 };

/* soilmap, GDAL, PROJ, GEOS, SpatiaLite, in that order. */
void sm_versions(sm_component_version out[SM_N_COMPONENTS]);

#endif
