# check-gstat-rules.R: an executable statement of the rules gstat 2.1 uses for
# the sample variogram and for fit.variogram, re-implemented in plain R (no
# gstat internals) and compared with gstat itself on the Meuse data.
#
# Usage (from the repository root):  Rscript scripts/reference/check-gstat-rules.R
# Exit status 0 when every comparison agrees to 1e-12 (relative), 1 otherwise.
#
# The rules follow gstat's C sources (r-spatial/gstat, src/):
#   sem.c      semivariogram_list(), get_index(), divide(), fill_cutoff_width()
#   direct.c   valid_direction(), set_direction_values()
#   fit.c      wls_fit(), fit_GaussNewton(), fill_weights(), getSSErr()
#   lm.c       calc_lm()          mtrx.c  v_norm2() (= squared norm!), CHfactor()
#   vario.c    update_variogram(), get_semivariance(), da_general()
#   vario_fn.c fn_spherical() & co. and their range derivatives da_fn_*()
#   R/fit.variogram.R  negative sill handling (refit with the sill fixed at 0)
# Writes nothing.

suppressPackageStartupMessages({
  library(sp)
  library(gstat)
})
args <- commandArgs(trailingOnly = FALSE)
f <- sub("^--file=", "", args[grep("^--file=", args)])
root <- if (length(f) == 1) dirname(dirname(dirname(normalizePath(f)))) else getwd()
d <- read.csv(file.path(root, "data", "meuse", "meuse.csv"))
meuse <- d
coordinates(meuse) <- ~x + y

ok <- TRUE
report <- function(what, a, b, tol = 1e-12) {
  rel <- max(abs(a - b) / pmax(abs(b), 1e-300))
  good <- isTRUE(all(a == b) || rel <= tol)
  if (!good) ok <<- FALSE
  cat(sprintf("%-44s max rel diff %.3g %s\n", what, rel, if (good) "ok" else "** MISMATCH **"))
}

## ------------------------------------------------ sample variogram -------
# Pairs i > j in file order (each unordered pair once; i == j skipped).
# Distance sqrt(dx*dx + dy*dy). A pair is used when dist <= cutoff.
# Lag index: frac = dist / width; if dist > 0 and frac is an integer the pair
# goes to lag frac - 1, else to floor(frac). So lags are (k*w, (k+1)*w],
# right-closed, and dist == 0 goes to lag 0 (ZERO_INCLUDE, the variogram
# default). A pair exactly at the cutoff is kept (<=).
# gamma = sum((z_i - z_j)^2) / (2 n); dist = mean pair distance;
# Cressie: 0.5 * (mean(sqrt|z_i - z_j|))^4 / (0.457 + 0.494 / n).
# Lags with n == 0 are dropped (R side).
# Directional (alpha = direction in degrees clockwise from north, tol.hor):
# with dx = x_i - x_j, dy = y_i - y_j, norm = sqrt(dx^2 + dy^2),
# inprod = (dx sin(alpha) + dy cos(alpha)) / norm; the pair is rejected when
# |inprod| < cos(tol.hor in radians) (symmetric: both senses count).
# tol.hor >= 90 degrees means no direction check at all.
sample_vgm <- function(x, y, z, cutoff, width, cressie = FALSE,
                       alpha = NA, tol_hor = 90) {
  n_lag <- floor(cutoff / width) + 1
  sg <- numeric(n_lag); sd <- numeric(n_lag); nh <- numeric(n_lag)
  tolr <- tol_hor * pi / 180
  if (!is.na(alpha)) {
    a <- alpha * pi / 180
    dh <- c(sin(a), cos(a))
    ct <- cos(tolr)
  }
  n <- length(z)
  for (i in seq_len(n)) {
    for (j in seq_len(i - 1)) {
      dx <- x[i] - x[j]; dy <- y[i] - y[j]
      dist <- sqrt(dx * dx + dy * dy)
      if (dist > cutoff) next
      if (!is.na(alpha) && tolr < pi / 2 && (dx != 0 || dy != 0)) {
        inprod <- (dx * dh[1] + dy * dh[2]) / sqrt(dx * dx + dy * dy)
        if (abs(inprod) < ct) next
      }
      frac <- dist / width
      k <- if (dist > 0 && frac == floor(frac)) floor(frac) - 1 else floor(frac)
      k <- k + 1  # R index
      sg[k] <- sg[k] + if (cressie) sqrt(abs(z[i] - z[j])) else (z[i] - z[j])^2
      sd[k] <- sd[k] + dist
      nh[k] <- nh[k] + 1
    }
  }
  keep <- nh > 0
  g <- if (cressie) 0.5 * (sg / nh)^4 / (0.457 + 0.494 / nh) else sg / (2 * nh)
  data.frame(np = nh[keep], dist = (sd / nh)[keep], gamma = g[keep])
}

z <- log(d$zinc)
bb <- bbox(meuse)
cutoff <- sqrt(diff(bb[1, ])^2 + diff(bb[2, ])^2) * 0.33333  # DEF_fraction
width <- cutoff / 15                                         # DEF_intervals

v <- variogram(log(zinc) ~ 1, meuse)
# The pair counts alone do not pin the fraction down (0.33333 vs 1/3 moves
# no Meuse pair across a lag boundary), but gstat reports the cutoff it used:
bnd <- attr(v, "boundaries")
report("default cutoff = diagonal * 0.33333", cutoff, bnd[length(bnd)], 0)
report("default width = cutoff / 15", width, bnd[2], 0)
mine <- sample_vgm(d$x, d$y, z, cutoff, width)
report("variogram default: np", mine$np, v$np, 0)
report("variogram default: dist", mine$dist, v$dist)
report("variogram default: gamma", mine$gamma, v$gamma)

vc <- variogram(log(zinc) ~ 1, meuse, cressie = TRUE)
mine <- sample_vgm(d$x, d$y, z, cutoff, width, cressie = TRUE)
report("variogram cressie: np", mine$np, vc$np, 0)
report("variogram cressie: gamma", mine$gamma, vc$gamma)

v50 <- variogram(log(zinc) ~ 1, meuse, cutoff = 1000, width = 50)
mine <- sample_vgm(d$x, d$y, z, 1000, 50)
report("variogram cutoff=1000,width=50: np", mine$np, v50$np, 0)
report("variogram cutoff=1000,width=50: dist", mine$dist, v50$dist)
report("variogram cutoff=1000,width=50: gamma", mine$gamma, v50$gamma)
# Show that the boundary rule matters: a left-closed rule moves the pairs at
# exactly 200 m and 450 m to the next lag.
pd <- as.matrix(dist(cbind(d$x, d$y)))[lower.tri(diag(155))]
cat(sprintf("  pairs at an exact multiple of 50 m (<= 1000): %s\n",
            paste(sort(pd[pd <= 1000 & pd %% 50 == 0]), collapse = ", ")))

vd <- variogram(log(zinc) ~ 1, meuse, alpha = c(0, 45, 90, 135))
for (a in c(0, 45, 90, 135)) {
  mine <- sample_vgm(d$x, d$y, z, cutoff, width, alpha = a, tol_hor = 22.5)
  ref <- vd[vd$dir.hor == a, ]
  report(sprintf("variogram alpha=%3d: np", a), mine$np, ref$np, 0)
  report(sprintf("variogram alpha=%3d: gamma", a), mine$gamma, ref$gamma)
}

## ---------------------------------------------------- fit.variogram -----
# Unit model functions f(h, r) (sill 1) and their derivative to the range,
# exactly as gstat's vario_fn.c (note: da_fn_gaussian is NOT the true
# derivative; gstat uses it anyway, and only the iteration path depends on it).
fn <- list(
  Nug = function(h, r, k) ifelse(h == 0, 0, 1),
  Sph = function(h, r, k) ifelse(h == 0, 0, ifelse(h >= r, 1, (h / r) * (1.5 - 0.5 * (h / r)^2))),
  Exp = function(h, r, k) ifelse(h == 0, 0, 1 - exp(-h / r)),
  Gau = function(h, r, k) ifelse(h == 0, 0, 1 - exp(-(h / r)^2)),
  Mat = function(h, r, k) {
    hr <- h / r
    out <- 1 - (2^(-(k - 1)) / gamma(k)) * hr^k * besselK(hr, k)
    out[h == 0] <- 0
    out[h > 600 * r] <- 1
    out
  })
dfn <- list(
  Nug = function(h, r, k) 0 * h,
  Sph = function(h, r, k) ifelse(h > r, 0, 1.5 * (h / r^2) * (-1 + h * (h / r^2))),
  Exp = function(h, r, k) (-h / r / r) * exp(-h / r),
  Gau = function(h, r, k) (-(h / r) / r) * exp(-(h / r)^2),
  Mat = NULL)  # none: numerical, da_general()
da <- function(type, h, r, k, sill) {
  if (!is.null(dfn[[type]])) return(sill * dfn[[type]](h, r, k))
  # da_general(): central difference with DA_DELTA = 0.001
  rr <- max(1e-20, r)
  sill * (fn[[type]](h, rr * 1.001, k) - fn[[type]](h, rr * 0.999, k)) / (2 * rr * 0.001)
}
gamma_model <- function(m, h) {
  # get_semivariance(): beyond the largest range of a transitive model the
  # value is the sum of the sills (same as evaluating every part).
  s <- 0
  for (i in seq_len(nrow(m))) s <- s + m$sill[i] * fn[[m$type[i]]](h, m$range[i], m$kappa[i])
  s
}

gstat_fit_c <- function(np, dist, gam, m, method, fit_sill, fit_range) {
  # fit.c fit_variogram(): a part with sill 0 that is to be fitted starts at 1
  m$sill[m$sill == 0 & fit_sill] <- 1
  fit_range <- fit_range & m$type != "Nug"
  # parameter order: for each part: its sill (if fitted), then its range
  idx <- list()
  for (i in seq_len(nrow(m))) {
    if (fit_sill[i]) idx[[length(idx) + 1]] <- c(i, 0)
    if (fit_range[i]) idx[[length(idx) + 1]] <- c(i, 1)
  }
  any_range <- any(fit_range)
  w <- NULL
  old <- .Machine$double.xmax
  n_iter <- 0
  repeat {
    start <- vapply(idx, function(p) if (p[2] == 0) m$sill[p[1]] else m$range[p[1]], 0)
    yv <- gam - gamma_model(m, dist)
    X <- sapply(idx, function(p) {
      i <- p[1]
      if (p[2] == 0) fn[[m$type[i]]](dist, m$range[i], m$kappa[i])
      else da(m$type[i], dist, m$range[i], m$kappa[i], m$sill[i])
    })
    X <- matrix(X, nrow = length(dist))
    if (n_iter == 0) {
      # fill_weights(), ONCE, with the start model:
      # 1: n_h;  2: n_h / gamma_model(h)^2;  7: n_h / h^2;  6: none (OLS)
      w <- switch(as.character(method),
                  "1" = np,
                  "2" = np / gamma_model(m, dist)^2,
                  "6" = rep(1, length(np)),
                  "7" = np / dist^2)
    }
    sw <- sqrt(w)
    Xw <- X * sw
    yw <- yv * sw
    XtX <- crossprod(Xw)
    R <- tryCatch(chol(XtX), error = function(e) NULL)  # dpotrf; failure = singular
    if (is.null(R)) return(list(m = m, singular = TRUE, sserr = sum(w * (gam - gamma_model(m, dist))^2)))
    beta <- backsolve(R, forwardsolve(t(R), crossprod(Xw, yw)))
    bounded <- FALSE
    if (any_range) {
      s <- sum(beta^2) / sum(start^2)   # v_norm2() is the SQUARED 2-norm
      if (s > 0.2) {
        beta <- beta * (0.2 / s)
        bounded <- TRUE
      }
    }
    new <- start + beta
    for (j in seq_along(idx)) {
      p <- idx[[j]]
      if (p[2] == 0) m$sill[p[1]] <- new[j] else m$range[p[1]] <- new[j]
    }
    sserr <- sum(w * (gam - gamma_model(m, dist))^2)
    step <- old - sserr
    if (sserr > 10 * .Machine$double.eps) step <- step / sserr
    n_iter <- n_iter + 1
    old <- sserr
    if ((step < 1e-5 && step >= 0 && !bounded) || n_iter == 200) break
  }
  list(m = m, singular = FALSE, sserr = sserr, n_iter = n_iter)
}

gstat_fit <- function(v, m, method) {
  # R fit.variogram(): after the C fit, if any fitted sill is negative, set it
  # to 0, fix it (fit.sills = sill > 0), reset all ranges to the START ranges
  # (keeping the fitted sills as new start values) and fit again.
  fit_sill <- rep(TRUE, nrow(m))
  fit_range <- m$type != "Nug"
  range0 <- m$range
  repeat {
    r <- gstat_fit_c(v$np, v$dist, v$gamma, m, method, fit_sill, fit_range)
    if (!any(r$m$sill < 0)) return(r)
    m <- r$m
    fit_sill <- m$sill > 0
    m$sill[m$sill < 0] <- 0
    m$range <- range0
  }
}

cases <- list(
  list("sph_m1", "Sph", 900, 1.5, 1), list("sph_m2", "Sph", 900, 1.5, 2),
  list("sph_m6", "Sph", 900, 1.5, 6), list("sph_m7", "Sph", 900, 1.5, 7),
  list("exp_m7", "Exp", 300, 1.5, 7), list("gau_m7", "Gau", 600, 1.5, 7),
  list("mat_m7", "Mat", 300, 1.5, 7))
for (cs in cases) {
  start <- data.frame(type = c("Nug", cs[[2]]), sill = c(1, 1), range = c(0, cs[[3]]),
                      kappa = c(0, cs[[4]]), stringsAsFactors = FALSE)
  mine <- gstat_fit(v, start, cs[[5]])
  sm <- if (cs[[2]] == "Mat") vgm(1, "Mat", cs[[3]], 1, kappa = cs[[4]]) else vgm(1, cs[[2]], cs[[3]], 1)
  ref <- suppressWarnings(fit.variogram(v, sm, fit.method = cs[[5]]))
  report(sprintf("fit %s: nugget,psill,range", cs[[1]]),
         c(mine$m$sill, mine$m$range[2]), c(ref$psill, ref$range[2]), 1e-9)
  report(sprintf("fit %s: SSErr", cs[[1]]), mine$sserr, attr(ref, "SSErr"), 1e-9)
}

cat(if (ok) "ALL OK\n" else "SOME CHECKS FAILED\n")
quit(status = if (ok) 0 else 1)
