/* Solidity ABI encoding: a small value tree (words, bytes, tuples, dynamic arrays)
 * encoded per the ABI spec, function/error selectors, the ShareMinter.mintBatch calldata,
 * word readers for return data and logs, and revert-data decoding to an error name. */
#ifndef SSP_ABI_H
#define SSP_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ssp_eip712.h"
#include "core/ssp_err.h"
#include "crypto/ssp_key.h"
#include "core/ssp_u256.h"

/* Caps: nesting depth of a value and size of one encoding. */
#define SSP_ABI_MAX_DEPTH 8
#define SSP_ABI_MAX_LEN (16u << 20)

enum ssp_abi_kind {
	SSP_ABI_WORD = 1,  /* any static 32-byte value: uintN, address, bytes32, bool */
	SSP_ABI_BYTES,     /* dynamic bytes (also string) */
	SSP_ABI_TUPLE,     /* (T1,...,Tk): static when every member is */
	SSP_ABI_ARRAY,     /* T[]: always dynamic; every item must have the same type */
};

/* A value to encode. Pointers are borrowed, never freed by the encoder. */
typedef struct ssp_abi_val {
	enum ssp_abi_kind kind;
	uint8_t word[32];             /* SSP_ABI_WORD */
	const uint8_t *bytes;         /* SSP_ABI_BYTES */
	size_t nbytes;
	const struct ssp_abi_val *items; /* SSP_ABI_TUPLE, SSP_ABI_ARRAY */
	size_t nitems;
} ssp_abi_val;

/* Value constructors (fill *v, cannot fail). */
void ssp_abi_u64(ssp_abi_val *v, uint64_t x);
void ssp_abi_u256(ssp_abi_val *v, const ssp_u256 *x);
void ssp_abi_address(ssp_abi_val *v, const uint8_t addr[SSP_ADDR_LEN]);
void ssp_abi_bytes32(ssp_abi_val *v, const uint8_t b[32]);
void ssp_abi_bytes(ssp_abi_val *v, const uint8_t *p, size_t n);
void ssp_abi_tuple(ssp_abi_val *v, const ssp_abi_val *items, size_t n);
void ssp_abi_array(ssp_abi_val *v, const ssp_abi_val *items, size_t n);

/* abi.encode of the members of tuple `args` (the argument list), prefixed by the 4-byte
 * selector when sel is not NULL. *out is caller-freed. SSP_ERR_INVAL for a malformed
 * tree or one deeper than SSP_ABI_MAX_DEPTH, SSP_ERR_TOO_BIG past SSP_ABI_MAX_LEN. */
SSP_MUST_CHECK int ssp_abi_encode(const ssp_abi_val *args, const uint8_t sel[4], uint8_t **out, size_t *len);

/* The selector: first 4 bytes of keccak256(signature), e.g. "transfer(address,uint256)". */
void ssp_abi_selector(const char *signature, uint8_t sel[4]);

/* ShareMinter.mintBatch(ShareBatch, Payout[], bytes[]) calldata with 65-byte signatures.
 * *out caller-freed. */
#define SSP_MINTBATCH_SIG \
	"mintBatch((bytes32,uint64,uint64,bytes32,bytes32,uint64),(address,uint64)[],bytes[])"
SSP_MUST_CHECK int ssp_abi_mint_batch_calldata(const ssp_batch *b, const ssp_payout *payouts, size_t npayouts,
				const uint8_t (*sigs)[SSP_SIG_LEN], size_t nsigs,
				uint8_t **out, size_t *len);

/* Readers for return data and log data. Word index i is bytes [32i, 32i+32).
 * SSP_ERR_PARSE when the data is too short; SSP_ERR_RANGE when the word does not fit
 * the type (non-zero high bytes). */
SSP_MUST_CHECK int ssp_abi_read_word(const uint8_t *data, size_t len, size_t i, uint8_t word[32]);
SSP_MUST_CHECK int ssp_abi_read_u64(const uint8_t *data, size_t len, size_t i, uint64_t *v);
SSP_MUST_CHECK int ssp_abi_read_u256(const uint8_t *data, size_t len, size_t i, ssp_u256 *v);
SSP_MUST_CHECK int ssp_abi_read_address(const uint8_t *data, size_t len, size_t i, uint8_t addr[SSP_ADDR_LEN]);

/* Describes revert data in out (cap bytes, always NUL-terminated):
 * Error(string) → its text; Panic(uint256) → "Panic(0x11)"; a selector matching one of the
 * n error signatures (e.g. "SeqMismatch(uint64,uint64)") → the name with its static
 * arguments decoded ("SeqMismatch(5, 3)"); otherwise "unknown error 0x<selector>", or
 * "empty revert" when len is 0. Returns 0 when the revert was recognised,
 * SSP_ERR_NOT_FOUND otherwise (out still filled). */
SSP_MUST_CHECK int ssp_abi_describe_revert(const uint8_t *data, size_t len, const char *const *sigs, size_t n,
			    char *out, size_t cap);

#endif
