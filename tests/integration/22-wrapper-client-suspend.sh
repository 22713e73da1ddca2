#!/usr/bin/env bash
# ssp_wrapper under the real BOINC client: `boinccmd --task ... suspend` stops the task's CPU
# time from growing (every process of a two-process task is stopped), `resume` restarts it,
# both within seconds; the job then completes and its receipt does not count the suspended
# time as running time.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "SKIP: boinc-client is not installed"; exit 77; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
CHECK="$SSP_BUILDDIR/tests/helpers/receipt_check"
ssp_test_init wrapper-client-suspend

wb_setup "$T/boinc"
wb_app_file launch.sh "$SSP_SRCDIR/tests/data/wrapper/launch.sh"
wb_app_file job.xml "$SSP_SRCDIR/tests/data/wrapper/job_multi.xml"
wb_wu_nojob wu_susp $(($(wb_count_1s) * 6))
wb_write_state
wb_start --exit_after_finish
started=$(date +%s.%N)

states() { # the process states (R, S, T, ...) of the task's processes
	local p
	for p in $(wb_task_pids); do
		awk '{ s = $0; sub(/.*\) /, "", s); print substr(s, 1, 1) }' "/proc/$p/stat" 2> /dev/null
	done
}
all_stopped() { local s; s=$(states | sort -u | tr -d '\n'); [ "$s" = T ]; }
none_stopped() { local s; s=$(states | sort -u | tr -d '\n'); [ -n "$s" ] && [[ "$s" != *T* ]]; }

wb_wait '[ "$(wb_task_pids | wc -l)" -ge 2 ]' 30 || ssp_fail "the two task processes did not start"
sleep 1
pids=$(wb_task_pids | tr '\n' ' ')
c0=$(wb_cpu $pids)
sleep 1
c1=$(wb_cpu $pids)
[ "$c1" -gt "$c0" ] || ssp_fail "task CPU time not growing before suspend ($c0 -> $c1)"

t0=$(date +%s.%N)
wb_cmd --task "$WB_URL" wu_susp_0 suspend
wb_wait all_stopped 10 || ssp_fail "task processes not all stopped after suspend: $(states | tr '\n' ' ')"
lat_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
sleep 0.5
s0=$(wb_cpu $pids)
sleep 2
s1=$(wb_cpu $pids)
assert_eq "$s1" "$s0" "CPU ticks of the suspended task"
assert_eq "$(wb_task_pids | wc -l)" 2 "processes still in memory while suspended"
assert_contains "$(wb_cmd --get_tasks)" "suspended via GUI: yes" "client reports the suspension"

t1=$(date +%s.%N)
wb_cmd --task "$WB_URL" wu_susp_0 resume
wb_wait none_stopped 10 || ssp_fail "task processes still stopped after resume: $(states | tr '\n' ' ')"
lat_r=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
sleep 1
r1=$(wb_cpu $pids)
[ "$r1" -gt "$s1" ] || ssp_fail "task CPU time not growing after resume ($s1 -> $r1)"
suspended_for=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
ssp_ok "suspend stopped the task in ${lat_s}s, resume restarted it in ${lat_r}s"

wb_wait '! kill -0 "$WB_PID" 2>/dev/null' 90 || ssp_fail "client did not exit after the job"
total=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
wb_stop KILL
grep -q '<exit_status>0</exit_status>' "$WB_DIR/client_state.xml" || ssp_fail "result exit status not 0"
"$CHECK" "$WB_PROJ/wu_susp_0_2" "$WB_PROJ" > "$T/check.out" || ssp_fail "receipt invalid: $(cat "$T/check.out")"
wall=$(sed -n 's/^wall_time //p' "$T/check.out")
awk -v w="$wall" -v t="$total" -v s="$suspended_for" 'BEGIN { exit !(w <= t - s + 0.5) }' ||
	ssp_fail "receipt wall time $wall counts the ${suspended_for}s suspension (run took $total s)"
"$WB_SCI" < "$WB_PROJ/wu_susp_input" > "$T/direct" 2> /dev/null
assert_eq "$(cat "$WB_PROJ/wu_susp_0_0")" "$(cat "$T/direct")" "result after suspend/resume equals a direct run"
grep -q "suspended" "$WB_DIR/slots/0/stderr.txt" || ssp_fail "stderr.txt does not mention the suspension"
ssp_ok "job completed after suspend/resume; receipt wall time $wall s excludes the suspension"
