/* A small helper for tests/integration/05-keystore-cast.sh: writes and reads keystore v3
 * files with lib/ssp_keystore so that foundry's cast can check them the other way.
 *   ks_tool write FILE PASSWORD_FILE 0xKEY [N]  writes FILE (scrypt n = N, default 4096)
 *   ks_tool read FILE PASSWORD_FILE             prints "0xKEY ADDRESS" */
#include "core/ssp_err.h"
#include "core/ssp_file.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"
#include "crypto/ssp_keystore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: ks_tool write FILE PASSWORD_FILE 0xKEY [N]\n"
			"       ks_tool read FILE PASSWORD_FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint8_t key[32], addr[SSP_ADDR_LEN];
	char hex[2 * 32 + 3], addr_str[SSP_ADDR_STRLEN], *pw = NULL;
	ssp_errmsg em = { { 0 } };
	int rc;

	if (argc >= 5 && argc <= 6 && strcmp(argv[1], "write") == 0) {
		ssp_keystore_params p = SSP_KEYSTORE_LIGHT_PARAMS;

		if (argc == 6)
			p.scrypt_n = (uint32_t)strtoul(argv[5], NULL, 10);
		if (ssp_hex_decode_exact(argv[4], key, 32) != 0)
			return usage();
		rc = ssp_file_read_password(argv[3], &pw);
		if (rc == 0) {
			rc = ssp_keystore_write(argv[2], key, pw, &p);
			ssp_wipe(pw, strlen(pw));
			free(pw);
		}
		ssp_wipe(key, sizeof(key));
		if (rc != 0) {
			fprintf(stderr, "ks_tool: %s: %s\n", argv[2], ssp_strerror(rc));
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "read") == 0) {
		rc = ssp_keystore_load(argv[2], argv[3], key, &em);
		if (rc == 0)
			rc = ssp_key_address(key, addr);
		if (rc != 0) {
			fprintf(stderr, "ks_tool: %s (%s)\n", em.msg, ssp_strerror(rc));
			return 1;
		}
		printf("%s %s\n", ssp_hex_encode(key, 32, hex, 1), ssp_address_format(addr, addr_str));
		ssp_wipe(key, sizeof(key));
		ssp_wipe(hex, sizeof(hex));
		return 0;
	}
	return usage();
}
