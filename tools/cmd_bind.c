/* ssp bind sign | verify: the payout binding of DESIGN §3. */
#include "crypto/ssp_binding.h"
#include "ssp_cmd.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char bind_help[] =
	"Usage: ssp bind sign --keystore FILE --password-file P --project URL --user ID\n"
	"       ssp bind verify --project URL --user ID --address A --signature S\n\n"
	"sign    signs the payout binding text (EIP-191 personal_sign) with the key in\n"
	"        FILE and prints the <project_specific> snippet to paste into the\n"
	"        project preferences on the BOINC project's web site.\n"
	"verify  checks that S is the binding of address A for user ID of project URL.\n"
	"        Exit status: 0 valid, 1 invalid, 2 usage or other error.\n\n"
	"  --project URL         the project's master URL exactly as BOINC has it\n"
	"                        (with its trailing slash)\n"
	"  --user ID             the BOINC user id (decimal)\n"
	"  --address A           0x address (mixed case must be a valid EIP-55 checksum)\n"
	"  --signature S         0x followed by 130 hex digits (r, s, v)\n"
	"  --keystore FILE, --password-file P   the volunteer's key\n"
	"  -h, --help            this help\n";

int ssp_cmd_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keystore", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "project", required_argument, NULL, 'P' },
		{ "user", required_argument, NULL, 'u' },
		{ "address", required_argument, NULL, 'a' },
		{ "signature", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const actions[] = { "sign", "verify", NULL };
	const char *keystore = NULL, *pwfile = NULL, *project = NULL, *user = NULL;
	const char *address = NULL, *signature = NULL, *action;
	uint8_t sk[32], addr[SSP_ADDR_LEN], sig[SSP_SIG_LEN];
	char *snippet = NULL;
	uint64_t user_id;
	int c, rc, status = SSP_EXIT_ERROR;

	if ((rc = ssp_cmd_action(argc, argv, "bind", actions, bind_help, &action)) >= 0)
		return rc;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'P': project = optarg; break;
		case 'u': user = optarg; break;
		case 'a': address = optarg; break;
		case 's': signature = optarg; break;
		case 'h': fputs(bind_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("bind", "bind: bad option");
		}
	}
	if (optind + 1 < argc)
		return ssp_cmd_usage_error("bind", "bind: unexpected argument");
	if (project == NULL || user == NULL)
		return ssp_cmd_usage_error("bind", "bind: --project and --user are required");
	if (ssp_cmd_parse_u64(user, &user_id) != 0)
		return ssp_cmd_usage_error("bind", "bind: --user must be a decimal user id");

	if (strcmp(action, "verify") == 0) {
		if (address == NULL || signature == NULL)
			return ssp_cmd_usage_error("bind", "bind verify: --address and --signature are required");
		rc = ssp_address_parse(address, addr);
		if (rc != 0)
			return ssp_cmd_fail("--address", rc, address);
		if (ssp_hex_decode_exact(signature, sig, sizeof(sig)) != 0)
			return ssp_cmd_fail("--signature", SSP_ERR_PARSE, "expected 0x and 130 hex digits");
		rc = ssp_binding_verify(project, user_id, addr, sig);
		if (rc == SSP_ERR_BAD_SIG) {
			printf("invalid\n");
			return SSP_EXIT_FALSE;
		}
		if (rc != 0)
			return ssp_cmd_fail("verify", rc, NULL);
		printf("valid\n");
		return SSP_EXIT_OK;
	}

	if (keystore == NULL || pwfile == NULL)
		return ssp_cmd_usage_error("bind", "bind sign: --keystore and --password-file are required");
	if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
		goto out;
	rc = ssp_binding_sign(sk, project, user_id, sig);
	if (rc == 0)
		rc = ssp_key_address(sk, addr);
	if (rc == 0)
		rc = ssp_binding_snippet(addr, sig, &snippet);
	if (rc != 0) {
		ssp_cmd_fail("bind sign", rc, NULL);
		goto out;
	}
	printf("%s\n", snippet);
	status = SSP_EXIT_OK;
out:
	ssp_wipe(sk, sizeof(sk));
	free(snippet);
	return status;
}
