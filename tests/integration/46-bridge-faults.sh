#!/bin/bash
# The bridge behind a fault-injecting JSON-RPC proxy (tests/integration/rpcfault.py): HTTP
# 500s, dropped connections, time-outs, truncated, malformed, wrong-id and batch answers,
# some after the node has acted. It retries, never crashes, and mints every batch once.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"
RPC_TIMEOUT=1
bridge_init bridge-faults
bridge_deploy
bridge_seal 24 3 2 1

# proxy NAME ARGS...: starts rpcfault.py in front of anvil; sets PROXY_URL.
proxy() {
	local name=$1 i
	shift
	python3 "$SSP_SRCDIR/tests/integration/rpcfault.py" --upstream "$SSP_ANVIL_URL" \
		--port-file "$T/$name.port" --log "$T/$name.log" "$@" &
	PROXY_PID=$!
	on_exit "kill $PROXY_PID 2>/dev/null; wait $PROXY_PID 2>/dev/null"
	for i in $(seq 1 100); do [ -s "$T/$name.port" ] && break; sleep 0.05; done
	[ -s "$T/$name.port" ] || ssp_fail "the fault proxy did not start"
	PROXY_URL=http://127.0.0.1:$(cat "$T/$name.port")/
	sed -i "s|^rpc_url = .*|rpc_url = $PROXY_URL|" "$T/ssp.conf"
}

# run_daemon NBATCHES LIMIT: the daemon until NBATCHES are FINAL; it must stay alive.
run_daemon() {
	local want=$1 limit=$2 pid i st=0
	"$BRIDGE" --conf "$T/ssp.conf" --sleep_interval 0.1 -d 3 >>"$T/daemon.log" 2>&1 &
	pid=$!
	on_exit "kill -9 $pid 2>/dev/null"
	for i in $(seq 1 $((limit * 4))); do
		[ "$(bstat FINAL)" = "$want" ] && break
		kill -0 "$pid" 2>/dev/null || { tail -n 20 "$T/daemon.log"; ssp_fail "the bridge died"; }
		"$SSP_CAST" rpc anvil_mine 0x1 0x0 >/dev/null
		sleep 0.25
	done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	assert_eq "$st" 0 "the bridge's exit status after SIGTERM"
	[ "$(bstat FINAL)" = "$want" ] || { tail -n 30 "$T/daemon.log"; ssp_fail "not final after $limit s"; }
}

# 1. Every kind of fault on any call, 30 % of the requests.
proxy all --rate 0.3 --seed 7 --delay 1.5
run_daemon 6 120
for f in http500 http500after drop timeout truncate malformed wrongid batch; do
	grep -q "^$f " "$T/all.log" || ssp_fail "fault $f was never injected"
done
n=$(grep -vc '^ok ' "$T/all.log")
ssp_ok "6 batches final through $n injected faults of every kind"
kill "$PROXY_PID"; wait "$PROXY_PID" 2>/dev/null || true

# 2. Faults on eth_sendRawTransaction only, most of them after the node took the tx.
proxy send --rate 0.8 --seed 11 --delay 1.5 --methods eth_sendRawTransaction \
	--faults http500after,timeout,truncate,malformed,wrongid,http500,drop
run_daemon 12 120
after=$(grep -Ec '^(http500after|timeout|truncate|malformed|wrongid) eth_sendRawTransaction' "$T/send.log")
[ "$after" -gt 0 ] || ssp_fail "no fault hit a transaction the node had accepted"
bridge_verify 24 3 1 12
ssp_ok "12 batches minted once; $after sends were answered by a fault after the node took them"
