/* Keeps libxml2 and libcrypto out of ssp_wrapper's long-running process.
 *
 * The wrapper stays resident for the whole job, next to the science task, on the volunteer's
 * machine. Mapping libxml2 (with ICU) and libcrypto would add about 5 MB to its resident set
 * for two small jobs done once: reading job.xml and init_data.xml at the start. So:
 *  - the libxml2 functions lib/ssp_jobxml.c and lib/ssp_initdata.c call are defined here and
 *    forward to libxml2 loaded with dlopen() on first use; the wrapper calls the parsers only
 *    in a short-lived child process (wrapper.c), so libxml2 is only ever mapped there;
 *  - the two libcrypto helpers lib/ssp_hex.c uses (ssp_wipe, ssp_memeq_ct) are implemented
 *    here, so that libcrypto is not linked at all.
 * The wrapper is linked with --as-needed: with every symbol defined here, neither library is
 * a dependency of the executable (check with `readelf -d client/ssp_wrapper`). */
#include <dlfcn.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wrapper.h"

static void *xml_lib;

static void *xml_sym(const char *name)
{
	void *p;

	if (xml_lib == NULL) {
		xml_lib = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
		if (xml_lib == NULL) {
			fprintf(stderr, "ssp_wrapper: cannot load libxml2: %s\n", dlerror());
			_exit(SSP_WRAPPER_EXIT_INIT);
		}
	}
	p = dlsym(xml_lib, name);
	if (p == NULL) {
		fprintf(stderr, "ssp_wrapper: libxml2 lacks %s\n", name);
		_exit(SSP_WRAPPER_EXIT_INIT);
	}
	return p;
}

/* One forwarding definition per function: the prototypes come from libxml2's own headers. */
#define FORWARD(ret, name, params, args)                          \
	ret name params                                           \
	{                                                         \
		static ret(*fn) params;                           \
		if (fn == NULL)                                   \
			*(void **)&fn = xml_sym(#name);           \
		return fn args;                                   \
	}
#define FORWARD_VOID(name, params, args)                          \
	void name params                                          \
	{                                                         \
		static void(*fn) params;                          \
		if (fn == NULL)                                   \
			*(void **)&fn = xml_sym(#name);           \
		fn args;                                          \
	}

FORWARD_VOID(xmlInitParser, (void), ())
FORWARD(xmlDocPtr, xmlReadMemory, (const char *buffer, int size, const char *URL, const char *encoding, int options),
	(buffer, size, URL, encoding, options))
FORWARD(xmlErrorPtr, xmlGetLastError, (void), ())
FORWARD_VOID(xmlFreeDoc, (xmlDocPtr cur), (cur))
FORWARD(xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))
FORWARD(int, xmlDictOwns, (xmlDictPtr dict, const xmlChar *str), (dict, str))
FORWARD(xmlBufferPtr, xmlBufferCreate, (void), ())
FORWARD(int, xmlNodeDump, (xmlBufferPtr buf, xmlDocPtr doc, xmlNodePtr cur, int level, int format),
	(buf, doc, cur, level, format))
FORWARD(int, xmlBufferLength, (const xmlBuffer *buf), (buf))
FORWARD(const xmlChar *, xmlBufferContent, (const xmlBuffer *buf), (buf))
FORWARD_VOID(xmlBufferFree, (xmlBufferPtr buf), (buf))

/* libcrypto's contracts: zero memory in a way the compiler keeps; compare in constant time
 * (0 when equal). */
void OPENSSL_cleanse(void *ptr, size_t len)
{
	volatile unsigned char *p = ptr;

	while (len--)
		*p++ = 0;
}

int CRYPTO_memcmp(const void *in_a, const void *in_b, size_t len)
{
	const volatile unsigned char *a = in_a, *b = in_b;
	unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d;
}
