/* ssp requeue: puts a FAILED batch back in the bridge's queue, when that is safe. */
#include "config.h"
#include "bridge/ssp_bridge.h"
#include "ssp_cmd.h"
#include "core/ssp_log.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char requeue_help[] =
	"Usage: ssp requeue [--conf FILE] BATCH_ID...\n\n"
	"Puts FAILED batches back in the bridge's queue (FAILED -> SEALED), after the cause of\n"
	"the failure was fixed (e.g. a signer added back to the minter's set). Refused, and\n"
	"nothing changed, for a batch that is not FAILED, one a transaction of which was mined,\n"
	"or one whose claims the minter already counts as minted (nextSeq past its first seq):\n"
	"a requeue can never mint anything twice. The node must be reachable. A running\n"
	"ssp_bridge picks the batch up on its next pass.\n\n"
	"  --conf FILE   ssp.conf ([project], [chain], [bridge] as ssp_bridge reads them;\n"
	"                default ssp.conf)\n"
	"  -v, --verbose log what is done on stderr\n"
	"  -h, --help    this help\n\n"
	"Exit status: 0 every batch requeued, 1 one was refused, 2 usage or other error.\n";

int ssp_cmd_requeue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf = "ssp.conf";
	ssp_bridge_cfg cfg;
	ssp_bridge *b = NULL;
	ssp_errmsg em = { { 0 } };
	uint64_t id;
	int c, rc, status = SSP_EXIT_OK;

	ssp_log_set_ident("ssp requeue");
	ssp_log_set_level(SSP_LOG_CRITICAL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'v': ssp_log_set_level(SSP_LOG_NORMAL); break;
		case 'h': fputs(requeue_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("requeue", "requeue: bad option");
		}
	}
	if (optind >= argc)
		return ssp_cmd_usage_error("requeue", "requeue: give the id of a FAILED batch");
	for (int i = optind; i < argc; i++)
		if (ssp_cmd_parse_u64(argv[i], &id) != 0 || id == 0 || id > INT64_MAX)
			return ssp_cmd_usage_error("requeue", "requeue: a batch id is a decimal >= 1");
	if ((rc = ssp_bridge_cfg_load(conf, &cfg, &em)) != 0)
		return ssp_cmd_fail(conf, rc, em.msg);
	if ((rc = ssp_bridge_new(&cfg, NULL, &b, &em)) != 0)
		return ssp_cmd_fail("requeue", rc, em.msg);
	for (int i = optind; i < argc; i++) {
		(void)ssp_cmd_parse_u64(argv[i], &id);
		memset(&em, 0, sizeof em);
		rc = ssp_bridge_requeue(b, (int64_t)id, &em);
		if (rc == 0) {
			printf("requeued %llu\n", (unsigned long long)id);
		} else if (rc == SSP_ERR_STATE) {
			fprintf(stderr, "ssp: requeue refused: %s\n", em.msg);
			if (status == SSP_EXIT_OK)
				status = SSP_EXIT_FALSE;
		} else {
			ssp_cmd_fail("requeue", rc, em.msg);
			status = SSP_EXIT_ERROR;
		}
	}
	ssp_bridge_free(b);
	return status;
}
