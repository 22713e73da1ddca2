#!/usr/bin/env bash
# ssp_wrapper under the real BOINC client: a failing task, a malformed job.xml and a missing
# application each end the result with an error status (83, 81, 82) and a readable message in
# the result's stderr (what the client sends to the project as <stderr_txt>).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "SKIP: boinc-client is not installed"; exit 77; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
D="$SSP_SRCDIR/tests/data/wrapper"
ssp_test_init wrapper-client-errors

wb_setup "$T/boinc"
wb_app_file fail.sh "$D/fail.sh"
wb_wu wu_fail "$D/job_fail.xml" 1000
wb_wu wu_bad "$D/job_malformed.xml" 1000
wb_wu wu_noapp "$D/job_noapp.xml" 1000
wb_write_state
wb_start
wb_wait '[ "$(wb_cmd --get_tasks | grep -c "state: compute error")" -ge 3 ]' 60 ||
	ssp_fail "not all three results ended in error: $(wb_cmd --get_tasks | grep -E "name:|state:")"
wb_stop TERM

# The client's record of each result: exit status and the stderr it will report.
result_field() { # RESULT TAG
	python3 - "$WB_DIR/client_state.xml" "$1" "$2" << 'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for r in root.iter("result"):
    if r.findtext("name") == sys.argv[2]:
        print(r.findtext(sys.argv[3]) or "")
PY
}
check() { # WU STATUS MESSAGE
	local st err
	st=$(result_field "$1_0" exit_status)
	err=$(result_field "$1_0" stderr_out)
	assert_eq "$st" "$2" "exit status of $1"
	assert_contains "$err" "$3" "stderr of $1"
	assert_contains "$err" "the result fails with exit status $2" "status line in the stderr of $1"
	case "$err" in *"$WB_AUTH"*) ssp_fail "authenticator in the stderr of $1" ;; esac
	[ ! -e "$WB_PROJ/$1_0_2" ] || ssp_fail "$1 wrote a receipt although it failed"
}
check wu_fail 83 "task 1 (fail.sh) exited with status 3"
assert_contains "$(result_field wu_fail_0 stderr_out)" "fail.sh: input is unusable" "the task's own message"
check wu_bad 81 "job.xml line 6: closing tag </job_desc> does not match <task> of line 4"
check wu_noapp 82 "task 2: application ssp_missing_app is missing"
# The missing application is found before any work is done.
case "$(result_field wu_noapp_0 stderr_out)" in *"task 1/2 started"*) ssp_fail "wu_noapp ran task 1" ;; esac
ssp_ok "failing task 83, malformed job.xml 81, missing application 82, each with its message"
