#!/bin/bash
# 60-demo.sh — runs the end-to-end demo (scripts/demo.sh --no-install --builddir BUILDDIR)
# against the built tree and checks what it printed and what it left behind:
#   - it exits 0 within 5 minutes, with its twelve numbered steps in order, and says plainly
#     where it stands in for BOINC's upload handler and scheduler;
#   - the credit granted to each volunteer is what the work units' rsc_fpops_est are worth
#     (fpops × 200 / 86400e9 cobblestones, computed here from the printed work units), and
#     each SSP balance read from the chain equals that credit × the rate the minter reports;
#   - the audit is clean;
#   - no process it started is left (none has its temporary directory in its command line
#     or working directory), its temporary directory is gone, and it created nothing in
#     TMPDIR, HOME or the build tree outside its temporary directory.
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/common.sh"

for t in boinc mariadbd mariadb-install-db python3 sqlite3 md5sum; do
	if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
		echo "SKIP: $t is not installed (scripts/install-deps.sh)"
		exit 77
	fi
done

P=$(mktemp -d "${TMPDIR:-/tmp}/ssp-60demo-XXXXXX")
on_exit "rm -rf '$P'"
mkdir -p "$P/tmp" "$P/home"
fails=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
eq() { [ "$1" = "$2" ] && return 0; echo "  got:  $1" >&2; echo "  want: $2" >&2; return 1; }
has() { grep -qF -- "$1" "$P/out"; }

touch "$P/stamp"
sleep 1 # so that files written by the demo are strictly newer than the stamp
start=$(date +%s)
HOME=$P/home TMPDIR=$P/tmp "$SSP_SRCDIR/scripts/demo.sh" --no-install --builddir "$SSP_BUILDDIR" \
	--workunits 2 >"$P/out" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))
sed 's/^/# /' "$P/out"

check "demo.sh exits 0" eq "$rc" 0
check "demo.sh takes under 5 minutes ($elapsed s)" [ "$elapsed" -lt 300 ]
steps=$(grep -oE '^\[[0-9]+/[0-9]+\]' "$P/out" | paste -sd' ' -)
check "twelve numbered steps, in order" eq "$steps" \
	"[1/12] [2/12] [3/12] [4/12] [5/12] [6/12] [7/12] [8/12] [9/12] [10/12] [11/12] [12/12]"
check "says it stands in for BOINC's upload handler" has "STAND-IN: the demo stands in for BOINC's upload handler"
check "says it stands in for BOINC's scheduler" has "STAND-IN: the demo stands in for BOINC's scheduler"
check "SSPToken and ShareMinter deployed by ssp deploy" eval 'grep -qE "^ +\| minter 0x[0-9a-fA-F]{40}$" "$P/out"'

# ---- balances = credit × rate, with the credit computed here from the work units
rate=$(sed -n 's/^ *rate \([0-9][0-9]*\) wei per micro-cobblestone.*/\1/p' "$P/out" | head -n 1)
check "the minter's rate is printed" [ -n "$rate" ]
fpops=$(sed -n 's/^ *work unit [^:]*:.*rsc_fpops_est \([0-9.e+]*\),.*/\1/p' "$P/out" | paste -sd' ' -)
check "two work units printed with their rsc_fpops_est" eq "$(echo "$fpops" | wc -w)" 2
for who in alice bob; do
	row=$(grep -E "^ +$who +[0-9]+ +0x[0-9a-fA-F]{40} " "$P/out" | head -n 1)
	if [ -z "$row" ]; then
		not_ok "balance row of $who"
		continue
	fi
	# shellcheck disable=SC2086
	verdict=$(python3 - "${rate:-0}" "$fpops" $row <<'EOF'
import sys
from decimal import Decimal
rate = int(sys.argv[1])
fpops = [float(x) for x in sys.argv[2].split()]
name, user, addr, credit, expected, balance, check = sys.argv[3:10]
# credit per result: fpops * 200 / 86400e9 cobblestones, in micro-cobblestones (llround)
want_micro = sum(int(f * 200 / 86400e9 * 1e6 + 0.5) for f in fpops)
got_micro = int(Decimal(credit) * 10**6)
bal = int(Decimal(balance) * 10**18)
errs = []
if got_micro != want_micro:
    errs.append("credit %s, the work units are worth %d micro-cobblestones" % (credit, want_micro))
if bal != want_micro * rate:
    errs.append("balance %d wei, credit x rate is %d" % (bal, want_micro * rate))
if int(Decimal(expected) * 10**18) != want_micro * rate:
    errs.append("printed expectation %s" % expected)
if check != "ok":
    errs.append("the demo's own check says %s" % check)
print("; ".join(errs) if errs else "ok")
EOF
	)
	check "$who: credit = the work units' worth, SSP balance = credit × rate ($verdict)" eq "$verdict" ok
done
check "total supply is the sum of the balances" has "= sum of the balances: ok"

# ---- the audit
check "ssp audit reports no discrepancies" eval 'grep -qE "^ +\| result +CLEAN: no discrepancies" "$P/out"'
check "ssp audit checked both users against BOINC's stats" has "stats     2 users' claimed credit checked"
check "the demo ends with a clean audit" has "AUDIT CLEAN:"

# ---- nothing left behind
tmpdir=$(sed -n 's/^ *temporary directory: //p' "$P/out" | head -n 1)
check "the temporary directory was printed" [ -n "$tmpdir" ]
check "it is inside TMPDIR" eval 'case "$tmpdir" in "$P/tmp/"*) true ;; *) false ;; esac'
check "the temporary directory is gone" eval '[ -n "$tmpdir" ] && [ ! -e "$tmpdir" ]'
check "nothing else in TMPDIR" eq "$(ls -A "$P/tmp")" ""
check "nothing in HOME" eq "$(ls -A "$P/home")" ""
newfiles=$(find "$SSP_BUILDDIR" -newer "$P/stamp" -not -path "$SSP_BUILDDIR/tests/*" 2>/dev/null | head -n 5)
check "nothing new in the build tree" eq "$newfiles" ""
left=
if [ -n "$tmpdir" ]; then
	for p in /proc/[0-9]*; do
		cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
		case "$cwd" in "$tmpdir" | "$tmpdir"/*) left="$left ${p#/proc/}" ;; esac
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case "$cmd" in *"$tmpdir"*) left="$left ${p#/proc/}" ;; esac
	done
fi
check "no process left running from the demo's directory" eq "$left" ""
for pid in $(sed -n 's/.* pid \([0-9][0-9]*\)[,;].*/\1/p' "$P/out"); do
	cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
	case "$cmd" in *"$tmpdir"*) not_ok "process $pid started by the demo is still running" ;; esac
done

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
