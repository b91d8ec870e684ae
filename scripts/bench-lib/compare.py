"""Compare two rasters cell by cell for scripts/bench.

Usage: python3 scripts/bench-lib/compare.py A B
  (python3 with the Debian python3-gdal and python3-numpy modules; on a
   machine where `python3` is not /usr/bin/python3, run /usr/bin/python3)

Reads band 1 of A and B through GDAL as Float64 (full resolution; overviews
are ignored). Both must describe the same grid: same size and the same
geotransform to within 1e-9 of a cell. Cells that are nodata (the band's
nodata value) or NaN in either raster are ignored. Prints one JSON object:
  same_grid, cells, compared, nodata_a, nodata_b, max_abs_diff, max_rel_diff
  (relative to |B|), mean_abs_diff, and error (when the grids differ).
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def load(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    bad = np.isnan(a)
    if nd is not None:
        # Float32 files store the nodata value rounded to float32
        bad |= (a == nd) | (a == float(np.float32(nd)))
    return ds.RasterXSize, ds.RasterYSize, ds.GetGeoTransform(), a, bad


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    xa, ya, ga, a, bad_a = load(sys.argv[1])
    xb, yb, gb, b, bad_b = load(sys.argv[2])
    out = {"a": sys.argv[1], "b": sys.argv[2], "same_grid": True}
    cell = abs(ga[1])
    if (xa, ya) != (xb, yb) or any(abs(p - q) > 1e-9 * cell for p, q in zip(ga, gb)):
        out.update(same_grid=False,
                   error="grids differ: %dx%d %s vs %dx%d %s" % (xa, ya, ga, xb, yb, gb))
        print(json.dumps(out))
        return
    ok = ~(bad_a | bad_b)
    d = np.abs(a - b)[ok]
    out.update(cells=int(a.size), compared=int(ok.sum()),
               nodata_a=int(bad_a.sum()), nodata_b=int(bad_b.sum()))
    if d.size:
        rel = d / np.maximum(np.abs(b[ok]), 1e-300)
        out.update(max_abs_diff=float(d.max()), max_rel_diff=float(rel.max()),
                   mean_abs_diff=float(d.mean()))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
