#!/usr/bin/env bash
# ssp_wrapper's cost and responsiveness under the real BOINC client, for a CPU-bound task of
# about 60 s (ssp_sci, calibrated on this machine). Prints figures, never pass/fail:
#  - the wrapper's own CPU time (all its threads, the BOINC runtime's included, read by the
#    wrapper at exit from the scheduler's /proc/self/task/*/schedstat; getrusage's tick-sampled
#    figure is shown too) as a share of the job's CPU time (aim < 0.2%);
#  - the wrapper's peak RSS (VmHWM; aim < 4 MB), its private (anonymous) RSS and PSS, read from
#    /proc while it runs, and the peak RSS of its short-lived job.xml parser process;
#  - suspend-to-stopped and resume-to-running latency (aim < 1.5 s): from the moment
#    `boinccmd --task ... suspend|resume` is issued until every task process is stopped (state
#    T) or none is, polled in /proc every 5 ms; several cycles, median and worst.
# Environment: SSP_BENCH_SECONDS (default 60), SSP_BENCH_CYCLES (default 5).
set -euo pipefail
: "${SSP_SRCDIR:?}" "${SSP_BUILDDIR:?}"
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	{ echo "bench_wrapper: boinc-client is not installed, skipped"; exit 0; }
. "$SSP_SRCDIR/tests/data/wrapper/boinc_env.sh"
SECONDS_WANTED=${SSP_BENCH_SECONDS:-60}
CYCLES=${SSP_BENCH_CYCLES:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/ssp-bench-wrapper-XXXXXX")
on_exit "rm -rf '$T'"

wb_setup "$T/boinc"
wb_app_file job.xml "$SSP_SRCDIR/client/examples/job.xml"
wb_wu_nojob wu_bench "$("$WB_SCI" --calibrate "$SECONDS_WANTED")"
wb_write_state
wb_start --exit_after_finish
wb_wait 'grep -q "task 2/2 started" "$WB_DIR/slots/0/stderr.txt" 2>/dev/null' 60 ||
	ssp_fail "the computing task did not start"

# Latencies and memory, measured by one python process (no fork per sample).
python3 - "$WB_DIR" "$WB_PORT" "$WB_PW" "$WB_URL" "$CYCLES" > "$T/measure.out" << 'PY'
import os, subprocess, sys, time
wbdir, port, pw, url, cycles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
slots = os.path.join(wbdir, "slots")

def procs():
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cwd = os.readlink("/proc/%s/cwd" % p)
            comm = open("/proc/%s/comm" % p).read().strip()
        except OSError:
            continue
        if cwd.startswith(slots + "/") and comm != "bash" and comm != "python3":
            out[int(p)] = comm
    return out

def state(pid):
    try:
        s = open("/proc/%d/stat" % pid).read()
    except OSError:
        return None
    return s[s.rindex(")") + 2]

def status_kb(pid, key):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None

def pss_kb(pid):
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None

def wait_for(cond, limit=15.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if cond():
            return True
        time.sleep(0.005)
    return False

time.sleep(3)
ps = procs()
wrapper = [p for p, c in ps.items() if c == "ssp_wrapper"][0]
task = [p for p, c in ps.items() if c != "ssp_wrapper"]
sus, res = [], []
cmd = ["boinccmd", "--host", "127.0.0.1:" + port, "--passwd", pw, "--task", url, "wu_bench_0"]

def rpc(op):
    # The client answers GUI RPC from its main loop; retry a refused connection briefly.
    for _ in range(20):
        if subprocess.run(cmd + [op], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            return
        time.sleep(0.05)
    raise SystemExit("boinccmd %s failed" % op)

for i in range(cycles):
    t0 = time.monotonic()
    rpc("suspend")
    ok = wait_for(lambda: all(state(p) == "T" for p in task))
    sus.append(time.monotonic() - t0 if ok else float("inf"))
    time.sleep(1.0)
    t0 = time.monotonic()
    rpc("resume")
    ok = wait_for(lambda: all(state(p) not in ("T", None) for p in task))
    res.append(time.monotonic() - t0 if ok else float("inf"))
    time.sleep(2.0)
print("wrapper_pid", wrapper)
print("suspend", " ".join("%.3f" % x for x in sus))
print("resume", " ".join("%.3f" % x for x in res))
# Memory late in the run (VmHWM is the peak since the wrapper started).
time.sleep(2)
print("vmhwm_kb", status_kb(wrapper, "VmHWM"))
print("rss_anon_kb", status_kb(wrapper, "RssAnon"))
print("rss_file_kb", status_kb(wrapper, "RssFile"))
print("pss_kb", pss_kb(wrapper))
PY

wb_wait '! kill -0 "$WB_PID" 2>/dev/null' $((SECONDS_WANTED * 4 + 60)) || ssp_fail "the job did not finish"
wb_stop KILL
grep -q '<exit_status>0</exit_status>' "$WB_DIR/client_state.xml" || ssp_fail "the job failed"

log="$WB_DIR/slots/0/stderr.txt"
task_cpu=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["tasks"][1]["cpu_time"])' "$WB_PROJ/wu_bench_0_2")
total_cpu=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["cpu_time"])' "$WB_PROJ/wu_bench_0_2")
wrap_cpu=$(sed -n "s/.*wrapper's own usage: .*scheduler \([0-9.]*\) s.*/\1/p" "$log" | tail -1)
wrap_ru=$(sed -n "s/.*wrapper's own usage: cpu \([0-9.]*\) s.*/\1/p" "$log" | tail -1)
wrap_rss=$(sed -n "s/.*wrapper's own usage: .*peak rss \([0-9]*\) kB.*/\1/p" "$log" | tail -1)
get() { sed -n "s/^$1 //p" "$T/measure.out"; }
stats() { # "list of seconds" -> "median X s, worst Y s"
	echo "$1" | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { printf "median %.3f s, worst %.3f s (%d cycles)", v[int((NR + 1) / 2)], v[NR], NR }'
}

echo "ssp_wrapper under BOINC client $(boinc --version | cut -d' ' -f1), task ssp_sci, ${SECONDS_WANTED} s calibrated"
printf '  task CPU time                      %8.2f s (job total %.2f s)\n' "$task_cpu" "$total_cpu"
printf '  wrapper CPU time (scheduler)       %8.4f s = %.3f%% of the job'"'"'s CPU time (aim < 0.2%%)\n' \
	"$wrap_cpu" "$(awk -v w="$wrap_cpu" -v t="$total_cpu" 'BEGIN { print 100 * w / t }')"
printf '  wrapper CPU time (getrusage, ticks)%8.3f s = %.3f%%\n' \
	"$wrap_ru" "$(awk -v w="$wrap_ru" -v t="$total_cpu" 'BEGIN { print 100 * w / t }')"
printf '  wrapper peak RSS (getrusage)       %8d kB = %.2f MB (aim < 4 MB)\n' "$wrap_rss" \
	"$(awk -v k="$wrap_rss" 'BEGIN { print k / 1024 }')"
printf '  wrapper VmHWM / RssAnon / RssFile  %8s / %s / %s kB; PSS %s kB\n' "$(get vmhwm_kb)" \
	"$(get rss_anon_kb)" "$(get rss_file_kb)" "$(get pss_kb)"
echo "  suspend -> all task processes stopped: $(stats "$(get suspend)") (aim < 1.5 s)"
echo "  resume  -> all task processes running: $(stats "$(get resume)") (aim < 1.5 s)"
echo "  job.xml parser process (short-lived): $(sed -n 's/.*parsed by process [0-9]* (peak rss \([0-9]*\) kB).*/peak RSS \1 kB/p' "$log" | head -1)"
