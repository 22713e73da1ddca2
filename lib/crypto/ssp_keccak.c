/* Keccak-256 (Ethereum): sponge with rate 136 bytes over nettle's keccak-f[1600],
 * original Keccak multi-rate padding (0x01 ... 0x80), 32-byte output. */
#include "crypto/ssp_keccak.h"

#include <nettle/sha3.h>
#include <string.h>

#define LANES (SSP_KECCAK256_RATE / 8)

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* XORs one full block (rate bytes) into the state and permutes it. */
static void absorb_block(ssp_keccak *k, const uint8_t *block)
{
	struct sha3_state st;

	for (size_t i = 0; i < LANES; i++)
		k->a[i] ^= load_le64(block + 8 * i);
	/* nettle's state is a struct with the same 25 lanes; copy rather than cast. */
	memcpy(st.a, k->a, sizeof st.a);
	sha3_permute(&st);
	memcpy(k->a, st.a, sizeof k->a);
}

void ssp_keccak_init(ssp_keccak *k)
{
	memset(k, 0, sizeof *k);
}

void ssp_keccak_update(ssp_keccak *k, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;
	if (k->used > 0) {
		size_t take = SSP_KECCAK256_RATE - k->used;

		if (take > len)
			take = len;
		memcpy(k->block + k->used, p, take);
		k->used += take;
		p += take;
		len -= take;
		if (k->used < SSP_KECCAK256_RATE)
			return;
		absorb_block(k, k->block);
		k->used = 0;
	}
	while (len >= SSP_KECCAK256_RATE) {
		absorb_block(k, p);
		p += SSP_KECCAK256_RATE;
		len -= SSP_KECCAK256_RATE;
	}
	if (len > 0) {
		memcpy(k->block, p, len);
		k->used = len;
	}
}

void ssp_keccak_final(ssp_keccak *k, uint8_t out[32])
{
	memset(k->block + k->used, 0, SSP_KECCAK256_RATE - k->used);
	k->block[k->used] ^= 0x01;
	k->block[SSP_KECCAK256_RATE - 1] ^= 0x80;
	absorb_block(k, k->block);
	for (size_t i = 0; i < 32; i++)
		out[i] = (uint8_t)(k->a[i / 8] >> (8 * (i % 8)));
	ssp_keccak_init(k);
}

void ssp_keccak256(const void *data, size_t len, uint8_t out[32])
{
	ssp_keccak k;

	ssp_keccak_init(&k);
	ssp_keccak_update(&k, data, len);
	ssp_keccak_final(&k, out);
}
