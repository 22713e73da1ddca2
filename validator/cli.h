/* ssp_validator's command line, taken as BOINC's validator takes it (sched/validator.cpp
 * with is_arg from sched/sched_util_basic.cpp): every option with one dash or two, the
 * same arguments, BOINC's options doing what BOINC's do; SmartShare's own beside them. */
#ifndef SSP_VALIDATOR_CLI_H
#define SSP_VALIDATOR_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "boincdb/ssp_validate_engine.h"

#define VCLI_MAX_EXTRA 64

typedef struct vcli {
	ssp_vengine_conf vc;       /* what the engine gets (defaults set by vcli_parse) */
	const char *app;
	const char *project_dir, *conf_path;
	uint64_t sleep_interval, batch_size, batch_window, level;
	int one_pass;
	int help, version;         /* --help / --version: print and exit 0 */
	/* options BOINC passes on to the project's validator code (validate_handler_init):
	 * ours go to the comparison plug-in; argv[0] first, as BOINC passes them */
	int nextra;
	char *extra[VCLI_MAX_EXTRA + 1];
} vcli;

/* Parses argv into c. Returns 0, or 2 with one line naming the problem written to err
 * (errcap bytes): an unknown option is not an error here (it is kept in extra). */
int vcli_parse(int argc, char **argv, vcli *c, char *err, size_t errcap);

/* The usage text (BOINC's options, then ours). */
void vcli_usage(FILE *out);

#endif
