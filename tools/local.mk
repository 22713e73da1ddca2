# tools/: the `ssp` command (keys, bindings, claims; later deploy, export, audit).
bin_PROGRAMS += tools/ssp
tools_ssp_SOURCES = tools/ssp.c tools/ssp_cmd.h tools/cmd_util.c \
	tools/cmd_key.c tools/cmd_bind.c tools/cmd_claim.c
tools_ssp_LDADD = $(SSP_LIBS)
# export, audit, cosign (their logic is lib/ssp_export*.c, lib/ssp_audit*.c).
tools_ssp_SOURCES += tools/cmd_export.c tools/cmd_audit.c tools/cmd_cosign.c
# `ssp deploy` (its logic is lib/ssp_bridge_deploy.c).
tools_ssp_SOURCES += tools/cmd_deploy.c

TESTS += tests/integration/01-ssp-cli.sh
EXTRA_DIST += tests/integration/01-ssp-cli.sh tests/integration/lib/common.sh
