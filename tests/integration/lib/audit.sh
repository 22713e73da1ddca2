# tests/integration/lib/audit.sh — helpers of the audit tests (50–59); sources bridge.sh.
#
#   audit_pipeline CLAIMS USERS BATCH
#       bridge_init has run: deploys, seals CLAIMS claims of USERS users in batches of BATCH,
#       mints them all with ssp_bridge until FINAL. Sets PROJECT (0x id).
#   audit_export DIR
#       `ssp export --conf $T/ssp.conf --out DIR` (the rate read from the minter).
#   republish DIR
#       rewrites DIR/manifest.json to describe the files as they now are (SHA-256, sizes,
#       lines, counts): a tamperer who can also republish the manifest.
#   claims_edit DIR PYTHON
#       rewrites DIR/claims.ndjson.gz: PYTHON is run for each parsed line `o` (a dict) with
#       its 1-based number `n`; it may change o, or set o = None to drop the line.
#   batches_edit DIR PYTHON      the same for DIR/batches.ndjson.gz
#   receipts_edit DIR PYTHON     the same for DIR/receipts.ndjson.gz
#   stats_xml FILE CLAIMS USERS [USER DELTA]
#       writes a BOINC user.xml whose total_credit per user is the credit bridge_seal gave
#       them for results 1..CLAIMS (exact, cobblestones with 6 decimals), USER's changed by
#       DELTA micro-cobblestones.
#   run_audit DIR [ARGS...]      ssp audit of DIR against the node; output in $OUT, status in $ST

. "$SSP_SRCDIR/tests/integration/lib/bridge.sh"

audit_pipeline() {
	bridge_deploy
	bridge_seal "$1" "$2" "$3" 1
	bridge_until_final 180
	PROJECT=$("$SSP_CAST" keccak "$MASTER_URL")
}

audit_export() {
	"$SSP" export --conf "$T/ssp.conf" --out "$1" -q >"$T/export.out" 2>&1 ||
		ssp_fail "ssp export failed: $(cat "$T/export.out")"
}

republish() {
	python3 - "$1" <<'EOF' || ssp_fail "republish $1"
import gzip, hashlib, json, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
import os
for name in ("claims.ndjson.gz", "batches.ndjson.gz", "receipts.ndjson.gz"):
    if name == "receipts.ndjson.gz" and name not in m["files"]:
        continue
    data = open(d + "/" + name, "rb").read()
    m["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                        "lines": gzip.decompress(data).count(b"\n")}
m["claims"]["count"] = m["files"]["claims.ndjson.gz"]["lines"]
m["claims"]["lastSeq"] = m["claims"]["firstSeq"] + m["claims"]["count"] - 1
m["batches"]["count"] = m["files"]["batches.ndjson.gz"]["lines"]
json.dump(m, open(d + "/manifest.json", "w"), indent=2)
EOF
}

_ndjson_edit() {
	python3 - "$1" "$2" <<'EOF' || ssp_fail "edit $1"
import gzip, json, sys
path, code = sys.argv[1], sys.argv[2]
out = []
for n, line in enumerate(gzip.decompress(open(path, "rb").read()).decode().splitlines(), 1):
    o = json.loads(line)
    exec(code)
    if o is not None:
        out.append(json.dumps(o, separators=(",", ":")))
open(path, "wb").write(gzip.compress(("\n".join(out) + "\n").encode()))
EOF
}

claims_edit() { _ndjson_edit "$1/claims.ndjson.gz" "$2"; }
receipts_edit() { _ndjson_edit "$1/receipts.ndjson.gz" "$2"; }
batches_edit() { _ndjson_edit "$1/batches.ndjson.gz" "$2"; }

stats_xml() {
	python3 - "$@" <<'EOF' || ssp_fail "stats_xml"
import sys
path, claims, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
who = int(sys.argv[4]) if len(sys.argv) > 4 else 0
delta = int(sys.argv[5]) if len(sys.argv) > 5 else 0
tot = {u: 0 for u in range(1, users + 1)}
for r in range(1, claims + 1):
    tot[1 + r % users] += 1000000 + (r % 97) * 12345
tot[who] = tot.get(who, 0) + delta
with open(path, "w") as f:
    f.write("<users>\n")
    for u in sorted(tot):
        if u == 0:
            continue
        f.write("<user>\n <id>%d</id>\n <name>volunteer %d</name>\n <country>None</country>\n"
                " <total_credit>%d.%06d</total_credit>\n <expavg_credit>1.000000</expavg_credit>\n"
                " <cpid>%032x</cpid>\n</user>\n" % (u, u, tot[u] // 1000000, tot[u] % 1000000, u))
    f.write("</users>\n")
EOF
}

run_audit() {
	local dir=$1
	shift
	ST=0
	OUT=$("$SSP" audit --export "$dir" --rpc "$SSP_ANVIL_URL" --contract "$MINTER" "$@" 2>&1) || ST=$?
}
