#!/usr/bin/env bash
# A project's own comparison as a plug-in: ssp.conf [validator] plugin names the example
# plug-in (validator/examples/ssp_cmp_reltol.so, a shared object loaded with dlopen); the
# options ssp_validator does not know go to its validate_handler_init, as BOINC passes
# them to the project's. Outputs that differ in a timestamp line and within the relative
# tolerance form a quorum (the built-in bitwise comparison would find none); outputs
# beyond it do not; a binary output is refused by the plug-in's init_result (invalid).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-plugin
SO="$SSP_BUILDDIR/validator/examples/ssp_cmp_reltol.so"
[ -f "$SO" ] || ssp_fail "missing $SO (make builds it)"

vt_spec <<'SPEC'
app
user 1
user 2
user 3
host 11 1
host 12 2
host 13 3
wu near 2 2 4.32e12
result near 0 1 11 timestamp_06:00:01~energy_1.000_-2.50e3
result near 1 2 12 timestamp_07:44:10~energy_1.004_-2.501e3
wu far 2 2 4.32e12
result far 0 1 11 timestamp_1~energy_1.00
result far 1 2 12 timestamp_2~energy_1.10
SPEC

# without the plug-in, bitwise: no quorum for "near"
vt_run --dry_run || ssp_fail "dry run: $(cat "$T/run.log")"
assert_contains "$(cat "$T/run.log")" "[WU#$(vt_sql "SELECT id FROM workunit WHERE name = 'near'") near] no quorum" \
	"bitwise comparison: no quorum"

# an unknown option without a plug-in is refused by name
rc=0
vt_run -rel_tol 0.01 || rc=$?
assert_eq "$rc" 2 "unknown option without a plug-in: status 2"
assert_contains "$(cat "$T/run.log")" "unknown option -rel_tol" "named"

echo "plugin = $SO" >>"$P/ssp.conf"
vt_run -rel_tol 0.01 -ignore_prefix timestamp || ssp_fail "plug-in run: $(cat "$T/run.log")"
assert_contains "$(cat "$T/run.log")" "comparing outputs with the plug-in $SO" "plug-in loaded"
assert_eq "$(vt_state near_0) / $(vt_state near_1)" "1 1 10 / 1 1 10" "near: quorum by the plug-in"
assert_eq "$(vt_state far_0) / $(vt_state far_1)" "4 1 0 / 4 1 0" "far: beyond 1%: inconclusive"
vt_check_consistency
ssp_ok "the plug-in's comparison: tolerance and an ignored timestamp line"

# its validate_handler_init refuses an option it does not know: the validator does not start
rc=0
vt_run -no_such_plugin_option || rc=$?
assert_eq "$rc" 3 "the plug-in refused an option: configuration error"
assert_contains "$(cat "$T/run.log")" "ssp_validate_handler_init refused" "said so"

# a binary output: the plug-in's init_result refuses it, the result is invalid
vt_spec <<'SPEC'
wu bin 2 3 4.32e12
result bin 0 1 11 1_2_3
result bin 1 2 12 1_2_3
result bin 2 3 13 1_2_3
SPEC
python3 - "$P/upload" <<'PY'
import hashlib, json, os, sys
up = sys.argv[1]
def find(name):
    for d, _, fs in os.walk(up):
        if name in fs:
            return os.path.join(d, name)
out, rec = find("bin_2_0"), find("bin_2_1")
data = b"1 2\x003\n"
open(out, "wb").write(data)
r = json.load(open(rec))
r["outputs"][0]["bytes"] = len(data)
r["outputs"][0]["sha256"] = hashlib.sha256(data).hexdigest()
open(rec, "w").write(json.dumps(r))
PY
vt_run -rel_tol 0.01 || ssp_fail "plug-in run 2: $(cat "$T/run.log")"
assert_eq "$(vt_state bin_2)" "2 6 0" "binary output refused by init_result: invalid"
assert_contains "$(cat "$T/run.log")" "the plug-in's init_result refused it" "logged"
assert_eq "$(vt_state bin_0) / $(vt_state bin_1)" "1 1 10 / 1 1 10" "the others form the quorum"
vt_check_consistency
ssp_ok "init_result refusing a result makes it invalid"
