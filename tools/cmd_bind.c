/* ssp bind sign | verify | text: the payout binding of docs/formats.md. */
#include "crypto/ssp_binding.h"
#include "ssp_cmd.h"
#include "core/ssp_err.h"
#include "core/ssp_hex.h"
#include "crypto/ssp_key.h"

#include "crypto/ssp_keystore.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char bind_help[] =
	"Usage: ssp bind sign --keystore FILE [--password-file P] --project URL --user ID\n"
	"       ssp bind verify --project URL --user ID --address A --signature S\n"
	"       ssp bind text --project URL --user ID --address A\n\n"
	"sign    signs the payout binding text (EIP-191 personal_sign) with the key in\n"
	"        FILE and prints the <project_specific> snippet to paste into the\n"
	"        project preferences on the BOINC project's web site.\n"
	"verify  checks that S is the binding of address A for user ID of project URL.\n"
	"        Exit status: 0 valid, 1 invalid, 2 usage or other error.\n"
	"text    prints the exact binding text a wallet signs (personal_sign) for\n"
	"        address A, user ID and project URL, without a trailing newline.\n\n"
	"  --project URL         the project's master URL exactly as BOINC has it\n"
	"                        (with its trailing slash); sign refuses a URL that is\n"
	"                        not in BOINC's canonical form (http:// or https://,\n"
	"                        lower-case host, no '//' after the scheme, ending in '/')\n"
	"  --user ID             the BOINC user id (decimal)\n"
	"  --address A           0x address (mixed case must be a valid EIP-55 checksum)\n"
	"  --signature S         0x followed by 130 hex digits (r, s, v)\n"
	"  --keystore FILE, --password-file P   the volunteer's key; without\n"
	"                        --password-file the password is read from the terminal\n"
	"  -h, --help            this help\n";

/* 0 when url is in the form BOINC's canonicalize_master_url (lib/url.cpp) gives a master URL:
 * "http://" or "https://", the host in lower case, no "//" after the scheme, a trailing '/'.
 * Otherwise -1 with why (and, when one can be given, the canonical form) in msg. */
static int master_url_check(const char *url, char *msg, size_t cap)
{
	const char *rest, *p;
	size_t n = strlen(url);

	if (strncmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		rest = url + 8;
	else {
		snprintf(msg, cap, "the master URL must start with http:// or https:// (in lower case)");
		return -1;
	}
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) {
			snprintf(msg, cap, "the master URL must not hold spaces or control characters");
			return -1;
		}
	if (*rest == '\0' || *rest == '/') {
		snprintf(msg, cap, "the master URL has no host name after the scheme");
		return -1;
	}
	for (p = rest; *p && *p != '/'; p++)
		if (*p >= 'A' && *p <= 'Z') {
			snprintf(msg, cap, "BOINC writes the host name in lower case; the project's URL is "
				 "the one on its web site's home page and in BOINC Manager");
			return -1;
		}
	if (strstr(rest, "//") != NULL) {
		snprintf(msg, cap, "BOINC collapses '//' after the scheme; the project's master URL "
			 "never holds it");
		return -1;
	}
	if (url[n - 1] != '/') {
		snprintf(msg, cap, "a BOINC master URL ends with '/': did you mean %.400s/ ?", url);
		return -1;
	}
	return 0;
}

/* Reads a password from the controlling terminal with echo off into buf (NUL-terminated,
 * the newline dropped). Returns 0 or -1 (no terminal, read error, too long). */
static int read_password_tty(char *buf, size_t cap)
{
	struct termios old, quiet;
	size_t n = 0;
	int fd, rc = -1, restore = 0;
	char c;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		if (tcsetattr(fd, TCSANOW, &quiet) == 0)
			restore = 1;
	}
	if (write(fd, "Keystore password: ", 19) != 19)
		goto out;
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r != 1)
			goto out;
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 >= cap)
			goto out;
		buf[n++] = c;
	}
	buf[n] = '\0';
	rc = 0;
out:
	if (restore)
		tcsetattr(fd, TCSANOW, &old);
	if (rc != 0)
		ssp_wipe(buf, cap);
	close(fd);
	return rc;
}

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
	static const char *const actions[] = { "sign", "verify", "text", NULL };
	const char *keystore = NULL, *pwfile = NULL, *project = NULL, *user = NULL;
	const char *address = NULL, *signature = NULL, *action;
	uint8_t sk[32], addr[SSP_ADDR_LEN], sig[SSP_SIG_LEN];
	char *snippet = NULL, why[512], password[1024];
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

	if (strcmp(action, "text") == 0) {
		char *text = NULL;

		if (address == NULL)
			return ssp_cmd_usage_error("bind", "bind text: --address is required");
		if (master_url_check(project, why, sizeof(why)) != 0) {
			fprintf(stderr, "ssp: bind text: --project %s: not a BOINC master URL in canonical"
				" form: %s\n", project, why);
			return SSP_EXIT_ERROR;
		}
		rc = ssp_address_parse(address, addr);
		if (rc != 0)
			return ssp_cmd_fail("--address", rc, address);
		rc = ssp_binding_text(project, user_id, addr, &text);
		if (rc != 0)
			return ssp_cmd_fail("bind text", rc, NULL);
		fputs(text, stdout);
		free(text);
		return SSP_EXIT_OK;
	}
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

	if (keystore == NULL)
		return ssp_cmd_usage_error("bind", "bind sign: --keystore is required");
	if (master_url_check(project, why, sizeof(why)) != 0) {
		fprintf(stderr, "ssp: bind sign: --project %s: not a BOINC master URL in canonical form: %s\n"
			"A binding signed for it would never verify for the project.\n", project, why);
		return SSP_EXIT_ERROR;
	}
	if (pwfile != NULL) {
		if (ssp_cmd_load_key(keystore, pwfile, sk) != 0)
			goto out;
	} else {
		ssp_errmsg em = { { 0 } };

		if (read_password_tty(password, sizeof(password)) != 0) {
			fprintf(stderr, "ssp: bind sign: no password: give --password-file, or run it on "
				"a terminal to type the password\n");
			goto out;
		}
		rc = ssp_keystore_read(keystore, password, sk, &em);
		ssp_wipe(password, sizeof(password));
		if (rc != 0) {
			ssp_cmd_fail(keystore, rc, em.msg);
			goto out;
		}
	}
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
