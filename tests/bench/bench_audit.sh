#!/bin/bash
# Audit benchmark: generates an export of BENCH_AUDIT_CLAIMS (default 1,000,000) signed claims
# in batches of BENCH_AUDIT_BATCH (1000) for BENCH_AUDIT_USERS (100) volunteers with
# tests/bench/gen_export, mints every batch on a private anvil node (the ShareMinter deployed
# with the claim signer as its only signer), and times `ssp audit` on it: against the chain,
# offline, and with a BOINC user.gz. The export is cached in BENCH_AUDIT_CACHE (default
# $SSP_BUILDDIR/tests/bench/audit-data) and reused while its parameters match. Without anvil,
# only the offline audit is timed. BENCH_AUDIT_ONE_THREAD=1 adds a single-thread run.
# Prints figures and ratios, never pass/fail.
set -eu

: "${SSP_SRCDIR:?run me through make bench (SSP_SRCDIR unset)}"
: "${SSP_BUILDDIR:?run me through make bench (SSP_BUILDDIR unset)}"
. "$SSP_SRCDIR/tests/integration/lib/anvil.sh"

N=${BENCH_AUDIT_CLAIMS:-1000000}
B=${BENCH_AUDIT_BATCH:-1000}
U=${BENCH_AUDIT_USERS:-100}
CACHE=${BENCH_AUDIT_CACHE:-$SSP_BUILDDIR/tests/bench/audit-data}
AIM=60
RATE=1000000000000
GEN=$SSP_BUILDDIR/tests/bench/gen_export
SSP=$SSP_BUILDDIR/tools/ssp
CONTRACTS=$SSP_BUILDDIR/contracts/build
NCPU=$(nproc 2>/dev/null || echo 1)

tmp=$(mktemp -d)
trap 'ssp_anvil_stop; rm -rf "$tmp"' EXIT

online=0
chain=31337
minter=0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512
# anvil's account 1 signs the claims and batches (its well-known test key).
key=59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
if ssp_anvil_tools 2>/dev/null && [ -s "$CONTRACTS/ShareMinter.bin" ] && command -v python3 >/dev/null; then
	ssp_anvil_start "$tmp" --gas-limit 300000000 >/dev/null
	chain=$SSP_ANVIL_CHAIN_ID
	signer=$(ssp_anvil_addr 1)
	ssp_deploy_contracts "$(ssp_anvil_key 0)" 0x0000000000000000000000000000000000000000 \
		"[$signer]" 1 "$RATE" 18446744073709551615 || { echo "bench_audit: deploy failed"; exit 1; }
	minter=$SSP_MINTER
	online=1
else
	echo "bench_audit: anvil, the contracts or python3 missing: offline audit only"
fi

# The export, generated or reused.
tag="claims=$N batch=$B users=$U chain=$chain minter=$(echo "$minter" | tr 'A-F' 'a-f')"
if [ -f "$CACHE/tag" ] && [ "$(cat "$CACHE/tag")" = "$tag" ] && [ -s "$CACHE/export/manifest.json" ]; then
	gen="cached"
else
	rm -rf "$CACHE"
	mkdir -p "$CACHE"
	start=$(date +%s.%N)
	"$GEN" --out "$CACHE/export" --claims "$N" --batch-size "$B" --users "$U" --key "$key" \
		--chain-id "$chain" --minter "$minter" --rate "$RATE" --calldata "$CACHE/calldata" \
		--threads "$NCPU" >"$CACHE/gen.out" 2>/dev/null
	gen="generated in $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f') s"
	echo "$tag" >"$CACHE/tag"
fi
bytes=$(sed -n 's/^bytes //p' "$CACHE/gen.out")
nb=$(sed -n 's/^batches //p' "$CACHE/gen.out")
echo "export: $N claims, $nb batches of up to $B, $U volunteers, $((bytes / 1048576)) MiB gzip'd ($gen)"

# Mint every batch (JSON-RPC batches of 50 eth_sendTransaction from anvil's account 0).
if [ "$online" = 1 ]; then
	start=$(date +%s.%N)
	python3 - "$SSP_ANVIL_URL" "$(ssp_anvil_addr 0)" "$minter" "$CACHE/calldata" <<'EOF'
import json, sys, urllib.request
url, sender, to, path = sys.argv[1:]
def call(req):
    r = json.load(urllib.request.urlopen(urllib.request.Request(
        url, json.dumps(req).encode(), {"Content-Type": "application/json"}), timeout=600))
    for x in r if isinstance(r, list) else [r]:
        if "error" in x:
            sys.exit("mint failed: %s" % x)
    return r
lines = [l.strip() for l in open(path) if l.strip()]
nonce = int(call({"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionCount",
                  "params": [sender, "pending"]})["result"], 16)
for i in range(0, len(lines), 50):
    call([{"jsonrpc": "2.0", "id": i + k, "method": "eth_sendTransaction",
           "params": [{"from": sender, "to": to, "data": d, "gas": hex(20000000),
                       "nonce": hex(nonce + i + k)}]}
          for k, d in enumerate(lines[i:i + 50])])
EOF
	# anvil mines what it accepted in the background: wait for the last batch.
	project=$("$SSP_CAST" keccak "https://boinc.example.org/ssp/")
	for i in $(seq 1 1200); do
		next=$("$SSP_CAST" call "$minter" "nextSeq(bytes32)(uint64)" "$project" | cut -d' ' -f1)
		[ "$next" = $((N + 1)) ] && break
		sleep 0.5
	done
	echo "mint: $nb mintBatch transactions mined in $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f') s; nextSeq = $next"
fi

# BOINC stats matching the claims (user.gz).
python3 - "$N" "$U" "$tmp/user.xml" <<'EOF'
import sys
n, users, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
tot = [0] * (users + 1)
for seq in range(1, n + 1):
    tot[1 + seq % users] += 500000 + (seq * 7919) % 2000000
with open(path, "w") as f:
    f.write("<users>\n")
    for u in range(1, users + 1):
        f.write("<user><id>%d</id><name>v%d</name><total_credit>%d.%06d</total_credit></user>\n"
                % (u, u, tot[u] // 1000000, tot[u] % 1000000))
    f.write("</users>\n")
EOF
gzip -f "$tmp/user.xml"

# One timed audit: prints "<seconds> <CPU seconds> <max RSS KiB> <exit status> <clean>".
timed() {
	local st=0
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$SSP" audit --export "$CACHE/export" --json -q "$@" \
		>"$tmp/report.json" 2>"$tmp/err" || st=$?
	python3 - "$tmp/report.json" "$(cat "$tmp/time" | tail -n 1)" "$st" <<'EOF'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    clean = "clean" if r["clean"] else "NOT CLEAN %s" % r["counts"]
except Exception:
    clean = "no report"
e, u, s, m = sys.argv[2].split()
print(e, "%.1f" % (float(u) + float(s)), m, sys.argv[3], clean)
EOF
}

# Wall time (and its share of the aim), CPU time, and the wall time the CPU time makes on
# NCPU otherwise idle cores (the machine is shared: other work slows the wall clock).
report() {
	local what=$1 secs cpu rss st clean
	shift
	read -r secs cpu rss st clean <<<"$(timed "$@")"
	printf '%-30s %6.1f s wall (%.2f of the %d s aim), %6.1f s CPU = %5.1f s on %d idle cores, %7.0f claims/s, max RSS %d MiB, %s (exit %s)\n' \
		"$what" "$secs" "$(echo "$secs / $AIM" | bc -l)" "$AIM" "$cpu" \
		"$(echo "$cpu / $NCPU" | bc -l)" "$NCPU" "$(echo "$N / $secs" | bc -l)" "$((rss / 1024))" \
		"$clean" "$st"
}

echo "machine: $NCPU CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$online" = 1 ]; then
	report "audit, chain + export ($NCPU thr)" --rpc "$SSP_ANVIL_URL" --contract "$minter"
	report "audit + BOINC user.gz" --rpc "$SSP_ANVIL_URL" --contract "$minter" \
		--boinc-stats "$tmp/user.xml.gz"
fi
report "audit offline ($NCPU threads)" --offline
if [ "${BENCH_AUDIT_ONE_THREAD:-0}" = 1 ]; then
	report "audit offline (1 thread)" --offline --threads 1
fi
