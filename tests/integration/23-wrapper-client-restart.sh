#!/usr/bin/env bash
# ssp_wrapper under the real BOINC client: no work is lost when the client stops.
#  - a graceful client exit (SIGTERM: the client asks the wrapper to quit) stops the task at once;
#  - killing the client (SIGKILL) mid-run: the wrapper notices the client is gone, stops the task;
#  - each restart resumes from the checkpoint: the finished first task is not run again, the
#    second resumes where it checkpointed, and the receipt's CPU time counts every run.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "SKIP: boinc-client is not installed"; exit 77; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
CHECK="$SSP_BUILDDIR/tests/helpers/receipt_check"
ssp_test_init wrapper-client-restart

sed 's|--fraction sci_fraction|--fraction sci_fraction --interval 0.5|' \
	"$SSP_SRCDIR/client/examples/job.xml" > "$T/job.xml"
wb_setup "$T/boinc"
wb_app_file job.xml "$T/job.xml"
wb_wu_nojob wu_rs $(($(wb_count_1s) * 10))
wb_write_state
STATE="$WB_DIR/slots/0/ssp_wrapper_state.json"
SLOG="$WB_DIR/slots/0/stderr.txt"
saved_cpu() { # CPU seconds of task 2 saved at its last checkpoint (0 before)
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["cur_cpu_time"] if d["tasks_done"] == 1 else 0)' \
		"$STATE" 2> /dev/null || echo 0
}
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# Run 1, stopped gracefully once task 2 has checkpointed.
wb_start
wb_wait 'gt "$(saved_cpu)" 1.5' 60 || ssp_fail "task 2 did not checkpoint in run 1"
wb_stop TERM
wb_wait '[ -z "$(wb_slot_pids)" ]' 10 || ssp_fail "processes left after the client quit: $(wb_slot_pids)"
assert_contains "$(cat "$SLOG")" "quit requested by the client: task stopped" "quit message"
c1=$(saved_cpu)
ssp_ok "graceful client exit: task stopped, $c1 s of CPU saved"

# Run 2, client killed once task 2 has checkpointed again.
wb_start
wb_wait 'gt "$(saved_cpu)" "$(awk -v c="$c1" "BEGIN { print c + 1.5 }")"' 60 ||
	ssp_fail "task 2 did not checkpoint in run 2"
kill -KILL "$WB_PID"
wait "$WB_PID" 2> /dev/null || true
WB_PID=""
killed_at=$(date +%s.%N)
wb_wait '[ -z "$(wb_slot_pids)" ]' 5 || ssp_fail "wrapper did not stop within 5 s of the client being killed: $(wb_slot_pids)"
noticed=$(awk -v a="$killed_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
assert_contains "$(cat "$SLOG")" "lost contact with the client (it exited): task stopped" "lost client message"
c2=$(saved_cpu)
gt "$c2" "$c1" || ssp_fail "saved CPU did not grow in run 2 ($c1 -> $c2)"
ssp_ok "client killed: the wrapper stopped its task ${noticed}s later, $c2 s of CPU saved"

# Run 3 to the end.
wb_start --exit_after_finish
wb_wait '! kill -0 "$WB_PID" 2>/dev/null' 90 || ssp_fail "client did not exit after the job"
wb_stop KILL
grep -q '<exit_status>0</exit_status>' "$WB_DIR/client_state.xml" || ssp_fail "result exit status not 0"
log="$WB_PROJ/wu_rs_0_1"
assert_eq "$(grep -c 'selftest passed' "$log")" 1 "the finished task 1 ran once"
assert_eq "$(grep -c 'ssp_sci: resuming at n=' "$log")" 2 "task 2 resumed twice from its checkpoint"
assert_eq "$(grep -c 'resuming: 1 of 2 task(s) done' "$SLOG")" 2 "the wrapper resumed twice from its state"
"$CHECK" "$WB_PROJ/wu_rs_0_2" "$WB_PROJ" > "$T/check.out" || ssp_fail "receipt invalid: $(cat "$T/check.out")"
run3=$(sed -n 's/.*cpu this run \([0-9.]*\) s/\1/p' "$log" | tail -1)
cpu2=$(sed -n 's/^task1 ssp_sci 0 \([0-9.]*\) .*/\1/p' "$T/check.out")
awk -v r="$cpu2" -v a="$c2" -v b="$run3" 'BEGIN { d = r - (a + b); if (d < 0) d = -d; exit !(d < 0.5 + 0.05 * r) }' ||
	ssp_fail "receipt CPU $cpu2 of task 2 is not the saved $c2 + the last run's $run3"
gt "$cpu2" "$(awk -v a="$c2" -v b="$run3" 'BEGIN { print b + 0.8 * a }')" ||
	ssp_fail "receipt CPU $cpu2 does not count the earlier runs ($c2)"
"$WB_SCI" < "$WB_PROJ/wu_rs_input" > "$T/direct" 2> /dev/null
assert_eq "$(cat "$WB_PROJ/wu_rs_0_0")" "$(cat "$T/direct")" "result after two restarts equals a direct run"
ssp_ok "resumed to the end: task 2 CPU $cpu2 s = $c2 saved + $run3 last run"
