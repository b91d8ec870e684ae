# fit-variogram.R: fit the variogram of log(value) of the bench data ONCE.
#
# Usage: Rscript scripts/bench-lib/fit-variogram.R bench-out/data/points.csv
#
# scripts/bench does not run this: the model it prints is hard-coded in
# scripts/bench (VGM_*), so that no timed run includes variogram fitting.
# Rerun it only if scripts/bench-data changes, and copy the numbers over.
# Needs r-cran-gstat. gstat defaults: cutoff = 1/3 of the bounding-box
# diagonal, width = cutoff/15, fit.method = 7.
suppressPackageStartupMessages(library(gstat))
args <- commandArgs(trailingOnly = TRUE)
pts <- read.csv(if (length(args)) args[1] else "bench-out/data/points.csv")
v <- variogram(log(value) ~ 1, ~x + y, data = pts)
m <- fit.variogram(v, vgm(var(log(pts$value)) * 0.8, "Sph", 10000,
                          var(log(pts$value)) * 0.2))
print(v)
print(m)
cat(sprintf("VGM nugget=%.17g psill=%.17g range=%.17g (model Sph)\n",
            m$psill[1], m$psill[2], m$range[2]))
