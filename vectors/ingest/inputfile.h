/* Opening an input vector file (samples, sources) with errors an analyst can
 * act on: the file that is missing, GDAL's own reason when it refuses the
 * file (e.g. its SHAPE_RESTORE_SHX hint), the part of a shapefile that is
 * absent. */
#ifndef SM_INPUTFILE_H
#define SM_INPUTFILE_H

#include <gdal.h>

/* Opens path read-only as a vector dataset; `what` names it in messages
 * ("samples"). encoding (may be NULL) goes to a driver that has an ENCODING
 * open option (Shapefile), which then delivers UTF-8: *encoded says whether
 * it did. On failure *ds may be open (the caller closes it). */
int sm_input_open(const char *path, const char *what, const char *encoding, GDALDatasetH *ds,
                  int *encoded);

#endif
