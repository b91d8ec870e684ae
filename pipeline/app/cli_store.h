/* The `store` command's subcommands (init, import, list, coverage, export). */
#ifndef SM_CLI_STORE_H
#define SM_CLI_STORE_H

#include "config/config.h"

int sm_cli_store(const sm_config *cfg, const char *sub, const char *arg, int force);

#endif
