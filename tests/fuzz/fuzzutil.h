/* What the libFuzzer targets share: a quiet library, a scratch folder of
 * their own in the build tree, and the fuzz input written to a file there
 * (the loaders under test read files, as soilmap does). */
#ifndef SM_FUZZUTIL_H
#define SM_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Registers GDAL, silences soilmap's log and GDAL's messages, and makes the
 * scratch folder (removed at exit). Call once, from LLVMFuzzerInitialize. */
void sm_fuzz_init(const char *target);

/* The scratch folder's path for name. */
const char *sm_fuzz_path(const char *name);

/* Writes size bytes of data to the scratch file name; returns its path. */
const char *sm_fuzz_write(const char *name, const uint8_t *data, size_t size);

/* data as a NUL-terminated string (caller frees). */
char *sm_fuzz_string(const uint8_t *data, size_t size);

/* Stops the run as a crash when a property the code promises does not hold,
 * so that libFuzzer keeps the input. */
#define SM_FUZZ_ASSERT(cond)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            sm_fuzz_fail(__FILE__, __LINE__, #cond);                                               \
    } while (0)
void sm_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* An error must have been set, as one line (the project's message rule). */
void sm_fuzz_check_error(int rc);

#endif
