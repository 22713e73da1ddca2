/* sha256sum_compat FILE...: prints "HEX  FILE" per file, as sha256sum does, with the static
 * wrapper's SHA-256 (client/compat/sha256.c behind nettle's interface), fed in uneven pieces
 * so that every buffering path runs. For tests/integration/26-wrapper-static.sh. */
#include <nettle/sha2.h>

#include <stdio.h>

int main(int argc, char **argv)
{
	static uint8_t buf[4096];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct sha256_ctx c;
		uint8_t d[SHA256_DIGEST_SIZE];
		size_t n, piece = 1;
		FILE *f = fopen(argv[i], "rb");

		if (f == NULL) {
			rc = 1;
			continue;
		}
		sha256_init(&c);
		while ((n = fread(buf, 1, piece, f)) > 0) {
			sha256_update(&c, n, buf);
			piece = piece * 7 % 4093 + 1;
		}
		fclose(f);
		sha256_digest(&c, sizeof(d), d);
		for (size_t k = 0; k < sizeof(d); k++)
			printf("%02x", d[k]);
		printf("  %s\n", argv[i]);
	}
	return rc;
}
