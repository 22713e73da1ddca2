#!/bin/bash
# The bridge waits and recovers (docs/bridge.md "Waiting and recovering"): each scenario ends
# with every batch minted once (bridge_verify: events, balances, nonce) and none FAILED.
#  1. the node is down when the daemon starts: it says it waits, with a growing delay, and
#     mints once the node is up (the node stands behind tests/integration/rpcfault.py as a
#     plain forwarder on a port chosen before it runs);
#  2. the minter is paused under the running daemon: it waits, then mints after unpause;
#  3. a reorg removes the block that granted the token's MINTER_ROLE to the minter (anvil_reorg,
#     checked with cast: hasRole false): the batches wait, not FAIL, until it is granted again;
#  4. the bridge account is empty: --one_pass exits 1 and sends nothing; funded, it mints;
#  5. SIGHUP alone (a log rotation) does not stop the daemon; BOINC's bin/stop (the file
#     PROJECT_DIR/stop_daemons, then SIGHUP: sched/start stop_daemons()) does, with status 0.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
bridge_init bridge-recover
bridge_deploy --guardian "$A0"
project=$("$SSP_CAST" keccak "$MASTER_URL")

# run_daemon LOG: the daemon in the background (PID in $DPID).
run_daemon() {
	mkdir -p "$T/proj"
	BOINC_PROJECT_DIR=$T/proj "$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.1 -d 3 >>"$1" 2>&1 &
	DPID=$!
	on_exit "kill -9 $DPID 2>/dev/null || :"
}
# until_final N SECONDS: mines blocks until N batches are FINAL (daemon alive throughout).
until_final() {
	local i
	for i in $(seq 1 $(($2 * 5))); do
		[ "$(bstat FINAL)" = "$1" ] && return 0
		kill -0 "$DPID" 2>/dev/null || { tail -n 20 "$T/daemon.log" >&2; ssp_fail "the bridge died"; }
		"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
		sleep 0.2
	done
	tail -n 30 "$T/daemon.log" >&2
	ssp_fail "$1 batches not FINAL after $2 s (FINAL: $(bstat FINAL))"
}
stop_daemon() {
	local st=0
	kill -TERM "$DPID"
	wait "$DPID" || st=$?
	assert_eq "$st" 0 "exit status after SIGTERM"
}

# 1. Node down at start.
P=$(free_port)
sed -i "s|^rpc_url = .*|rpc_url = http://127.0.0.1:$P/|" "$T/ssp.conf"
bridge_seal 6 2 3 1
run_daemon "$T/daemon.log"
for i in $(seq 1 100); do
	[ "$(grep -c 'waiting for the node' "$T/daemon.log")" -ge 3 ] && break
	sleep 0.1
done
kill -0 "$DPID" 2>/dev/null || ssp_fail "the bridge exited while the node was down: $(cat "$T/daemon.log")"
assert_contains "$(cat "$T/daemon.log")" "waiting for the node at http://127.0.0.1:$P/" "waiting logged"
assert_contains "$(cat "$T/daemon.log")" "next try in 4 s" "the delay grows"
python3 "$SSP_SRCDIR/tests/integration/rpcfault.py" --upstream "$SSP_ANVIL_URL" --port "$P" \
	--rate 0 --port-file "$T/proxy.port" --log "$T/proxy.log" &
PROXY=$!
on_exit "kill $PROXY 2>/dev/null || :"
until_final 2 40
assert_contains "$(cat "$T/daemon.log")" "starting: account" "started once the node answered"
ssp_ok "node down at start: the bridge waited, then minted"

# 2. Paused under the running daemon (new claims arrive while paused).
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "pause()" >/dev/null || ssp_fail "pause"
bridge_seal 4 2 2 7
for i in $(seq 1 50); do
	grep -q "EnforcedPause(): the minter is paused" "$T/daemon.log" && break
	sleep 0.1
done
assert_contains "$(cat "$T/daemon.log")" "EnforcedPause(): the minter is paused; this can succeed later" "pause logged"
sleep 1.5
assert_eq "$(bstat FAILED)" 0 "paused: nothing FAILED"
assert_eq "$(bstat SEALED)" 2 "paused: the batches wait SEALED"
"$SSP_CAST" send --private-key "0x$K0" "$MINTER" "unpause()" >/dev/null || ssp_fail "unpause"
until_final 4 40
ssp_ok "paused then unpaused: the batches waited, then were minted"

# 5. SIGHUP alone does not stop it; BOINC's stop does.
kill -HUP "$DPID"
sleep 0.5
kill -0 "$DPID" 2>/dev/null || ssp_fail "SIGHUP stopped the bridge"
assert_contains "$(cat "$T/daemon.log")" "SIGHUP without a BOINC stop_daemons file: going on" "SIGHUP logged"
echo '<stop/>' >"$T/proj/stop_daemons"
kill -HUP "$DPID"
st=0
wait "$DPID" || st=$?
assert_eq "$st" 0 "exit status after BOINC's stop"
assert_contains "$(cat "$T/daemon.log")" "$T/proj/stop_daemons exists: stopping" "BOINC stop logged"
rm -f "$T/proj/stop_daemons"
ssp_ok "SIGHUP alone ignored; BOINC's stop (stop_daemons + SIGHUP) stops it with status 0"
bridge_verify 10 2 1 4

# 3. The role grant removed by a reorg. A fresh pair of contracts whose grant is the last
# block; anvil_reorg 1 replaces that block (and drops its transaction).
NONCE=$("$SSP_CAST" nonce "$A2")
bridge_deploy
role=$("$SSP_CAST" keccak MINTER_ROLE)
assert_eq "$("$SSP_CAST" call "$TOKEN" "hasRole(bytes32,address)(bool)" "$role" "$MINTER")" true "granted by deploy"
"$SSP_CAST" rpc anvil_reorg 1 '[]' >/dev/null || ssp_fail "anvil_reorg"
"$SSP_CAST" rpc anvil_dropAllTransactions >/dev/null 2>&1 || :
assert_eq "$("$SSP_CAST" call "$TOKEN" "hasRole(bytes32,address)(bool)" "$role" "$MINTER")" false "the reorg removed the grant"
LEDGER=$T/ledger3.sqlite
sed -e "s|^ledger = .*|ledger = $LEDGER|" -e "s|^minter = .*|minter = $MINTER|" \
	-e "s|^token = .*|token = $TOKEN|" "$T/ssp.conf" >"$T/ssp3.conf"
CONF=$T/ssp3.conf
bridge_seal 9 3 3 1
for i in 1 2 3; do "$BRIDGE" --conf "$CONF" --one_pass >>"$T/role.log" 2>&1 || :; done
assert_eq "$(bstat FAILED)" 0 "role missing: nothing FAILED"
assert_eq "$(bstat SEALED)" 3 "role missing: the batches wait SEALED"
assert_contains "$(cat "$T/role.log")" "AccessControlUnauthorizedAccount(" "the decoded revert is logged"
assert_contains "$(cat "$T/role.log")" "this can succeed later" "and called retryable"
"$SSP_CAST" send --private-key "0x$K0" "$TOKEN" "grantRole(bytes32,address)" "$role" "$MINTER" >/dev/null ||
	ssp_fail "grant"
bridge_until_final 60
bridge_verify 9 3 1 3 "$((NONCE + 3))"
ssp_ok "role removed by a reorg: the batches waited, then were minted after the grant"

# 4. The bridge account empty.
NONCE=$("$SSP_CAST" nonce "$A2")
"$SSP_CAST" rpc anvil_setBalance "$A2" 0x0 >/dev/null
bridge_seal 4 3 2 10
st=0
"$BRIDGE" --conf "$CONF" --one_pass >"$T/unfunded.log" 2>&1 || st=$?
assert_eq "$st" 1 "--one_pass exit status when the account cannot pay"
assert_contains "$(cat "$T/unfunded.log")" "fund it" "the log says to fund it"
assert_eq "$("$SSP_CAST" nonce "$A2")" "$NONCE" "nothing sent unfunded"
assert_eq "$(bstat FAILED)" 0 "unfunded: nothing FAILED"
# Enough for one mint but fewer than low_balance_batches: a warning, and it mints.
"$SSP_CAST" rpc anvil_setBalance "$A2" 0x38d7ea4c68000 >/dev/null   # 0.001 ETH
bridge_until_final 60
assert_contains "$(cat "$T/bridge.log")" "is running low" "low-balance warning"
bridge_verify 13 3 1 5 "$((NONCE + 2))"
ssp_ok "unfunded: --one_pass exits 1, sends nothing; funded, it mints (low balance warned)"
