/* The fixed sizes of soilmap, each named once. The config loader checks the
 * user-facing ones and names the key that goes past them. */
#ifndef SM_LIMITS_H
#define SM_LIMITS_H

/* Contaminants in one run (samples.contaminants); the stages keep per-
 * contaminant state in arrays of this size. */
#define SM_MAX_CONTAMINANTS 64

/* Attribute columns kept from the samples, and from each source layer. */
#define SM_MAX_ATTRIBUTES 64

/* Realizations of one simulation: each tile holds every realization of its
 * cells at once (for the quantiles), and the lattice every realization. */
#define SM_MAX_REALIZATIONS 1000

/* A path buffer: a folder (PATH_MAX, 4096) and a file name within it. */
#define SM_PATH_SIZE 4352

#endif
