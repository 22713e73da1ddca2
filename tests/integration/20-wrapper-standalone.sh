#!/usr/bin/env bash
# ssp_wrapper in BOINC's standalone mode (no client): quick checks of the whole job cycle.
# Each case runs the wrapper in its own directory holding job.xml and plain files (standalone
# mode resolves every logical name to itself). Independent checks: sha256sum for digests,
# python3's json for the receipt, /proc for processes.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
W="$SSP_BUILDDIR/client/ssp_wrapper"
SCI="$SSP_BUILDDIR/client/examples/ssp_sci"
CHECK="$SSP_BUILDDIR/tests/helpers/receipt_check"
D="$SSP_SRCDIR/tests/data/wrapper"
for f in "$W" "$SCI" "$CHECK"; do [ -x "$f" ] || ssp_fail "missing $f (make check builds it)"; done
ssp_test_init wrapper-standalone

# Processes whose working directory is DIR or below, other than this test's own shells:
# none may be left when we exit.
procs_in() {
	python3 - "$1" <<'PY'
import os, sys
top = os.path.realpath(sys.argv[1])
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) == os.getpid():
        continue
    try:
        cwd = os.readlink("/proc/%s/cwd" % p)
        comm = open("/proc/%s/comm" % p).read().strip()
    except OSError:
        continue
    if comm != "bash" and (cwd == top or cwd.startswith(top + "/")):
        print(p)
PY
}
on_exit 'for p in $(procs_in "$T"); do kill -9 $p 2>/dev/null; done'

# A case directory with the example job, ssp_sci and an input of about $2 CPU seconds.
COUNT_1S=$("$SCI" --calibrate 1)
newcase() {
	mkdir "$T/$1" && cd "$T/$1"
	cp "$SCI" ssp_sci
	cp "$SSP_SRCDIR/client/examples/job.xml" job.xml
	echo "1 $(awk -v c="$COUNT_1S" -v s="$2" 'BEGIN { printf "%d", c * s }')" > sci_input
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# 1. The example job: two tasks, outputs, a valid receipt whose digests match sha256sum's.
newcase ok 1.5
expect_status 0 "example job" "$W"
[ -f boinc_finish_called ] || ssp_fail "boinc_finish was not called"
"$CHECK" ssp_receipt.json . > check.out || ssp_fail "receipt invalid: $(cat check.out)"
assert_contains "$(cat check.out)" "digests ok" "receipt digests (our checker)"
assert_eq "$(json ssp_receipt.json 'len(d["tasks"])')" 2 "tasks in receipt"
assert_eq "$(json ssp_receipt.json 'd["outputs"][0]["name"]')" sci_result "first output"
assert_eq "$(json ssp_receipt.json 'd["outputs"][0]["sha256"]')" "$(sha256sum sci_result | cut -d' ' -f1)" \
	"sci_result digest vs sha256sum"
assert_eq "$(json ssp_receipt.json 'd["outputs"][1]["sha256"]')" "$(sha256sum sci_log | cut -d' ' -f1)" \
	"sci_log digest vs sha256sum"
assert_eq "$(json ssp_receipt.json 'd["outputs"][0]["bytes"]')" "$(stat -c %s sci_result)" "sci_result size"
assert_eq "$(json ssp_receipt.json 'd["tasks"][0]["exit_status"]')" 0 "exit status"
# The result is the science app's own, run directly.
./ssp_sci < sci_input > direct 2>/dev/null
assert_eq "$(cat sci_result)" "$(cat direct)" "result equals a direct run"
# The receipt's CPU time is the tasks' CPU time: at least most of the calibrated 1.5 s.
awk -v c="$(json ssp_receipt.json 'd["cpu_time"]')" 'BEGIN { exit !(c > 0.8 && c < 30) }' ||
	ssp_fail "receipt cpu_time implausible: $(json ssp_receipt.json 'd["cpu_time"]')"
assert_contains "$(cat stderr.txt)" "receipt ssp_receipt.json written" "stderr.txt says so"
ssp_ok "standalone job: outputs, receipt, digests"

# 2. Failing task, task killed by a signal, malformed and missing job.xml, missing application:
#    each its own exit status and a clear line in stderr.txt.
newcase fail 0
cp "$D/fail.sh" .
printf '<job_desc><task><application>fail.sh</application></task></job_desc>\n' > job.xml
expect_status 83 "failing task" "$W"
assert_contains "$(cat stderr.txt)" "task 1 (fail.sh) exited with status 3; the result fails with exit status 83" \
	"failing task message"
[ ! -f ssp_receipt.json ] || ssp_fail "a failed job wrote a receipt"

newcase crash 0
cp "$D/crash.sh" .
printf '<job_desc><task><application>crash.sh</application></task></job_desc>\n' > job.xml
expect_status 84 "task killed by a signal" "$W"
assert_contains "$(cat stderr.txt)" "task 1 (crash.sh) was killed by signal 11 (SIGSEGV)" "signal message"

newcase badxml 0
printf '<job_desc>\n<task><application>ssp_sci</application>\n</job_desc>\n' > job.xml
expect_status 81 "malformed job.xml" "$W"
assert_contains "$(cat stderr.txt)" "error: job.xml line 3: closing tag </job_desc> does not match <task> of line 2" \
	"malformed job.xml message"
assert_contains "$(cat stderr.txt)" "the result fails with exit status 81" "malformed job.xml status line"

newcase nojob 0
rm job.xml
expect_status 81 "missing job.xml" "$W"
assert_contains "$(cat stderr.txt)" "job file job.xml not found" "missing job.xml message"

newcase noapp 0
printf '<job_desc><task><application>ssp_sci</application></task><task><application>nowhere</application></task></job_desc>\n' > job.xml
expect_status 82 "missing application" "$W"
assert_contains "$(cat stderr.txt)" "task 2: application nowhere is missing" "missing application message"
# Checked before any work: the first task never ran.
[ ! -s sci_log ] || ssp_fail "a task ran although a later application is missing"
ssp_ok "failures: exit statuses 83, 84, 81, 81, 82 with messages"

# 3. Killed hard mid-run (SIGKILL to the wrapper): the task dies with it; the next run resumes
#    from the checkpoint, does not re-run the finished first task, and adds the CPU times.
newcase restart 4
sed -i 's|--fraction sci_fraction|--fraction sci_fraction --interval 0.5|' job.xml
"$W" &
wpid=$!
for _ in $(seq 200); do
	c=$(json ssp_wrapper_state.json 'd["cur_cpu_time"] if d["tasks_done"] == 1 else 0' 2>/dev/null || echo 0)
	awk -v c="$c" 'BEGIN { exit !(c > 1.5) }' && break
	sleep 0.1
done
awk -v c="$c" 'BEGIN { exit !(c > 1.5) }' || ssp_fail "no checkpoint of task 2 seen (cpu $c)"
kill -9 "$wpid"
wait "$wpid" 2>/dev/null || true
for _ in $(seq 50); do [ -z "$(procs_in "$T/restart")" ] && break; sleep 0.1; done
[ -z "$(procs_in "$T/restart")" ] || ssp_fail "task still running after the wrapper was killed"
c1=$(json ssp_wrapper_state.json 'd["cur_cpu_time"]')
expect_status 0 "resumed run" "$W"
assert_eq "$(grep -c 'selftest passed' sci_log)" 1 "finished task 1 not re-run"
assert_contains "$(cat sci_log)" "ssp_sci: resuming at n=" "task 2 resumed from its checkpoint"
assert_contains "$(cat stderr.txt)" "resuming: 1 of 2 task(s) done" "wrapper resumed from its state"
run2=$(sed -n 's/.*cpu this run \([0-9.]*\) s/\1/p' sci_log | tail -1)
cpu2=$(json ssp_receipt.json 'd["tasks"][1]["cpu_time"]')
awk -v r="$cpu2" -v a="$c1" -v b="$run2" 'BEGIN { d = r - (a + b); if (d < 0) d = -d; exit !(d < 0.5 + 0.05 * r) }' ||
	ssp_fail "receipt cpu $cpu2 is not first run's $c1 + second run's $run2"
awk -v r="$cpu2" -v a="$c1" -v b="$run2" 'BEGIN { exit !(r > b + 0.8 * a) }' ||
	ssp_fail "receipt cpu $cpu2 does not count the first run ($c1)"
./ssp_sci < sci_input > direct 2>/dev/null
assert_eq "$(cat sci_result)" "$(cat direct)" "result after restart equals a direct run"
"$CHECK" ssp_receipt.json . > check.out || ssp_fail "receipt invalid after restart: $(cat check.out)"
ssp_ok "hard kill and restart: checkpoint resumed, CPU $c1 + $run2 = $cpu2"

# 4. SIGTERM to the wrapper (e.g. shutdown) stops the whole two-process task at once.
newcase term 20
cp "$D/launch.sh" .
cat > job.xml <<'EOF'
<job_desc><task><application>launch.sh</application>
<command_line>./ssp_sci --checkpoint ck</command_line><stdin_filename>sci_input</stdin_filename>
</task></job_desc>
EOF
"$W" &
wpid=$!
for _ in $(seq 100); do [ "$(procs_in "$T/term" | wc -l)" -ge 3 ] && break; sleep 0.05; done
[ "$(procs_in "$T/term" | wc -l)" -ge 3 ] || ssp_fail "wrapper, shell and ssp_sci not all running"
kill -TERM "$wpid"
wait "$wpid" || true
for _ in $(seq 50); do [ -z "$(procs_in "$T/term")" ] && break; sleep 0.1; done
[ -z "$(procs_in "$T/term")" ] || ssp_fail "processes left after SIGTERM: $(procs_in "$T/term")"
assert_contains "$(cat stderr.txt)" "signal 15: task stopped" "SIGTERM message"
ssp_ok "SIGTERM stops the whole task tree"

# 5. time_limit, setenv, $PROJECT_DIR, boinc_resolve(), credential-like variables withheld.
newcase env 0
cp "$D/env.sh" .
cat > job.xml <<'EOF'
<job_desc>
  <task><application>ssp_sci</application><command_line>--checkpoint ck</command_line>
    <stdin_filename>big_input</stdin_filename><time_limit>1</time_limit><weight>2</weight></task>
  <task><application>env.sh</application>
    <command_line>$PROJECT_DIR/x "two words" boinc_resolve(big_input) $NTHREADS</command_line>
    <stdout_filename>env_out</stdout_filename>
    <setenv>SSP_JOB_VAR=from job</setenv><setenv>SSP_DIR=$PROJECT_DIR/data</setenv></task>
  <ssp_output>env_out</ssp_output>
</job_desc>
EOF
echo "1 $((COUNT_1S * 100))" > big_input
start=$(date +%s.%N)
SSP_TEST_AUTH_TOKEN=leak1 BOINC_PASSWORD=leak2 MY_API_KEY=leak3 SSP_HARMLESS=kept \
	expect_status 0 "time limit and env job" "$W" --nthreads 3
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
awk -v t="$took" 'BEGIN { exit !(t < 10) }' || ssp_fail "time limit not applied (took $t s)"
assert_contains "$(cat stderr.txt)" "task 1 reached its time limit of 1 s" "time limit message"
out=$(cat env_out)
assert_contains "$out" "arg=./x" "\$PROJECT_DIR is . in standalone mode"
assert_contains "$out" "arg=two words" "quoted argument"
assert_contains "$out" "arg=big_input" "boinc_resolve() in standalone mode"
assert_contains "$out" "arg=3" "\$NTHREADS"
assert_contains "$out" "SSP_JOB_VAR=from job" "setenv"
assert_contains "$out" "SSP_DIR=./data" "setenv with \$PROJECT_DIR"
assert_contains "$out" "SSP_HARMLESS=kept" "ordinary variables are passed on"
case "$out" in *leak1* | *leak2* | *leak3*) ssp_fail "a credential-like variable reached the task" ;; esac
assert_eq "$(json ssp_receipt.json 'd["tasks"][0]["exit_status"]')" 0 "time-limited task counts as done"
ssp_ok "time_limit, setenv, macros, boinc_resolve, environment filter"

# 6. Bad options.
cd "$T"
expect_status 80 "unknown option" "$W" --bogus
assert_contains "$OUT" "bad option or value: '--bogus'" "bad option message"
expect_status 0 "--version" "$W" --version
assert_contains "$OUT" "ssp_wrapper 0." "version"
ssp_ok "options"
