/* Suite for lib/ssp_rpc against an in-process HTTP server on loopback that plays scripted
 * responses: envelope validation, error objects, HTTP errors, truncated and malformed bodies,
 * the body cap, time-outs, retries, quantities and the typed eth_* parsers.
 * (The client against a real node: tests/integration/40-bridge-rpc.sh.) */
#include "ssp_cu.h"
#include "core/ssp_hex.h"
#include "eth/ssp_rpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One scripted reply. body may contain "@ID@", replaced by the request's id. */
struct reply {
	int status;
	const char *body;
	int delay_ms;
	long claim_len; /* > 0: announce this Content-Length (truncates when larger) */
};

#define MAXQ 16
static struct reply queue[MAXQ];
static int qhead, qtail;
static int requests;
static char last_request[8192];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd = -1;
static char url[64];

static void push(int status, const char *body)
{
	pthread_mutex_lock(&mu);
	queue[qtail % MAXQ] = (struct reply){ status, body, 0, 0 };
	qtail++;
	pthread_mutex_unlock(&mu);
}

static void push_ex(int status, const char *body, int delay_ms, long claim_len)
{
	pthread_mutex_lock(&mu);
	queue[qtail % MAXQ] = (struct reply){ status, body, delay_ms, claim_len };
	qtail++;
	pthread_mutex_unlock(&mu);
}

static void reset_queue(void)
{
	pthread_mutex_lock(&mu);
	qhead = qtail = 0;
	requests = 0;
	pthread_mutex_unlock(&mu);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads one HTTP request (headers + Content-Length body) into last_request; returns the id. */
static long read_request(int fd)
{
	char buf[8192];
	size_t len = 0;
	char *hdr_end = NULL, *cl, *idp;
	long clen = 0, id = -1;

	while (len < sizeof buf - 1) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);

		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		if (hdr_end == NULL && (hdr_end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strstr(buf, "Content-Length:"); /* as curl spells it */
			clen = cl ? strtol(cl + 15, NULL, 10) : 0;
		}
		if (hdr_end != NULL && (size_t)(hdr_end + 4 - buf) + (size_t)clen <= len)
			break;
	}
	if (hdr_end == NULL)
		return -1;
	pthread_mutex_lock(&mu);
	snprintf(last_request, sizeof last_request, "%s", hdr_end + 4);
	pthread_mutex_unlock(&mu);
	idp = strstr(hdr_end + 4, "\"id\":");
	if (idp != NULL)
		id = strtol(idp + 5, NULL, 10);
	return id;
}

static void *server(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);
		struct reply r = { 500, "no reply scripted", 0, 0 };
		char body[65536], head[256], idtext[32];
		const char *at;
		long id;

		if (fd < 0)
			return NULL;
		id = read_request(fd);
		pthread_mutex_lock(&mu);
		requests++;
		if (qhead < qtail)
			r = queue[qhead++ % MAXQ];
		pthread_mutex_unlock(&mu);
		snprintf(idtext, sizeof idtext, "%ld", id);
		body[0] = '\0';
		for (const char *p = r.body; *p; ) {
			at = strstr(p, "@ID@");
			if (at == NULL) {
				strncat(body, p, sizeof body - strlen(body) - 1);
				break;
			}
			strncat(body, p, (size_t)(at - p) < sizeof body - strlen(body) - 1 ?
				(size_t)(at - p) : sizeof body - strlen(body) - 1);
			strncat(body, idtext, sizeof body - strlen(body) - 1);
			p = at + 4;
		}
		if (r.delay_ms > 0)
			usleep((useconds_t)r.delay_ms * 1000);
		snprintf(head, sizeof head,
			 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %ld\r\n"
			 "Connection: close\r\n\r\n",
			 r.status, r.claim_len > 0 ? r.claim_len : (long)strlen(body));
		write_all(fd, head, strlen(head));
		write_all(fd, body, strlen(body));
		close(fd);
	}
}

static void start_server(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	pthread_t t;
	int one = 1;

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(listen_fd, 16) != 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&sa, &sl) != 0) {
		perror("server");
		exit(2);
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
	pthread_create(&t, NULL, server, NULL);
	pthread_detach(t);
}

static ssp_rpc *client(long timeout_ms, size_t max_body, int retries)
{
	ssp_rpc_opts o = { 1000, timeout_ms, max_body, retries };
	ssp_rpc *rpc = NULL;

	CU_ASSERT_EQUAL_FATAL(ssp_rpc_new(url, &o, &rpc), 0);
	return rpc;
}

static void test_new(void)
{
	ssp_rpc *rpc = (ssp_rpc *)1;

	CU_ASSERT_EQUAL(ssp_rpc_new("file:///etc/passwd", NULL, &rpc), SSP_ERR_INVAL);
	CU_ASSERT_PTR_NULL(rpc);
	CU_ASSERT_EQUAL(ssp_rpc_new("ftp://x/", NULL, &rpc), SSP_ERR_INVAL);
	CU_ASSERT_EQUAL(ssp_rpc_new(NULL, NULL, &rpc), SSP_ERR_INVAL);
	ssp_rpc_free(NULL);
}

static void test_result(void)
{
	ssp_rpc *rpc = client(2000, 0, 0);
	json_t *res = NULL;
	uint64_t v = 0;
	ssp_errmsg em;

	reset_queue();
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x7a69\"}");
	CU_ASSERT_EQUAL(ssp_rpc_chain_id(rpc, &v, &em), 0);
	CU_ASSERT_EQUAL(v, 31337);
	pthread_mutex_lock(&mu);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "\"method\":\"eth_chainId\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "\"jsonrpc\":\"2.0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "\"params\":[]"));
	pthread_mutex_unlock(&mu);
	CU_ASSERT_PTR_NULL(ssp_rpc_last_error(rpc));

	push(200, "{\"id\":@ID@,\"result\":null,\"jsonrpc\":\"2.0\"}");
	CU_ASSERT_EQUAL(ssp_rpc_call(rpc, "x", json_pack("[i]", 1), &res, &em), 0);
	CU_ASSERT_TRUE(json_is_null(res));
	json_decref(res);
	ssp_rpc_free(rpc);
}

static void test_error_object(void)
{
	ssp_rpc *rpc = client(2000, 0, 0);
	const ssp_rpc_error *e;
	uint8_t *data;
	size_t len;
	uint64_t gas;
	ssp_errmsg em;

	reset_queue();
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":-32000,\"message\":\"nonce too low\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_send_raw(rpc, (const uint8_t *)"\x02", 1, NULL, &em), SSP_ERR_RPC);
	e = ssp_rpc_last_error(rpc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->code, -32000);
	CU_ASSERT_STRING_EQUAL(e->message, "nonce too low");
	CU_ASSERT_PTR_NULL(e->data);
	CU_ASSERT_PTR_NOT_NULL(strstr(em.msg, "nonce too low"));
	CU_ASSERT_EQUAL(ssp_rpc_error_data(rpc, &data, &len), SSP_ERR_NOT_FOUND);

	/* A revert: code 3 with the revert data. */
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":3,\"message\":\"execution reverted: "
		  "custom error\",\"data\":\"0x43a65bc8000102\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_estimate_gas(rpc, (const uint8_t *)"01234567890123456789", NULL, NULL,
					     NULL, 0, &gas, &em), SSP_ERR_REVERTED);
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_error_data(rpc, &data, &len), 0);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT_EQUAL(memcmp(data, "\x43\xa6\x5b\xc8\x00\x01\x02", 7), 0);
	free(data);
	/* Nodes that nest the data: {"data": {"data": "0x.."}}; and -32000 "execution reverted". */
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":-32000,\"message\":\"execution reverted\","
		  "\"data\":{\"data\":\"0xdead\"}}}");
	CU_ASSERT_EQUAL(ssp_rpc_estimate_gas(rpc, (const uint8_t *)"01234567890123456789", NULL, NULL,
					     NULL, 0, &gas, &em), SSP_ERR_REVERTED);
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_error_data(rpc, &data, &len), 0);
	CU_ASSERT_EQUAL(len, 2);
	free(data);
	/* Malformed error data. */
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":3,\"message\":\"m\",\"data\":\"0xzz\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_estimate_gas(rpc, (const uint8_t *)"01234567890123456789", NULL, NULL,
					     NULL, 0, &gas, &em), SSP_ERR_REVERTED);
	CU_ASSERT_EQUAL(ssp_rpc_error_data(rpc, &data, &len), SSP_ERR_PARSE);
	/* A long message is truncated, not overflowed. */
	{
		static char big[2048];

		strcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":1,\"message\":\"");
		memset(big + strlen(big), 'm', 1500);
		strcat(big, "\"}}");
		push(200, big);
		CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &gas, &em), SSP_ERR_RPC);
		CU_ASSERT_EQUAL(strlen(ssp_rpc_last_error(rpc)->message), 511);
	}
	ssp_rpc_free(rpc);
}

static void test_bad_envelopes(void)
{
	static const struct {
		int status;
		const char *body;
		int rc;
	} cases[] = {
		{ 200, "{\"jsonrpc\":\"1.0\",\"id\":@ID@,\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "{\"id\":@ID@,\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":\"@ID@\",\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\",\"error\":{\"code\":1,\"message\":\"x\"}}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":\"1\",\"message\":\"x\"}}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":1}}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":\"boom\"}", SSP_ERR_PARSE },
		{ 200, "[{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\"}]", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\"", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"id\":@ID@,\"result\":\"0x1\"}", SSP_ERR_PARSE },
		{ 200, "not json at all", SSP_ERR_PARSE },
		{ 200, "", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\"} trailing", SSP_ERR_PARSE },
		{ 500, "<html>Internal Server Error</html>", SSP_ERR_NET },
		{ 502, "", SSP_ERR_NET },
		{ 500, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\"}", SSP_ERR_NET },
		{ 429, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":-32005,\"message\":\"rate limited\"}}", SSP_ERR_RPC },
		/* Valid envelopes with a result the typed call cannot use. */
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":12}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1g\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x10000000000000000\"}", SSP_ERR_PARSE },
		{ 200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":null}", SSP_ERR_NOT_FOUND },
	};
	ssp_rpc *rpc = client(2000, 0, 0);

	reset_queue();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ssp_errmsg em = { { 0 } };
		uint64_t v;
		int rc;

		push(cases[i].status, cases[i].body);
		rc = ssp_rpc_block_number(rpc, &v, &em);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		if (rc != cases[i].rc)
			fprintf(stderr, "case %zu: rc %d (%s)\n", i, rc, em.msg);
		CU_ASSERT_NOT_EQUAL(em.msg[0], '\0');
	}
	ssp_rpc_free(rpc);
}

static void test_transport(void)
{
	ssp_rpc *rpc;
	ssp_errmsg em;
	uint64_t v;
	static char big[5000];

	/* Body over the cap: aborted, not stored. */
	rpc = client(2000, 1024, 0);
	reset_queue();
	strcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x");
	memset(big + strlen(big), '1', 3000);
	strcat(big, "\"}");
	push(200, big);
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_TOO_BIG);
	/* Truncated body: the connection closes before the announced length. */
	push_ex(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"res", 0, 500);
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_NET);
	ssp_rpc_free(rpc);

	/* A slow server: the total time-out fires. */
	rpc = client(300, 0, 0);
	push_ex(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x1\"}", 1200, 0);
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_TIMEOUT);
	ssp_rpc_free(rpc);
	usleep(1000 * 1000); /* let the server thread finish that reply */

	/* Nobody listening. */
	{
		ssp_rpc_opts o = { 500, 1000, 0, 0 };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		char u[64];

		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(fd, (struct sockaddr *)&sa, sizeof sa);
		getsockname(fd, (struct sockaddr *)&sa, &sl);
		snprintf(u, sizeof u, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
		close(fd);
		CU_ASSERT_EQUAL_FATAL(ssp_rpc_new(u, &o, &rpc), 0);
		CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_NET);
		ssp_rpc_free(rpc);
	}
}

static void test_retries(void)
{
	ssp_rpc *rpc = client(2000, 0, 3);
	ssp_errmsg em;
	uint64_t v = 0;

	reset_queue();
	push(500, "oops");
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"resu");
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x2a\"}");
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(requests, 3);
	/* An error object is an answer: never retried. */
	reset_queue();
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"error\":{\"code\":-32000,\"message\":\"no\"}}");
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":\"0x2a\"}");
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_RPC);
	CU_ASSERT_EQUAL(requests, 1);
	/* Retries run out. */
	reset_queue();
	for (int i = 0; i < 4; i++)
		push(503, "busy");
	CU_ASSERT_EQUAL(ssp_rpc_block_number(rpc, &v, &em), SSP_ERR_NET);
	CU_ASSERT_EQUAL(requests, 4);
	ssp_rpc_free(rpc);
}

static void test_quantities(void)
{
	static const struct {
		const char *text;
		int rc;
		uint64_t v;
	} q[] = {
		{ "0x0", 0, 0 }, { "0x1", 0, 1 }, { "0xff", 0, 255 }, { "0xFF", 0, 255 },
		{ "0x00ff", 0, 255 }, { "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0x10000000000000000", SSP_ERR_RANGE, 0 }, { "0x", SSP_ERR_PARSE, 0 },
		{ "ff", SSP_ERR_PARSE, 0 }, { "0x-1", SSP_ERR_PARSE, 0 }, { "0x1 ", SSP_ERR_PARSE, 0 },
		{ "", SSP_ERR_PARSE, 0 }, { "0X1", SSP_ERR_PARSE, 0 },
	};
	ssp_u256 u;
	json_t *j;
	uint8_t b[4], *p;
	size_t n;

	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		uint64_t v = 7;

		j = json_string(q[i].text);
		CU_ASSERT_EQUAL(ssp_rpc_quantity_u64(j, &v), q[i].rc);
		if (q[i].rc == 0)
			CU_ASSERT_EQUAL(v, q[i].v);
		json_decref(j);
	}
	j = json_integer(5);
	CU_ASSERT_EQUAL(ssp_rpc_quantity_u64(j, &u.w[0]), SSP_ERR_PARSE);
	json_decref(j);
	j = json_string("0x1000000000000000000000000000000000000000000000000000000000000000");
	CU_ASSERT_EQUAL(ssp_rpc_quantity_u256(j, &u), 0);
	CU_ASSERT_EQUAL(u.w[3], 0x1000000000000000ULL);
	json_decref(j);
	j = json_string("0x10000000000000000000000000000000000000000000000000000000000000000");
	CU_ASSERT_EQUAL(ssp_rpc_quantity_u256(j, &u), SSP_ERR_RANGE);
	json_decref(j);
	j = ssp_rpc_u64_json(0);
	CU_ASSERT_STRING_EQUAL(json_string_value(j), "0x0");
	json_decref(j);
	j = ssp_rpc_u64_json(UINT64_MAX);
	CU_ASSERT_STRING_EQUAL(json_string_value(j), "0xffffffffffffffff");
	json_decref(j);
	j = ssp_rpc_data_json((const uint8_t *)"\x00\xab", 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(j), "0x00ab");
	CU_ASSERT_EQUAL(ssp_rpc_data_fixed(j, b, 2), 0);
	CU_ASSERT_EQUAL(ssp_rpc_data_fixed(j, b, 3), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_rpc_data_alloc(j, 1, &p, &n), SSP_ERR_TOO_BIG);
	CU_ASSERT_EQUAL(ssp_rpc_data_alloc(j, 2, &p, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	free(p);
	json_decref(j);
	j = json_string("00ab");
	CU_ASSERT_EQUAL(ssp_rpc_data_fixed(j, b, 2), SSP_ERR_PARSE);
	json_decref(j);
	j = json_string("0xabc");
	CU_ASSERT_EQUAL(ssp_rpc_data_alloc(j, 8, &p, &n), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(p);
	json_decref(j);
}

#define H32 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define H32B "0x2222222222222222222222222222222222222222222222222222222222222222"

static void test_typed(void)
{
	ssp_rpc *rpc = client(2000, 0, 0);
	ssp_rpc_receipt rc;
	ssp_rpc_block blk;
	ssp_rpc_log *logs;
	ssp_u256 base, tip;
	uint8_t h[32], a[20], topic[32];
	size_t n;
	int mined;
	ssp_errmsg em;

	memset(h, 0x11, 32);
	memset(a, 0x33, 20);
	memset(topic, 0x44, 32);
	reset_queue();
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"transactionHash\":\"" H32 "\","
		  "\"status\":\"0x1\",\"blockNumber\":\"0x10\",\"blockHash\":\"" H32B "\",\"gasUsed\":\"0x5208\","
		  "\"effectiveGasPrice\":\"0x3b9aca00\",\"contractAddress\":\"0x3333333333333333333333333333333333333333\"}}");
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_get_receipt(rpc, h, &rc, &em), 0);
	CU_ASSERT_EQUAL(rc.status, 1);
	CU_ASSERT_EQUAL(rc.block_number, 16);
	CU_ASSERT_EQUAL(rc.block_hash[0], 0x22);
	CU_ASSERT_EQUAL(rc.gas_used, 21000);
	CU_ASSERT_EQUAL(rc.effective_gas_price.w[0], 1000000000);
	CU_ASSERT_TRUE(rc.has_contract);
	CU_ASSERT_EQUAL(memcmp(rc.contract, a, 20), 0);
	/* The receipt of another transaction, a bad status, missing fields, null. */
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"transactionHash\":\"" H32B "\","
		  "\"status\":\"0x1\",\"blockNumber\":\"0x10\",\"blockHash\":\"" H32B "\",\"gasUsed\":\"0x1\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_get_receipt(rpc, h, &rc, &em), SSP_ERR_PARSE);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"transactionHash\":\"" H32 "\","
		  "\"status\":\"0x2\",\"blockNumber\":\"0x10\",\"blockHash\":\"" H32B "\",\"gasUsed\":\"0x1\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_get_receipt(rpc, h, &rc, &em), SSP_ERR_PARSE);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"transactionHash\":\"" H32 "\",\"status\":\"0x0\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_get_receipt(rpc, h, &rc, &em), SSP_ERR_PARSE);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":null}");
	CU_ASSERT_EQUAL(ssp_rpc_get_receipt(rpc, h, &rc, &em), SSP_ERR_NOT_FOUND);

	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"number\":\"0x2\",\"hash\":\"" H32 "\","
		  "\"parentHash\":\"" H32B "\",\"timestamp\":\"0x5\",\"baseFeePerGas\":\"0x7\"}}");
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_get_block(rpc, "latest", 0, &blk, &em), 0);
	CU_ASSERT_EQUAL(blk.number, 2);
	CU_ASSERT_TRUE(blk.has_base_fee);
	CU_ASSERT_EQUAL(blk.base_fee.w[0], 7);
	CU_ASSERT_EQUAL(blk.parent_hash[31], 0x22);
	pthread_mutex_lock(&mu);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "[\"latest\",false]"));
	pthread_mutex_unlock(&mu);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"number\":\"0x2\",\"hash\":\"0x11\","
		  "\"parentHash\":\"" H32B "\",\"timestamp\":\"0x5\"}}");
	CU_ASSERT_EQUAL(ssp_rpc_get_block(rpc, NULL, 2, &blk, &em), SSP_ERR_PARSE);
	pthread_mutex_lock(&mu);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "[\"0x2\",false]"));
	pthread_mutex_unlock(&mu);

	/* Fee history: next base fee is the last entry; tip is the median reward. */
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"oldestBlock\":\"0x1\","
		  "\"baseFeePerGas\":[\"0x10\",\"0x11\",\"0x12\",\"0x13\"],\"gasUsedRatio\":[0.5,0.5,0.5],"
		  "\"reward\":[[\"0x5\"],[\"0x1\"],[\"0x9\"]]}}");
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_fee_history(rpc, 3, 50.0, &base, &tip, &em), 0);
	CU_ASSERT_EQUAL(base.w[0], 0x13);
	CU_ASSERT_EQUAL(tip.w[0], 5);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"baseFeePerGas\":[],\"reward\":[]}}");
	CU_ASSERT_EQUAL(ssp_rpc_fee_history(rpc, 3, 50.0, &base, &tip, &em), SSP_ERR_PARSE);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"baseFeePerGas\":[\"0x1\"],\"reward\":[[]]}}");
	CU_ASSERT_EQUAL(ssp_rpc_fee_history(rpc, 3, 50.0, &base, &tip, &em), SSP_ERR_PARSE);
	CU_ASSERT_EQUAL(ssp_rpc_fee_history(rpc, 0, 50.0, &base, &tip, &em), SSP_ERR_INVAL);

	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":[{\"address\":\"0x3333333333333333333333333333333333333333\","
		  "\"topics\":[\"" H32 "\",\"" H32B "\"],\"data\":\"0x0102\",\"blockNumber\":\"0x9\","
		  "\"blockHash\":\"" H32B "\",\"transactionHash\":\"" H32 "\",\"logIndex\":\"0x0\",\"removed\":false}]}");
	CU_ASSERT_EQUAL_FATAL(ssp_rpc_get_logs(rpc, a, (const uint8_t(*)[32])topic, 1, 0, UINT64_MAX,
					       &logs, &n, &em), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(logs[0].ntopics, 2);
	CU_ASSERT_EQUAL(logs[0].topics[1][0], 0x22);
	CU_ASSERT_EQUAL(logs[0].data_len, 2);
	CU_ASSERT_EQUAL(logs[0].block_number, 9);
	ssp_rpc_logs_free(logs, n);
	pthread_mutex_lock(&mu);
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "\"toBlock\":\"latest\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(last_request, "\"fromBlock\":\"0x0\""));
	pthread_mutex_unlock(&mu);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":[{\"address\":\"0x33\"}]}");
	CU_ASSERT_EQUAL(ssp_rpc_get_logs(rpc, a, NULL, 0, 0, 5, &logs, &n, &em), SSP_ERR_PARSE);
	CU_ASSERT_PTR_NULL(logs);

	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":{\"hash\":\"" H32 "\",\"blockNumber\":null}}");
	CU_ASSERT_EQUAL(ssp_rpc_tx_known(rpc, h, &mined, &em), 0);
	CU_ASSERT_FALSE(mined);
	push(200, "{\"jsonrpc\":\"2.0\",\"id\":@ID@,\"result\":null}");
	CU_ASSERT_EQUAL(ssp_rpc_tx_known(rpc, h, &mined, &em), SSP_ERR_NOT_FOUND);
	ssp_rpc_free(rpc);
}

static void test_classify(void)
{
	/* Messages as geth, anvil and other nodes word them. */
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("nonce too low: next nonce 5, tx nonce 4"),
			SSP_SEND_NONCE_TOO_LOW);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("already known"), SSP_SEND_ALREADY_KNOWN);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("transaction already imported"),
			SSP_SEND_ALREADY_KNOWN);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("replacement transaction underpriced"),
			SSP_SEND_UNDERPRICED);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("insufficient funds for gas * price + value"),
			SSP_SEND_NO_FUNDS);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("max fee per gas less than block base fee"),
			SSP_SEND_FEE_TOO_LOW);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("transaction underpriced"), SSP_SEND_FEE_TOO_LOW);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("nonce too high"), SSP_SEND_NONCE_TOO_HIGH);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error("intrinsic gas too low"), SSP_SEND_OTHER);
	CU_ASSERT_EQUAL(ssp_rpc_classify_send_error(NULL), SSP_SEND_OTHER);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "client creation", test_new },
		{ "result and request shape", test_result },
		{ "error object kept", test_error_object },
		{ "malformed envelopes refused", test_bad_envelopes },
		{ "body cap, truncation, time-out, refused", test_transport },
		{ "retries on transport failures only", test_retries },
		{ "quantities and data", test_quantities },
		{ "typed calls parse strictly", test_typed },
		{ "send errors classified", test_classify },
		CU_TEST_INFO_NULL,
	};

	signal(SIGPIPE, SIG_IGN); /* the server writes to clients that gave up */
	start_server();
	return ssp_cu_run("rpc", tests);
}
