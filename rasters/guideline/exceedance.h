/* The probability that a value exceeds a guideline value, from a kriging
 * prediction and its variance. Classify's probability rasters and screen's
 * per-site probabilities both come from here, so that a cell and a site
 * covering it agree. */
#ifndef SM_EXCEEDANCE_H
#define SM_EXCEEDANCE_H

/* P(Z > t) for Z ~ N(mean, var), all on the kriging scale (logs when the
 * interpolation is log-transformed, so t must be too):
 * - NAN when mean, var or t is NaN: no prediction means no probability, not
 *   a probability of 0;
 * - when var <= 0 (a cell on a sample, flat data, or round-off), Z is taken
 *   as certain: 1 if mean > t, else 0. The comparison is strict, as in the
 *   class rasters (a value equal to a tier is not above it), so the
 *   probability and the class agree;
 * - else 0.5 erfc((t - mean) / sqrt(2 var)). */
double sm_exceedance_probability(double mean, double var, double t);

#endif
