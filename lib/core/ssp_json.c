/* Strict readers of JSON members (see ssp_json.h). */
#include "core/ssp_json.h"
#include "core/ssp_hex.h"

#include <math.h>
#include <string.h>

const char *ssp_json_type(const json_t *v)
{
	if (v == NULL)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* WHERE.NAME (or NAME) for messages, with anything unprintable in NAME replaced. */
static const char *label(const char *where, const char *name, char *buf, size_t cap)
{
	char clean[41];
	size_t k;

	for (k = 0; name[k] != '\0' && k < sizeof clean - 1; k++)
		clean[k] = (name[k] < 0x20 || name[k] >= 0x7f || name[k] == '"') ? '?' : name[k];
	clean[k] = '\0';
	snprintf(buf, cap, "%s%s%s", where ? where : "", where && *where ? "." : "", clean);
	return buf;
}

int ssp_json_known(const json_t *obj, const char *where, const char *const *names, size_t n,
		   ssp_errmsg *em)
{
	const char *key;
	json_t *v;
	char l[160];

	if (!json_is_object(obj))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: expected an object, got %s", where,
				      ssp_json_type(obj));
	json_object_foreach((json_t *)obj, key, v) {
		size_t i;

		for (i = 0; i < n && strcmp(key, names[i]) != 0; i++)
			;
		if (i == n)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: unknown member", label(where, key, l, sizeof l));
	}
	return 0;
}

int ssp_json_members(const json_t *obj, const char *where, const char *const *names, size_t n,
		     ssp_errmsg *em)
{
	char l[160];
	int rc;

	if ((rc = ssp_json_known(obj, where, names, n, em)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (json_object_get(obj, names[i]) == NULL)
			return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: missing", label(where, names[i], l, sizeof l));
	return 0;
}

/* The member, or an error naming what it is instead of want (an absent one: "missing"). */
static int member(const json_t *obj, const char *where, const char *name, json_type want, json_t **v,
		  ssp_errmsg *em)
{
	char l[160];

	*v = NULL;
	if (obj == NULL)
		return SSP_ERR_INVAL;
	*v = json_object_get(obj, name);
	if (*v == NULL)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: missing", label(where, name, l, sizeof l));
	if (json_typeof(*v) != want && !(want == JSON_REAL && json_is_integer(*v))) {
		ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: expected %s, got %s", label(where, name, l, sizeof l),
			       want == JSON_OBJECT ? "an object" : want == JSON_ARRAY ? "an array" :
			       want == JSON_STRING ? "a string" :
			       want == JSON_INTEGER ? "an integer" : "a number", ssp_json_type(*v));
		*v = NULL;
		return SSP_ERR_PARSE;
	}
	return 0;
}

int ssp_json_object(const json_t *obj, const char *where, const char *name, json_t **out, ssp_errmsg *em)
{
	return member(obj, where, name, JSON_OBJECT, out, em);
}

int ssp_json_array(const json_t *obj, const char *where, const char *name, size_t max, json_t **out,
		   ssp_errmsg *em)
{
	char l[160];
	int rc;

	if ((rc = member(obj, where, name, JSON_ARRAY, out, em)) != 0)
		return rc;
	if (json_array_size(*out) > max) {
		*out = NULL;
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: more than %zu elements", label(where, name, l, sizeof l),
				      max);
	}
	return 0;
}

int ssp_json_str(const json_t *obj, const char *where, const char *name, size_t cap, int optional,
		 const char **out, ssp_errmsg *em)
{
	json_t *v;
	char l[160];
	int rc;

	*out = NULL;
	if (optional && obj != NULL && json_object_get(obj, name) == NULL)
		return 0;
	if ((rc = member(obj, where, name, JSON_STRING, &v, em)) != 0)
		return rc;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: NUL in string", label(where, name, l, sizeof l));
	if (json_string_length(v) > cap)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: longer than %zu bytes", label(where, name, l, sizeof l),
				      cap);
	*out = json_string_value(v);
	return 0;
}

/* Member name of obj as a JSON integer: *i. */
static int integer(const json_t *obj, const char *where, const char *name, json_int_t *i, ssp_errmsg *em)
{
	json_t *v;
	int rc = member(obj, where, name, JSON_INTEGER, &v, em);

	if (rc == 0)
		*i = json_integer_value(v);
	return rc;
}

int ssp_json_u64(const json_t *obj, const char *where, const char *name, uint64_t lo, uint64_t hi,
		 uint64_t *out, ssp_errmsg *em)
{
	json_int_t i;
	char l[160];
	int rc;

	if ((rc = integer(obj, where, name, &i, em)) != 0)
		return rc;
	if (i < 0 || (uint64_t)i < lo || (uint64_t)i > hi)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: out of range (%llu..%llu)",
				      label(where, name, l, sizeof l), (unsigned long long)lo, (unsigned long long)hi);
	*out = (uint64_t)i;
	return 0;
}

int ssp_json_i64(const json_t *obj, const char *where, const char *name, int64_t lo, int64_t hi,
		 int64_t *out, ssp_errmsg *em)
{
	json_int_t i;
	char l[160];
	int rc;

	if ((rc = integer(obj, where, name, &i, em)) != 0)
		return rc;
	if (i < lo || i > hi)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: out of range (%lld..%lld)",
				      label(where, name, l, sizeof l), (long long)lo, (long long)hi);
	*out = (int64_t)i;
	return 0;
}

int ssp_json_double(const json_t *obj, const char *where, const char *name, double lo, double hi,
		    double *out, ssp_errmsg *em)
{
	json_t *v;
	double d;
	char l[160];
	int rc;

	if ((rc = member(obj, where, name, JSON_REAL, &v, em)) != 0)
		return rc;
	d = json_number_value(v);
	if (!isfinite(d) || d < lo || d > hi)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: out of range (%g..%g)", label(where, name, l, sizeof l),
				      lo, hi);
	*out = d;
	return 0;
}

int ssp_json_hex(const json_t *obj, const char *where, const char *name, int prefix, uint8_t *out, size_t n,
		 ssp_errmsg *em)
{
	const char *s;
	char l[160];
	int rc;

	if ((rc = ssp_json_str(obj, where, name, 2 * n + 2, 0, &s, em)) != 0)
		return rc;
	if ((prefix && strncmp(s, "0x", 2) != 0) || ssp_hex_decode_exact(s, out, n) != 0)
		return ssp_errmsg_set(em, SSP_ERR_PARSE, "%s: expected %s%zu hex digits", label(where, name, l, sizeof l),
				      prefix ? "\"0x\" and " : "", 2 * n);
	return 0;
}
