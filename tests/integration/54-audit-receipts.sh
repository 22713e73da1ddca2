#!/bin/bash
# Receipts kept as public evidence. Credited results with real share receipts in a BOINC
# upload tree (fan-out directories), claimed, sealed and minted on anvil. The admin's
# archiver (`ssp export --archive-receipts`) copies every receipt before BOINC's file deleter
# runs; then every file of the upload tree is deleted, as the file deleter does. The export
# publishes the archived receipts (receipts.ndjson.gz) and the audit re-derives every claim's
# resultDigest from them (checked here too with Python's hashlib, an independent SHA-256).
# An altered archived receipt is flagged (receipt_mismatch, naming the claim), whether the
# archive or the published export was altered; hostile files in the upload tree (a symlink to
# a local file, a FIFO) are skipped without blocking.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
RF=$SSP_BUILDDIR/tests/helpers/receipts_fixture
bridge_init audit-receipts
bridge_deploy
"$RF" --ledger "$T/ledger.sqlite" --master-url "$MASTER_URL" --upload "$T/upload" --fanout 16 \
	--first 1 --count 12 --users 3 >/dev/null || ssp_fail "fixture"
bridge_seal 0 3 4
bridge_until_final 180
# Hostile entries in the upload tree: skipped, and no hang on the FIFO.
ln -s /etc/passwd "$T/upload/evil_receipt.json"
mkfifo "$T/upload/fifo_1"

expect_status 0 "archive receipts" timeout 20 "$SSP" export --archive-receipts \
	--upload-dir "$T/upload" --receipts "$T/archive"
assert_contains "$OUT" "12 found in $T/upload, 12 archived now, 0 already" "12 receipts archived"
expect_status 0 "archive again" "$SSP" export --archive-receipts --upload-dir "$T/upload" \
	--receipts "$T/archive"
assert_contains "$OUT" "0 archived now, 12 already" "the archive is kept, never replaced"
assert_eq "$(ls "$T/archive" | wc -l)" 12 "files in the archive"
# As a daemon (--every): the second pass reads none of the 24 files again (12 outputs and
# 12 receipts, unchanged), and still has everything archived.
"$SSP" export --archive-receipts --upload-dir "$T/upload" --receipts "$T/archive2" --every 1 \
	>"$T/daemon.out" 2>&1 &
dpid=$!
on_exit "kill $dpid 2>/dev/null || true"
for _ in $(seq 1 100); do
	[ "$(grep -c '^receipts:' "$T/daemon.out" || true)" -ge 2 ] && break
	sleep 0.1
done
kill "$dpid"
wait "$dpid" 2>/dev/null || true
assert_contains "$(sed -n 1p "$T/daemon.out")" "12 archived now, 0 already, 0 malformed, 0 files unchanged" \
	"daemon: first pass"
assert_contains "$(sed -n 2p "$T/daemon.out")" "0 found in $T/upload, 0 archived now, 0 already, 0 malformed, 24 files unchanged" \
	"daemon: second pass skips unchanged files"
assert_eq "$(ls "$T/archive2" | wc -l)" 12 "files in the daemon's archive"

# BOINC's file deleter: every result file is gone.
find "$T/upload" \( -type f -o -type p -o -type l \) -delete
assert_eq "$(find "$T/upload" -type f | wc -l)" 0 "upload tree emptied"

expect_status 0 "export with receipts" "$SSP" export --conf "$T/ssp.conf" --out "$T/export" \
	--receipts "$T/archive" -q
assert_contains "$OUT" "published 12 archived receipts" "receipts published"
run_audit "$T/export"
assert_eq "$ST" 0 "audit with receipts (output: $OUT)"
assert_contains "$OUT" "receipts  12 claims' resultDigest re-derived from archived receipts, 0 claims without one" \
	"every resultDigest re-derived"
python3 - "$T/export" <<'PY' || ssp_fail "resultDigest from the receipts (hashlib)"
import gzip, hashlib, json, sys
d = sys.argv[1]
claims = {json.loads(l)["claim"]["seq"]: json.loads(l)["claim"] for l in gzip.open(d + "/claims.ndjson.gz", "rt")}
n = 0
for line in gzip.open(d + "/receipts.ndjson.gz", "rt"):
    o = json.loads(line)
    rec = json.loads(o["receipt"])
    c = claims[o["seq"]]
    digest = hashlib.sha256(b"".join(bytes.fromhex(x["sha256"]) for x in rec["outputs"])).hexdigest()
    assert "0x" + digest == c["resultDigest"], (o["seq"], digest, c["resultDigest"])
    assert rec["userid"] == c["userId"] and rec["hostid"] == c["hostId"], o["seq"]
    assert o["resultId"] == c["resultId"]
    assert "authenticator" not in o["receipt"]
    n += 1
assert n == len(claims) == 12, (n, len(claims))
PY
ssp_ok "after the file deleter: every resultDigest re-derived from the archived receipts"

# A tamperer edits a published receipt (an output's digest) and republishes the manifest.
cp -r "$T/export" "$T/tampered"
receipts_edit "$T/tampered" 'if n == 5:
    r = json.loads(o["receipt"]); s = r["outputs"][0]["sha256"]
    r["outputs"][0]["sha256"] = ("0" if s[0] != "0" else "1") + s[1:]
    o["receipt"] = json.dumps(r, indent=2) + "\n"'
republish "$T/tampered"
run_audit "$T/tampered"
assert_eq "$ST" 1 "audit of an altered published receipt"
assert_contains "$OUT" "receipt_mismatch: claim seq 5 " "the altered receipt's claim named"
printf '%s\n' "$OUT" | grep -Eq '^  receipt_mismatch +1 ' || ssp_fail "not exactly one receipt flagged: $OUT"

# The archive itself altered (the project's own copy): published as archived, flagged.
f=$(ls "$T/archive" | sed -n 3p)
python3 - "$T/archive/$f" <<'PY' || ssp_fail "alter the archive"
import json, sys
p = sys.argv[1]
r = json.load(open(p))
s = r["outputs"][0]["sha256"]
r["outputs"][0]["sha256"] = ("0" if s[0] != "0" else "1") + s[1:]
open(p, "w").write(json.dumps(r, indent=2) + "\n")
PY
expect_status 0 "export from the altered archive" "$SSP" export --conf "$T/ssp.conf" \
	--out "$T/export2" --receipts "$T/archive" -q
run_audit "$T/export2"
assert_eq "$ST" 1 "audit of an export from an altered archive (output: $OUT)"
printf '%s\n' "$OUT" | grep -Eq '^  receipt_mismatch +1 ' || ssp_fail "the altered archive not flagged once: $OUT"
ssp_ok "an altered archived receipt is flagged (published copy and archive)"
