/* Reads rasters that lie on the analysis grid window by window, as doubles
 * with NAN for nodata: the input side of raster-algebra kernels (classify,
 * hotspots). One reader per thread; GDAL datasets are not shared. */
#ifndef SM_WINDOW_H
#define SM_WINDOW_H

#include <gdal.h>

typedef struct {
    const char *path;
    GDALDatasetH ds;
    int has_nodata;
    double nodata;
    double *buf; /* tile x tile values of the last read */
} sm_window;

/* Opens path for windows of at most tile x tile cells; SM_ENOINPUT names the
 * file when it cannot be opened. */
int sm_window_open(sm_window *w, const char *path, int tile);

/* Band b (from 1) of the w x h cells from column x0, row y0 into w->buf. */
int sm_window_read(sm_window *win, int band, int x0, int y0, int w, int h);

void sm_window_close(sm_window *w);

#endif
