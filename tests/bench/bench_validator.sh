#!/usr/bin/env bash
# Benchmark of ssp_validator: work units with quorum 2 and small outputs in a private
# MariaDB on disk with durable commits (innodb_flush_log_at_trx_commit=1), every user bound,
# so each result's receipt and output are checked, the pair compared, credited in the BOINC
# database (one transaction per work unit), copied to the SQLite ledger (synchronous=FULL)
# and claimed (ECDSA), and batches of 256 sealed and signed. The upload tree is on tmpfs
# (/dev/shm) only to make creating 400,000 files quick; the validator reads them from the
# page cache either way. Prints figures; never fails on them.
#   SSP_BENCH_WUS      work units of the main run (default 100000)
#   SSP_BENCH_THREADS  --threads of the main run (default 4)
#   SSP_BENCH_USERS    users (default 200; hosts: twice as many)
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"

NWU=${SSP_BENCH_WUS:-100000}
THREADS=${SSP_BENCH_THREADS:-4}
NUSERS=${SSP_BENCH_USERS:-200}
NHOSTS=$((NUSERS * 2))
BASE=$((NWU / 10))
vt_setup bench-validator
# the database over its Unix socket; the upload tree on tmpfs when there is one
sed -i "s|<db_host>.*</db_host>|<db_host>$SSP_MARIADB_SOCKET</db_host>|" "$P/config.xml"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	SHM=$(mktemp -d /dev/shm/ssp-bench-upload-XXXXXX)
	on_exit "rm -rf '$SHM'"
	rmdir "$P/upload" && ln -s "$SHM" "$P/upload"
fi

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU seconds (user + system) used so far by this shell's finished children
# (times runs in this shell, not in a subshell that would have no children)
child_cpu() {
	times >"$T/times"
	tail -1 "$T/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

run() { # LABEL NWU FIRST_WU_ID -- validator args...
	local label=$1 n=$2 first=$3 t0 t1 c0 c1 v0 v1 nclaim0 nclaim nwu0 nwu vms dms
	shift 4
	echo "bulk $n $NUSERS $NHOSTS $first" | vt_spec
	nwu0=$(vt_sql "SELECT count(*) FROM workunit WHERE canonical_resultid > 0")
	nclaim0=$(vt_ledger "SELECT count(*) FROM claims" 2>/dev/null || echo 0)
	c0=$(awk '{ print $14 + $15 }' "/proc/$SSP_MARIADB_PID/stat")
	child_cpu >"$T/v0"
	t0=$(now)
	"$@"
	t1=$(now)
	child_cpu >"$T/v1"
	v0=$(cat "$T/v0")
	v1=$(cat "$T/v1")
	c1=$(awk '{ print $14 + $15 }' "/proc/$SSP_MARIADB_PID/stat")
	nwu=$(($(vt_sql "SELECT count(*) FROM workunit WHERE canonical_resultid > 0") - nwu0))
	nclaim=$(($(vt_ledger "SELECT count(*) FROM claims") - nclaim0))
	[ "$nwu" = "$n" ] || ssp_fail "$label: only $nwu of $n work units validated"
	[ "$nclaim" = $((2 * n)) ] || ssp_fail "$label: $nclaim claims for $((2 * n)) results"
	vt_check_consistency
	echo "$label: $n work units ($((2 * n)) results, $nclaim claims) in $(secs "$t0" "$t1") s," \
		"load average $(load)"
	echo "  work units validated+credited+claimed per second: $(rate "$n" "$t0" "$t1")"
	vms=$(awk -v a="$v0" -v b="$v1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) * 1000 / n }')
	dms=$(awk -v c=$((c1 - c0)) -v n="$n" 'BEGIN { printf "%.2f", c * 10 / n }')
	echo "  results per second: $(rate $((2 * n)) "$t0" "$t1")"
	echo "  CPU per work unit: validator $vms ms + mariadbd $dms ms; two idle cores would allow" \
		"$(awk -v a="$vms" -v b="$dms" 'BEGIN { printf "%.0f", 2000 / (a + b) }') per second"
}

validator() { vt_run --batch_size 256 --batch_window 100000 "$@" || ssp_fail "run failed: $(tail -3 "$T/run.log")"; }
two_mods() {
	local i
	for i in 0 1; do
		"$VALIDATOR" --app ssp --one_pass --project_dir "$P" --mod 2 "$i" --threads "$THREADS" \
			--batch_size 256 --batch_window 100000 >"$T/mod$i.log" 2>&1 &
		eval "pid$i=\$!"
	done
	wait "$pid0" || ssp_fail "--mod 2 0 failed"
	wait "$pid1" || ssp_fail "--mod 2 1 failed"
	vt_sign --batch_size 256 --batch_window 100000 || ssp_fail "signer failed"
}

t0=$(now)
{ echo app; for ((u = 1; u <= NUSERS; u++)); do echo "user $u"; done; } | vt_spec
for ((u = 1; u <= NUSERS; u++)); do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done
[ "$(vt_sql "SELECT count(*) FROM user WHERE project_prefs LIKE '%ssp_binding%'")" = "$NUSERS" ] ||
	ssp_fail "bindings not stored"
echo "setup: $NUSERS bound users, MariaDB $(mariadbd --version 2>/dev/null | awk '{print $3}'), $(nproc) cores," \
	"load average $(load)"

run "1 validator, 1 thread (BOINC's way)" "$BASE" 1 -- validator --threads 1
run "1 validator, --threads $THREADS" "$NWU" $((BASE + 1)) -- validator --threads "$THREADS"
run "2 validators (--mod 2), --threads $THREADS each" "$BASE" $((BASE + NWU + 1)) -- two_mods
echo "aim: >= 1000 work units per second on 2 cores (total bench time $(secs "$t0" "$(now)") s)"
