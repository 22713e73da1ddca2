#!/usr/bin/env bash
# ssp_wrapper under the real BOINC client: `boinccmd --task ... abort` leaves no task process
# behind, for a running two-process task and for one that was suspended (stopped) first.
# The app version is given no API version, so the client talks to the wrapper over a System V
# shared-memory segment (BOINC's protocol before API 6.0; the other client tests use the
# memory-mapped file).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "SKIP: boinc-client is not installed"; exit 77; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
ssp_test_init wrapper-client-abort

wb_setup "$T/boinc"
wb_app_file launch.sh "$SSP_SRCDIR/tests/data/wrapper/launch.sh"
wb_app_file job.xml "$SSP_SRCDIR/tests/data/wrapper/job_multi.xml"
n=$(($(wb_count_1s) * 60))
wb_wu_nojob wu_a $n
wb_wu_nojob wu_b $n
WB_API_VERSION=none wb_write_state
grep -q '<api_version>' "$WB_DIR/client_state.xml" && ssp_fail "test is void: an API version was given"
wb_start

# Both run at once (two CPUs, one CPU each): wrapper + launch.sh + ssp_sci per slot.
wb_wait '[ "$(wb_task_pids | wc -l)" -ge 4 ]' 30 || ssp_fail "the tasks did not start: $(wb_slot_pids)"
slot_of() { wb_cmd --get_tasks | awk -v r="$1_0" '$1 == "name:" { cur = $2 } cur == r && $1 == "slot:" { print $2; exit }'; }
in_slot() { # pids whose cwd is slot $1
	local p
	for p in $(wb_slot_pids); do
		[ "$(readlink "/proc/$p/cwd")" = "$WB_DIR/slots/$1" ] && echo "$p"
	done
	return 0
}
stopped_in() { # number of stopped processes in slot $1
	local p c=0
	for p in $(in_slot "$1"); do
		[ "$(awk '{ s = $0; sub(/.*\) /, "", s); print substr(s, 1, 1) }' "/proc/$p/stat" 2> /dev/null)" = T ] && c=$((c + 1))
	done
	echo "$c"
}
sa=$(slot_of wu_a)
sb=$(slot_of wu_b)
[ -n "$sa" ] && [ -n "$sb" ] && [ "$sa" != "$sb" ] || ssp_fail "tasks not in two slots ($sa, $sb)"
sleep 1
key=$(sed -n 's:.*<shm_key>\(.*\)</shm_key>.*:\1:p' "$WB_DIR/slots/$sa/init_data.xml")
[ -n "$key" ] && [ "$key" != -1 ] || ssp_fail "the client did not give a System V key (shm_key '$key')"
ssp_ok "old protocol: System V segment (key $key)"

# Abort a running task.
wb_cmd --task "$WB_URL" wu_a_0 abort
wb_wait '[ -z "$(in_slot "$sa")" ]' 20 || ssp_fail "processes left in slot $sa after abort: $(in_slot "$sa")"
[ -n "$(in_slot "$sb")" ] || ssp_fail "the other task stopped too"
ssp_ok "abort of a running task: no process left"

# Abort a suspended (stopped) task.
wb_cmd --task "$WB_URL" wu_b_0 suspend
wb_wait '[ "$(stopped_in "$sb")" -ge 2 ]' 15 ||
	ssp_fail "task b not stopped by suspend"
wb_cmd --task "$WB_URL" wu_b_0 abort
wb_wait '[ -z "$(in_slot "$sb")" ]' 20 || ssp_fail "processes left in slot $sb after abort: $(in_slot "$sb")"
ssp_ok "abort of a suspended task: no process left"

wb_wait '[ "$(wb_cmd --get_tasks | grep -c "state: aborted")" -ge 2 ]' 15 ||
	ssp_fail "the client does not report both tasks aborted"
wb_stop TERM
[ -z "$(wb_slot_pids)" ] || ssp_fail "processes left after the client exited: $(wb_slot_pids)"
ssp_ok "client reports both tasks aborted; nothing left running"
