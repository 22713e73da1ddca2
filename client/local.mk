# client/: ssp_wrapper, the BOINC wrapper application (BOINC's client-app protocol is
# lib/boinc/ssp_appapi: no BOINC library is linked).
bin_PROGRAMS += client/ssp_wrapper
client_ssp_wrapper_SOURCES = client/main.c client/wrapper.c client/wrapper.h \
	client/wrapper_int.h client/wtask.c client/wproc.c client/wproc.h client/crypto_min.c
# --as-needed keeps the libraries the wrapper does not use (curl, sqlite, libxml2, ...) out
# of its process: every mapped library costs resident memory on the volunteer's machine.
# client/crypto_min.c defines what it uses of libcrypto, so that is not a dependency either.
client_ssp_wrapper_LDFLAGS = $(AM_LDFLAGS) -Wl,--as-needed
client_ssp_wrapper_LDADD = $(SSP_LIBS)

# ssp_sci: the example science application (no BOINC API) and its job.xml.
noinst_PROGRAMS += client/examples/ssp_sci
client_examples_ssp_sci_SOURCES = client/examples/ssp_sci.c
client_examples_ssp_sci_LDADD =
EXTRA_DIST += client/examples/job.xml

# Documentation of the wrapper.
dist_man_MANS += docs/ssp_wrapper.1
dist_doc_DATA += docs/wrapper.md
