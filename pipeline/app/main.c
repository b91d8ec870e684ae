#include "app/cli.h"

int main(int argc, char **argv) { return sm_cli_main(argc, argv); }
