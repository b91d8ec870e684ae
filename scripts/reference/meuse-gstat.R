# meuse-gstat.R: reference results from R gstat for soilmap's golden tests.
#
# Usage (from the repository root):   Rscript scripts/reference/meuse-gstat.R
# or:                                 scripts/reference/regenerate
#
# Reads data/meuse/meuse.csv and data/meuse/meuse_grid.csv (NOT R's bundled
# data(meuse)), runs gstat's variogram / fit.variogram / krige / krige.cv / idw
# and writes plain CSV golden files plus README.md into tests/golden/meuse/.
#
# Output conventions (all files):
#   * header line, comma separated, no quotes, no row names, "\n" line ends;
#   * every number printed with sprintf("%.17g") (round-trips a double exactly);
#   * a missing value is written as the two letters NA;
#   * logical flags are written as 0/1;
#   * rows are in input order (grid cells in meuse_grid.csv order, samples in
#     meuse.csv order; variogram lags by increasing distance).
# Deterministic: every CSV is byte-identical from run to run on the same
# R/gstat build (README.md carries the date and so changes).
#
# Needs R with packages sp and gstat (Debian: r-cran-sp, r-cran-gstat).
# Installs nothing.

suppressPackageStartupMessages({
  library(sp)
  library(gstat)
})

## ---------------------------------------------------------------- paths ----
script_path <- local({
  a <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", a[grep("^--file=", a)])
  if (length(f) == 1) normalizePath(f) else NA_character_
})
root <- if (!is.na(script_path)) {
  dirname(dirname(dirname(script_path)))
} else {
  getwd()
}
data_dir <- file.path(root, "data", "meuse")
out_dir <- file.path(root, "tests", "golden", "meuse")
stopifnot(file.exists(file.path(data_dir, "meuse.csv")),
          file.exists(file.path(data_dir, "meuse_grid.csv")))
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

## --------------------------------------------------------------- output ----
fmt_num <- function(x) {
  x <- as.numeric(x)
  out <- sprintf("%.17g", x)
  out[is.na(x)] <- "NA"
  out
}
fmt_col <- function(x) {
  if (is.logical(x)) return(ifelse(is.na(x), "NA", ifelse(x, "1", "0")))
  if (is.factor(x)) x <- as.character(x)
  if (is.character(x)) {
    stopifnot(!any(grepl("[,\"\n]", x, perl = TRUE), na.rm = TRUE))
    x[is.na(x)] <- "NA"
    return(x)
  }
  fmt_num(x)
}
written <- character(0)
write_golden <- function(df, name) {
  df <- as.data.frame(df, stringsAsFactors = FALSE)
  cols <- lapply(df, fmt_col)
  lines <- c(paste(names(df), collapse = ","),
             if (nrow(df) > 0) do.call(paste, c(cols, sep = ",")) else character(0))
  path <- file.path(out_dir, name)
  con <- file(path, open = "wb")
  writeLines(lines, con, sep = "\n")
  close(con)
  written <<- c(written, name)
  cat(sprintf("wrote %-32s %5d rows\n", name, nrow(df)))
  invisible(path)
}

## ------------------------------------------------------------- versions ----
versions <- list(
  R = R.version.string,
  gstat = as.character(packageVersion("gstat")),
  sp = as.character(packageVersion("sp")),
  platform = R.version$platform,
  blas = tryCatch(extSoftVersion()[["BLAS"]], error = function(e) NA_character_),
  lapack = tryCatch(La_library(), error = function(e) NA_character_)
)
cat("== versions\n")
for (n in names(versions)) cat(sprintf("  %-8s %s\n", n, versions[[n]]))

## ----------------------------------------------------------------- data ----
meuse_df <- read.csv(file.path(data_dir, "meuse.csv"))
grid_df <- read.csv(file.path(data_dir, "meuse_grid.csv"))
stopifnot(nrow(meuse_df) == 155, nrow(grid_df) == 3103)

# Compare with the copies bundled in sp (only to report; not used below).
bundled_same <- local({
  e <- new.env()
  ok <- tryCatch({
    utils::data("meuse", package = "sp", envir = e)
    utils::data("meuse.grid", package = "sp", envir = e)
    num <- function(v) suppressWarnings(as.numeric(as.character(v)))
    a <- all(vapply(names(meuse_df), function(n)
      if (n == "landuse") identical(as.character(meuse_df[[n]]), as.character(e$meuse[[n]]))
      else identical(num(meuse_df[[n]]), num(e$meuse[[n]])), logical(1)))
    b <- all(vapply(names(grid_df), function(n)
      identical(num(grid_df[[n]]), num(e$meuse.grid[[n]])), logical(1)))
    a && b && identical(names(meuse_df), names(e$meuse)) &&
      identical(names(grid_df), names(e$meuse.grid))
  }, error = function(err) NA)
  ok
})
cat("== data: meuse.csv", nrow(meuse_df), "rows; meuse_grid.csv", nrow(grid_df),
    "rows; identical to sp's data(meuse)/data(meuse.grid):", bundled_same, "\n")

meuse <- meuse_df
coordinates(meuse) <- ~x + y
grid <- grid_df[, c("x", "y")]
coordinates(grid) <- ~x + y       # plain points, so output order = file order
gx <- grid_df$x
gy <- grid_df$y

## ---------------------------------------------------- 1. variograms -------
cat("== 1. sample variograms of log(zinc)\n")
v <- variogram(log(zinc) ~ 1, meuse)
print(v)
write_golden(data.frame(np = v$np, dist = v$dist, gamma = v$gamma),
             "variogram_zinc_log.csv")

vc <- variogram(log(zinc) ~ 1, meuse, cressie = TRUE)
write_golden(data.frame(np = vc$np, dist = vc$dist, gamma = vc$gamma),
             "variogram_zinc_log_cressie.csv")

vd <- variogram(log(zinc) ~ 1, meuse, alpha = c(0, 45, 90, 135))
write_golden(data.frame(dir_hor = vd$dir.hor, np = vd$np, dist = vd$dist, gamma = vd$gamma),
             "variogram_zinc_log_dir.csv")

vcut <- variogram(log(zinc) ~ 1, meuse, cutoff = 1000, width = 50)
write_golden(data.frame(np = vcut$np, dist = vcut$dist, gamma = vcut$gamma),
             "variogram_zinc_log_cutoff.csv")

# Defaults. gstat (src/sem.c fill_cutoff_width) uses
#   cutoff = bbox diagonal * gl_fraction, gl_fraction = DEF_fraction = 0.33333
# (src/defaults.h) -- NOT exactly 1/3 -- and width = cutoff / 15.
bb <- bbox(meuse)
diag_len <- sqrt((bb["x", "max"] - bb["x", "min"])^2 + (bb["y", "max"] - bb["y", "min"])^2)
cutoff_gstat <- diag_len * 0.33333
width_gstat <- cutoff_gstat / 15
bnd <- attr(v, "boundaries")
stopifnot(identical(bnd[length(bnd)], cutoff_gstat),
          identical(bnd[2], width_gstat),
          nrow(v) == 15)
pair_d <- spDists(meuse)
pair_d <- pair_d[lower.tri(pair_d)]
write_golden(data.frame(
  name = c("xmin", "xmax", "ymin", "ymax", "bbox_diagonal", "fraction",
           "cutoff", "width", "n_intervals",
           "cutoff_exact_third", "width_exact_third",
           "n_lags", "n_pairs_total", "n_pairs_within_cutoff",
           "n_pairs_zero_distance"),
  value = c(bb["x", "min"], bb["x", "max"], bb["y", "min"], bb["y", "max"],
            diag_len, 0.33333, cutoff_gstat, width_gstat, 15,
            diag_len / 3, diag_len / 3 / 15,
            nrow(v), length(pair_d), sum(pair_d <= cutoff_gstat), sum(pair_d == 0))),
  "variogram_defaults.csv")
cat(sprintf("  bbox diagonal %.17g; gstat cutoff (x0.33333) %.17g; width %.17g\n",
            diag_len, cutoff_gstat, width_gstat))
cat(sprintf("  (diagonal/3 would be %.17g; gstat's boundaries attr ends at %.17g)\n",
            diag_len / 3, bnd[length(bnd)]))

## ------------------------------------------------------- 2. fits ----------
cat("== 2. fit.variogram on variogram(log(zinc)~1)\n")
fit_one <- function(case, start, method) {
  neg <- FALSE
  f <- withCallingHandlers(
    fit.variogram(v, start, fit.method = method, warn.if.neg = TRUE),
    warning = function(w) {
      if (grepl("fixed at zero", conditionMessage(w))) {
        neg <<- TRUE
        invokeRestart("muffleWarning")
      }
    })
  s_nug <- start$psill[start$model == "Nug"]
  s_str <- start[start$model != "Nug", ]
  f_nug <- f$psill[f$model == "Nug"]
  f_str <- f[f$model != "Nug", ]
  data.frame(case = case, fit_method = method,
             model = as.character(f_str$model), kappa = f_str$kappa,
             nugget = f_nug, psill = f_str$psill, range = f_str$range,
             sserr = attr(f, "SSErr"), singular = isTRUE(attr(f, "singular")),
             neg_fixed = neg,
             start_nugget = s_nug, start_psill = s_str$psill, start_range = s_str$range,
             stringsAsFactors = FALSE)
}
fits <- rbind(
  fit_one("sph_m1", vgm(1, "Sph", 900, 1), 1),
  fit_one("sph_m2", vgm(1, "Sph", 900, 1), 2),
  fit_one("sph_m6", vgm(1, "Sph", 900, 1), 6),
  fit_one("sph_m7", vgm(1, "Sph", 900, 1), 7),
  fit_one("exp_m7", vgm(1, "Exp", 300, 1), 7),
  fit_one("gau_m7", vgm(1, "Gau", 600, 1), 7),
  fit_one("mat_m7", vgm(1, "Mat", 300, 1, kappa = 1.5), 7)
)
print(fits)
write_golden(fits, "fits.csv")

## ------------------------------------- 3. per-metal model, krige, cv ------
metals <- c("zinc", "cadmium", "copper", "lead")
models <- list()
cv_rows <- list()
cv_stats <- function(cv) {
  c(n = nrow(cv), mean_error = mean(cv$residual),
    rmse = sqrt(mean(cv$residual^2)), msdr = mean(cv$zscore^2),
    mean_zscore = mean(cv$zscore))
}
for (metal in metals) {
  cat("== 3.", metal, "\n")
  fo <- as.formula(paste0("log(", metal, ") ~ 1"))
  z <- log(meuse_df[[metal]])
  s2 <- var(z)
  vm <- variogram(fo, meuse)
  psill0 <- 0.6 * s2
  nugget0 <- 0.2 * s2
  range0 <- 900
  neg <- FALSE
  m <- withCallingHandlers(
    fit.variogram(vm, vgm(psill0, "Sph", range0, nugget0), warn.if.neg = TRUE),
    warning = function(w) {
      if (grepl("fixed at zero", conditionMessage(w))) {
        neg <<- TRUE
        invokeRestart("muffleWarning")
      }
    })
  print(m)
  models[[metal]] <- m
  write_golden(data.frame(
    metal = metal, model = "Sph", fit_method = 7,
    nugget = m$psill[1], psill = m$psill[2], range = m$range[2],
    sserr = attr(m, "SSErr"), singular = isTRUE(attr(m, "singular")), neg_fixed = neg,
    var_log = s2, start_nugget = nugget0, start_psill = psill0, start_range = range0,
    stringsAsFactors = FALSE), paste0("model_", metal, ".csv"))

  kg <- krige(fo, meuse, grid, model = m, debug.level = 0)
  write_golden(data.frame(x = gx, y = gy, pred = kg$var1.pred, var = kg$var1.var),
               paste0("krige_", metal, "_global.csv"))
  kl <- krige(fo, meuse, grid, model = m, nmax = 20, debug.level = 0)
  if (metal == "zinc") kl_zinc <- kl
  write_golden(data.frame(x = gx, y = gy, pred = kl$var1.pred, var = kl$var1.var),
               paste0("krige_", metal, "_nmax20.csv"))

  for (nm in list(Inf, 20)) {
    cv <- krige.cv(fo, meuse, m, nmax = nm, verbose = FALSE, debug.level = 0)
    cvd <- data.frame(x = meuse_df$x, y = meuse_df$y, observed = cv$observed,
                      var1.pred = cv$var1.pred, var1.var = cv$var1.var,
                      residual = cv$residual, zscore = cv$zscore)
    stopifnot(identical(coordinates(cv)[, 1], as.numeric(meuse_df$x)),
              identical(cv$observed, z))
    write_golden(cvd, if (is.infinite(nm)) paste0("cv_", metal, ".csv")
                      else paste0("cv_", metal, "_nmax20.csv"))
    st <- cv_stats(cv)
    cv_rows[[length(cv_rows) + 1]] <- data.frame(
      metal = metal, model = paste0("model_", metal, ".csv"),
      neighbourhood = if (is.infinite(nm)) "global" else "nmax20",
      nmax = if (is.infinite(nm)) NA else nm,
      n = st[["n"]], mean_error = st[["mean_error"]], rmse = st[["rmse"]],
      msdr = st[["msdr"]], mean_zscore = st[["mean_zscore"]],
      stringsAsFactors = FALSE)
  }
}
# The same global LOO for zinc with the canonical model of fits.csv (sph_m7,
# start vgm(1, "Sph", 900, 1)); summary only.
m_canon <- fit.variogram(v, vgm(1, "Sph", 900, 1))
cv_canon <- krige.cv(log(zinc) ~ 1, meuse, m_canon, verbose = FALSE, debug.level = 0)
st <- cv_stats(cv_canon)
cv_rows[[length(cv_rows) + 1]] <- data.frame(
  metal = "zinc", model = "fits.csv:sph_m7", neighbourhood = "global", nmax = NA,
  n = st[["n"]], mean_error = st[["mean_error"]], rmse = st[["rmse"]],
  msdr = st[["msdr"]], mean_zscore = st[["mean_zscore"]], stringsAsFactors = FALSE)
cv_summary <- do.call(rbind, cv_rows)
cat("== cross-validation summary\n")
print(cv_summary, digits = 6)
write_golden(cv_summary, "cv_summary.csv")

## ------------------------------------------------------------ 4. idw ------
cat("== 4. idw\n")
i1 <- idw(log(zinc) ~ 1, meuse, grid, idp = 2, nmax = 20, debug.level = 0)
write_golden(data.frame(x = gx, y = gy, pred = i1$var1.pred), "idw_zinc.csv")
i2 <- idw(log(zinc) ~ 1, meuse, grid, idp = 2, debug.level = 0)
write_golden(data.frame(x = gx, y = gy, pred = i2$var1.pred), "idw_zinc_all.csv")
i3 <- idw(zinc ~ 1, meuse, grid, idp = 3, nmax = 12, maxdist = 600, debug.level = 0)
write_golden(data.frame(x = gx, y = gy, pred = i3$var1.pred), "idw_zinc_raw_p3.csv")
i4 <- idw(zinc ~ 1, meuse, grid, idp = 3, nmax = 12, nmin = 3, maxdist = 250,
          debug.level = 0)
write_golden(data.frame(x = gx, y = gy, pred = i4$var1.pred), "idw_zinc_raw_p3_sparse.csv")
na_counts <- c(idw_zinc = sum(is.na(i1$var1.pred)), idw_zinc_all = sum(is.na(i2$var1.pred)),
               idw_zinc_raw_p3 = sum(is.na(i3$var1.pred)),
               idw_zinc_raw_p3_sparse = sum(is.na(i4$var1.pred)))
cat("  NA cells:", paste(names(na_counts), na_counts, sep = "=", collapse = ", "), "\n")

## --------------------------------------------- neighbourhood ties --------
# Grid cells / samples where the k-th and (k+1)-th nearest data points are at
# exactly the same distance, so "the k nearest" is ambiguous. For each such
# case, find out which candidate gstat took, by recomputing with explicit
# subsets (global neighbourhood on the chosen k points). For cv_nmax20 ties
# (none in Meuse) gstat_took is left NA: the LOO choice is not recomputed.
cat("== neighbourhood ties\n")
Dg <- spDists(grid, meuse)                 # 3103 x 155, Euclidean
tie_rows <- list()
find_ties <- function(D, k, maxdist, what) {
  for (i in seq_len(nrow(D))) {
    d <- D[i, ]
    d <- d[d <= maxdist]
    if (length(d) <= k) next
    s <- sort(d)
    if (s[k] == s[k + 1]) {
      tie_rows[[length(tie_rows) + 1]] <<- data.frame(what = what, row = i, k = k, tie_dist = s[k])
    }
  }
}
find_ties(Dg, 20, Inf, "grid_nmax20")
find_ties(Dg, 12, 600, "grid_nmax12_maxdist600")
find_ties(Dg, 12, 250, "grid_nmax12_maxdist250")
Dd <- spDists(meuse)
diag(Dd) <- Inf
find_ties(Dd, 20, Inf, "cv_nmax20")
ties_out <- list()
for (t in tie_rows) {
  d <- if (t$what == "cv_nmax20") Dd[t$row, ] else Dg[t$row, ]
  inner <- which(d < t$tie_dist)
  cand <- which(d == t$tie_dist)
  need <- t$k - length(inner)
  combos <- combn(cand, need, simplify = FALSE)
  # reference values gstat produced for this cell/sample
  ref <- switch(t$what,
    grid_nmax20 = c(idw = i1$var1.pred[t$row]),
    grid_nmax12_maxdist600 = c(idw = i3$var1.pred[t$row]),
    grid_nmax12_maxdist250 = c(idw = i4$var1.pred[t$row]),
    cv_nmax20 = c())
  chosen <- NA_character_
  for (cb in combos) {
    sel <- c(inner, cb)
    loc <- if (t$what == "cv_nmax20") meuse[t$row, ] else grid[t$row, ]
    val <- switch(t$what,
      grid_nmax20 = idw(log(zinc) ~ 1, meuse[sel, ], loc, idp = 2, debug.level = 0)$var1.pred,
      grid_nmax12_maxdist600 = idw(zinc ~ 1, meuse[sel, ], loc, idp = 3, debug.level = 0)$var1.pred,
      grid_nmax12_maxdist250 = idw(zinc ~ 1, meuse[sel, ], loc, idp = 3, debug.level = 0)$var1.pred,
      NA)
    if (t$what == "grid_nmax20") {
      # the same selection must also reproduce krige(..., nmax = 20) for zinc
      kv <- krige(log(zinc) ~ 1, meuse[sel, ], loc, model = models[["zinc"]],
                  debug.level = 0)$var1.pred
      if (abs(kv - kl_zinc$var1.pred[t$row]) > 1e-12) next
    }
    if (!is.na(val) && length(ref) && abs(val - ref[[1]]) <= 1e-12 * abs(ref[[1]]))
      chosen <- if (is.na(chosen)) paste(cb, collapse = ";") else paste(chosen, paste(cb, collapse = ";"), sep = "|")
  }
  ties_out[[length(ties_out) + 1]] <- data.frame(
    what = t$what, row = t$row,
    x = if (t$what == "cv_nmax20") meuse_df$x[t$row] else gx[t$row],
    y = if (t$what == "cv_nmax20") meuse_df$y[t$row] else gy[t$row],
    k = t$k, tie_dist = t$tie_dist, n_nearer = length(inner),
    candidates = paste(cand, collapse = ";"), gstat_took = chosen,
    stringsAsFactors = FALSE)
}
ties <- if (length(ties_out)) do.call(rbind, ties_out) else
  data.frame(what = character(0), row = integer(0), x = numeric(0), y = numeric(0),
             k = integer(0), tie_dist = numeric(0), n_nearer = integer(0),
             candidates = character(0), gstat_took = character(0))
print(ties)
write_golden(ties, "neighbour_ties.csv")

## ------------------------------------------------------------ README -----
fit_line <- function(r) sprintf("| %s | %d | %s | %.7g | %.7g | %.7g | %.7g | %s |",
  r$case, r$fit_method, r$model, r$nugget, r$psill, r$range, r$sserr,
  if (r$neg_fixed) "nugget < 0, fixed at 0 and refitted" else "")
cv_line <- function(r) sprintf("| %s | %s | %s | %.6g | %.6g | %.6g |",
  r$metal, r$model, r$neighbourhood, r$mean_error, r$rmse, r$msdr)
model_line <- function(metal) {
  m <- models[[metal]]
  sprintf("| %s | %.7g | %.7g | %.7g |", metal, m$psill[1], m$psill[2], m$range[2])
}
sizes <- file.size(file.path(out_dir, written))
readme <- c(
"# Golden reference results for the Meuse data (R gstat)",
"",
"Generated by `scripts/reference/meuse-gstat.R`; do not edit by hand.",
"",
"Regenerate from the repository root with",
"",
"    scripts/reference/regenerate        # checks Rscript + gstat, then runs:",
"    Rscript scripts/reference/meuse-gstat.R",
"",
"Nothing is installed by either. Needs R with `sp` and `gstat` (Debian: r-cran-sp, r-cran-gstat).",
"",
sprintf("Generated %s with %s, gstat %s, sp %s (%s).",
        format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"), versions$R, versions$gstat, versions$sp,
        versions$platform),
"",
"## Input",
"",
"`data/meuse/meuse.csv` (155 samples) and `data/meuse/meuse_grid.csv` (3103 cells), read with",
"`read.csv()` and promoted with `coordinates(d) <- ~x+y`; the grid is used as plain points",
"(`SpatialPoints`, not gridded), so every grid output is in `meuse_grid.csv` row order.",
"R's bundled `data(meuse)` / `data(meuse.grid)` are not used by the script.",
sprintf("Check made by the script: the CSV columns are identical to `sp`'s bundled copies: **%s**.",
        if (isTRUE(bundled_same)) "yes" else "NO / not checked"),
"",
"## Format",
"",
"Plain CSV: one header line, comma separated, no quotes, no row names, `\\n` line ends.",
"Every number is printed with `sprintf(\"%.17g\")` (round-trips an IEEE double exactly;",
"integers print without a decimal point). Missing values are written as `NA`.",
"Flags (`singular`, `neg_fixed`) are `0`/`1`. All models are on the **natural log** of the",
"metal (mg/kg) unless the file name says `raw`.",
"",
"## Files",
"",
"| file | content | R call |",
"|---|---|---|",
"| `variogram_zinc_log.csv` | np,dist,gamma; 15 lags | `v <- variogram(log(zinc)~1, meuse)` |",
"| `variogram_zinc_log_cressie.csv` | np,dist,gamma | `variogram(log(zinc)~1, meuse, cressie=TRUE)` |",
"| `variogram_zinc_log_dir.csv` | dir_hor,np,dist,gamma; directions 0,45,90,135 (tol.hor = 22.5, the default 90/length(alpha)) | `variogram(log(zinc)~1, meuse, alpha=c(0,45,90,135))` |",
"| `variogram_zinc_log_cutoff.csv` | np,dist,gamma; 20 lags of 50 m | `variogram(log(zinc)~1, meuse, cutoff=1000, width=50)` |",
"| `variogram_defaults.csv` | name,value: bbox, diagonal, the cutoff/width gstat used, pair counts | computed in R from `bbox(meuse)`; asserted equal to `attr(v, \"boundaries\")` |",
"| `fits.csv` | case,fit_method,model,kappa,nugget,psill,range,sserr,singular,neg_fixed,start_nugget,start_psill,start_range | `fit.variogram(v, start, fit.method=m)`; see below |",
"| `model_<metal>.csv` | the Sph model used for kriging that metal, with its start values | `fit.variogram(variogram(log(metal)~1, meuse), vgm(0.6*s2, \"Sph\", 900, 0.2*s2))`, `s2 = var(log(metal))` |",
"| `krige_<metal>_global.csv` | x,y,pred,var for the 3103 grid cells | `krige(log(metal)~1, meuse, grid, model=m)` |",
"| `krige_<metal>_nmax20.csv` | x,y,pred,var | `krige(log(metal)~1, meuse, grid, model=m, nmax=20)` |",
"| `cv_<metal>.csv` | x,y,observed,var1.pred,var1.var,residual,zscore (155 rows) | `krige.cv(log(metal)~1, meuse, m)` (leave-one-out, global) |",
"| `cv_<metal>_nmax20.csv` | same | `krige.cv(log(metal)~1, meuse, m, nmax=20)` |",
"| `cv_summary.csv` | metal,model,neighbourhood,nmax,n,mean_error,rmse,msdr,mean_zscore | mean(residual), sqrt(mean(residual^2)), mean(zscore^2), mean(zscore) |",
"| `idw_zinc.csv` | x,y,pred | `idw(log(zinc)~1, meuse, grid, idp=2, nmax=20)` |",
"| `idw_zinc_all.csv` | x,y,pred | `idw(log(zinc)~1, meuse, grid, idp=2)` (all 155 points) |",
"| `idw_zinc_raw_p3.csv` | x,y,pred (raw zinc, mg/kg) | `idw(zinc~1, meuse, grid, idp=3, nmax=12, maxdist=600)` |",
"| `idw_zinc_raw_p3_sparse.csv` | x,y,pred (raw zinc; `NA` where fewer than 3 points within 250 m) | `idw(zinc~1, meuse, grid, idp=3, nmax=12, nmin=3, maxdist=250)` |",
"| `neighbour_ties.csv` | what,row,x,y,k,tie_dist,n_nearer,candidates,gstat_took | cells/samples where the k-th and (k+1)-th nearest points are equidistant (see below) |",
"",
"`<metal>` is each of zinc, cadmium, copper, lead. `meuse` and `grid` are the two CSV files as above.",
"",
"### fits.csv cases",
"",
"All on `v` = `variogram_zinc_log.csv`. Start models: `sph_m1`, `sph_m2`, `sph_m6`, `sph_m7`:",
"`vgm(1, \"Sph\", 900, 1)` with `fit.method` 1, 2, 6, 7; `exp_m7`: `vgm(1, \"Exp\", 300, 1)`;",
"`gau_m7`: `vgm(1, \"Gau\", 600, 1)`; `mat_m7`: `vgm(1, \"Mat\", 300, 1, kappa=1.5)` (kappa fixed,",
"the default `fit.kappa=FALSE`). `sserr` = `attr(fit, \"SSErr\")`, `singular` = `attr(fit, \"singular\")`,",
"`neg_fixed` = 1 if R's fit.variogram found a negative nugget/partial sill, set it to 0, fixed it, reset",
"the ranges to their start values and refitted (it warns with `warn.if.neg=TRUE`).",
"`kappa` is 0.5 for non-Matérn models (vgm's default, unused).",
"",
"| case | method | model | nugget | psill | range | SSErr | note |",
"|---|---|---|---|---|---|---|---|",
vapply(seq_len(nrow(fits)), function(i) fit_line(fits[i, ]), ""),
"",
"### Kriging models (model_<metal>.csv)",
"",
"| metal | nugget | psill (Sph) | range |",
"|---|---|---|---|",
vapply(metals, model_line, ""),
"",
sprintf(paste("Note: the zinc model here (start 0.6/0.2 x var) differs from `fits.csv` `sph_m7` (start",
  "`vgm(1, \"Sph\", 900, 1)`) by %.1e (nugget), %.1e (psill) and %.1e (range), relative. gstat's fit",
  "stops on a relative SSErr change below 1e-5, so its result depends on the start values."),
  abs(models$zinc$psill[1] / fits$nugget[4] - 1), abs(models$zinc$psill[2] / fits$psill[4] - 1),
  abs(models$zinc$range[2] / fits$range[4] - 1)),
"",
"### Cross-validation summary (cv_summary.csv)",
"",
"| metal | model | neighbourhood | mean error | RMSE | MSDR |",
"|---|---|---|---|---|---|",
vapply(seq_len(nrow(cv_summary)), function(i) cv_line(cv_summary[i, ]), ""),
"",
"### Defaults (variogram_defaults.csv)",
"",
sprintf("Bounding-box diagonal %.17g m. gstat's default cutoff is diagonal x **0.33333** (`DEF_fraction` in",
        diag_len),
"gstat's src/defaults.h; not exactly 1/3):",
sprintf("cutoff = %.17g, width = cutoff/15 = %.17g (diagonal/3 would be %.17g).",
        cutoff_gstat, width_gstat, diag_len / 3),
"",
"### NA cells",
"",
paste0("Counts of NA predictions: ",
       paste(sprintf("`%s` %d", names(na_counts), na_counts), collapse = ", "), "."),
"`maxdist` is inclusive (squared distance <= maxdist^2, src/nsearch.c `qtree_select`). With",
"`nmin` = 0 (the default) gstat returns NA only when no point lies within `maxdist`, which never",
"happens on this grid for 600 m, hence the extra `_sparse` file: with `nmin = 3` (and the",
"default `force = FALSE`) a cell with fewer than 3 samples within 250 m is NA.",
"",
"### Neighbourhood ties (neighbour_ties.csv)",
"",
"Rows where the k-th and (k+1)-th nearest data points are at exactly the same distance, so the",
"k-point neighbourhood is not unique and gstat's choice depends on its quadtree/priority-queue",
"traversal. `row` is the 1-based row in meuse_grid.csv (or meuse.csv for `cv_*`), `candidates`",
"the 1-based meuse.csv rows at the tie distance, `n_nearer` how many are strictly nearer, and",
"`gstat_took` the candidate(s) gstat used, found by recomputing the idw value with each choice.",
"The same k-nearest selection is used by `krige(..., nmax=20)` (the script checks that the chosen",
"set also reproduces `krige_zinc_nmax20.csv`), so those rows of `krige_*_nmax20.csv` are affected",
"too. gstat took the higher-numbered row in all of them, but that follows from its quadtree and",
"priority-queue traversal, not from a rule; a port that takes the lowest row index (e.g. a stable",
"sort) differs there, by up to a few percent. Compare those rows separately or skip them.",
"",
"## How gstat computes these",
"",
"`scripts/reference/GSTAT-RULES.md` states the exact rules (variogram lag assignment, default",
"cutoff, fit.variogram iteration, weights and stopping, neighbour selection, IDW) with the gstat",
"source file and function for each; `scripts/reference/check-gstat-rules.R` re-implements the",
"variogram and fit rules in plain R and checks them against gstat (`scripts/reference/regenerate",
"--check` runs it after regenerating).",
"",
"## Sizes",
"",
"| file | bytes |",
"|---|---|",
sprintf("| `%s` | %d |", written, as.integer(sizes)),
""
)
con <- file(file.path(out_dir, "README.md"), open = "wb")
writeLines(readme, con, sep = "\n")
close(con)
cat("wrote README.md\n")
cat(sprintf("== total %d bytes in %d CSV files\n", sum(sizes), length(written)))
cat("== sessionInfo\n")
print(sessionInfo())
