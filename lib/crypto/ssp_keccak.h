/* Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3-256's 0x06),
 * built on nettle's keccak-f[1600] permutation (sha3_permute). */
#ifndef SSP_KECCAK_H
#define SSP_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define SSP_KECCAK256_RATE 136

typedef struct ssp_keccak {
	uint64_t a[25];                  /* state lanes, little-endian */
	uint8_t block[SSP_KECCAK256_RATE];
	size_t used;                     /* bytes buffered in block */
} ssp_keccak;

void ssp_keccak_init(ssp_keccak *k);
void ssp_keccak_update(ssp_keccak *k, const void *data, size_t len);
/* Writes the 32-byte digest and re-initialises k. */
void ssp_keccak_final(ssp_keccak *k, uint8_t out[32]);
/* One-shot keccak256(data). */
void ssp_keccak256(const void *data, size_t len, uint8_t out[32]);

#endif
