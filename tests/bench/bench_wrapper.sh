#!/usr/bin/env bash
# The static ssp_wrapper's cost and responsiveness under the real BOINC client, for a CPU-bound
# task of about 60 s (ssp_sci, calibrated on this machine). Prints figures, never pass/fail:
#  - the wrapper's own CPU time (the scheduler's /proc/PID/schedstat, sampled until it exits)
#    as a share of the job's CPU time (the client's final_cpu_time);
#  - the wrapper's peak RSS (VmHWM; aim < 2 MB), its private (anonymous) RSS and PSS;
#  - suspend-to-stopped and resume-to-running latency (aim: median < 1.1 s): from the moment
#    `boinccmd --task ... suspend|resume` is issued until every task process is stopped (state
#    T) or none is, polled in /proc every 5 ms; several cycles, median and worst.
# Every figure is read from outside the wrapper, so that the same run can measure BOINC's own
# wrapper (samples/wrapper, not packaged by Debian): set SSP_BENCH_BOINC_WRAPPER to its binary
# and the two are printed side by side, each in its own client run.
# Environment: SSP_BENCH_SECONDS (default 60), SSP_BENCH_CYCLES (default 5),
# SSP_BENCH_BOINC_WRAPPER (optional).
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

# measure LABEL MAIN_PROGRAM: one client run with MAIN_PROGRAM as the app's main program;
# prints its figures.
measure() {
	local label=$1 dir="$T/$1"
	WB_WRAPPER=$2
	_wb_files=()
	_wb_wus=()
	wb_setup "$dir"
	wb_app_file job.xml "$SSP_SRCDIR/client/examples/job.xml"
	wb_wu_nojob wu_bench "$("$WB_SCI" --calibrate "$SECONDS_WANTED")"
	wb_write_state
	wb_start --exit_after_finish
	# The computing task (the second) writes its fraction-done file.
	wb_wait '[ -e "$WB_DIR/slots/0/sci_fraction" ]' 60 || ssp_fail "$label: the computing task did not start"
# Latencies and memory, measured by one python process (no fork per sample).
python3 - "$WB_DIR" "$WB_PORT" "$WB_PW" "$WB_URL" "$CYCLES" > "$dir.measure" << 'PY'
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

def sched_ns(pid):
    try:
        return int(open("/proc/%d/schedstat" % pid).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None

time.sleep(1)
ps = procs()
wrapper = [p for p, c in ps.items() if c == "ssp_wrapper"][0]
# The task: the computing ssp_sci (the selftest task may still be finishing).
time.sleep(2)
task = [p for p, c in procs().items() if c != "ssp_wrapper"]
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
# The wrapper's CPU time: its last reading before it exits.
cpu, hwm = sched_ns(wrapper), status_kb(wrapper, "VmHWM")
while True:
    v = sched_ns(wrapper)
    if v is None:
        break
    cpu = v
    h = status_kb(wrapper, "VmHWM")
    if h:
        hwm = max(hwm or 0, h)
    time.sleep(0.1)
print("wrapper_cpu_s", "%.4f" % (cpu / 1e9))
print("vmhwm_final_kb", hwm)
sys.stdout.flush()
PY

	wb_wait '! kill -0 "$WB_PID" 2>/dev/null' $((SECONDS_WANTED * 4 + 60)) || ssp_fail "$label: the job did not finish"
	wb_stop KILL
	job_cpu=$(sed -n 's:.*<final_cpu_time>\(.*\)</final_cpu_time>.*:\1:p' "$WB_DIR/client_state.xml" | head -1)
	get() { sed -n "s/^$1 //p" "$dir.measure"; }
	wrap_cpu=$(get wrapper_cpu_s)
	hwm=$(get vmhwm_final_kb)
	printf '%s under BOINC client %s, task ssp_sci, %s s calibrated (%s, %s bytes)\n' "$label" \
		"$(boinc --version | cut -d' ' -f1)" "$SECONDS_WANTED" "$(file -b "$2" | grep -o "statically linked\|dynamically linked")" "$(stat -c %s "$2")"
	printf '  job CPU time (client)              %8.2f s\n' "$job_cpu"
	printf '  wrapper CPU time (scheduler)       %8.4f s = %.3f%% of the job'"'"'s CPU time\n' \
		"$wrap_cpu" "$(awk -v w="$wrap_cpu" -v t="$job_cpu" 'BEGIN { print 100 * w / t }')"
	printf '  wrapper peak RSS (VmHWM)           %8s kB = %.2f MB (aim < 2 MB)\n' "$hwm" "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"
	printf '  wrapper RssAnon / RssFile; PSS     %8s / %s kB; %s kB\n' "$(get rss_anon_kb)" "$(get rss_file_kb)" "$(get pss_kb)"
	echo "  suspend -> all task processes stopped: $(stats "$(get suspend)") (aim: median < 1.1 s)"
	echo "  resume  -> all task processes running: $(stats "$(get resume)") (aim: median < 1.1 s)"
}

stats() { # "list of seconds" -> "median X s, worst Y s"
	echo "$1" | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { printf "median %.3f s, worst %.3f s (%d cycles)", v[int((NR + 1) / 2)], v[NR], NR }'
}

measure ssp_wrapper "$SSP_BUILDDIR/client/ssp_wrapper"
if [ -n "${SSP_BENCH_BOINC_WRAPPER:-}" ]; then
	echo
	measure boinc_wrapper "$SSP_BENCH_BOINC_WRAPPER"
else
	echo "  (BOINC's own wrapper: not available here; SSP_BENCH_BOINC_WRAPPER=/path/to/wrapper runs it beside)"
fi
