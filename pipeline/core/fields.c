#include "core/fields.h"
#include "core/error.h"
#include "core/outfile.h"

#include <cpl_error.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <math.h>

int sm_field_add(OGRLayerH l, const char *name, OGRFieldType type)
{
    OGRFieldDefnH f = OGR_Fld_Create(name, type);
    CPLErrorReset(); /* a failure need not say why: no stale reason then */
    OGRErr err = OGR_L_CreateField(l, f, TRUE);
    OGR_Fld_Destroy(f);
    if (err == OGRERR_NONE)
        return SM_OK;
    const char *why = CPLGetLastErrorMsg();
    return sm_error_set(SM_ECANTCREAT, "layer %s: cannot create field %s (%s): %s",
                        OGR_L_GetName(l), name, OGR_GetFieldTypeName(type),
                        why[0] ? why : "the driver refused it");
}

void sm_field_set_real(OGRFeatureH f, const char *name, double v)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

void sm_field_set_text(OGRFeatureH f, const char *name, const char *v)
{
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, name), v ? v : "");
}

int sm_csv_export(const char *src_path, const char *sql, const char *layer_name,
                  const char *const *lco, const char *path)
{
    sm_outfile out;
    sm_outfile_begin(&out, path);
    GDALDatasetH src = GDALOpenEx(src_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src)
        return sm_error_set(SM_ENOINPUT, "%s: GDAL cannot open it", src_path);
    char *argv[24] = {"-f", "CSV", "-lco", "STRING_QUOTING=IF_NEEDED"};
    int n = 4;
    if (sql)
        argv[n++] = "-sql", argv[n++] = (char *)sql;
    if (layer_name)
        argv[n++] = "-nln", argv[n++] = (char *)layer_name;
    for (int i = 0; lco && lco[i] && n < 22; i++)
        argv[n++] = "-lco", argv[n++] = (char *)lco[i];
    argv[n] = NULL;
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    int err = 0;
    GDALDatasetH dst = GDALVectorTranslate(out.tmp, NULL, 1, &src, o, &err);
    GDALVectorTranslateOptionsFree(o);
    int failed = !dst || sm_dataset_close(dst) != 0;
    GDALClose(src);
    if (failed) {
        sm_outfile_abort(&out);
        return sm_error_set(SM_EIO, "%s: cannot write: %s", path, CPLGetLastErrorMsg());
    }
    return sm_outfile_commit(&out);
}
