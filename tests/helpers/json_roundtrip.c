/* json_roundtrip FLAGS FILE: loads FILE with json_loadb (JSON_REJECT_DUPLICATES) and prints
 * json_dumps of it with the named flags ("receipt": INDENT(2)|REAL_PRECISION(15)|ENSURE_ASCII,
 * the receipt's; "compact17": COMPACT|REAL_PRECISION(17), the job and init data JSON forms;
 * "plain": 0; "indent4": INDENT(4)), or "refused" and exit status 1. Built twice: against
 * jansson, and against the static wrapper's jansson subset (client/compat), so that
 * tests/integration/26-wrapper-static.sh can compare the two byte for byte. */
#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t flags, n;
	json_t *j;
	char *out;
	FILE *f;

	if (argc != 3)
		return 2;
	if (strcmp(argv[1], "receipt") == 0)
		flags = JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII;
	else if (strcmp(argv[1], "compact17") == 0)
		flags = JSON_COMPACT | JSON_REAL_PRECISION(17);
	else if (strcmp(argv[1], "plain") == 0)
		flags = 0;
	else if (strcmp(argv[1], "indent4") == 0)
		flags = JSON_INDENT(4);
	else
		return 2;
	f = fopen(argv[2], "rb");
	if (f == NULL)
		return 2;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	j = json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL) {
		puts("refused");
		return 1;
	}
	out = json_dumps(j, flags);
	json_decref(j);
	if (out == NULL) {
		puts("dump failed");
		return 1;
	}
	puts(out);
	free(out);
	return 0;
}
