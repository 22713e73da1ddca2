#include "core/ssp_conf.h"
#include "core/ssp_err.h"
#include "core/ssp_file.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CONF_SECTION_MAX 49 /* inih keeps 50 bytes of a section name, NUL included */

struct conf_entry {
	char *section, *key, *value;
	unsigned line;
};

struct ssp_conf {
	char *name;                /* path or caller's name, for messages */
	struct conf_entry *e;
	size_t n, cap;
	size_t *slot;              /* open-addressing index: entry number + 1, 0 = empty */
	size_t nslots;             /* a power of two, at least 2n */
};

/* ---- the entry table ---- */

static uint64_t entry_hash(const char *section, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)section; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL; /* separator no name contains */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/* Index of section.key in c->e, or (size_t)-1. */
static size_t find(const ssp_conf *c, const char *section, const char *key)
{
	size_t mask, i;

	if (c->nslots == 0)
		return (size_t)-1;
	mask = c->nslots - 1;
	for (i = (size_t)entry_hash(section, key) & mask; c->slot[i] != 0; i = (i + 1) & mask) {
		const struct conf_entry *e = &c->e[c->slot[i] - 1];

		if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0)
			return c->slot[i] - 1;
	}
	return (size_t)-1;
}

static void index_insert(ssp_conf *c, size_t idx)
{
	size_t mask = c->nslots - 1, i;

	i = (size_t)entry_hash(c->e[idx].section, c->e[idx].key) & mask;
	while (c->slot[i] != 0)
		i = (i + 1) & mask;
	c->slot[i] = idx + 1;
}

/* Appends an entry (the caller checked it is new). Returns 0 or SSP_ERR_NOMEM. */
static int add_entry(ssp_conf *c, const char *section, const char *key, const char *value,
		     unsigned line)
{
	struct conf_entry *e;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 16;
		struct conf_entry *ne = realloc(c->e, ncap * sizeof(*ne));

		if (ne == NULL)
			return SSP_ERR_NOMEM;
		c->e = ne;
		c->cap = ncap;
	}
	if (2 * (c->n + 1) > c->nslots) {
		size_t ns = c->nslots ? 2 * c->nslots : 64;
		size_t *nslot = calloc(ns, sizeof(*nslot));

		if (nslot == NULL)
			return SSP_ERR_NOMEM;
		free(c->slot);
		c->slot = nslot;
		c->nslots = ns;
		for (size_t i = 0; i < c->n; i++)
			index_insert(c, i);
	}
	e = &c->e[c->n];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		free(e->section);
		free(e->key);
		free(e->value);
		return SSP_ERR_NOMEM;
	}
	index_insert(c, c->n);
	c->n++;
	return 0;
}

void ssp_conf_free(ssp_conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].section);
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c->e);
	free(c->slot);
	free(c->name);
	free(c);
}

/* ---- parsing through inih ---- */

struct parse_state {
	ssp_conf *c;
	const char *p, *end;       /* the unread text */
	unsigned line;             /* number of the line last handed to inih */
	unsigned err_line;         /* first error we found (0: none) */
	int err_code;
	char err_msg[160];
};

static void parse_error(struct parse_state *st, unsigned line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void parse_error(struct parse_state *st, unsigned line, int code, const char *fmt, ...)
{
	va_list ap;

	if (st->err_line != 0 && st->err_line <= line)
		return;
	st->err_line = line;
	st->err_code = code;
	va_start(ap, fmt);
	vsnprintf(st->err_msg, sizeof(st->err_msg), fmt, ap);
	va_end(ap);
}

/* inih's reader: hands out one line at a time with its indentation removed (so that inih
 * never sees a continuation line), always ending in '\n'. Stops (returns NULL) at the end,
 * or at a line that does not fit inih's buffer or holds binary data, after noting the error. */
static char *reader(char *buf, int num, void *stream)
{
	struct parse_state *st = stream;
	const char *nl, *s, *lend;
	size_t len;

	if (st->p >= st->end || st->err_code == SSP_ERR_NOMEM)
		return NULL;
	nl = memchr(st->p, '\n', (size_t)(st->end - st->p));
	lend = nl ? nl : st->end;
	st->line++;
	for (s = st->p; s < lend; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
			parse_error(st, st->line, SSP_ERR_PARSE, "binary data (byte 0x%02x)", ch);
			return NULL;
		}
	}
	for (s = st->p; s < lend && (*s == ' ' || *s == '\t'); s++)
		;
	len = (size_t)(lend - s);
	if (num < 3 || len + 2 > (size_t)num) {
		parse_error(st, st->line, SSP_ERR_PARSE, "line longer than %d bytes", num - 2);
		return NULL;
	}
	if (*s == '[') {
		const char *close = memchr(s, ']', len);

		if (close != NULL && (size_t)(close - s - 1) > CONF_SECTION_MAX) {
			parse_error(st, st->line, SSP_ERR_PARSE, "section name longer than %d bytes",
				    CONF_SECTION_MAX);
			return NULL;
		}
	}
	memcpy(buf, s, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	st->p = nl ? nl + 1 : st->end;
	return buf;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	size_t prev;
	int rc;

	if (name == NULL || value == NULL) /* (only with INI_ALLOW_NO_VALUE builds) */
		return 0;
	if (name[0] == '\0') {
		parse_error(st, st->line, SSP_ERR_PARSE, "empty key name");
		return 0;
	}
	prev = find(st->c, section, name);
	if (prev != (size_t)-1) {
		parse_error(st, st->line, SSP_ERR_PARSE,
			    "duplicate key %s%s%s (first set on line %u)", section,
			    section[0] ? "." : "", name, st->c->e[prev].line);
		return 0;
	}
	rc = add_entry(st->c, section, name, value, st->line);
	if (rc != 0) {
		parse_error(st, st->line, rc, "out of memory");
		return 0;
	}
	return 1;
}

int ssp_conf_parse(const char *text, size_t len, const char *name, ssp_conf **out, ssp_errmsg *em)
{
	struct parse_state st;
	ssp_conf *c = NULL;
	int rc, ret;

	*out = NULL;
	if (name == NULL)
		name = "(config)";
	if (text == NULL)
		return ssp_errmsg_set(em, SSP_ERR_INVAL, "%s: no text", name);
	if (len > SSP_CONF_MAX_FILE)
		return ssp_errmsg_set(em, SSP_ERR_TOO_BIG, "%s: larger than %d bytes", name,
				      SSP_CONF_MAX_FILE);
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->name = strdup(name)) == NULL) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "%s: out of memory", name);
		goto out;
	}
	memset(&st, 0, sizeof(st));
	st.c = c;
	st.p = text;
	st.end = text + len;
	ret = ini_parse_stream(reader, &st, handler, &st);
	if (ret == -2) {
		rc = ssp_errmsg_set(em, SSP_ERR_NOMEM, "%s: out of memory", name);
		goto out;
	}
	if (ret > 0 && (st.err_line == 0 || (unsigned)ret < st.err_line))
		parse_error(&st, (unsigned)ret, SSP_ERR_PARSE,
			    "syntax error (expected [section], key = value or a comment)");
	if (ret < 0 && st.err_line == 0)
		parse_error(&st, st.line, SSP_ERR_PARSE, "cannot parse");
	if (st.err_line != 0) {
		rc = ssp_errmsg_set(em, st.err_code, "%s:%u: %s", name, st.err_line, st.err_msg);
		goto out;
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	ssp_conf_free(c);
	return rc;
}

int ssp_conf_load(const char *path, ssp_conf **out, ssp_errmsg *em)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = ssp_file_read(path, SSP_CONF_MAX_FILE, &text, &len);
	if (rc != 0)
		return ssp_errmsg_set(em, rc, "%s: %s", path,
				      rc == SSP_ERR_TOO_BIG ? "larger than the 1 MiB limit"
							    : ssp_strerror(rc));
	rc = ssp_conf_parse(text, len, path, out, em);
	free(text);
	return rc;
}

/* ---- lookups ---- */

const char *ssp_conf_get(const ssp_conf *c, const char *section, const char *key)
{
	size_t i;

	if (c == NULL || section == NULL || key == NULL)
		return NULL;
	i = find(c, section, key);
	return i == (size_t)-1 ? NULL : c->e[i].value;
}

/* The entry for section.key, or NULL. */
static const struct conf_entry *lookup(const ssp_conf *c, const char *section, const char *key)
{
	size_t i;

	if (c == NULL || section == NULL || key == NULL)
		return NULL;
	i = find(c, section, key);
	return i == (size_t)-1 ? NULL : &c->e[i];
}

static int bad_value(const ssp_conf *c, const struct conf_entry *e, ssp_errmsg *em,
		     const char *what)
{
	return ssp_errmsg_set(em, SSP_ERR_CONFIG, "%s:%u: %s%s%s = \"%.60s\" is not %s", c->name,
			      e->line, e->section, e->section[0] ? "." : "", e->key, e->value, what);
}

int ssp_conf_get_str(const ssp_conf *c, const char *section, const char *key, const char *def,
		     const char **out, ssp_errmsg *em)
{
	const struct conf_entry *e = lookup(c, section, key);

	*out = def;
	if (e != NULL && (e->value[0] != '\0' || def != NULL)) {
		*out = e->value;
		return 0;
	}
	if (def != NULL)
		return 0;
	return ssp_errmsg_set(em, SSP_ERR_CONFIG, "missing %s%s%s in %s", section ? section : "",
			      section && section[0] ? "." : "", key ? key : "",
			      c ? c->name : "the configuration");
}

int ssp_conf_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (s[0] == '\0')
		return SSP_ERR_PARSE;
	for (const char *p = s; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (*p < '0' || *p > '9')
			return SSP_ERR_PARSE;
		if (v > (UINT64_MAX - d) / 10)
			return SSP_ERR_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int ssp_conf_parse_double(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int digits = 0;
	double v;

	/* [+-]digits[.digits][(e|E)[+-]digits], at least one mantissa digit */
	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits > 0 && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return SSP_ERR_PARSE;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (digits == 0 || *p != '\0')
		return SSP_ERR_PARSE;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || errno == ERANGE)
		return SSP_ERR_RANGE;
	*out = v;
	return 0;
}

int ssp_conf_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "1" }, *const no[] = { "false", "no", "0" };

	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return SSP_ERR_PARSE;
}

int ssp_conf_get_u64(const ssp_conf *c, const char *section, const char *key, uint64_t def,
		     uint64_t *out, ssp_errmsg *em)
{
	const struct conf_entry *e = lookup(c, section, key);
	int rc;

	*out = def;
	if (e == NULL)
		return 0;
	rc = ssp_conf_parse_u64(e->value, out); /* *out is set only on success */
	if (rc == SSP_ERR_RANGE)
		return bad_value(c, e, em, "a decimal integer below 2^64");
	return rc ? bad_value(c, e, em, "a decimal integer") : 0;
}

int ssp_conf_get_double(const ssp_conf *c, const char *section, const char *key, double def,
			double *out, ssp_errmsg *em)
{
	const struct conf_entry *e = lookup(c, section, key);
	int rc;

	*out = def;
	if (e == NULL)
		return 0;
	rc = ssp_conf_parse_double(e->value, out); /* *out is set only on success */
	if (rc == SSP_ERR_RANGE)
		return bad_value(c, e, em, "a finite decimal number");
	return rc ? bad_value(c, e, em, "a decimal number") : 0;
}

int ssp_conf_get_bool(const ssp_conf *c, const char *section, const char *key, int def, int *out,
		      ssp_errmsg *em)
{
	const struct conf_entry *e = lookup(c, section, key);

	*out = def;
	if (e == NULL)
		return 0;
	if (ssp_conf_parse_bool(e->value, out) != 0) /* *out is set only on success */
		return bad_value(c, e, em, "a boolean (true/false, yes/no, 1/0)");
	return 0;
}

size_t ssp_conf_count(const ssp_conf *c)
{
	return c ? c->n : 0;
}

int ssp_conf_entry(const ssp_conf *c, size_t i, const char **section, const char **key,
		   const char **value, unsigned *line)
{
	if (c == NULL || i >= c->n)
		return SSP_ERR_NOT_FOUND;
	if (section)
		*section = c->e[i].section;
	if (key)
		*key = c->e[i].key;
	if (value)
		*value = c->e[i].value;
	if (line)
		*line = c->e[i].line;
	return 0;
}

/* ---- ssp_conf_set: a line-level edit ---- */

static int name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '.' && s[n] != '-')
			return 0;
	return n >= 1 && n <= CONF_SECTION_MAX;
}

static int value_ok(const char *v)
{
	size_t n = strlen(v);

	if (n > 0 && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch < 0x20 && ch != '\t')
			return 0;
		if (ch == 0x7f)
			return 0;
		if (ch == ';' && i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t'))
			return 0; /* would read back as an inline comment */
	}
	return 1;
}

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (np == NULL)
			return SSP_ERR_NOMEM;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* One line of the file: [start, end) without its line end, eol the line end itself. */
struct line {
	const char *start, *end, *eol_end;
};

/* The key of a key line (between indentation and '=' or ':', trailing blanks dropped), as
 * inih reads it; returns 0 when the line is blank, a comment or a section header. */
static int line_key(const struct line *l, const char **k, size_t *klen, const char **sep)
{
	const char *s = l->start, *e;

	while (s < l->end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == l->end || *s == ';' || *s == '#' || *s == '[')
		return 0;
	for (e = s; e < l->end && *e != '=' && *e != ':'; e++)
		;
	if (e == l->end)
		return 0;
	*sep = e;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*k = s;
	*klen = (size_t)(e - s);
	return 1;
}

/* The section name of a header line, or 0. */
static int line_section(const struct line *l, const char **name, size_t *nlen)
{
	const char *s = l->start, *close;

	while (s < l->end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == l->end || *s != '[')
		return 0;
	close = memchr(s, ']', (size_t)(l->end - s));
	if (close == NULL)
		return 0;
	*name = s + 1;
	*nlen = (size_t)(close - s - 1);
	return 1;
}

static int span_eq(const char *s, size_t n, const char *z)
{
	return strlen(z) == n && memcmp(s, z, n) == 0;
}

/* Builds the edited text of old[0..len) into out. */
static int edit_text(const char *old, size_t len, const char *section, const char *key,
		     const char *value, struct buf *out)
{
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0, match = (size_t)-1, anchor = (size_t)-1;
	const char *p = old, *end = old + len;
	int in_target = 0, rc = SSP_ERR_NOMEM;

	/* split into lines */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line l;

		if (nlines == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct line *nl2 = realloc(lines, ncap * sizeof(*nl2));

			if (nl2 == NULL)
				goto out;
			lines = nl2;
			cap = ncap;
		}
		l.start = p;
		l.eol_end = nl ? nl + 1 : end;
		l.end = nl ? nl : end;
		if (l.end > l.start && l.end[-1] == '\r')
			l.end--;
		lines[nlines++] = l;
		p = l.eol_end;
	}
	/* find the key's line, or the last line of the section's last block to insert after */
	for (size_t i = 0; i < nlines; i++) {
		const char *s, *sep;
		size_t n;

		if (line_section(&lines[i], &s, &n)) {
			in_target = span_eq(s, n, section);
			if (in_target)
				anchor = i;
			continue;
		}
		if (!in_target || !line_key(&lines[i], &s, &n, &sep))
			continue;
		anchor = i;
		if (match == (size_t)-1 && span_eq(s, n, key))
			match = i;
	}
	rc = 0;
	for (size_t i = 0; i < nlines && rc == 0; i++) {
		const struct line *l = &lines[i];

		if (i != match) {
			rc = buf_add(out, l->start, (size_t)(l->eol_end - l->start));
		} else {
			const char *k, *sep, *cmt = NULL, *indent_end = l->start;
			size_t kl;

			line_key(l, &k, &kl, &sep);
			while (indent_end < l->end && (*indent_end == ' ' || *indent_end == '\t'))
				indent_end++;
			/* an inline comment: ';' after whitespace, past the separator */
			for (const char *q = sep + 1; q < l->end; q++)
				if (*q == ';' && (q[-1] == ' ' || q[-1] == '\t')) {
					cmt = q;
					while (cmt > sep + 1 && (cmt[-1] == ' ' || cmt[-1] == '\t'))
						cmt--;
					break;
				}
			if ((rc = buf_add(out, l->start, (size_t)(indent_end - l->start))) == 0 &&
			    (rc = buf_str(out, key)) == 0 && (rc = buf_str(out, " = ")) == 0 &&
			    (rc = buf_str(out, value)) == 0 && cmt != NULL)
				rc = buf_add(out, cmt, (size_t)(l->end - cmt));
			if (rc == 0)
				rc = buf_add(out, l->end, (size_t)(l->eol_end - l->end));
			if (rc == 0 && l->eol_end == l->end)
				rc = buf_str(out, "\n");
		}
		if (rc == 0 && match == (size_t)-1 && i == anchor) {
			/* insert after the anchor, with the anchor's line end style */
			int crlf = l->eol_end - l->end == 2;

			if (l->eol_end == l->end)
				rc = buf_str(out, "\n");
			if (rc == 0 && (rc = buf_str(out, key)) == 0 && (rc = buf_str(out, " = ")) == 0 &&
			    (rc = buf_str(out, value)) == 0)
				rc = buf_str(out, crlf ? "\r\n" : "\n");
		}
	}
	if (rc == 0 && anchor == (size_t)-1) {
		/* a new section at the end, after a blank line */
		if (len > 0 && old[len - 1] != '\n')
			rc = buf_str(out, "\n");
		if (rc == 0 && len > 0)
			rc = buf_str(out, "\n");
		if (rc == 0 && (rc = buf_str(out, "[")) == 0 && (rc = buf_str(out, section)) == 0 &&
		    (rc = buf_str(out, "]\n")) == 0 && (rc = buf_str(out, key)) == 0 &&
		    (rc = buf_str(out, " = ")) == 0 && (rc = buf_str(out, value)) == 0)
			rc = buf_str(out, "\n");
	}
	if (rc == 0 && out->p == NULL)
		rc = buf_add(out, "", 0);
out:
	free(lines);
	return rc;
}

int ssp_conf_set(const char *path, const char *section, const char *key, const char *value)
{
	char *old = NULL, *real = NULL;
	const char *target = path;
	size_t len = 0;
	struct buf nb = { NULL, 0, 0 };
	ssp_conf *c = NULL;
	struct stat st;
	mode_t mode = 0600;
	const char *got;
	int rc;

	if (path == NULL || section == NULL || key == NULL || value == NULL || !name_ok(section) ||
	    !name_ok(key) || !value_ok(value))
		return SSP_ERR_INVAL;
	rc = ssp_file_read(path, SSP_CONF_MAX_FILE, &old, &len);
	if (rc == SSP_ERR_NOT_FOUND) {
		/* a new file, unless path is a dangling link */
		if (lstat(path, &st) == 0) {
			rc = SSP_ERR_IO;
			goto out;
		}
		len = 0;
	} else if (rc != 0) {
		goto out;
	} else {
		real = realpath(path, NULL);
		if (real == NULL || stat(real, &st) != 0) {
			rc = SSP_ERR_IO;
			goto out;
		}
		target = real;
		mode = st.st_mode & 07777;
		if ((rc = ssp_conf_parse(old, len, path, &c, NULL)) != 0)
			goto out;
		ssp_conf_free(c);
		c = NULL;
	}
	if ((rc = edit_text(old ? old : "", len, section, key, value, &nb)) != 0)
		goto out;
	/* the result must read back with exactly this value (and still parse) */
	if (ssp_conf_parse(nb.p, nb.len, path, &c, NULL) != 0 ||
	    (got = ssp_conf_get(c, section, key)) == NULL || strcmp(got, value) != 0) {
		rc = SSP_ERR_INVAL;
		goto out;
	}
	rc = ssp_file_write_atomic(target, nb.p, nb.len, mode);
out:
	ssp_conf_free(c);
	free(nb.p);
	free(old);
	free(real);
	return rc;
}
