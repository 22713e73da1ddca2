/* BOINC stats user.gz reader (libxml2 xmlReader, streaming, capped). */
#include "boinc/ssp_stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlreader.h>

struct entry {
	uint64_t id;
	uint64_t micro;
};

struct ssp_stats {
	struct entry *e;
	size_t n, cap;
};

void ssp_stats_free(ssp_stats *s)
{
	if (s == NULL)
		return;
	free(s->e);
	free(s);
}

size_t ssp_stats_count(const ssp_stats *s)
{
	return s ? s->n : 0;
}

int ssp_stats_credit(const ssp_stats *s, uint64_t user_id, uint64_t *micro)
{
	size_t lo = 0, hi;

	if (s == NULL || micro == NULL)
		return SSP_ERR_INVAL;
	hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->e[mid].id < user_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && s->e[lo].id == user_id) {
		*micro = s->e[lo].micro;
		return 0;
	}
	return SSP_ERR_NOT_FOUND;
}

int ssp_stats_parse_credit(const char *text, uint64_t *micro)
{
	const char *p = text;
	uint64_t ip = 0, frac = 0;
	int fd = 0, digits = 0, round_up = 0;

	if (text == NULL || micro == NULL)
		return SSP_ERR_INVAL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strpbrk(p, "eE") != NULL) {
		/* %g-style exponent: through a double (exact enough for display credit). */
		char *end;
		double v;

		if (*p < '0' || *p > '9')
			return SSP_ERR_PARSE;
		errno = 0;
		v = strtod(p, &end);
		while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
			end++;
		if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0)
			return SSP_ERR_PARSE;
		if (v * 1e6 >= 18446744073709551615.0)
			return SSP_ERR_RANGE;
		*micro = (uint64_t)llround(v * 1e6);
		return 0;
	}
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		uint64_t d = (uint64_t)(*p - '0');

		if (ip > (UINT64_MAX - d) / 10)
			return SSP_ERR_RANGE;
		ip = ip * 10 + d;
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (fd < 6)
				frac = frac * 10 + (uint64_t)(*p - '0');
			else if (fd == 6)
				round_up = *p >= '5';
			fd++;
		}
	}
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (digits == 0 || *p != '\0')
		return SSP_ERR_PARSE;
	for (; fd < 6; fd++)
		frac *= 10;
	if (ip > UINT64_MAX / 1000000 || ip * 1000000 > UINT64_MAX - frac - (uint64_t)round_up)
		return SSP_ERR_RANGE;
	*micro = ip * 1000000 + frac + (uint64_t)round_up;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct errctx {
	char msg[200];
	int line;
};

static void on_error(void *arg, const char *msg, xmlParserSeverities severity,
		     xmlTextReaderLocatorPtr locator)
{
	struct errctx *e = arg;

	if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
		return;
	if (e->msg[0] != '\0')
		return;
	snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "error");
	e->msg[strcspn(e->msg, "\n")] = '\0';
	e->line = locator ? xmlTextReaderLocatorLineNumber(locator) : 0;
}

enum field { F_NONE, F_ID, F_CREDIT };

int ssp_stats_read(const char *path, ssp_stats **out, ssp_errmsg *em)
{
	xmlTextReaderPtr r = NULL;
	ssp_stats *s = NULL;
	struct errctx ectx;
	struct stat st;
	char text[SSP_STATS_MAX_TEXT + 1];
	size_t tlen = 0;
	enum field field = F_NONE;
	int rc = 0, xr, in_user = 0, have_id = 0, have_credit = 0, root_seen = 0;
	uint64_t id = 0, micro = 0;

	if (out == NULL)
		return SSP_ERR_INVAL;
	*out = NULL;
	if (path == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "no stats file");
	if (stat(path, &st) != 0)
		return ssp_errmsg_set(em, errno == ENOENT ? SSP_ERR_NOT_FOUND : SSP_ERR_IO, "%s: %s",
				      path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ssp_errmsg_set(em, SSP_ERR_IO, "%s: not a regular file", path);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
	memset(&ectx, 0, sizeof ectx);
	r = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (r == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_IO, "%s: cannot open", path);
		goto out;
	}
	xmlTextReaderSetErrorHandler(r, on_error, &ectx);
	while ((xr = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		const char *name = (const char *)xmlTextReaderConstLocalName(r);
		int line = xmlTextReaderGetParserLineNumber(r);

		if (depth > SSP_STATS_MAX_DEPTH) {
			rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "%s:%d: nested too deep", path, line);
			goto out;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			if (depth == 0) {
				if (strcmp(name, "users") != 0) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
							    "%s:%d: the root element is not <users>", path, line);
					goto out;
				}
				root_seen = 1;
			} else if (depth == 1 && strcmp(name, "user") == 0) {
				in_user = 1;
				have_id = have_credit = 0;
				if (xmlTextReaderIsEmptyElement(r)) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: empty <user>", path, line);
					goto out;
				}
			} else if (depth == 2 && in_user) {
				field = strcmp(name, "id") == 0 ? F_ID
					: strcmp(name, "total_credit") == 0 ? F_CREDIT : F_NONE;
				if ((field == F_ID && have_id) || (field == F_CREDIT && have_credit)) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: <%s> twice in a <user>",
							    path, line, name);
					goto out;
				}
				tlen = 0;
				if (field != F_NONE && xmlTextReaderIsEmptyElement(r)) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: empty <%s>", path, line, name);
					goto out;
				}
			}
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && depth == 3 &&
			   field != F_NONE) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			size_t vl = v ? strlen(v) : 0;

			if (tlen + vl > SSP_STATS_MAX_TEXT) {
				rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "%s:%d: text too long", path, line);
				goto out;
			}
			memcpy(text + tlen, v, vl);
			tlen += vl;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (depth == 2 && in_user && field != F_NONE) {
				text[tlen] = '\0';
				if (field == F_ID) {
					char *end;

					errno = 0;
					id = strtoull(text, &end, 10);
					if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0) {
						rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: bad <id>", path, line);
						goto out;
					}
					have_id = 1;
				} else {
					if (ssp_stats_parse_credit(text, &micro) != 0) {
						rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: bad <total_credit>",
								    path, line);
						goto out;
					}
					have_credit = 1;
				}
				field = F_NONE;
			} else if (depth == 1 && in_user) {
				in_user = 0;
				if (!have_id || !have_credit) {
					rc = ssp_errmsg_set(em, SSP_ERR_PARSE,
							    "%s:%d: a <user> without %s", path, line,
							    have_id ? "<total_credit>" : "<id>");
					goto out;
				}
				if (s->n == SSP_STATS_MAX_USERS) {
					rc = ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "%s: more than %u users", path,
							    SSP_STATS_MAX_USERS);
					goto out;
				}
				if (s->n == s->cap) {
					size_t nc = s->cap ? s->cap * 2 : 1024;
					struct entry *ne = realloc(s->e, nc * sizeof *ne);

					if (ne == NULL) {
						rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "out of memory");
						goto out;
					}
					s->e = ne;
					s->cap = nc;
				}
				s->e[s->n].id = id;
				s->e[s->n].micro = micro;
				s->n++;
			}
		}
	}
	if (xr != 0) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s:%d: %s", path, ectx.line,
				    ectx.msg[0] ? ectx.msg : "malformed XML");
		goto out;
	}
	if (!root_seen) {
		rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: no <users> element", path);
		goto out;
	}
	if (s->n > 1)
		qsort(s->e, s->n, sizeof *s->e, cmp_entry);
	for (size_t i = 1; i < s->n; i++)
		if (s->e[i].id == s->e[i - 1].id) {
			rc = ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: user %llu is listed twice", path,
					    (unsigned long long)s->e[i].id);
			goto out;
		}
out:
	if (r != NULL)
		xmlFreeTextReader(r);
	if (rc != 0) {
		ssp_stats_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
