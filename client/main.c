/* ssp_wrapper: runs a BOINC job.xml's tasks under the BOINC client, with progress,
 * suspend/resume, checkpoint/restart and a share receipt. See ssp_wrapper(1). */
#include "config.h"

#include "wrapper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ssp_wrapper [--nthreads N] [--device N] [--use_tstp] [--poll-ms N]\n"
		"                   [--passthrough_child ARG...]\n"
		"       ssp_wrapper --version | --help\n"
		"Runs the tasks of job.xml (BOINC wrapper format) in the current slot directory.\n"
		"Normally started by the BOINC client; see ssp_wrapper(1).\n");
}

static int int_arg(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	ssp_wrapper_opts opts;
	const char *bad = NULL;

	memset(&opts, 0, sizeof(opts));
	opts.nthreads = 1;
	opts.poll_ms = 100;
	opts.gpu_device = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		bad = a;
		if (strcmp(a, "--version") == 0) {
			printf("ssp_wrapper %s\n", PACKAGE_VERSION);
			return 0;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--nthreads") == 0 && i + 1 < argc) {
			if (int_arg(argv[++i], 1, 4096, &opts.nthreads) != 0)
				goto usage_error;
		} else if (strcmp(a, "--device") == 0 && i + 1 < argc) {
			if (int_arg(argv[++i], 0, 1024, &opts.gpu_device) != 0)
				goto usage_error;
		} else if (strcmp(a, "--use_tstp") == 0) {
			opts.use_tstp = 1;
		} else if (strcmp(a, "--trickle") == 0 || strcmp(a, "--sporadic") == 0) {
			/* BOINC's wrapper options for trickle-up messages and sporadic apps. */
			fprintf(stderr, "ssp_wrapper: %s is not supported (no trickle messages or sporadic "
				"apps; see docs/wrapper.md)\n", a);
			return SSP_WRAPPER_EXIT_INIT;
		} else if (strcmp(a, "--poll-ms") == 0 && i + 1 < argc) {
			if (int_arg(argv[++i], 10, 5000, &opts.poll_ms) != 0)
				goto usage_error;
		} else if (strcmp(a, "--passthrough_child") == 0) {
			opts.passthrough = argv + i + 1;
			opts.npassthrough = (size_t)(argc - i - 1);
			break;
		} else {
			goto usage_error;
		}
	}
	ssp_wrapper_run(&opts);
usage_error:
	fprintf(stderr, "ssp_wrapper: bad option or value: '%s'\n", bad ? bad : "");
	usage(stderr);
	return SSP_WRAPPER_EXIT_INIT;
}
