#!/usr/bin/env bash
# ssp_wrapper under the real BOINC client (Debian's boinc-client), no project server:
#  1. the job completes; output files and a valid receipt are in the project directory and the
#     receipt's digests match the files (checked by our strict parser and by sha256sum);
#  2. the account authenticator appears in no output file, not in stderr.txt, and in no task's
#     environment (read from /proc while the tasks run);
#  3. `boinccmd --get_tasks` shows the fraction done rising during the run;
#  4. the API version marker in the binary (read as BOINC's update_versions reads it) makes the
#     client use the memory-mapped file (shm_key -1 in init_data.xml, boinc_mmap_file).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "SKIP: boinc-client is not installed"; exit 77; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
CHECK="$SSP_BUILDDIR/tests/helpers/receipt_check"
ssp_test_init wrapper-client-run

wb_setup "$T/boinc"
wb_app_file job.xml "$SSP_SRCDIR/client/examples/job.xml"
wb_wu_nojob wu_run $(($(wb_count_1s) * 5))
api=$(wb_api_version "$WB_WRAPPER")
[[ "$api" =~ ^7\.[0-9]+\.[0-9]+$ ]] || ssp_fail "no API version marker of 7.x in the wrapper: '$api'"
wb_write_state
grep -q "<api_version>$api</api_version>" "$WB_DIR/client_state.xml" || ssp_fail "api_version not in client_state.xml"
# The authenticator is also in the client's own environment, under a credential-like name:
# it must not be passed on to the tasks.
SSP_TEST_AUTH_TOKEN=$WB_AUTH wb_start --exit_after_finish

fractions=()
env_checked=0
wrapper_had_it=0
for _ in $(seq 600); do
	kill -0 "$WB_PID" 2> /dev/null || break
	# (the client may exit between the check above and this query: that ends the loop)
	f=$(wb_task_field wu_run "fraction done" || true)
	[ -n "$f" ] && fractions+=("$f")
	for p in $(wb_slot_pids); do
		[ "$(cat "/proc/$p/comm" 2> /dev/null)" = ssp_wrapper ] &&
			tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -q "$WB_AUTH" && wrapper_had_it=1
	done
	for p in $(wb_task_pids); do
		if [ -r "/proc/$p/environ" ] && tr '\0' '\n' < "/proc/$p/environ" > "$T/env.$p" 2> /dev/null; then
			grep -q "$WB_AUTH" "$T/env.$p" && ssp_fail "authenticator in the environment of task process $p"
			grep -q '^PATH=' "$T/env.$p" && env_checked=$((env_checked + 1))
		fi
	done
	sleep 0.4
done
wb_wait '! kill -0 "$WB_PID" 2>/dev/null' 60 || ssp_fail "client did not exit after the job"
wb_stop KILL
[ "$env_checked" -gt 0 ] || ssp_fail "no task environment was read"
[ "$wrapper_had_it" = 1 ] || ssp_fail "test is void: the wrapper's own environment did not hold the authenticator"
ssp_ok "authenticator absent from $env_checked task environment reads"

# 1. completion, outputs and receipt
grep -q '<exit_status>0</exit_status>' "$WB_DIR/client_state.xml" || ssp_fail "result exit status not 0"
for f in wu_run_0_0 wu_run_0_1 wu_run_0_2; do [ -s "$WB_PROJ/$f" ] || ssp_fail "output $f missing"; done
"$CHECK" "$WB_PROJ/wu_run_0_2" "$WB_PROJ" > "$T/check.out" || ssp_fail "receipt invalid: $(cat "$T/check.out")"
assert_contains "$(cat "$T/check.out")" "digests ok" "receipt digests (our checker)"
assert_contains "$(cat "$T/check.out")" "result_name wu_run_0" "receipt result name"
assert_contains "$(cat "$T/check.out")" "wu_name wu_run" "receipt wu name"
assert_contains "$(cat "$T/check.out")" "userid 42" "receipt userid from init_data.xml"
assert_contains "$(cat "$T/check.out")" "hostid 7" "receipt hostid from init_data.xml"
python3 - "$WB_PROJ" << 'PY' || ssp_fail "receipt check with python's json and hashlib failed"
import hashlib, json, os, sys
proj = sys.argv[1]
r = json.load(open(os.path.join(proj, "wu_run_0_2")))
assert r["version"] == 1 and len(r["tasks"]) == 2, r
assert [o["name"] for o in r["outputs"]] == ["wu_run_0_0", "wu_run_0_1"], r["outputs"]
for o in r["outputs"]:
    data = open(os.path.join(proj, o["name"]), "rb").read()
    assert o["bytes"] == len(data) and o["sha256"] == hashlib.sha256(data).hexdigest(), o
assert abs(r["cpu_time"] - sum(t["cpu_time"] for t in r["tasks"])) < 1e-5
assert r["tasks"][1]["cpu_time"] > 2, r["tasks"]
assert r["finished_at"] >= r["started_at"]
PY
"$WB_SCI" < "$WB_PROJ/wu_run_input" > "$T/direct" 2> /dev/null
assert_eq "$(cat "$WB_PROJ/wu_run_0_0")" "$(cat "$T/direct")" "result equals a direct run of ssp_sci"
ssp_ok "job completed: outputs and a valid receipt with matching digests"

# 2. the authenticator in no output file and not in stderr.txt (sent to the server)
for f in "$WB_PROJ"/wu_run_0_* "$WB_DIR"/slots/0/stderr.txt "$WB_DIR"/slots/0/ssp_wrapper_state.json; do
	grep -q "$WB_AUTH" "$f" && ssp_fail "authenticator found in $f"
done
grep -q "$WB_AUTH" "$WB_DIR/slots/0/init_data.xml" || ssp_fail "test is void: the client did not give the authenticator"
ssp_ok "authenticator in no output file"

# 3. fraction done rising
printf '%s\n' "${fractions[@]}" > "$T/fractions"
python3 - "$T/fractions" << 'PY' || ssp_fail "fraction done did not rise: $(tr '\n' ' ' < "$T/fractions")"
import sys
v = [float(x) for x in open(sys.argv[1]) if x.strip()]
assert all(0 <= x <= 1 for x in v), v
assert all(b >= a for a, b in zip(v, v[1:])), "went backwards: %s" % v
assert len(set(v)) >= 3 and v[-1] - v[0] > 0.3, v
PY
ssp_ok "fraction done rose: $(sort -u -g "$T/fractions" | tr '\n' ' ')"

# 4. the current protocol
grep -q '<shm_key>-1</shm_key>' "$WB_DIR/slots/0/init_data.xml" ||
	ssp_fail "the client did not choose the memory-mapped file (API version $api)"
[ -f "$WB_DIR/slots/0/boinc_mmap_file" ] || ssp_fail "no boinc_mmap_file in the slot"
grep -q "API_VERSION_$api" "$WB_DIR/slots/0/stderr.txt" || ssp_fail "stderr.txt does not name the API version"
ssp_ok "API version $api from the binary's marker: memory-mapped channels"
