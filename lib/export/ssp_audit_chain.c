/* The chain side of the audit: the minter's events, read over JSON-RPC in block-range chunks. */
#include "eth/ssp_abi.h"
#include "export/ssp_audit.h"
#include "crypto/ssp_keccak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CHUNK 2000u
#define MAX_INIT_SIGNERS 255u

int ssp_audit_chain_new(uint64_t chain_id, const uint8_t contract[SSP_ADDR_LEN],
			ssp_audit_chain **out)
{
	ssp_audit_chain *c;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (contract == NULL)
		return SSP_ERR_INVAL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return SSP_ERR_NOMEM;
	c->chain_id = chain_id;
	memcpy(c->contract, contract, SSP_ADDR_LEN);
	*out = c;
	return 0;
}

void ssp_audit_chain_free(ssp_audit_chain *c)
{
	if (c == NULL)
		return;
	free(c->events);
	free(c->init_signers);
	free(c);
}

int ssp_audit_chain_add(ssp_audit_chain *c, const ssp_chain_event *ev)
{
	if (c == NULL || ev == NULL || ev->kind < SSP_EV_BATCH_MINTED || ev->kind > SSP_EV_RATE_CHANGED)
		return SSP_ERR_INVAL;
	if (c->nevents == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		ssp_chain_event *ne = realloc(c->events, nc * sizeof *ne);

		if (ne == NULL)
			return SSP_ERR_NOMEM;
		c->events = ne;
		c->cap = nc;
	}
	c->events[c->nevents++] = *ev;
	return 0;
}

static int cmp_event(const void *a, const void *b)
{
	const ssp_chain_event *x = a, *y = b;

	if (x->block_number != y->block_number)
		return x->block_number < y->block_number ? -1 : 1;
	return x->log_index < y->log_index ? -1 : x->log_index > y->log_index;
}

void ssp_audit_chain_sort(ssp_audit_chain *c)
{
	if (c != NULL && c->nevents > 1)
		qsort(c->events, c->nevents, sizeof *c->events, cmp_event);
}

static const char *const ev_sigs[] = {
	NULL,
	SSP_EV_BATCH_MINTED_SIG,
	SSP_EV_SIGNER_ADDED_SIG,
	SSP_EV_SIGNER_REMOVED_SIG,
	SSP_EV_THRESHOLD_CHANGED_SIG,
	SSP_EV_RATE_CHANGED_SIG,
};

/* topic0 of kind k (computed once; a race only recomputes the same bytes). */
static const uint8_t *topic0(int k)
{
	static uint8_t t[6][32];
	static int done;

	if (!done) {
		for (int i = 1; i <= 5; i++)
			ssp_keccak256(ev_sigs[i], strlen(ev_sigs[i]), t[i]);
		done = 1;
	}
	return t[k];
}

/* An indexed address topic: 12 zero bytes and the address. */
static int topic_addr(const uint8_t t[32], uint8_t a[SSP_ADDR_LEN])
{
	for (int i = 0; i < 12; i++)
		if (t[i] != 0)
			return SSP_ERR_RANGE;
	memcpy(a, t + 12, SSP_ADDR_LEN);
	return 0;
}

int ssp_audit_chain_add_log(ssp_audit_chain *c, const ssp_rpc_log *log, int *added,
			    ssp_errmsg *em)
{
	ssp_chain_event ev;
	int kind = 0, rc = 0;

	if (added != NULL)
		*added = 0;
	if (c == NULL || log == NULL)
		return SSP_ERR_INVAL;
	if (log->removed || log->ntopics == 0 || memcmp(log->address, c->contract, SSP_ADDR_LEN) != 0)
		return 0;
	for (int k = SSP_EV_BATCH_MINTED; k <= SSP_EV_RATE_CHANGED; k++)
		if (memcmp(log->topics[0], topic0(k), 32) == 0)
			kind = k;
	if (kind == 0)
		return 0;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.block_number = log->block_number;
	ev.log_index = log->log_index;
	memcpy(ev.block_hash, log->block_hash, 32);
	memcpy(ev.tx_hash, log->tx_hash, 32);
	switch (kind) {
	case SSP_EV_BATCH_MINTED:
		if (log->ntopics != 2 || log->data_len != 5 * 32) {
			rc = SSP_ERR_PARSE;
			break;
		}
		memcpy(ev.project, log->topics[1], 32);
		rc = ssp_abi_read_u64(log->data, log->data_len, 0, &ev.first_seq);
		if (rc == 0)
			rc = ssp_abi_read_u64(log->data, log->data_len, 1, &ev.last_seq);
		if (rc == 0)
			rc = ssp_abi_read_word(log->data, log->data_len, 2, ev.claims_root);
		if (rc == 0)
			rc = ssp_abi_read_u64(log->data, log->data_len, 3, &ev.total_credit);
		if (rc == 0)
			rc = ssp_abi_read_u256(log->data, log->data_len, 4, &ev.amount);
		break;
	case SSP_EV_SIGNER_ADDED:
	case SSP_EV_SIGNER_REMOVED:
		if (log->ntopics != 2 || log->data_len != 0) {
			rc = SSP_ERR_PARSE;
			break;
		}
		rc = topic_addr(log->topics[1], ev.signer);
		break;
	default: /* ThresholdChanged, RateChanged: (old, new) */
		if (log->ntopics != 1 || log->data_len != 2 * 32) {
			rc = SSP_ERR_PARSE;
			break;
		}
		rc = ssp_abi_read_u256(log->data, log->data_len, 1, &ev.value);
		break;
	}
	if (rc != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "malformed %.*s log in block %llu (log %llu)",
				      (int)strcspn(ev_sigs[kind], "("), ev_sigs[kind],
				      (unsigned long long)log->block_number,
				      (unsigned long long)log->log_index);
	rc = ssp_audit_chain_add(c, &ev);
	if (rc == 0 && added != NULL)
		*added = 1;
	return rc;
}

/* eth_call of a no-argument view at block tag; *ret caller-freed. */
static int view(ssp_rpc *rpc, const uint8_t contract[SSP_ADDR_LEN], const char *sig, uint64_t block,
		uint8_t **ret, size_t *len, ssp_errmsg *em)
{
	uint8_t sel[4];
	char tag[24];
	int rc;

	ssp_abi_selector(sig, sel);
	snprintf(tag, sizeof tag, "0x%llx", (unsigned long long)block);
	rc = ssp_rpc_eth_call(rpc, NULL, contract, sel, sizeof sel, tag, ret, len, em);
	if (rc != 0 && em != NULL) {
		char inner[sizeof em->msg];

		memcpy(inner, em->msg, sizeof inner);
		inner[180] = '\0';
		ssp_errmsg_set(em, rc, "%s at block %llu: %s", sig, (unsigned long long)block, inner);
	}
	return rc;
}

/* signers(), threshold(), weiPerMicroCredit() at block. */
static int read_state(ssp_rpc *rpc, ssp_audit_chain *c, uint64_t block, ssp_errmsg *em)
{
	uint8_t *ret = NULL;
	size_t len = 0;
	uint64_t off = 0, n = 0;
	int rc;

	rc = view(rpc, c->contract, "signers()", block, &ret, &len, em);
	if (rc == 0 && len == 0) {
		/* No code there yet: the scan starts at the deployment block (the manifest's
		 * deployBlock) and sees the constructor's events; there is no earlier state. */
		free(ret);
		return 0;
	}
	if (rc == 0) {
		rc = ssp_abi_read_u64(ret, len, 0, &off);
		if (rc == 0 && (off % 32 != 0 || off / 32 >= len / 32))
			rc = SSP_ERR_PARSE;
		if (rc == 0)
			rc = ssp_abi_read_u64(ret, len, (size_t)(off / 32), &n);
		if (rc == 0 && n > MAX_INIT_SIGNERS)
			rc = SSP_ERR_RANGE;
		if (rc == 0 && n > 0) {
			c->init_signers = calloc((size_t)n, SSP_ADDR_LEN);
			if (c->init_signers == NULL)
				rc = SSP_ERR_NOMEM;
		}
		for (uint64_t i = 0; rc == 0 && i < n; i++)
			rc = ssp_abi_read_address(ret, len, (size_t)(off / 32 + 1 + i), c->init_signers[i]);
		c->ninit_signers = rc == 0 ? (size_t)n : 0;
		if (rc != 0)
			ssp_errmsg_set(em, rc, "signers() at block %llu: bad return data",
				       (unsigned long long)block);
	}
	free(ret);
	ret = NULL;
	if (rc == 0)
		rc = view(rpc, c->contract, "threshold()", block, &ret, &len, em);
	if (rc == 0 && ssp_abi_read_u64(ret, len, 0, &c->init_threshold) != 0)
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "threshold(): bad return data");
	free(ret);
	ret = NULL;
	if (rc == 0)
		rc = view(rpc, c->contract, "weiPerMicroCredit()", block, &ret, &len, em);
	if (rc == 0) {
		if (ssp_abi_read_u256(ret, len, 0, &c->init_rate) != 0)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "weiPerMicroCredit(): bad return data");
		else
			c->has_init_rate = 1;
	}
	free(ret);
	return rc;
}

int ssp_audit_chain_fetch(ssp_rpc *rpc, const uint8_t contract[SSP_ADDR_LEN],
			  const ssp_audit_chain_opts *o, ssp_audit_chain **out, ssp_errmsg *em)
{
	ssp_audit_chain *c = NULL;
	uint64_t chain_id = 0, head = 0, from, to, chunk, at;
	uint8_t *ret = NULL;
	size_t len = 0;
	int rc;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (rpc == NULL || contract == NULL || o == NULL)
		return SSP_ERR_INVAL;
	rc = ssp_rpc_chain_id(rpc, &chain_id, em);
	if (rc == 0)
		rc = ssp_rpc_block_number(rpc, &head, em);
	if (rc != 0)
		return rc;
	from = o->from_block;
	if (o->to_block != 0)
		to = o->to_block;
	else
		to = head > o->confirmations ? head - o->confirmations : 0;
	if (to > head)
		return ssp_errmsg_set(em, SSP_ERR_RANGE, "block %llu is beyond the head (%llu)",
				      (unsigned long long)to, (unsigned long long)head);
	if (from > to)
		return ssp_errmsg_set(em, SSP_ERR_RANGE, "from block %llu is after block %llu",
				      (unsigned long long)from, (unsigned long long)to);
	rc = ssp_audit_chain_new(chain_id, contract, &c);
	if (rc != 0)
		return rc;
	c->from_block = from;
	c->to_block = to;
	if (from > 0) {
		rc = read_state(rpc, c, from - 1, em);
		if (rc != 0)
			goto out;
	}
	chunk = o->chunk ? o->chunk : DEFAULT_CHUNK;
	for (at = from; at <= to;) {
		uint64_t end = to - at >= chunk ? at + chunk - 1 : to;
		ssp_rpc_log *logs = NULL;
		size_t n = 0;

		rc = ssp_rpc_get_logs(rpc, contract, NULL, 0, at, end, &logs, &n, em);
		if ((rc == SSP_ERR_RPC || rc == SSP_ERR_TOO_BIG) && end > at) {
			/* Too many logs for the node or for us: a smaller range. */
			chunk = (end - at + 1) / 2;
			continue;
		}
		if (rc != 0) {
			if (em != NULL) {
				char inner[sizeof em->msg];

				memcpy(inner, em->msg, sizeof inner);
				inner[160] = '\0';
				ssp_errmsg_set(em, rc, "eth_getLogs %llu..%llu: %s", (unsigned long long)at,
					       (unsigned long long)end, inner);
			}
			goto out;
		}
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = ssp_audit_chain_add_log(c, &logs[i], NULL, em);
		ssp_rpc_logs_free(logs, n);
		if (rc != 0)
			goto out;
		if (o->progress != NULL)
			o->progress(o->progress_ctx, end - from + 1, to - from + 1);
		if (end == UINT64_MAX)
			break;
		at = end + 1;
		/* Grow back after a halving, up to the requested chunk. */
		if (chunk < (o->chunk ? o->chunk : DEFAULT_CHUNK))
			chunk *= 2;
	}
	ssp_audit_chain_sort(c);
	rc = view(rpc, contract, "totalMinted()", to, &ret, &len, em);
	if (rc == 0) {
		if (ssp_abi_read_u256(ret, len, 0, &c->total_minted) != 0)
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "totalMinted(): bad return data");
		else
			c->has_total_minted = 1;
	}
	free(ret);
out:
	if (rc != 0) {
		ssp_audit_chain_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int ssp_audit_find_mint(ssp_rpc *rpc, const uint8_t contract[SSP_ADDR_LEN],
			const uint8_t project[32], uint64_t first_seq, uint64_t from, uint64_t to,
			uint64_t chunk, ssp_chain_event *ev, ssp_errmsg *em)
{
	ssp_audit_chain *c = NULL;
	uint8_t topics[2][32];
	uint64_t at, want_chunk = chunk ? chunk : DEFAULT_CHUNK;
	int rc;

	if (rpc == NULL || contract == NULL || project == NULL || ev == NULL)
		return SSP_ERR_INVAL;
	if (to == UINT64_MAX) {
		rc = ssp_rpc_block_number(rpc, &to, em);
		if (rc != 0)
			return rc;
	}
	rc = ssp_audit_chain_new(0, contract, &c);
	if (rc != 0)
		return rc;
	memcpy(topics[0], topic0(SSP_EV_BATCH_MINTED), 32);
	memcpy(topics[1], project, 32);
	chunk = want_chunk;
	for (at = from; at <= to;) {
		uint64_t end = to - at >= chunk ? at + chunk - 1 : to;
		ssp_rpc_log *logs = NULL;
		size_t n = 0;

		rc = ssp_rpc_get_logs(rpc, contract, (const uint8_t (*)[32])topics, 2, at, end, &logs, &n,
				      em);
		if ((rc == SSP_ERR_RPC || rc == SSP_ERR_TOO_BIG) && end > at) {
			chunk = (end - at + 1) / 2;
			continue;
		}
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = ssp_audit_chain_add_log(c, &logs[i], NULL, em);
		ssp_rpc_logs_free(logs, n);
		if (rc != 0)
			goto out;
		for (size_t i = 0; i < c->nevents; i++)
			if (c->events[i].kind == SSP_EV_BATCH_MINTED && c->events[i].first_seq == first_seq &&
			    memcmp(c->events[i].project, project, 32) == 0) {
				*ev = c->events[i];
				goto out;
			}
		c->nevents = 0;
		if (end == UINT64_MAX)
			break;
		at = end + 1;
		if (chunk < want_chunk)
			chunk *= 2;
	}
	rc = SSP_ERR_NOT_FOUND;
out:
	ssp_audit_chain_free(c);
	return rc;
}
