# gstat.R: the gstat peer of scripts/bench (one method per R process).
#
# Usage:
#   Rscript scripts/bench-lib/gstat.R idw   CSV XMIN YMAX CELL NCOL NROW NMAX POWER OUT
#   Rscript scripts/bench-lib/gstat.R krige CSV XMIN YMAX CELL NCOL NROW NMAX NUGGET PSILL RANGE OUT
#   Rscript scripts/bench-lib/gstat.R sim   CSV XMIN YMAX CELL NCOL NROW NMAX NUGGET PSILL RANGE NSIM OUT
#
# CSV has columns x,y,value. The grid is north-up with outer edges XMIN (west)
# and YMAX (north), NCOL x NROW square cells of CELL metres; predictions are
# made at the cell centres, row by row from the north, west to east.
#   idw:   idw(value ~ 1, idp = POWER, nmax = NMAX)             (raw values)
#   krige: krige(log(value) ~ 1, model = vgm(PSILL, "Sph", RANGE, NUGGET),
#                nmax = NMAX)   ordinary kriging of log(value), no back-transform
#   sim:   krige(log(value) ~ 1, model = vgm(...), nmax = NMAX, nsim = NSIM,
#                beta = mean(log(value)))   sequential Gaussian simulation with
#                simple kriging (the NMAX nearest of samples and simulated nodes)
# No maxdist: gstat takes the NMAX nearest samples wherever they are.
#
# Output (little-endian Float64, row-major, no header; scripts/bench wraps
# them in a VRT):  OUT.pred.f64, and for krige also OUT.var.f64; for sim,
# OUT.pred.f64 is the mean of the realizations (log scale).
# Prints one line "compute_s=<seconds>": the elapsed time of the idw()/krige()
# call alone. The caller times the whole Rscript process (start-up, reading
# the CSV, building the grid, the computation and writing the output).
# Needs r-cran-gstat only (no sp/sf/stars/terra objects are used).
suppressPackageStartupMessages(library(gstat))
a <- commandArgs(trailingOnly = TRUE)
method <- a[1]
pts <- read.csv(a[2])
xmin <- as.numeric(a[3]); ymax <- as.numeric(a[4]); cell <- as.numeric(a[5])
ncol <- as.integer(a[6]); nrow <- as.integer(a[7]); nmax <- as.integer(a[8])
xs <- xmin + (seq_len(ncol) - 0.5) * cell
ys <- ymax - (seq_len(nrow) - 0.5) * cell
grid <- expand.grid(x = xs, y = ys)          # x fastest: row-major from the north
write_f64 <- function(v, path) {
  con <- file(path, "wb"); on.exit(close(con))
  writeBin(as.double(v), con, size = 8, endian = "little")
}
if (method == "idw") {
  power <- as.numeric(a[9]); out <- a[10]
  t <- system.time(r <- idw(value ~ 1, ~x + y, data = pts, newdata = grid,
                            idp = power, nmax = nmax, debug.level = 0))
  write_f64(r$var1.pred, paste0(out, ".pred.f64"))
} else if (method == "krige") {
  m <- vgm(as.numeric(a[10]), "Sph", as.numeric(a[11]), as.numeric(a[9]))
  out <- a[12]
  t <- system.time(r <- krige(log(value) ~ 1, ~x + y, data = pts, newdata = grid,
                              model = m, nmax = nmax, debug.level = 0))
  write_f64(r$var1.pred, paste0(out, ".pred.f64"))
  write_f64(r$var1.var, paste0(out, ".var.f64"))
} else if (method == "sim") {
  m <- vgm(as.numeric(a[10]), "Sph", as.numeric(a[11]), as.numeric(a[9]))
  nsim <- as.integer(a[12]); out <- a[13]
  set.seed(1)
  t <- system.time(r <- krige(log(value) ~ 1, ~x + y, data = pts, newdata = grid,
                              model = m, nmax = nmax, nsim = nsim,
                              beta = mean(log(pts$value)), debug.level = 0))
  sims <- as.matrix(r[, grep("^sim", names(r)), drop = FALSE])
  write_f64(rowMeans(sims), paste0(out, ".pred.f64"))
} else {
  stop("method must be idw, krige or sim")
}
cat(sprintf("compute_s=%.3f\n", t[["elapsed"]]))
