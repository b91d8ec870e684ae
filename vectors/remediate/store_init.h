/* A new remediation store made from the catalogue folder. */
#ifndef SM_STORE_INIT_H
#define SM_STORE_INIT_H

/* Creates the store at path (under a temporary name, renamed when complete)
 * and loads the catalogue folder; force replaces an existing store. */
int sm_store_init(const char *path, const char *catalogue, int force);

/* For `validate`: every file init reads is in the catalogue folder. */
int sm_store_catalogue_check(const char *dir);

#endif
