/* Writing the public export from the ledger (see ssp_export_from_ledger in ssp_export.h). */
#include "export/ssp_export.h"
#include "core/ssp_file.h"
#include "ledger/ssp_ledger.h"
#include "boinc/ssp_receipt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The seq range of one exported batch. */
struct range {
	int64_t id;
	uint64_t first, last;
};

struct claims_ctx {
	ssp_ndjson_writer *w;
	ssp_ndjson_writer *rw;       /* receipts.ndjson.gz, when publishing receipts */
	ssp_errmsg *em;
	const struct range *ranges;
	size_t nranges, next;        /* ranges[next] is the first range not entirely passed */
	uint64_t done, total;
	const ssp_export_opts *o;
	int rc;
};

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* The archived receipt of claim c (ARCHIVE/<hostid>-<resultDigest>.json), when there is one,
 * as a receipts line: published as archived, so that an altered archive shows in the audit. */
static int add_receipt(struct claims_ctx *ctx, const ssp_claim *c)
{
	char path[4200], *text = NULL, *line = NULL;
	size_t len = 0, llen = 0;
	int rc;

	rc = ssp_receipt_archive_path(ctx->o->receipts_dir, c->host_id, c->result_digest, path,
				      sizeof path);
	if (rc != 0)
		return rc;
	rc = ssp_export_read_file(path, SSP_RECEIPT_MAX_BYTES, &text, &len, ctx->em);
	if (rc == SSP_ERR_NOT_FOUND)
		return 0;
	if (rc == 0)
		rc = ssp_export_receipt_format(c->seq, c->result_id, text, len, &line, &llen);
	if (rc == 0)
		rc = ssp_ndjson_write_line(ctx->rw, line, llen);
	free(text);
	free(line);
	return rc;
}

static int visit_claim(void *vctx, const ssp_claim *c, const uint8_t sig[65], int64_t batch_id)
{
	struct claims_ctx *ctx = vctx;
	ssp_export_claim ec;
	char *line = NULL;
	size_t len;
	int rc;

	while (ctx->next < ctx->nranges && ctx->ranges[ctx->next].last < c->seq)
		ctx->next++;
	ec.claim = *c;
	memcpy(ec.sig, sig, SSP_SIG_LEN);
	/* A claim sealed into a batch this export does not hold is exported as unbatched. */
	if (ctx->next < ctx->nranges && ctx->ranges[ctx->next].first <= c->seq)
		ec.batch_id = batch_id;
	else
		ec.batch_id = 0;
	rc = ssp_export_claim_format(&ec, &line, &len);
	if (rc == 0)
		rc = ssp_ndjson_write_line(ctx->w, line, len);
	free(line);
	if (rc == 0 && ctx->rw != NULL)
		rc = add_receipt(ctx, c);
	if (rc != 0) {
		ctx->rc = rc;
		return 1;
	}
	ctx->done++;
	if (ctx->o->progress != NULL && (ctx->done % 65536 == 0 || ctx->done == ctx->total))
		ctx->o->progress(ctx->o->progress_ctx, ctx->done, ctx->total);
	return 0;
}

/* Every batch id of project whose claims are all below next_seq, sorted by first seq. */
static int list_batches(ssp_ledger *l, const uint8_t project[32], uint64_t next_seq,
			struct range **out, size_t *nout, ssp_errmsg *em)
{
	struct range *r = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (int state = SSP_BATCH_SEALED; state <= SSP_BATCH_FAILED && rc == 0; state++) {
		int64_t *ids = NULL;
		size_t nids = 0;

		rc = ssp_ledger_batches_in_state(l, project, state, &ids, &nids);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "listing batches: %s", ssp_ledger_errmsg(l));
			break;
		}
		for (size_t i = 0; i < nids && rc == 0; i++) {
			ssp_ledger_batch b;

			rc = ssp_ledger_batch_get(l, ids[i], &b);
			if (rc == SSP_ERR_NOT_FOUND) {
				rc = 0;
				continue;
			}
			if (rc != 0) {
				ssp_errmsg_set(em, rc, "reading batch %lld: %s", (long long)ids[i],
					       ssp_ledger_errmsg(l));
				break;
			}
			if (b.header.last_seq < next_seq) {
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 64;
					struct range *nr = realloc(r, nc * sizeof *nr);

					if (nr == NULL) {
						rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
						ssp_ledger_batch_clear(&b);
						break;
					}
					r = nr;
					cap = nc;
				}
				r[n].id = b.id;
				r[n].first = b.header.first_seq;
				r[n].last = b.header.last_seq;
				n++;
			}
			ssp_ledger_batch_clear(&b);
		}
		free(ids);
	}
	if (rc != 0) {
		free(r);
		return rc;
	}
	if (n > 1)
		qsort(r, n, sizeof *r, cmp_range);
	*out = r;
	*nout = n;
	return 0;
}

/* The ledger batch id as an export batch, with its mined transaction when it has one. */
static int load_batch(ssp_ledger *l, int64_t id, ssp_export_batch *eb, ssp_errmsg *em)
{
	ssp_ledger_batch b;
	ssp_ledger_tx *txs = NULL;
	size_t ntxs = 0;
	int rc;

	memset(eb, 0, sizeof *eb);
	rc = ssp_ledger_batch_get(l, id, &b);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "reading batch %lld: %s", (long long)id,
				      ssp_ledger_errmsg(l));
	eb->id = b.id;
	eb->header = b.header;
	eb->state = b.state;
	snprintf(eb->reason, sizeof eb->reason, "%s", b.reason);
	eb->sealed_at = b.sealed_at;
	eb->payouts = b.payouts;
	eb->npayouts = b.npayouts;
	b.payouts = NULL;
	b.npayouts = 0;
	if (b.nsigs > 0) {
		eb->sigs = calloc(b.nsigs, sizeof *eb->sigs);
		if (eb->sigs == NULL) {
			rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < b.nsigs; i++) {
			memcpy(eb->sigs[i].signer, b.sigs[i].signer, SSP_ADDR_LEN);
			memcpy(eb->sigs[i].sig, b.sigs[i].sig, SSP_SIG_LEN);
		}
		eb->nsigs = b.nsigs;
	}
	if (b.state == SSP_BATCH_MINTED || b.state == SSP_BATCH_FINAL) {
		rc = ssp_ledger_batch_txs(l, id, &txs, &ntxs);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "reading the transactions of batch %lld: %s",
				       (long long)id, ssp_ledger_errmsg(l));
			goto out;
		}
		/* The newest mined one (a batch is minted once; older ones were replaced). */
		for (size_t i = ntxs; i-- > 0;)
			if ((txs[i].state == SSP_TX_MINED || txs[i].state == SSP_TX_FINAL) &&
			    txs[i].has_block) {
				eb->has_tx = 1;
				memcpy(eb->tx_hash, txs[i].hash, 32);
				eb->block_number = txs[i].block_number;
				memcpy(eb->block_hash, txs[i].block_hash, 32);
				break;
			}
	}
out:
	ssp_ledger_txs_free(txs, ntxs);
	ssp_ledger_batch_clear(&b);
	if (rc != 0)
		ssp_export_batch_clear(eb);
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return SSP_ERR_IO;
	if (fsync(fd) != 0)
		rc = SSP_ERR_IO;
	close(fd);
	return rc;
}

int ssp_export_from_ledger(struct ssp_ledger *l, const char *dir, const ssp_export_opts *o,
			   ssp_export_manifest *mout, ssp_errmsg *em)
{
	char cpath[4096], bpath[4096], ctmp[4096], btmp[4096], rpath[4096], rtmp[4096];
	ssp_export_manifest m;
	ssp_ndjson_writer *w = NULL, *rw = NULL;
	struct range *ranges = NULL;
	size_t nranges = 0;
	struct claims_ctx ctx;
	uint64_t next_seq = 0;
	char *text = NULL;
	int rc, renamed = 0;

	if (l == NULL || dir == NULL || o == NULL || o->master_url == NULL ||
	    o->master_url[0] == '\0' || strlen(o->master_url) > SSP_EXPORT_MAX_URL || o->level < 0 ||
	    o->level > 9)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "bad export options");
	memset(&m, 0, sizeof m);
	memcpy(m.master_url, o->master_url, strlen(o->master_url) + 1);
	ssp_project_id(o->master_url, m.project);
	m.chain_id = o->chain_id;
	memcpy(m.minter, o->minter, SSP_ADDR_LEN);
	m.has_rate = o->has_rate;
	m.rate = o->rate;
	m.has_deploy_block = o->has_deploy_block;
	m.deploy_block = o->deploy_block;
	m.created_at = o->now ? o->now : (uint64_t)time(NULL);

	if (ssp_export_path(dir, SSP_EXPORT_CLAIMS_FILE, cpath, sizeof cpath) != 0 ||
	    ssp_export_path(dir, SSP_EXPORT_BATCHES_FILE, bpath, sizeof bpath) != 0 ||
	    ssp_export_path(dir, "." SSP_EXPORT_CLAIMS_FILE ".tmp", ctmp, sizeof ctmp) != 0 ||
	    ssp_export_path(dir, "." SSP_EXPORT_BATCHES_FILE ".tmp", btmp, sizeof btmp) != 0 ||
	    ssp_export_path(dir, SSP_EXPORT_RECEIPTS_FILE, rpath, sizeof rpath) != 0 ||
	    ssp_export_path(dir, "." SSP_EXPORT_RECEIPTS_FILE ".tmp", rtmp, sizeof rtmp) != 0)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "export directory name too long");
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return ssp_errmsg_set(em, SSP_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));

	/* The claims to export first, then the batches over them: a batch sealed meanwhile
	 * either ends below next_seq (and is exported) or is left for the next export. */
	rc = ssp_ledger_next_seq(l, m.project, &next_seq);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "reading the next seq: %s", ssp_ledger_errmsg(l));
		goto out;
	}
	rc = list_batches(l, m.project, next_seq, &ranges, &nranges, em);
	if (rc != 0)
		goto out;
	for (size_t i = 1; i < nranges; i++)
		if (ranges[i].first <= ranges[i - 1].last) {
			rc = ssp_errmsg_set(em, SSP_ERR_INTERNAL, "batches %lld and %lld overlap",
					    (long long)ranges[i - 1].id, (long long)ranges[i].id);
			goto out;
		}

	rc = ssp_ndjson_writer_open(btmp, o->level, SSP_EXPORT_MAX_BATCH_LINE, &w);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: cannot create", btmp);
		goto out;
	}
	for (size_t i = 0; i < nranges; i++) {
		ssp_export_batch eb;
		size_t len;

		rc = load_batch(l, ranges[i].id, &eb, em);
		if (rc != 0)
			goto out;
		rc = ssp_export_batch_format(&eb, &text, &len);
		if (rc == 0)
			rc = ssp_ndjson_write_line(w, text, len);
		ssp_export_batch_clear(&eb);
		free(text);
		text = NULL;
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "writing batch %lld", (long long)ranges[i].id);
			goto out;
		}
	}
	rc = ssp_ndjson_writer_close(w, m.batches.sha256, &m.batches.bytes, &m.batches.lines);
	w = NULL;
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: write failed", btmp);
		goto out;
	}
	m.nbatches = m.batches.lines;

	rc = ssp_ndjson_writer_open(ctmp, o->level, SSP_EXPORT_MAX_CLAIM_LINE, &w);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: cannot create", ctmp);
		goto out;
	}
	if (o->receipts_dir != NULL) {
		rc = ssp_ndjson_writer_open(rtmp, o->level, SSP_EXPORT_MAX_RECEIPT_LINE, &rw);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "%s: cannot create", rtmp);
			goto out;
		}
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.w = w;
	ctx.rw = rw;
	ctx.em = em;
	ctx.ranges = ranges;
	ctx.nranges = nranges;
	ctx.total = next_seq - 1;
	ctx.o = o;
	if (next_seq > 1) {
		rc = ssp_ledger_claims_foreach(l, m.project, 1, next_seq - 1, visit_claim, &ctx);
		if (rc == 1)
			rc = ctx.rc;
		if (rc != 0) {
			if (em == NULL || em->msg[0] == '\0')
				ssp_errmsg_set(em, rc, "writing claims: %s",
					       rc == SSP_ERR_DB || rc == SSP_ERR_BUSY ? ssp_ledger_errmsg(l)
										  : ssp_strerror(rc));
			goto out;
		}
	}
	if (rw != NULL) {
		rc = ssp_ndjson_writer_close(rw, m.receipts.sha256, &m.receipts.bytes,
					     &m.receipts.lines);
		rw = NULL;
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "%s: write failed", rtmp);
			goto out;
		}
		m.has_receipts = 1;
	}
	rc = ssp_ndjson_writer_close(w, m.claims.sha256, &m.claims.bytes, &m.claims.lines);
	w = NULL;
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "%s: write failed", ctmp);
		goto out;
	}
	m.nclaims = m.claims.lines;
	m.first_seq = 1;
	m.last_seq = next_seq - 1;
	if (m.nclaims != next_seq - 1) {
		rc = ssp_errmsg_set(em, SSP_ERR_INTERNAL, "the ledger gave %llu claims for seqs 1..%llu",
				    (unsigned long long)m.nclaims, (unsigned long long)(next_seq - 1));
		goto out;
	}

	rc = ssp_export_manifest_format(&m, &text);
	if (rc != 0) {
		ssp_errmsg_set(em, rc, "formatting the manifest");
		goto out;
	}
	if (rename(btmp, bpath) != 0 || rename(ctmp, cpath) != 0 ||
	    (m.has_receipts && rename(rtmp, rpath) != 0)) {
		rc = ssp_errmsg_set(em, SSP_ERR_IO, "%s: rename: %s", dir, strerror(errno));
		goto out;
	}
	renamed = 1;
	{
		char mpath[4096];

		rc = ssp_export_path(dir, SSP_EXPORT_MANIFEST_FILE, mpath, sizeof mpath);
		if (rc == 0)
			rc = ssp_file_write_atomic(mpath, text, strlen(text), 0644);
		if (rc != 0) {
			ssp_errmsg_set(em, rc, "%s: write failed", mpath);
			goto out;
		}
	}
	rc = fsync_dir(dir);
	if (rc != 0)
		ssp_errmsg_set(em, rc, "%s: fsync failed", dir);
	if (rc == 0 && mout != NULL)
		*mout = m;
out:
	ssp_ndjson_writer_abort(w);
	ssp_ndjson_writer_abort(rw);
	if (rc != 0 && !renamed) {
		unlink(ctmp);
		unlink(btmp);
		unlink(rtmp);
	}
	free(text);
	free(ranges);
	return rc;
}
