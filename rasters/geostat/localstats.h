/* Local spatial statistics on sample points: hot spots (Getis-Ord Gi*),
 * clusters and outliers (local Moran's I), with Benjamini-Hochberg q-values
 * so that a map of "significant" points controls the false discovery rate
 * rather than testing every point at 5 %.
 *
 * Neighbours of point i (never counting i itself):
 *   SM_WEIGHTS_DISTANCE  every j != i with d_ij <= distance (coincident points
 *                        included), as spdep::dnearneigh(xy, 0, distance);
 *   SM_WEIGHTS_KNN       the k nearest j != i, equal distances broken by the
 *                        lower index, as spdep::knearneigh(xy, k) when there
 *                        are no ties.
 * k_i is their number (n_neighbours). A k-d tree finds them, so the cost is
 * O(n log n + sum of k_i) and no n x n matrix is built.
 *
 * Notation: n points, X̄ the mean of the values, z_i = x_i - X̄,
 * m2 = sum z^2 / n, S = sqrt(m2) (= sqrt(sum x^2 / n - X̄^2)).
 *
 * Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995), binary weights with
 * w_ii = 1, so W_i = S1_i = k_i + 1:
 *   Gi*_i = (sum_j w_ij x_j - X̄ W_i) / (S sqrt((n S1_i - W_i^2) / (n - 1)))
 * which is spdep::localG(x, nb2listw(include.self(nb), style = "B")) and
 * ArcGIS's Hot Spot Analysis. The numerator is summed as sum_j w_ij z_j (the
 * same number, without cancelling two large sums). A point with no neighbour
 * has W_i = 1 and Gi*_i = z_i / S, as spdep gives it; a point whose
 * neighbourhood holds all n points has n S1 - W^2 = 0 and gets NAN.
 *
 * Local Moran's I (Anselin 1995), row-standardised weights w_ij = 1/k_i
 * (W_i = 1, S2_i = sum_j w_ij^2 = 1/k_i), moments under total randomisation:
 *   I_i   = (z_i / m2) sum_j w_ij z_j
 *   E I_i = -W_i / (n - 1)
 *   b2    = (sum z^4 / n) / m2^2
 *   A     = (n - b2) / (n - 1),   B = (2 b2 - n) / ((n - 1)(n - 2))
 *   V I_i = A S2_i + B (W_i^2 - S2_i) - (E I_i)^2
 *   z     = (I_i - E I_i) / sqrt(V I_i)
 * exactly spdep 1.2's localmoran(x, nb2listw(nb, style = "W"),
 * conditional = FALSE) (mlvar = TRUE, its default). spdep's *default*
 * conditional = TRUE uses the moments of Sokal, Oden & Thomson (1998) instead;
 * the difference is in E, V and z, not in I. A point with no neighbour gets
 * I, z, p NAN and quadrant 0 (spdep with zero.policy gives I = 0, z = NA).
 * Quadrants of the Moran scatterplot, value z_i against its lag (> 0 is High,
 * <= 0 Low, as spdep's "pysal" quadrants): 1 HH, 2 LH, 3 LL, 4 HL, the
 * numbering of PySAL esda's Moran_Local.q (GeoDa's cluster map numbers them
 * 1 HH, 2 LL, 3 LH, 4 HL).
 *
 * p-values are two-sided from the standard normal: p = erfc(|z| / sqrt 2).
 *
 * References:
 *   Getis, A., Ord, J.K. (1992) The analysis of spatial association by use of
 *     distance statistics. Geographical Analysis 24(3), 189-206.
 *   Ord, J.K., Getis, A. (1995) Local spatial autocorrelation statistics:
 *     distributional issues and an application. Geogr. Analysis 27(4), 286-306.
 *   Anselin, L. (1995) Local indicators of spatial association - LISA.
 *     Geographical Analysis 27(2), 93-115.
 *   Sokal, R.R., Oden, N.L., Thomson, B.A. (1998) Local spatial autocorrelation
 *     in a biological model. Geographical Analysis 30(4), 331-354.
 *   Benjamini, Y., Hochberg, Y. (1995) Controlling the false discovery rate.
 *     J. R. Statist. Soc. B 57(1), 289-300.
 *   Bivand, R.S., Wong, D.W.S. (2018) Comparing implementations of global and
 *     local indicators of spatial association. TEST 27(3), 716-748 (spdep).
 */
#ifndef SM_LOCALSTATS_H
#define SM_LOCALSTATS_H

typedef enum { SM_WEIGHTS_DISTANCE, SM_WEIGHTS_KNN } sm_weights_kind;

typedef struct {
    sm_weights_kind kind;
    double distance; /* distance band in metres (SM_WEIGHTS_DISTANCE): j is a neighbour of i when
                        d_ij <= distance */
    int k;           /* number of nearest neighbours (SM_WEIGHTS_KNN), not counting i itself */
} sm_weights_spec;

typedef struct {
    int n;
    double *gi_z, *gi_p, *gi_q; /* Gi* z-score, two-sided normal p-value, BH-adjusted p (q-value) */
    int *n_neighbours;          /* neighbours of i, not counting i */
    /* local Moran's I (only when asked; otherwise NULL) */
    double *moran_i, *moran_z, *moran_p, *moran_q;
    int *moran_quadrant; /* 1 HH, 2 LH, 3 LL, 4 HL (PySAL's order, see above), 0 none/no neighbours
                          */
} sm_localstats;

/* Gi* (self included, binary weights) for the values v at (x, y); local
 * Moran's I with row-standardised weights when local_moran. Fails with
 * SM_EDATA for n < 3, a non-finite coordinate or value, all values equal, or
 * k >= n; with SM_ECONFIG for a bad weights spec. On failure *out is empty
 * (safe to free). */
int sm_localstats_compute(int n, const double *x, const double *y, const double *v,
                          const sm_weights_spec *w, int local_moran, sm_localstats *out);
void sm_localstats_free(sm_localstats *s);

/* Benjamini-Hochberg adjusted p-values (q_i = min over k with p_(k) >= p_i of
 * p_(k) n / k, capped at 1), as R's p.adjust(p, "BH"); NAN p stays NAN and is
 * not counted in n. q may be p. */
void sm_bh_adjust(int n, const double *p, double *q);

#endif
