/* An example comparison plug-in for ssp_validator (docs/validator.md, "A project's own
 * comparison"): two results agree when their compared outputs, file by file, hold the
 * same lines once the lines starting with a timestamp prefix are dropped, and the same
 * whitespace-separated tokens on them, numbers agreeing within a relative tolerance
 * (|a - b| <= tol x max(|a|, |b|)) and words byte for byte.
 * Options (from the validator's command line, as BOINC passes unknown options to
 * validate_handler_init): --rel_tol X (default 1e-6), --ignore_prefix TEXT (default
 * "timestamp"). An output holding a NUL byte makes the result invalid. */
#include "boinc/ssp_validate_plugin.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const int ssp_vplugin_abi = SSP_VPLUGIN_ABI;

static double rel_tol = 1e-6;
static const char *ignore_prefix = "timestamp";

int ssp_validate_handler_init(int argc, char **argv);
int ssp_init_result(const ssp_vplugin_result *r, void **data);
int ssp_compare_results(const ssp_vplugin_result *a, void *da, const ssp_vplugin_result *b,
			void *db, int *match);
int ssp_cleanup_result(const ssp_vplugin_result *r, void *data);

static int is_opt(const char *a, const char *name)
{
	if (a[0] != '-')
		return 0;
	a += a[1] == '-' ? 2 : 1;
	return !strcmp(a, name);
}

int ssp_validate_handler_init(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "rel_tol") && i + 1 < argc) {
			char *end;

			errno = 0;
			rel_tol = strtod(argv[++i], &end);
			if (*end || errno || !(rel_tol >= 0) || !isfinite(rel_tol))
				return 2;
		} else if (is_opt(argv[i], "ignore_prefix") && i + 1 < argc) {
			ignore_prefix = argv[++i];
		} else {
			return 1; /* an option this plug-in does not know */
		}
	}
	return 0;
}

/* A result: per file, its kept tokens (pointers into one copy), in order. */
typedef struct token {
	const char *s;
	size_t len;
	int is_num;
	double v;
} token;

typedef struct parsed {
	size_t nfiles;
	size_t *ntok;
	token **tok;
	char **text;
} parsed;

static void parsed_free(parsed *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->tok[i]);
		free(p->text[i]);
	}
	free(p->ntok);
	free(p->tok);
	free(p->text);
	free(p);
}

static int number(const char *s, size_t len, double *v)
{
	char buf[65], *end;

	if (len == 0 || len > 64)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	return end == buf + len && !errno && isfinite(*v);
}

static int parse_file(const ssp_vplugin_file *f, parsed *p, size_t i)
{
	size_t cap = 64, n = 0, plen = strlen(ignore_prefix);
	char *t = malloc(f->len + 1), *line;
	token *tok = malloc(cap * sizeof(*tok));

	if (!t || !tok || memchr(f->data, '\0', f->len)) {
		free(t);
		free(tok);
		return 2; /* binary output: invalid */
	}
	memcpy(t, f->data, f->len + 1);
	line = t;
	while (line && *line) {
		char *next = strchr(line, '\n'), *s;

		if (next)
			*next++ = '\0';
		if (plen && !strncmp(line, ignore_prefix, plen)) {
			line = next;
			continue;
		}
		for (s = line; *s;) {
			size_t len;

			while (*s == ' ' || *s == '\t' || *s == '\r')
				s++;
			if (!*s)
				break;
			len = strcspn(s, " \t\r");
			if (n == cap) {
				token *g = realloc(tok, 2 * cap * sizeof(*tok));

				if (!g) {
					free(t);
					free(tok);
					return SSP_VPLUGIN_RETRY;
				}
				tok = g;
				cap *= 2;
			}
			tok[n].s = s;
			tok[n].len = len;
			tok[n].is_num = number(s, len, &tok[n].v);
			n++;
			s += len;
		}
		line = next;
	}
	p->tok[i] = tok;
	p->ntok[i] = n;
	p->text[i] = t;
	return 0;
}

int ssp_init_result(const ssp_vplugin_result *r, void **data)
{
	parsed *p = calloc(1, sizeof(*p));
	size_t n = r->nfiles ? r->nfiles : 1;
	int rc;

	*data = NULL;
	if (!p || !(p->ntok = calloc(n, sizeof(*p->ntok))) || !(p->tok = calloc(n, sizeof(*p->tok))) ||
	    !(p->text = calloc(n, sizeof(*p->text)))) {
		parsed_free(p);
		return SSP_VPLUGIN_RETRY;
	}
	p->nfiles = r->nfiles;
	for (size_t i = 0; i < r->nfiles; i++) {
		rc = parse_file(&r->files[i], p, i);
		if (rc) {
			parsed_free(p);
			return rc;
		}
	}
	*data = p;
	return 0;
}

int ssp_compare_results(const ssp_vplugin_result *a, void *da, const ssp_vplugin_result *b,
			void *db, int *match)
{
	const parsed *pa = da, *pb = db;

	*match = 0;
	if (a->nfiles != b->nfiles)
		return 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		if (strcmp(a->files[i].logical, b->files[i].logical) || pa->ntok[i] != pb->ntok[i])
			return 0;
		for (size_t k = 0; k < pa->ntok[i]; k++) {
			const token *x = &pa->tok[i][k], *y = &pb->tok[i][k];

			if (x->is_num && y->is_num) {
				if (!(fabs(x->v - y->v) <= rel_tol * fmax(fabs(x->v), fabs(y->v))))
					return 0;
			} else if (x->len != y->len || memcmp(x->s, y->s, x->len)) {
				return 0;
			}
		}
	}
	*match = 1;
	return 0;
}

int ssp_cleanup_result(const ssp_vplugin_result *r, void *data)
{
	(void)r;
	parsed_free(data);
	return 0;
}
