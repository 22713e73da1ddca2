# client/: ssp_wrapper, the BOINC wrapper application, shipped as one static binary per
# platform: no dynamic section, no BOINC library (BOINC's client-app protocol is
# lib/boinc/ssp_appapi), no jansson, nettle, libxml2 or libcrypto (client/compat/ stands in
# for the little the wrapper's lib modules use of jansson and nettle: a jansson subset and
# SHA-256; client/crypto_min.c for libcrypto). Built from these sources alone, so it never
# links the libssp.a parts that need curl, sqlite or openssl.
SSP_WRAPPER_SRCS = \
	client/main.c client/wrapper.c client/wtask.c client/wproc.c client/crypto_min.c \
	client/compat/minijson.c client/compat/minijson_load.c client/compat/sha256.c \
	lib/core/ssp_err.c lib/core/ssp_log.c lib/core/ssp_file.c lib/core/ssp_hex.c lib/core/ssp_json.c \
	lib/crypto/ssp_sha256.c \
	lib/boinc/ssp_appapi.c lib/boinc/ssp_xml.c lib/boinc/ssp_initdata.c lib/boinc/ssp_jobxml.c \
	lib/boinc/ssp_receipt.c
SSP_WRAPPER_HDRS = client/wrapper.h client/wrapper_int.h client/wproc.h \
	client/compat/include/jansson.h client/compat/include/nettle/sha2.h \
	client/compat/include/openssl/crypto.h client/compat/minijson_int.h
# One compiler run per binary; sections a binary does not use are dropped at link time.
SSP_STATIC_CFLAGS = -std=gnu11 -O2 $(WARN_CFLAGS) -static -ffunction-sections -fdata-sections \
	-Wl,--gc-sections $(SSP_BANNED_CPPFLAGS) -DHAVE_CONFIG_H -I$(top_builddir) -I$(srcdir)/client/compat/include -I$(srcdir)/lib
SSP_WRAPPER_DEPS = $(addprefix $(srcdir)/,$(SSP_WRAPPER_SRCS) $(SSP_WRAPPER_HDRS) \
	lib/core/ssp_err.h lib/core/ssp_log.h lib/core/ssp_file.h lib/core/ssp_hex.h lib/core/ssp_json.h \
	lib/crypto/ssp_sha256.h lib/boinc/ssp_appapi.h lib/boinc/ssp_xml.h lib/boinc/ssp_initdata.h \
	lib/boinc/ssp_jobxml.h lib/boinc/ssp_receipt.h) config.h

# The build machine's ssp_wrapper (x86_64: musl), what `make install` installs and the
# client tests run.
bin_SCRIPTS += client/ssp_wrapper
client/ssp_wrapper: $(SSP_WRAPPER_DEPS)
	$(AM_V_CC)$(MUSL_GCC) $(SSP_STATIC_CFLAGS) -o $@ $(addprefix $(srcdir)/,$(SSP_WRAPPER_SRCS)) -lm
CLEANFILES += client/ssp_wrapper
EXTRA_DIST += $(SSP_WRAPPER_SRCS) $(SSP_WRAPPER_HDRS)

# The app files a project installs, named by BOINC platform (docs/wrapper.md tells how):
# `make wrapper-apps` builds them in client/apps/ and prints their sizes and SHA-256.
# x86_64: musl; aarch64: Debian's cross compiler, glibc linked statically.
SSP_APP_X86_64 = client/apps/ssp_wrapper_$(PACKAGE_VERSION)_x86_64-pc-linux-gnu
SSP_APP_AARCH64 = client/apps/ssp_wrapper_$(PACKAGE_VERSION)_aarch64-unknown-linux-gnu
$(SSP_APP_X86_64): $(SSP_WRAPPER_DEPS)
	@$(MKDIR_P) client/apps
	$(AM_V_CC)$(MUSL_GCC) $(SSP_STATIC_CFLAGS) -s -o $@ $(addprefix $(srcdir)/,$(SSP_WRAPPER_SRCS)) -lm
$(SSP_APP_AARCH64): $(SSP_WRAPPER_DEPS)
	@test -n "$(AARCH64_CC)" || { echo "$@: configure found no aarch64-linux-gnu-gcc (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross, then configure again)" >&2; exit 1; }
	@$(MKDIR_P) client/apps
	$(AM_V_CC)$(AARCH64_CC) $(SSP_STATIC_CFLAGS) -s -o $@ $(addprefix $(srcdir)/,$(SSP_WRAPPER_SRCS)) -lm
wrapper-apps: $(SSP_APP_X86_64) $(SSP_APP_AARCH64)
	@for f in $(SSP_APP_X86_64) $(SSP_APP_AARCH64); do \
		printf '%s  %s bytes  sha256 %s\n' "$$f" "$$(wc -c < $$f)" "$$(sha256sum $$f | cut -d' ' -f1)"; \
	done
.PHONY: wrapper-apps
CLEANFILES += $(SSP_APP_X86_64) $(SSP_APP_AARCH64)

# ssp_sci: the example science application (no BOINC API) and its job.xml.
noinst_PROGRAMS += client/examples/ssp_sci
client_examples_ssp_sci_SOURCES = client/examples/ssp_sci.c
client_examples_ssp_sci_LDADD =
EXTRA_DIST += client/examples/job.xml

# Documentation of the wrapper.
dist_man_MANS += docs/ssp_wrapper.1
dist_doc_DATA += docs/wrapper.md
