#!/bin/bash
# ssp audit --html: one self-contained HTML report, opened in Debian's headless chromium.
# A clean pipeline (4 batches minted, 1 pending) audited with BOINC stats that leave one
# volunteer out: the page renders its summary, the three SVG charts, the batch and volunteer
# tables; it holds a strict Content-Security-Policy and no reference to anything outside it,
# and chromium's network log shows no request but the file itself. A tampered copy's page
# links each discrepancy to its batch row. SSP_AUDIT_SHOT=FILE keeps the screenshot (the one
# in docs/auditor.md).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/audit.sh"
command -v chromium >/dev/null || ssp_fail "chromium missing (scripts/install-deps.sh)"
bridge_init audit-html
audit_pipeline 20 3 5
bridge_seal 5 3 5 21
audit_export "$T/export"
stats_xml "$T/user.xml" 25 3
python3 - "$T/user.xml" <<'PY' # BOINC leaves user 3 out (no consent to statistics export)
import re, sys
p = sys.argv[1]
t = open(p).read()
t = re.sub(r"<user>\n <id>3</id>.*?</user>\n", "", t, flags=re.S)
open(p, "w").write(t)
PY
run_audit "$T/export" --boinc-stats "$T/user.xml" --html "$T/report.html"
assert_eq "$ST" 0 "audit with the HTML report (output: $OUT)"
assert_contains "$OUT" "unlisted  1 users" "user 3 counted apart"

# Self-contained: a CSP that fetches nothing; no src/href/url() leaving the page.
grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" \
	"$T/report.html" || ssp_fail "no strict CSP"
if grep -Eiq '(src|href|action|xlink:href)[[:space:]]*=[[:space:]]*"[^#"]|url\(|@import|<script|<link|<img|<iframe' \
	"$T/report.html"; then
	ssp_fail "the report refers to something outside itself: $(grep -Eio '(src|href)="[^#"][^"]*"|url\([^)]*\)|<script|<link|<img|<iframe' "$T/report.html" | head -3)"
fi

browser() {
	local out=$1
	shift
	timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chromium" --log-net-log="$T/net-$out.json" "$@" \
		>"$T/$out" 2>"$T/chromium-$out.err" || { tail -5 "$T/chromium-$out.err" >&2; ssp_fail "chromium $out"; }
}
browser dom.html --dump-dom "file://$T/report.html"
python3 - "$T/dom.html" "$T/net-dom.html.json" "$T/report.html" <<'PY' || ssp_fail "rendered page"
import json, re, sys
dom = open(sys.argv[1]).read()
# What chromium built from the page (its DOM after parsing).
assert '<span class="clean" id="result">CLEAN</span>' in dom, "summary result"
for chart in ("chart-credit", "chart-minted", "chart-users"):
    m = re.search(r'<figure id="%s">.*?</figure>' % chart, dom, re.S)
    assert m and "<svg" in m.group(0), chart
    assert re.search(r"<(rect|polyline|circle)", m.group(0)), chart + " has no marks"
assert len(re.findall(r'<circle class="dot"', dom)) == 4, "4 minted batches on the SSP chart"
assert len(re.findall(r'<rect class="bar( unlisted)?"', re.search(r'<figure id="chart-users">.*?</figure>', dom, re.S).group(0))) == 3
rows = re.findall(r'<tr id="batch-(\d+)"', dom)
assert rows == ["1", "2", "3", "4", "5"], rows
users = re.findall(r'<tr id="user-(\d+)"( class="unl")?>', dom)
assert [u for u, _ in users] == ["1", "2", "3"] and users[2][1], users
assert "not listed (not checked)" in dom
PY
# chromium's network log: no request started by the page (initiator the file's origin,
# "null"); chromium's own background requests ("not an origin") are not the page's. The
# same check on a page with one remote image finds that request (the check can fail).
page_requests() {
	python3 - "$1" <<'PY2'
import json, sys
n = json.load(open(sys.argv[1]))
types = {v: k for k, v in n["constants"]["logEventTypes"].items()}
for e in n["events"]:
    p = e.get("params", {})
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p and p.get("initiator") != "not an origin" \
            and not p.get("url", "").startswith("file://"):
        print(p.get("url"))
PY2
}
assert_eq "$(page_requests "$T/net-dom.html.json")" "" "requests made by the report page"
printf '<!DOCTYPE html><html><body><img src="http://127.0.0.1:%s/x.png">x</body></html>\n' \
	"$(free_port)" >"$T/control.html"
browser control.out --dump-dom "file://$T/control.html"
assert_contains "$(page_requests "$T/net-control.out.json")" "http://127.0.0.1:" \
	"the network check sees a page's request"
browser shot.out --window-size=1100,1700 --hide-scrollbars --screenshot="$T/shot.png" \
	"file://$T/report.html"
python3 - "$T/shot.png" <<'PY' || ssp_fail "screenshot"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1100, 1700), (w, h)
assert len(d) > 20000, "a blank page? %d bytes" % len(d)
PY
if [ -n "${SSP_AUDIT_SHOT:-}" ]; then cp "$T/shot.png" "$SSP_AUDIT_SHOT"; fi
ssp_ok "HTML report: renders in chromium (summary, 3 charts, batch and volunteer tables), loads nothing"

# A tampered copy: an edited claim (credit) in batch 2, manifest republished.
cp -r "$T/export" "$T/tampered"
claims_edit "$T/tampered" 'if n == 7: o["claim"]["credit"] += 1'
republish "$T/tampered"
run_audit "$T/tampered" --html "$T/tampered.html"
assert_eq "$ST" 1 "tampered export"
browser dom2.html --dump-dom "file://$T/tampered.html"
python3 - "$T/dom2.html" <<'PY' || ssp_fail "discrepancies linked"
import re, sys
dom = open(sys.argv[1]).read()
assert 'class="bad" id="result"' in dom
issues = re.findall(r'<tr id="d-(\d+)"><td class="l">([a-z_]+)</td><td>(.*?)</td>', dom)
assert issues, "no discrepancy rows"
kinds = {k for _, k, _ in issues}
assert {"claims_root_mismatch", "claim_signer_not_accepted"} <= kinds, kinds
for _, kind, where in issues:
    m = re.search(r'href="#batch-(\d+)"', where)
    assert m and m.group(1) == "2", (kind, where)
assert re.search(r'<tr id="batch-2" class="issue">.*?<a href="#d-0">', dom), "batch row links back"
PY
ssp_ok "each discrepancy links to its batch row, and the row back to it"
