/* ssp config check | doc: the settings table (lib/core/ssp_cfg.h) from the command line. */
#include "config.h"
#include "ssp_cmd.h"
#include "core/ssp_cfg.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define SSP_DEFAULT_CONF "/etc/ssp/ssp.conf"

static const char config_help[] =
	"Usage: ssp config check [--conf FILE]\n"
	"       ssp config doc --example | --man\n\n"
	"check    reads FILE (default " SSP_DEFAULT_CONF "), refuses unknown keys and values\n"
	"         that are not of their type or range (naming file and line), and prints the\n"
	"         effective settings: every key, with its default where the file does not set it.\n"
	"doc      prints docs/ssp.conf.example (--example) or the ssp.conf(5) man page (--man),\n"
	"         both generated from the one table of settings.\n\n"
	"  --conf FILE       the ssp.conf to check\n"
	"  -h, --help        this help\n"
	"Exit status: 0 valid, 2 invalid or unreadable.\n";

int ssp_cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "example", no_argument, NULL, 'e' },
		{ "man", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const actions[] = { "check", "doc", NULL };
	const char *path = SSP_DEFAULT_CONF, *action;
	ssp_errmsg em = { { 0 } };
	ssp_cfg *cfg = NULL;
	int c, rc, example = 0, man = 0;

	if ((rc = ssp_cmd_action(argc, argv, "config", actions, config_help, &action)) >= 0)
		return rc;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'e': example = 1; break;
		case 'm': man = 1; break;
		case 'h': fputs(config_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("config", "config: bad option");
		}
	}
	if (optind + 1 < argc)
		return ssp_cmd_usage_error("config", "config: unexpected argument");
	if (strcmp(action, "doc") == 0) {
		if (example + man != 1)
			return ssp_cmd_usage_error("config", "config doc: give --example or --man");
		rc = example ? ssp_cfg_write_example(stdout) : ssp_cfg_write_man(stdout, PACKAGE_VERSION);
		return rc ? ssp_cmd_fail("stdout", rc, NULL) : SSP_EXIT_OK;
	}
	if (example || man)
		return ssp_cmd_usage_error("config", "config check: --example and --man go with 'doc'");
	if ((rc = ssp_cfg_load(path, &cfg, &em)) != 0)
		return ssp_cmd_fail(path, rc, em.msg);
	rc = ssp_cfg_print(cfg, stdout);
	ssp_cfg_free(cfg);
	return rc ? ssp_cmd_fail("stdout", rc, NULL) : SSP_EXIT_OK;
}
