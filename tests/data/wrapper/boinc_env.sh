# tests/data/wrapper/boinc_env.sh — a private BOINC client (Debian's boinc-client) that runs
# ssp_wrapper jobs without any project server. Sourced by tests/integration/2x-wrapper-*.sh
# and tests/bench/bench_wrapper.sh after tests/integration/lib/common.sh.
#
# The data directory holds an account file, a client_state.xml listing the project, the app,
# its app version (ssp_wrapper as main program plus ssp_sci, job.xml and test scripts), the
# work units and their results in state 2 (files downloaded), a cc_config.xml and a
# global_prefs_override.xml that let tasks run at once on a busy machine, and a GUI RPC
# password. The client listens for GUI RPC on 127.0.0.1 only, on a free port.
#
# Functions
#   wb_setup DIR            creates the data directory DIR (sets WB_DIR, WB_PROJ, WB_URL, WB_AUTH)
#   wb_app_file NAME SRC    copies SRC into the project as app version file NAME (open name NAME)
#   wb_wu WU JOB COUNT      adds work unit WU (result WU_0) whose job.xml is the file JOB and
#                           whose input asks ssp_sci for COUNT numbers
#   wb_wu_nojob WU COUNT    (alternative) a work unit without its own job.xml: the app version's
#                           job.xml (wb_app_file job.xml FILE) is used
#   wb_write_state          writes client_state.xml (call after the wb_app_file / wb_wu calls);
#                           the app version's <api_version> is read from the wrapper binary as
#                           BOINC's tools/update_versions does, unless WB_API_VERSION is set
#                           (WB_API_VERSION=none: no <api_version>, as an app without the marker);
#                           WB_AV_CMDLINE, if set, is the app version's <cmdline> (what a plan
#                           class adds; the client appends it to the wrapper's command line)
#   wb_start                starts the client in the background (WB_PID), waits for GUI RPC
#   wb_stop [SIG]           stops the client by PID (default TERM, then KILL after 15 s)
#   wb_cleanup              (exit trap, set by wb_start) kills the client and any process left
#                           in its slots, by PID
#   wb_cmd ARGS...          boinccmd against this client
#   wb_task_field WU FIELD  prints FIELD ("fraction done", "active_task_state", ...) of WU_0
#                           from boinccmd --get_tasks, or nothing
#   wb_slot_pids            pids of processes whose working directory is in DIR/slots
#   wb_task_pids            the same without the wrapper itself (the task's processes)
#   wb_cpu PIDS...          total utime+stime ticks of the given processes
#   wb_wait COND SECONDS    evaluates COND every 0.2 s until true, fails after SECONDS
#   wb_count_1s             numbers ssp_sci computes in about 1 CPU second here
set -u

: "${SSP_BUILDDIR:?}" "${SSP_SRCDIR:?}"
WB_WRAPPER="$SSP_BUILDDIR/client/ssp_wrapper"
WB_SCI="$SSP_BUILDDIR/client/examples/ssp_sci"
WB_URL="http://ssp.test/"
WB_PROJ_NAME="ssp.test"
WB_PLATFORM="x86_64-pc-linux-gnu"
WB_AUTH="ssp_secret_auth_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WB_PW="rpc_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
WB_PID=""
_wb_files=()
_wb_wus=()

wb_setup() {
	WB_DIR=$1
	WB_PROJ="$WB_DIR/projects/$WB_PROJ_NAME"
	mkdir -p "$WB_PROJ"
	WB_PORT=$(free_port)
	printf '%s\n' "$WB_PW" > "$WB_DIR/gui_rpc_auth.cfg"
	chmod 600 "$WB_DIR/gui_rpc_auth.cfg"
	cat > "$WB_DIR/account_$WB_PROJ_NAME.xml" <<EOF
<account>
    <master_url>$WB_URL</master_url>
    <authenticator>$WB_AUTH</authenticator>
    <project_name>SmartShare test</project_name>
    <project_preferences>
        <resource_share>100</resource_share>
        <project_specific>
            <ssp_address>0x1111111111111111111111111111111111111111</ssp_address>
        </project_specific>
    </project_preferences>
</account>
EOF
	cat > "$WB_DIR/cc_config.xml" <<'EOF'
<cc_config>
    <log_flags><task/><task_debug/><checkpoint_debug/></log_flags>
    <options>
        <no_gpus>1</no_gpus>
        <suppress_net_info>1</suppress_net_info>
        <dont_check_file_sizes>1</dont_check_file_sizes>
        <max_stderr_file_size>1000000</max_stderr_file_size>
    </options>
</cc_config>
EOF
	# Run at once and always, whatever else loads the machine; a suspended task stays in
	# memory (so that a suspend reaches the wrapper as a suspend, not as a quit).
	cat > "$WB_DIR/global_prefs_override.xml" <<'EOF'
<global_preferences>
    <run_on_batteries>1</run_on_batteries>
    <run_if_user_active>1</run_if_user_active>
    <suspend_if_no_recent_input>0</suspend_if_no_recent_input>
    <suspend_cpu_usage>0</suspend_cpu_usage>
    <start_hour>0</start_hour><end_hour>0</end_hour>
    <leave_apps_in_memory>1</leave_apps_in_memory>
    <max_ncpus_pct>100</max_ncpus_pct>
    <cpu_usage_limit>100</cpu_usage_limit>
    <idle_time_to_run>0</idle_time_to_run>
    <disk_interval>1</disk_interval>
    <ram_max_used_busy_pct>90</ram_max_used_busy_pct>
    <ram_max_used_idle_pct>90</ram_max_used_idle_pct>
    <work_buf_min_days>0</work_buf_min_days>
    <work_buf_additional_days>0</work_buf_additional_days>
</global_preferences>
EOF
	wb_app_file ssp_wrapper "$WB_WRAPPER"
	wb_app_file ssp_sci "$WB_SCI"
}

wb_app_file() {
	cp "$2" "$WB_PROJ/$1"
	_wb_files+=("$1")
}

wb_count_1s() {
	"$WB_SCI" --calibrate 1
}

wb_wu() {
	cp "$2" "$WB_PROJ/$1_job.xml"
	printf '1 %s\n' "$3" > "$WB_PROJ/$1_input"
	_wb_wus+=("$1:job")
}

wb_wu_nojob() {
	printf '1 %s\n' "$2" > "$WB_PROJ/$1_input"
	_wb_wus+=("$1:")
}

_wb_file_xml() { # NAME [upload|data]
	if [ "${2:-}" = data ]; then
		printf '<file>\n    <name>%s</name>\n    <nbytes>%s</nbytes>\n    <max_nbytes>0</max_nbytes>\n    <status>1</status>\n</file>\n' \
			"$1" "$(stat -c %s "$WB_PROJ/$1")"
	elif [ "${2:-}" = upload ]; then
		printf '<file>\n    <name>%s</name>\n    <max_nbytes>100000000</max_nbytes>\n    <status>0</status>\n    <upload_url>http://127.0.0.1:9/upload</upload_url>\n</file>\n' "$1"
	else
		printf '<file>\n    <name>%s</name>\n    <nbytes>%s</nbytes>\n    <max_nbytes>0</max_nbytes>\n    <status>1</status>\n    <executable/>\n</file>\n' \
			"$1" "$(stat -c %s "$WB_PROJ/$1")"
	fi
}

# The API version marker of a binary, found as BOINC's tools/update_versions finds it.
wb_api_version() {
	# (every line read to the end: no SIGPIPE under pipefail; no marker prints nothing)
	{ strings "$1" | grep -E 'API_VERSION_[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$' || true; } |
		sed -n '1s/.*API_VERSION_//p'
}

wb_write_state() {
	local now f wu name job r api
	now=$(date +%s)
	api=${WB_API_VERSION:-$(wb_api_version "$WB_PROJ/ssp_wrapper")}
	[ "$api" = none ] && api=""
	{
		echo "<client_state>"
		printf '<project>\n    <master_url>%s</master_url>\n    <project_name>SmartShare test</project_name>\n    <userid>42</userid>\n    <teamid>0</teamid>\n    <hostid>7</hostid>\n    <dont_request_more_work/>\n</project>\n' "$WB_URL"
		printf '<app>\n    <name>ssp_test</name>\n    <user_friendly_name>SmartShare test</user_friendly_name>\n</app>\n'
		for f in "${_wb_files[@]}"; do _wb_file_xml "$f"; done
		printf '<app_version>\n    <app_name>ssp_test</app_name>\n    <version_num>100</version_num>\n    <platform>%s</platform>\n    <avg_ncpus>1</avg_ncpus>\n    <flops>1000000000</flops>\n' "$WB_PLATFORM"
		[ -n "$api" ] && printf '    <api_version>%s</api_version>\n' "$api"
		[ -n "${WB_AV_CMDLINE:-}" ] && printf '    <cmdline>%s</cmdline>\n' "$WB_AV_CMDLINE"
		for f in "${_wb_files[@]}"; do
			if [ "$f" = ssp_wrapper ]; then
				printf '    <file_ref>\n        <file_name>%s</file_name>\n        <main_program/>\n    </file_ref>\n' "$f"
			else
				printf '    <file_ref>\n        <file_name>%s</file_name>\n        <open_name>%s</open_name>\n    </file_ref>\n' "$f" "$f"
			fi
		done
		echo "</app_version>"
		for wu in "${_wb_wus[@]}"; do
			name=${wu%%:*}
			job=${wu#*:}
			r="${name}_0"
			_wb_file_xml "${name}_input" data
			[ -n "$job" ] && _wb_file_xml "${name}_job.xml" data
			for f in 0 1 2; do _wb_file_xml "${r}_$f" upload; done
			printf '<workunit>\n    <name>%s</name>\n    <app_name>ssp_test</app_name>\n    <version_num>100</version_num>\n' "$name"
			printf '    <rsc_fpops_est>20000000000</rsc_fpops_est>\n    <rsc_fpops_bound>1000000000000000</rsc_fpops_bound>\n    <rsc_memory_bound>500000000</rsc_memory_bound>\n    <rsc_disk_bound>1000000000</rsc_disk_bound>\n'
			printf '    <file_ref>\n        <file_name>%s_input</file_name>\n        <open_name>sci_input</open_name>\n    </file_ref>\n' "$name"
			[ -n "$job" ] && printf '    <file_ref>\n        <file_name>%s_job.xml</file_name>\n        <open_name>job.xml</open_name>\n    </file_ref>\n' "$name"
			echo "</workunit>"
			printf '<result>\n    <name>%s</name>\n    <wu_name>%s</wu_name>\n    <received_time>%s</received_time>\n    <report_deadline>%s</report_deadline>\n' \
				"$r" "$name" "$now" "$((now + 86400))"
			printf '    <version_num>100</version_num>\n    <platform>%s</platform>\n    <state>2</state>\n' "$WB_PLATFORM"
			printf '    <file_ref>\n        <file_name>%s_0</file_name>\n        <open_name>sci_result</open_name>\n    </file_ref>\n' "$r"
			printf '    <file_ref>\n        <file_name>%s_1</file_name>\n        <open_name>sci_log</open_name>\n    </file_ref>\n' "$r"
			printf '    <file_ref>\n        <file_name>%s_2</file_name>\n        <open_name>ssp_receipt.json</open_name>\n    </file_ref>\n' "$r"
			echo "</result>"
		done
		echo "</client_state>"
	} > "$WB_DIR/client_state.xml"
}

wb_cmd() {
	boinccmd --host "127.0.0.1:$WB_PORT" --passwd "$WB_PW" "$@"
}

# Starts the client; extra arguments are passed on (e.g. --exit_after_finish).
wb_start() {
	(cd "$WB_DIR" && exec boinc --dir "$WB_DIR" --skip_cpu_benchmarks --unsigned_apps_ok \
		--no_info_fetch --allow_multiple_clients --no_gpus --gui_rpc_port "$WB_PORT" \
		--suppress_net_info "$@" >> "$WB_DIR/client.log" 2>&1) &
	WB_PID=$!
	[ -n "${_wb_trap:-}" ] || { on_exit wb_cleanup; _wb_trap=1; }
	wb_wait 'wb_cmd --get_cc_status >/dev/null 2>&1' 30 ||
		{ tail -20 "$WB_DIR/client.log" >&2; ssp_fail "BOINC client did not answer GUI RPC"; }
}

wb_stop() {
	local sig=${1:-TERM} i
	if [ -n "$WB_PID" ] && kill -0 "$WB_PID" 2>/dev/null; then
		kill "-$sig" "$WB_PID" 2>/dev/null || true
		for i in $(seq 150); do kill -0 "$WB_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$WB_PID" 2>/dev/null || true
		wait "$WB_PID" 2>/dev/null || true
	fi
	WB_PID=""
	return 0
}

# Exit trap: the client, then anything still running in its slots, by PID.
wb_cleanup() {
	local p
	wb_stop KILL
	[ -n "${WB_DIR:-}" ] && [ -d "$WB_DIR/slots" ] || return 0
	for p in $(wb_slot_pids); do kill -KILL "$p" 2>/dev/null || true; done
	return 0
}

wb_task_field() {
	wb_cmd --get_tasks 2>/dev/null | awk -v r="$1_0" -v f="$2" '
		$1 == "name:" { cur = $2 }
		cur == r { line = $0; sub(/^[ \t]+/, "", line)
			if (index(line, f ": ") == 1) { print substr(line, length(f) + 3); exit } }'
}

# Processes (not this test's shells) whose working directory is in the client's slots.
wb_slot_pids() {
	python3 - "$WB_DIR/slots" <<'PY'
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

wb_task_pids() {
	local p
	for p in $(wb_slot_pids); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ssp_wrapper ] || echo "$p"
	done
}

wb_cpu() {
	local p t=0 v
	for p in "$@"; do
		v=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$p/stat" 2>/dev/null) || v=0
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

wb_wait() {
	local cond=$1 secs=$2 i n
	n=$((secs * 5))
	for ((i = 0; i < n; i++)); do
		eval "$cond" && return 0
		sleep 0.2
	done
	return 1
}
