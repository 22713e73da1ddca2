/* ssp key new | address */
#include "ssp_cmd.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keystore.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char key_help[] =
	"Usage: ssp key new --keystore FILE --password-file P [--scrypt-n N]\n"
	"       ssp key address --keystore FILE --password-file P\n\n"
	"new      creates a random secp256k1 key and writes it as a keystore v3 file\n"
	"         (scrypt, AES-128-CTR; readable by geth, foundry and ethers), mode 0600.\n"
	"         An existing FILE is never overwritten. Prints the address.\n"
	"address  decrypts FILE and prints its EIP-55 address.\n\n"
	"  --keystore FILE       the keystore v3 JSON file\n"
	"  --password-file P     first line is the password; must not be readable by\n"
	"                        group or others\n"
	"  --scrypt-n N          scrypt cost, a power of two (default 262144, as geth)\n"
	"  -h, --help            this help\n";

int ssp_cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keystore", required_argument, NULL, 'k' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "scrypt-n", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const actions[] = { "new", "address", NULL };
	const char *keystore = NULL, *pwfile = NULL, *action;
	ssp_keystore_params params = SSP_KEYSTORE_DEFAULT_PARAMS;
	uint8_t sk[32], addr[SSP_ADDR_LEN];
	char text[SSP_ADDR_STRLEN], *password = NULL;
	uint64_t n;
	int c, rc, status = SSP_EXIT_ERROR;

	if ((rc = ssp_cmd_action(argc, argv, "key", actions, key_help, &action)) >= 0)
		return rc;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keystore = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'n':
			if (ssp_cmd_parse_u64(optarg, &n) != 0 || n < 2 || n > (1u << 20) || (n & (n - 1)) != 0)
				return ssp_cmd_usage_error("key", "--scrypt-n must be a power of two from 2 to 1048576");
			params.scrypt_n = (uint32_t)n;
			break;
		case 'h': fputs(key_help, stdout); return SSP_EXIT_OK;
		default: return ssp_cmd_usage_error("key", "key: bad option");
		}
	}
	if (optind + 1 < argc)
		return ssp_cmd_usage_error("key", "key: unexpected argument");
	if (keystore == NULL || pwfile == NULL)
		return ssp_cmd_usage_error("key", "key: --keystore and --password-file are required");

	if (strcmp(action, "address") == 0) {
		if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
			goto out;
	} else {
		rc = ssp_file_read_password(pwfile, &password);
		if (rc == SSP_ERR_PERM) {
			ssp_cmd_fail(pwfile, rc, "the password file must not be accessible by group or others (chmod 600)");
			goto out;
		}
		if (rc != 0) {
			ssp_cmd_fail(pwfile, rc, NULL);
			goto out;
		}
		if (password[0] == '\0') {
			fprintf(stderr, "ssp: %s: the password is empty\n", pwfile);
			goto out;
		}
		rc = ssp_key_generate(sk);
		if (rc != 0) {
			ssp_cmd_fail("key generation", rc, NULL);
			goto out;
		}
		rc = ssp_keystore_write(keystore, sk, password, &params);
		if (rc != 0) {
			ssp_cmd_fail(keystore, rc, rc == SSP_ERR_EXISTS ? "refusing to overwrite an existing key" : NULL);
			goto out;
		}
	}
	rc = ssp_key_address(sk, addr);
	if (rc != 0) {
		ssp_cmd_fail("address", rc, NULL);
		goto out;
	}
	printf("%s\n", ssp_address_format(addr, text));
	status = SSP_EXIT_OK;
out:
	ssp_wipe(sk, sizeof(sk));
	if (password != NULL) {
		ssp_wipe(password, strlen(password));
		free(password);
	}
	return status;
}
