/* Suite for lib/ssp_abi: selectors, mintBatch calldata and abi.encode compared with
 * `cast sig/calldata/abi-encode` (tests/data/eth/abi_vectors.txt), readers, revert decoding. */
#include "eth/ssp_abi.h"
#include "ssp_cu.h"
#include "core/ssp_hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *vec(const char *name, size_t *len)
{
	char *text = ssp_cu_slurp("eth/abi_vectors.txt", NULL), *line, *save = NULL;
	uint8_t *out = NULL;
	size_t nl = strlen(name);

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, name, nl) == 0 && line[nl] == ' ') {
			const char *hex = line + nl + 1;

			out = malloc(strlen(hex) / 2 + 1);
			if (out == NULL || ssp_hex_decode(hex, out, strlen(hex), len) != 0) {
				fprintf(stderr, "bad vector %s\n", name);
				exit(2);
			}
			break;
		}
	}
	free(text);
	if (out == NULL) {
		fprintf(stderr, "no vector %s\n", name);
		exit(2);
	}
	return out;
}

static void same(const uint8_t *got, size_t glen, const char *name)
{
	size_t wlen;
	uint8_t *want = vec(name, &wlen);

	CU_ASSERT_EQUAL(glen, wlen);
	CU_ASSERT_TRUE(glen == wlen && memcmp(got, want, wlen) == 0);
	if (glen != wlen || memcmp(got, want, wlen) != 0)
		fprintf(stderr, "abi mismatch for %s (%zu vs %zu bytes)\n", name, glen, wlen);
	free(want);
}

static void pattern(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((31 * i + 7) % 256);
}

static void addr(const char *text, uint8_t a[20])
{
	CU_ASSERT_EQUAL_FATAL(ssp_hex_decode_exact(text, a, 20), 0);
}

static void test_selectors(void)
{
	uint8_t sel[4];

	ssp_abi_selector(SSP_MINTBATCH_SIG, sel);
	same(sel, 4, "sel_mintBatch");
	ssp_abi_selector("transfer(address,uint256)", sel);
	same(sel, 4, "sel_transfer");
	ssp_abi_selector("nextSeq(bytes32)", sel);
	same(sel, 4, "sel_nextSeq");
}

static void batch_fixture(ssp_batch *b)
{
	memset(b->project, 0xab, 32);
	b->first_seq = 1;
	b->last_seq = 5;
	memset(b->claims_root, 0x11, 32);
	memset(b->payouts_hash, 0x22, 32);
	b->total_credit = 100;
}

static void test_mint_batch(void)
{
	ssp_batch b;
	ssp_payout p[2];
	uint8_t sigs[3][SSP_SIG_LEN], *out;
	size_t len;

	batch_fixture(&b);
	addr("70997970C51812dc3A010C7d01b50e0d17dc79C8", p[0].beneficiary);
	p[0].credit = 40;
	addr("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", p[1].beneficiary);
	p[1].credit = 60;
	memset(sigs[0], 0x01, SSP_SIG_LEN);
	memset(sigs[1], 0x02, SSP_SIG_LEN);
	CU_ASSERT_EQUAL_FATAL(ssp_abi_mint_batch_calldata(&b, p, 2, (const uint8_t(*)[65])sigs, 2,
							  &out, &len), 0);
	same(out, len, "mint_2x2");
	free(out);

	CU_ASSERT_EQUAL_FATAL(ssp_abi_mint_batch_calldata(&b, NULL, 0, NULL, 0, &out, &len), 0);
	same(out, len, "mint_0x0");
	free(out);

	b.first_seq = b.last_seq = b.total_credit = UINT64_MAX;
	memset(p[0].beneficiary, 0, 20);
	p[0].beneficiary[19] = 1;
	p[0].credit = UINT64_MAX;
	pattern(sigs[0], SSP_SIG_LEN);
	memset(sigs[1], 0xff, SSP_SIG_LEN);
	memset(sigs[2], 0x00, SSP_SIG_LEN);
	CU_ASSERT_EQUAL_FATAL(ssp_abi_mint_batch_calldata(&b, p, 1, (const uint8_t(*)[65])sigs, 3,
							  &out, &len), 0);
	same(out, len, "mint_1x3");
	free(out);

	CU_ASSERT_EQUAL(ssp_abi_mint_batch_calldata(&b, NULL, 1, NULL, 0, &out, &len), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(out);
}

/* f(uint64,bytes,uint256[],(address,bytes)[],bytes32,string)
 *   7, 0x0102, [1,2,3], [(A,0x),(A,0x03*33)], 0x33*32, "hello" */
static void test_mixed(void)
{
	uint8_t a[20], b33[33], w33[32], two[2] = { 1, 2 }, *out;
	ssp_abi_val args[6], nums[3], pair0[2], pair1[2], pairs[2], top;
	size_t len;

	addr("70997970C51812dc3A010C7d01b50e0d17dc79C8", a);
	memset(b33, 0x03, sizeof b33);
	memset(w33, 0x33, sizeof w33);
	ssp_abi_u64(&args[0], 7);
	ssp_abi_bytes(&args[1], two, 2);
	for (int i = 0; i < 3; i++)
		ssp_abi_u64(&nums[i], (uint64_t)i + 1);
	ssp_abi_array(&args[2], nums, 3);
	ssp_abi_address(&pair0[0], a);
	ssp_abi_bytes(&pair0[1], NULL, 0);
	ssp_abi_address(&pair1[0], a);
	ssp_abi_bytes(&pair1[1], b33, 33);
	ssp_abi_tuple(&pairs[0], pair0, 2);
	ssp_abi_tuple(&pairs[1], pair1, 2);
	ssp_abi_array(&args[3], pairs, 2);
	ssp_abi_bytes32(&args[4], w33);
	ssp_abi_bytes(&args[5], (const uint8_t *)"hello", 5);
	ssp_abi_tuple(&top, args, 6);
	CU_ASSERT_EQUAL_FATAL(ssp_abi_encode(&top, NULL, &out, &len), 0);
	same(out, len, "mixed");
	free(out);
}

/* f(address,address[],uint256,uint256): a constructor-like argument list. */
static void test_ctor(void)
{
	uint8_t a[20], s1[20], s2[20], *out;
	ssp_abi_val args[4], signers[2], top;
	ssp_u256 max;
	size_t len;

	addr("70997970C51812dc3A010C7d01b50e0d17dc79C8", a);
	addr("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", s1);
	addr("7E5F4552091A69125d5DfCb7b8C2659029395Bdf", s2);
	memset(&max, 0xff, sizeof max);
	ssp_abi_address(&args[0], a);
	ssp_abi_address(&signers[0], s1);
	ssp_abi_address(&signers[1], s2);
	ssp_abi_array(&args[1], signers, 2);
	ssp_abi_u64(&args[2], 2);
	ssp_abi_u256(&args[3], &max);
	ssp_abi_tuple(&top, args, 4);
	CU_ASSERT_EQUAL_FATAL(ssp_abi_encode(&top, NULL, &out, &len), 0);
	same(out, len, "ctor");
	free(out);
}

static void test_encode_limits(void)
{
	ssp_abi_val v[SSP_ABI_MAX_DEPTH + 3], w, big, top;
	uint8_t *out = (uint8_t *)"x", one = 1;
	size_t len = 7;

	/* The argument list must be a tuple. */
	ssp_abi_u64(&w, 1);
	CU_ASSERT_EQUAL(ssp_abi_encode(&w, NULL, &out, &len), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(len, 0);
	/* Nesting deeper than the cap is refused. */
	ssp_abi_u64(&v[0], 1);
	for (int i = 1; i < SSP_ABI_MAX_DEPTH + 3; i++)
		ssp_abi_tuple(&v[i], &v[i - 1], 1);
	CU_ASSERT_EQUAL(ssp_abi_encode(&v[SSP_ABI_MAX_DEPTH + 2], NULL, &out, &len), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_abi_encode(&v[3], NULL, &out, &len), 0);
	CU_ASSERT_EQUAL(len, 32);
	free(out);
	/* Oversized bytes are refused before their pointer is read. */
	ssp_abi_bytes(&big, &one, (size_t)SSP_ABI_MAX_LEN + 1);
	ssp_abi_tuple(&top, &big, 1);
	CU_ASSERT_EQUAL(ssp_abi_encode(&top, NULL, &out, &len), SSP_ERR_TOO_BIG);
	/* Bytes with a length but no data are a caller error. */
	ssp_abi_bytes(&big, NULL, 3);
	CU_ASSERT_EQUAL(ssp_abi_encode(&top, NULL, &out, &len), SSP_ERR_INVAL);
	/* An empty argument list with a selector is the selector alone. */
	ssp_abi_tuple(&top, NULL, 0);
	CU_ASSERT_EQUAL(ssp_abi_encode(&top, (const uint8_t *)"\x01\x02\x03\x04", &out, &len), 0);
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_EQUAL(memcmp(out, "\x01\x02\x03\x04", 4), 0);
	free(out);
}

static void test_readers(void)
{
	uint8_t data[96] = { 0 }, w[32], a[20];
	uint64_t v;
	ssp_u256 u;

	data[31] = 5;
	data[32 + 23] = 1; /* word 1 = 2^64 */
	memset(data + 64 + 12, 0xee, 20);
	CU_ASSERT_EQUAL(ssp_abi_read_u64(data, 96, 0, &v), 0);
	CU_ASSERT_EQUAL(v, 5);
	CU_ASSERT_EQUAL(ssp_abi_read_u64(data, 96, 1, &v), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_abi_read_u256(data, 96, 1, &u), 0);
	CU_ASSERT_EQUAL(u.w[1], 1);
	CU_ASSERT_EQUAL(u.w[0], 0);
	CU_ASSERT_EQUAL(ssp_abi_read_address(data, 96, 2, a), 0);
	CU_ASSERT_EQUAL(a[0], 0xee);
	CU_ASSERT_EQUAL(ssp_abi_read_address(data, 96, 1, a), 0);
	data[64] = 1;
	CU_ASSERT_EQUAL(ssp_abi_read_address(data, 96, 2, a), SSP_ERR_RANGE);
	CU_ASSERT_EQUAL(ssp_abi_read_word(data, 95, 2, w), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_abi_read_word(data, 96, 3, w), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_abi_read_word(NULL, 0, 0, w), SSP_ERR_PARSE);
}

static const char *const errors[] = {
	"NotSigner(address)",
	"SeqMismatch(uint64,uint64)",
	"AccessControlUnauthorizedAccount(address,bytes32)",
	"Weird(bytes,uint64)",
};

static void describe(const char *name, int want_rc, const char *want)
{
	size_t len;
	uint8_t *data = vec(name, &len);
	char out[256];

	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, len, errors, 4, out, sizeof out), want_rc);
	CU_ASSERT_STRING_EQUAL(out, want);
	if (strcmp(out, want) != 0)
		fprintf(stderr, "%s: got \"%s\"\n", name, out);
	free(data);
}

static void test_revert(void)
{
	size_t len;
	uint8_t *data;
	char out[256], small[8];

	describe("revert_error", 0, "ERC20: cap exceeded");
	describe("revert_panic", 0, "Panic(0x11)");
	describe("revert_custom", 0, "SeqMismatch(5, 3)");
	describe("revert_custom_addr", 0,
		 "AccessControlUnauthorizedAccount(0x70997970c51812dc3a010c7d01b50e0d17dc79c8, "
		 "0x9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f)");
	describe("revert_unknown", SSP_ERR_NOT_FOUND, "unknown error 0x63a2a81f");
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(NULL, 0, errors, 4, out, sizeof out), SSP_ERR_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(out, "empty revert");

	/* Truncated Error(string) data is reported, never read past its end. */
	data = vec("revert_error", &len);
	/* Selector, offset, length and the 19 text bytes (missing padding is tolerated). */
	CU_ASSERT_EQUAL(len, 4 + 32 + 32 + 32);
	for (size_t cut = 4; cut < 4 + 32 + 32 + 19; cut++) {
		uint8_t *copy = malloc(cut);

		memcpy(copy, data, cut);
		CU_ASSERT_EQUAL(ssp_abi_describe_revert(copy, cut, errors, 4, out, sizeof out),
				SSP_ERR_NOT_FOUND);
		free(copy);
	}
	CU_ASSERT_STRING_EQUAL(out, "Error(malformed)");
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, 4 + 32 + 32 + 19, errors, 4, out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "ERC20: cap exceeded");
	/* A small output buffer truncates, NUL-terminated. */
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, len, errors, 4, small, sizeof small), 0);
	CU_ASSERT_STRING_EQUAL(small, "ERC20: ");
	free(data);

	/* A custom error whose arguments are missing, and one with a dynamic argument. */
	data = vec("revert_custom", &len);
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, 4 + 32, errors, 4, out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "SeqMismatch(5, ?)");
	ssp_abi_selector("Weird(bytes,uint64)", data);
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, len, errors, 4, out, sizeof out), 0);
	CU_ASSERT_STRING_EQUAL(out, "Weird(...)");
	CU_ASSERT_EQUAL(ssp_abi_describe_revert(data, 3, errors, 4, out, sizeof out), SSP_ERR_NOT_FOUND);
	free(data);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "selectors vs cast sig", test_selectors },
		{ "mintBatch calldata vs cast calldata", test_mint_batch },
		{ "nested dynamic encoding vs cast abi-encode", test_mixed },
		{ "constructor-like arguments vs cast abi-encode", test_ctor },
		{ "encoder limits", test_encode_limits },
		{ "word readers", test_readers },
		{ "revert decoding", test_revert },
		CU_TEST_INFO_NULL,
	};

	return ssp_cu_run("abi", tests);
}
