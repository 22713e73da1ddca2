#!/usr/bin/env bash
# Benchmark of ssp_signer: claims signed and sealed per second by the one signer of a
# project while two validators (--mod 2 0 and --mod 2 1, --threads 2 each) feed it through
# the outbox, by the signer alone draining a full outbox, and by its grant scan claiming what
# the project's own validator granted. Work units with quorum 2 and
# small outputs in a private MariaDB (durable commits), every user bound, batches of 256;
# the SQLite ledger with synchronous=FULL. Prints figures; never fails on them.
#   SSP_BENCH_SIGNER_WUS  work units per run (default 20000)
#   SSP_BENCH_USERS       users (default 200; hosts: twice as many)
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"

NWU=${SSP_BENCH_SIGNER_WUS:-20000}
NUSERS=${SSP_BENCH_USERS:-200}
NHOSTS=$((NUSERS * 2))
vt_setup bench-signer
sed -i "s|<db_host>.*</db_host>|<db_host>$SSP_MARIADB_SOCKET</db_host>|" "$P/config.xml"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	SHM=$(mktemp -d /dev/shm/ssp-bench-upload-XXXXXX)
	on_exit "rm -rf '$SHM'"
	rmdir "$P/upload" && ln -s "$SHM" "$P/upload"
fi
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
claims() { vt_ledger "SELECT count(*) FROM claims" 2>/dev/null || echo 0; }
unbatched() { vt_ledger "SELECT count(*) FROM claims WHERE batch_id IS NULL" 2>/dev/null || echo 0; }
batches() { vt_ledger "SELECT count(*) FROM batches" 2>/dev/null || echo 0; }

{ echo app; for ((u = 1; u <= NUSERS; u++)); do echo "user $u"; done; } | vt_spec
for ((u = 1; u <= NUSERS; u++)); do vt_bind "$u" "$(vt_key "$u")" >/dev/null; done
echo "setup: $NUSERS bound users, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

validators() {
	local i
	for i in 0 1; do
		"$VALIDATOR" --app ssp --one_pass --project_dir "$P" --mod 2 "$i" --threads 2 \
			>"$T/mod$i.log" 2>&1 &
		eval "vpid$i=\$!"
	done
	wait "$vpid0" || ssp_fail "--mod 2 0 failed"
	wait "$vpid1" || ssp_fail "--mod 2 1 failed"
}

# 1. fed by two validators at once
echo "bulk $NWU $NUSERS $NHOSTS 1" | vt_spec
c0=$(claims)
b0=$(batches)
"$SIGNER" --project_dir "$P" --sleep_interval 1 --batch_size 256 --batch_window 100000 \
	>"$T/signer.log" 2>&1 &
spid=$!
on_exit "kill $spid 2>/dev/null || true"
t0=$(now)
validators
tv=$(now)
want=$((c0 + 2 * NWU))
while [ "$(claims)" -lt "$want" ] || [ "$(unbatched)" -ge 256 ]; do
	kill -0 "$spid" 2>/dev/null || ssp_fail "the signer died: $(tail -3 "$T/signer.log")"
	sleep 0.2
done
ts=$(now)
kill -TERM "$spid"
wait "$spid" || true
n=$(($(claims) - c0))
echo "fed by 2 validators: $NWU work units, $n claims"
echo "  validators: $(rate "$NWU" "$t0" "$tv") work units per second ($(secs "$t0" "$tv") s)"
echo "  signer: $(rate "$n" "$t0" "$ts") claims signed and sealed per second over the run;" \
	"done $(secs "$tv" "$ts") s after the validators; $(($(batches) - b0)) batches"

# 2. the signer alone on a full outbox
echo "bulk $NWU $NUSERS $NHOSTS $((NWU + 1))" | vt_spec
validators
c0=$(claims)
b0=$(batches)
t0=$(now)
vt_sign --batch_size 256 --batch_window 100000 || ssp_fail "signer failed"
t1=$(now)
n=$(($(claims) - c0))
echo "signer alone: $n outbox credits copied, signed and sealed in $(secs "$t0" "$t1") s:" \
	"$(rate "$n" "$t0" "$t1") claims per second ($(($(batches) - b0)) batches);" \
	"$(rate $((n / 2)) "$t0" "$t1") work units per second of quorum 2"
vt_check_consistency

# 3. the project's own validator: the same rows marked VALID as BOINC's validator leaves them
# (its update_result and update_workunit, here one statement for all), claimed by the grant scan
first=$((2 * NWU + 1))
echo "bulk $NWU $NUSERS $NHOSTS $first" | vt_spec
vt_sql "UPDATE result SET validate_state = 1, granted_credit = 12.3456789 + id / 1e6, server_state = 5,
	outcome = 1 WHERE workunitid >= $first"
vt_sql "UPDATE workunit SET need_validate = 0, assimilate_state = 1 WHERE id >= $first"
c0=$(claims)
t0=$(now)
vt_sign --batch_size 256 --batch_window 100000 --grant_app ssp --grant_since 1 ||
	ssp_fail "signer (grant scan) failed: $(tail -3 "$T/sign.log")"
t1=$(now)
n=$(($(claims) - c0))
[ "$n" = $((2 * NWU)) ] || ssp_fail "grant scan: $n claims for $((2 * NWU)) results"
echo "signer, keeping the project's validator: $n granted results read (among $((6 * NWU)) valid" \
	"ones), credited, signed and sealed in $(secs "$t0" "$t1") s: $(rate "$n" "$t0" "$t1") per second"
echo "aim: the signer keeps up with 1000 work units (2000 claims) per second"
