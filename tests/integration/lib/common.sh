# Shared helpers for the integration tests (sourced).
#   ssp_test_init NAME   private temp dir in $T (removed on exit), PATH set up
#   ssp_fail MSG         prints "FAIL: MSG" and exits 1
#   ssp_ok MSG           prints "ok: MSG"
#   assert_eq A B MSG    fails unless A = B
#   assert_contains HAYSTACK NEEDLE MSG
#   expect_status N MSG CMD...   runs CMD, fails unless its exit status is N;
#                        its stdout+stderr are left in $OUT
#   free_port            prints a free TCP port on 127.0.0.1
#   on_exit CMD          adds CMD to the exit trap (run in reverse order)
# Every integration script runs under `set -euo pipefail`: sourcing this file sets it (the
# scripts say so themselves too). Sourcing it twice is harmless.
set -euo pipefail
[ -z "${_SSP_COMMON_SH:-}" ] || return 0
_SSP_COMMON_SH=1

: "${SSP_SRCDIR:?SSP_SRCDIR must be set (run through make check)}"
: "${SSP_BUILDDIR:?SSP_BUILDDIR must be set (run through make check)}"
SSP_NODE_MODULES=${SSP_NODE_MODULES:-$SSP_SRCDIR/node_modules}
CAST="$SSP_NODE_MODULES/.bin/cast"
ANVIL="$SSP_NODE_MODULES/.bin/anvil"
SSP="$SSP_BUILDDIR/tools/ssp"

_ssp_exit_cmds=()
_ssp_run_exit() {
	local i
	for ((i = ${#_ssp_exit_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_ssp_exit_cmds[$i]}" || true
	done
}
on_exit() { _ssp_exit_cmds+=("$1"); }
trap _ssp_run_exit EXIT

ssp_test_init() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/ssp-$1-XXXXXX")
	on_exit "rm -rf '$T'"
	cd "$T"
}
ssp_fail() { echo "FAIL: $*" >&2; exit 1; }
ssp_ok() { echo "ok: $*"; }
assert_eq() { [ "$1" = "$2" ] || ssp_fail "$3: expected '$2', got '$1'"; }
assert_contains() {
	case "$1" in *"$2"*) ;; *) ssp_fail "$3: '$2' not found in: $1" ;; esac
}
expect_status() {
	local want=$1 msg=$2 got=0
	shift 2
	OUT=$("$@" 2>&1) || got=$?
	[ "$got" = "$want" ] || ssp_fail "$msg: exit status $got, expected $want; output: $OUT"
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
