/* The `soilmap` command line: parses options and commands and calls the
 * library. main() is only a call to sm_cli_main. */
#ifndef SM_CLI_H
#define SM_CLI_H

/* Returns the process exit code (sysexits, see README). */
int sm_cli_main(int argc, char **argv);

#endif
