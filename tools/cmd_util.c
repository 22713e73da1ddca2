#include "ssp_cmd.h"
#include "core/ssp_err.h"
#include "crypto/ssp_keystore.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ssp_cmd_fail(const char *what, int rc, const char *detail)
{
	if (detail != NULL && detail[0] != '\0')
		fprintf(stderr, "ssp: %s: %s: %s\n", what, ssp_strerror(rc), detail);
	else
		fprintf(stderr, "ssp: %s: %s\n", what, ssp_strerror(rc));
	return SSP_EXIT_ERROR;
}

int ssp_cmd_usage_error(const char *sub, const char *msg)
{
	fprintf(stderr, "ssp: %s\nTry 'ssp %s --help'.\n", msg, sub);
	return SSP_EXIT_ERROR;
}

int ssp_cmd_action(int argc, char **argv, const char *sub, const char *const *actions,
		   const char *help, const char **action)
{
	char msg[256];
	size_t n, used;

	*action = NULL;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(help, stdout);
		return SSP_EXIT_OK;
	}
	for (n = 0; actions[n] != NULL; n++)
		if (argc >= 2 && strcmp(argv[1], actions[n]) == 0) {
			*action = argv[1];
			optind = 1;
			return -1;
		}
	/* "SUB: expected 'a', 'b' or 'c'" */
	used = (size_t)snprintf(msg, sizeof(msg), "%s: expected ", sub);
	for (size_t i = 0; i < n && used < sizeof(msg); i++)
		used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s'%s'",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", actions[i]);
	return ssp_cmd_usage_error(sub, msg);
}

int ssp_cmd_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int ssp_cmd_load_key(const char *keystore, const char *password_file, uint8_t seckey[32])
{
	ssp_errmsg em = { { 0 } };
	int rc;

	rc = ssp_keystore_load(keystore, password_file, seckey, &em);
	if (rc == SSP_ERR_PERM)
		return ssp_cmd_fail(password_file, rc,
				    "the password file must not be accessible by group or others (chmod 600)");
	if (rc != 0)
		return ssp_cmd_fail(keystore, rc, em.msg);
	return 0;
}
