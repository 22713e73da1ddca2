# shellcheck shell=bash
# Helpers for the web tests (tests/integration/8[023]-web-*.sh). Sourced after
# tests/integration/lib/common.sh and validator.sh.
#
#   web_setup NAME [WEB_CONF_LINES]
#       vt_setup NAME (MariaDB with BOINC's full schema, sql/boinc_fixture.sql, which has every
#       table the web code uses; project dir $P, ssp.conf, ledger), the
#       project's site in $H = $P/html laid out as BOINC's (html/inc: the stand-in,
#       html/project: web/*.inc, html/user: web/ssp_bind.* and the stand-in's pages),
#       `php -S` serving html/user on a free port (stopped on exit), and a [web] section in
#       ssp.conf (ssp, export_dir $T/export, then WEB_CONF_LINES; [validator] binding_delay =
#       $WEB_BINDING_DELAY when set). Fails (never skips) when
#       chromium, php or the npm modules are missing.
#   web_serve    starts php -S (called by web_setup, after the data is in place)
#   browser CMD ARGS...   tests/web/bind_browser.mjs against the site
#   prefs USERID          the user's project_prefs
#   field XML NAME        the text of the first <NAME> in XML
#   json JSON KEY         a key of a JSON object (arrays joined with "; ")
set -u

web_setup() {
	local name=$1 extra=${2:-}
	command -v chromium >/dev/null || ssp_fail "chromium missing (scripts/install-deps.sh)"
	command -v php >/dev/null || ssp_fail "php-cli missing (scripts/install-deps.sh)"
	export SSP_WEB_NODE_MODULES=${SSP_WEB_NODE_MODULES:-$SSP_NODE_MODULES}
	[ -d "$SSP_WEB_NODE_MODULES/puppeteer-core" ] && [ -d "$SSP_WEB_NODE_MODULES/ethers" ] ||
		ssp_fail "puppeteer-core and ethers missing in $SSP_WEB_NODE_MODULES (npm ci)"
	vt_setup "$name"
	# vt_setup's ssp.conf ends in [validator]
	if [ -n "${WEB_BINDING_DELAY:-}" ]; then echo "binding_delay = $WEB_BINDING_DELAY" >>"$P/ssp.conf"; fi
	printf '\n[web]\nssp = %s\nexport_dir = %s\n%s\n' "$SSP" "$T/export" "$extra" >>"$P/ssp.conf"
	H="$P/html"
	mkdir -p "$H/project" "$H/user" "$H/inc"
	cp "$SSP_SRCDIR"/tests/web/boinc-standin/html/inc/* "$H/inc/"
	cp "$SSP_SRCDIR"/tests/web/boinc-standin/html/user/* "$H/user/"
	cp "$SSP_SRCDIR"/web/project_specific_prefs.inc "$SSP_SRCDIR"/web/ssp_prefs.inc "$H/project/"
	cp "$SSP_SRCDIR"/web/ssp_bind.php "$SSP_SRCDIR"/web/ssp_bind.js "$H/user/"
	web_serve
}

web_serve() {
	local _
	WEB_PORT=$(free_port)
	(cd "$H/user" && exec php -S "127.0.0.1:$WEB_PORT" -t . >"$T/php.log" 2>&1) &
	WEB_PHP_PID=$!
	on_exit "kill $WEB_PHP_PID 2>/dev/null || true"
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/prefs.php" && return 0
		sleep 0.1
	done
	ssp_fail "php -S did not start: $(cat "$T/php.log")"
}

browser() { node "$SSP_SRCDIR/tests/web/bind_browser.mjs" "$@" --base "http://127.0.0.1:$WEB_PORT/"; }
prefs() { vt_sql "SELECT project_prefs FROM user WHERE id = $1"; }
field() { sed -n "s:.*<$2>\([^<]*\)</$2>.*:\1:p" <<<"$1" | head -1; }
json() {
	node -e 'const v = JSON.parse(process.argv[1])[process.argv[2]]; console.log(Array.isArray(v) ? v.join("; ") : v)' "$1" "$2"
}
