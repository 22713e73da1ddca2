# tools/: the `ssp` command (keys, bindings, claims, deploy, export, audit, cosign).
# Their logic is in lib/; each cmd_*.c parses options and prints.
bin_PROGRAMS += tools/ssp
tools_ssp_SOURCES = tools/ssp.c tools/ssp_cmd.h tools/cmd_util.c \
	tools/cmd_key.c tools/cmd_bind.c tools/cmd_claim.c \
	tools/cmd_export.c tools/cmd_audit.c tools/cmd_cosign.c \
	tools/cmd_deploy.c tools/cmd_config.c tools/cmd_status.c tools/cmd_requeue.c
tools_ssp_LDADD = $(SSP_LIBS)

# ssp.conf(5) and docs/ssp.conf.example are generated from the settings table
# (lib/core/ssp_cfg.c) and committed; tests/integration/03-config.sh checks they agree.
dist_man_MANS += docs/ssp.conf.5
EXTRA_DIST += docs/ssp.conf.example
update-config-docs: tools/ssp
	tools/ssp config doc --example > $(srcdir)/docs/ssp.conf.example
	tools/ssp config doc --man > $(srcdir)/docs/ssp.conf.5
.PHONY: update-config-docs
