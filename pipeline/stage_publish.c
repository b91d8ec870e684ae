/* The publish stage's entry in the stage table. Its outputs in run.json are
 * the entry points (viewer, layer list, STAC catalog, report); the tiles
 * are many small files and are not hashed one by one. */
#include "error.h"
#include "log.h"
#include "publish.h"
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_stage_publish_inputs(const sm_config *cfg, char **paths)
{
    (void)cfg, (void)paths;
    return 0; /* earlier stages' outputs, covered by their keys */
}

int sm_stage_publish_outputs(const sm_config *cfg, char **paths)
{
    if (!cfg->publish.present)
        return 0;
    const char *names[] = {"web/stac/catalog.json", "web/stac/collection.json",
                           "web/layers.json", "web/index.html", "report.html"};
    int n = 0;
    for (int i = 0; i < 5; i++) {
        if ((i == 2 || i == 3) && !cfg->publish.viewer)
            continue;
        if (i == 4 && !cfg->publish.report)
            continue;
        size_t len = strlen(cfg->output) + strlen(names[i]) + 2;
        paths[n] = malloc(len);
        snprintf(paths[n++], len, "%s/%s", cfg->output, names[i]);
    }
    return n;
}

int sm_stage_publish_run(const sm_config *cfg, json_object *rec)
{
    if (!cfg->publish.present) {
        sm_log(SM_LOG_INFO, "publish: no 'publish' section in the config; skipped");
        return SM_OK;
    }
    sm_publish_summary s;
    int rc = sm_publish(cfg, &s);
    json_object_object_add(rec, "rasters", json_object_new_int(s.rasters));
    json_object_object_add(rec, "tile_pyramids", json_object_new_int(s.tiled));
    json_object_object_add(rec, "vector_layers", json_object_new_int(s.vectors));
    json_object *z = json_object_new_array();
    json_object_array_add(z, json_object_new_int(s.zmin));
    json_object_array_add(z, json_object_new_int(s.zmax));
    json_object_object_add(rec, "zoom", z);
    if (rc == SM_OK)
        sm_log(SM_LOG_INFO, "publish: %d rasters (%d as tiles, zoom %d-%d), %d vector layers, "
                            "STAC catalog, viewer: %s/web/index.html",
               s.rasters, s.tiled, s.zmin, s.zmax, s.vectors, cfg->output);
    return rc;
}
