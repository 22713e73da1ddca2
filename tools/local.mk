# tools/: the `ssp` command (keys, bindings, claims, deploy, export, audit, cosign).
# Their logic is in lib/; each cmd_*.c parses options and prints.
bin_PROGRAMS += tools/ssp
tools_ssp_SOURCES = tools/ssp.c tools/ssp_cmd.h tools/cmd_util.c \
	tools/cmd_key.c tools/cmd_bind.c tools/cmd_claim.c \
	tools/cmd_export.c tools/cmd_audit.c tools/cmd_cosign.c \
	tools/cmd_deploy.c tools/cmd_status.c tools/cmd_requeue.c
tools_ssp_LDADD = $(SSP_LIBS)
