#!/bin/bash
# The backup and restore runbook of docs/operations.md ("Ledger backup and restore"):
#  A. online backups (`sqlite3 LEDGER ".backup FILE"`, SQLite's backup API) taken while
#     ssp_bridge mints and new batches are sealed: each passes PRAGMA integrity_check and
#     is a consistent snapshot (`ssp status` on it: claims = last seq, batches cover them);
#  B. restore after the ledger is lost: the backup knew batches as SEALED and SUBMITTED that
#     the chain minted afterwards; with the daemons stopped the backup is put in place, and the
#     bridge records those mints from the chain (receipts, BatchMinted events) without sending
#     anything again: every batch minted once, the bridge's nonce = its useful transactions;
#  C. a backup older than claims the chain minted: `ssp status` reports it as a problem.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init runbook-backup
bridge_deploy
command -v sqlite3 >/dev/null || ssp_fail "sqlite3 is missing (scripts/install-deps.sh)"
L=$T/ledger.sqlite

# A. Backups under load.
bridge_seal 6 3 3 1
"$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.05 -d 3 >>"$T/daemon.log" 2>&1 &
DPID=$!
on_exit "kill -9 $DPID 2>/dev/null || :"
first=7
for n in 1 2 3 4 5; do
	bridge_seal 3 3 3 "$first"
	first=$((first + 3))
	"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
	sqlite3 "$L" ".backup '$T/b$n.sqlite'" || ssp_fail "backup $n"
	assert_eq "$(sqlite3 "$T/b$n.sqlite" 'PRAGMA integrity_check')" ok "backup $n integrity"
	sed "s|^ledger = .*|ledger = $T/b$n.sqlite|" "$T/ssp.conf" >"$T/b$n.conf"
	"$SSP" status --conf "$T/b$n.conf" --json >"$T/b$n.json" || :
	python3 - "$T/b$n.json" <<'PY' || ssp_fail "backup $n is not a consistent snapshot"
import json, sys
l = json.load(open(sys.argv[1]))["ledger"]
assert l["claims"] == l["last_seq"] == l["credits"], l
assert sum(l["batches"].values()) * 3 == l["claims"] - l["claims_unbatched"], l
PY
done
kill -0 "$DPID" 2>/dev/null || ssp_fail "the bridge died during the backups"
ssp_ok "5 online backups while the bridge minted and batches were sealed: intact, consistent"
for i in $(seq 1 300); do
	[ "$(bstat FINAL)" = 7 ] && break
	"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
	sleep 0.1
done
assert_eq "$(bstat FINAL)" 7 "all batches FINAL"
kill -TERM "$DPID"; wait "$DPID" || ssp_fail "bridge exit status"

# B. A backup that knows batches as SEALED and SUBMITTED, then the chain moves on.
bridge_seal 9 3 3 22
"$BRIDGE" --conf "$T/ssp.conf" --one_pass >>"$T/bridge.log" 2>&1 || ssp_fail "one pass"
assert_eq "$(bstat SUBMITTED)" 1 "one batch submitted before the backup"
assert_eq "$(bstat SEALED)" 2 "two sealed before the backup"
sqlite3 "$L" ".backup '$T/before-loss.sqlite'" || ssp_fail "backup"
bridge_until_final 60
NONCE=$("$SSP_CAST" nonce "$A2")
assert_eq "$NONCE" 10 "10 mint transactions"
# The loss: the ledger (and its -wal/-shm) gone. Restore with the daemons stopped.
rm -f "$L" "$L-wal" "$L-shm"
cp "$T/before-loss.sqlite" "$L"
assert_eq "$(bstat SEALED)" 2 "restored: two batches SEALED again"
bridge_until_final 60
assert_eq "$("$SSP_CAST" nonce "$A2")" "$NONCE" "nothing sent again after the restore"
bridge_verify 30 3 1 10
grep -q "minted by transaction" "$T/bridge.log" || ssp_fail "the mints were not recorded from the chain"
ssp_ok "restored from a backup behind the chain: mints recorded from the chain, none sent again"

# A backup older than claims the chain minted: ssp status says so (the signer must stay
# stopped: the restored ledger would sign new claims for seqs the chain has minted).
sqlite3 "$L" ".backup '$T/older.sqlite'"
bridge_seal 3 3 3 31
bridge_until_final 60
rm -f "$L" "$L-wal" "$L-shm"
cp "$T/older.sqlite" "$L"
expect_status 1 "status on a ledger behind the chain" "$SSP" status --conf "$T/ssp.conf"
assert_contains "$OUT" "the chain minted claims this ledger does not hold" "status names the gap"
ssp_ok "ssp status flags a restored ledger the chain is ahead of"
