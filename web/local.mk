# web/: the BOINC project web integration (docs/web.md). Installed to $(pkgdatadir)/web,
# from where an admin copies it into the project's html/ tree (html/project: the .inc
# files; html/user: ssp_bind.php and ssp_bind.js).
sspwebdir = $(pkgdatadir)/web
dist_sspweb_DATA = \
	web/project_specific_prefs.inc \
	web/ssp_prefs.inc \
	web/ssp_bind.php \
	web/ssp_bind.js

# The web tests' browser driver and the stand-in of BOINC's web code (tests only).
EXTRA_DIST += tests/web
