# meuse-spdep.R: reference local spatial statistics from R spdep for
# soilmap's golden tests of vectors/localstats.c (tests/unit/test_localstats.c).
#
# Usage (from the repository root):   Rscript scripts/reference/meuse-spdep.R
# or:                                 scripts/reference/regenerate
#
# Reads data/meuse/meuse.csv (NOT R's bundled data(meuse)) and writes into
# tests/golden/meuse/:
#
#   localG_<metal>_<w>.csv       n_neighbours,gi_z,gi_p,gi_q
#       Getis-Ord Gi*: localG(v, nb2listw(include.self(nb), style = "B"),
#       return_internals = TRUE); gi_p is spdep's two-sided p-value,
#       gi_q = p.adjust(gi_p, "BH").
#   localmoran_zinc_<w>.csv      n_neighbours,Ii,E_Ii,Var_Ii,Z_Ii,p,q,quadrant
#       localmoran(v, nb2listw(nb, style = "W", zero.policy = TRUE),
#       conditional = FALSE, zero.policy = TRUE): Anselin's (1995) moments
#       under total randomisation. NOTE: spdep >= 1.1-7 defaults to
#       conditional = TRUE (Sokal et al. 1998), whose E and Var differ; soilmap
#       follows the total-randomisation moments, so the argument is explicit.
#       q = p.adjust(p, "BH"); quadrant from attr(, "quadr")$pysal coded
#       1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (value first, then lag;
#       z <= 0 and lag <= 0 count as Low). Points without neighbours keep what
#       spdep gives them (Ii 0, Var 0, Z NA); soilmap reports NAN there.
#
# where <w> is the neighbour definition on the planar (x, y) coordinates:
#   d500  dnearneigh(xy, 0, 500)        all points within 500 m (d <= 500)
#   d100  dnearneigh(xy, 0, 100)        81 of the 155 points have no neighbour
#   knn8  knn2nb(knearneigh(xy, k = 8)) the 8 nearest (no distance ties in the
#                                       first 9 for any Meuse point)
# n_neighbours is card(nb), not counting the point itself.
#
# Output conventions as in meuse-gstat.R: header line, comma separated, no
# quotes, "\n" line ends, every number with sprintf("%.17g"), missing as NA,
# rows in meuse.csv order.
#
# Needs R with package spdep (Debian 12: r-cran-spdep 1.2-7). Installs nothing.

if (!requireNamespace("spdep", quietly = TRUE)) {
  message("meuse-spdep.R: R package 'spdep' not installed (Debian: apt-get install r-cran-spdep)")
  quit(status = 69)
}
suppressPackageStartupMessages(library(spdep))

script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 1) normalizePath(f) else NA_character_
})
root <- if (!is.na(script_path)) dirname(dirname(dirname(script_path))) else getwd()
data_dir <- file.path(root, "data", "meuse")
out_dir <- file.path(root, "tests", "golden", "meuse")
stopifnot(file.exists(file.path(data_dir, "meuse.csv")))
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
cat("==", R.version.string, "| spdep", format(packageVersion("spdep")), "\n")

fmt_num <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.17g", x)
  out[is.na(x)] <- "NA"
  out
}
write_golden <- function(df, name) {
  cols <- lapply(df, fmt_num)
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  con <- file(file.path(out_dir, name), open = "wb")
  writeLines(lines, con, sep = "\n")
  close(con)
  cat(sprintf("wrote %-32s %5d rows\n", name, nrow(df)))
}

meuse <- read.csv(file.path(data_dir, "meuse.csv"))
stopifnot(nrow(meuse) == 155)
xy <- cbind(as.numeric(meuse$x), as.numeric(meuse$y))

nbs <- list(
  d500 = dnearneigh(xy, 0, 500),
  d100 = dnearneigh(xy, 0, 100),
  knn8 = knn2nb(knearneigh(xy, k = 8))
)

gstar <- function(v, nb) {
  lw <- nb2listw(include.self(nb), style = "B")
  g <- localG(v, lw, return_internals = TRUE)
  p <- attr(g, "internals")[, 5]
  data.frame(n_neighbours = card(nb), gi_z = as.numeric(g), gi_p = p,
             gi_q = p.adjust(p, method = "BH"))
}

lisa <- function(v, nb) {
  lw <- nb2listw(nb, style = "W", zero.policy = TRUE)
  lm <- localmoran(v, lw, zero.policy = TRUE, conditional = FALSE)
  quad <- c("High-High" = 1, "Low-High" = 2, "Low-Low" = 3, "High-Low" = 4)
  data.frame(n_neighbours = card(nb), Ii = lm[, 1], E_Ii = lm[, 2], Var_Ii = lm[, 3],
             Z_Ii = lm[, 4], p = lm[, 5], q = p.adjust(lm[, 5], method = "BH"),
             quadrant = unname(quad[as.character(attr(lm, "quadr")$pysal)]))
}

for (w in c("d500", "knn8", "d100"))
  write_golden(gstar(meuse$zinc, nbs[[w]]), sprintf("localG_zinc_%s.csv", w))
write_golden(gstar(meuse$cadmium, nbs$d500), "localG_cadmium_d500.csv")
for (w in c("d500", "knn8", "d100"))
  write_golden(lisa(meuse$zinc, nbs[[w]]), sprintf("localmoran_zinc_%s.csv", w))
