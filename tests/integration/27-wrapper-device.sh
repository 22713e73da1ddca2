#!/usr/bin/env bash
# GPU device and the arguments BOINC appends, as BOINC's wrapper (samples/wrapper) handles them:
#  1. standalone, `--device 1 --nthreads 3 --passthrough_child ...`: $GPU_DEVICE_NUM becomes 1
#     in a task's command line and <setenv>, $NTHREADS 3, and the pass-through arguments are
#     appended only to the task with <append_cmdline_args/>;
#  2. init_data.xml's <gpu_device_num> wins over --device (clients for API 7.5 and up give it
#     there); without either, $GPU_DEVICE_NUM is left as it is;
#  3. under the real BOINC client, an app version whose <cmdline> is "--device 1" (the client
#     appends it to the wrapper's command line): the task's output, uploaded to the project
#     directory, shows device 1.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
W="$SSP_BUILDDIR/client/ssp_wrapper"
D="$SSP_SRCDIR/tests/data/wrapper"
ssp_test_init wrapper-device

job() { # the two-task job: env.sh records its arguments and environment on stdout
	cat > job.xml << 'XML'
<job_desc>
    <task>
        <application>env.sh</application>
        <command_line>--gpu $GPU_DEVICE_NUM --threads $NTHREADS</command_line>
        <setenv>SSP_GPU=$GPU_DEVICE_NUM</setenv>
        <stdout_filename>sci_result</stdout_filename>
        <stderr_filename>sci_log</stderr_filename>
        <append_cmdline_args/>
    </task>
    <task>
        <application>env.sh</application>
        <command_line>second</command_line>
        <stdout_filename>task2_out</stdout_filename>
    </task>
</job_desc>
XML
	cp "$D/env.sh" env.sh
	chmod +x env.sh
}

# 1. --device, --nthreads, --passthrough_child
mkdir "$T/s1" && cd "$T/s1" && job
expect_status 0 "wrapper with --device 1" "$W" --device 1 --nthreads 3 --passthrough_child --extra "two words"
out=$(cat sci_result)
assert_contains "$out" $'arg=--gpu\narg=1\narg=--threads\narg=3\narg=--extra\narg=two words' "task 1 arguments"
assert_contains "$out" "SSP_GPU=1" "task 1 environment"
case "$(cat task2_out)" in *"arg=--extra"*) ssp_fail "arguments appended to a task without <append_cmdline_args/>" ;; esac
assert_contains "$(cat task2_out)" "arg=second" "task 2 arguments"
assert_contains "$(cat stderr.txt)" "GPU device 1 (from --device)" "stderr.txt names the device"
ssp_ok "--device 1 reached \$GPU_DEVICE_NUM in the command line and <setenv>; pass-through appended"

# 2. init_data.xml's device wins; none at all leaves the macro
mkdir "$T/s2" && cd "$T/s2" && job
printf '<app_init_data>\n<gpu_type>NVIDIA</gpu_type>\n<gpu_device_num>2</gpu_device_num>\n</app_init_data>\n' > init_data.xml
expect_status 0 "wrapper with init_data.xml device 2 and --device 1" "$W" --device 1
assert_contains "$(cat sci_result)" $'arg=--gpu\narg=2' "device from init_data.xml"
assert_contains "$(cat stderr.txt)" "GPU device 2 (from init_data.xml)" "stderr.txt names init_data.xml"
mkdir "$T/s3" && cd "$T/s3" && job
expect_status 0 "wrapper without a device" "$W"
assert_contains "$(cat sci_result)" $'arg=--gpu\narg=$GPU_DEVICE_NUM' "macro left as it is"
expect_status 80 "bad --device" "$W" --device x
expect_status 80 "--trickle refused" "$W" --trickle 10
# (under the client, the wrapper's stderr is the slot's stderr.txt: the client redirects it)
assert_contains "$OUT" "--trickle is not supported" "refusal line on stderr"
ssp_ok "init_data.xml's device wins over --device; no device leaves \$GPU_DEVICE_NUM; bad options refused"

# 3. under the real client: the app version's cmdline is appended to the wrapper's
command -v boinc > /dev/null && command -v boinccmd > /dev/null ||
	ssp_fail "boinc-client is not installed (scripts/install-deps.sh installs it)"
. "$D/boinc_env.sh"
cd "$T"
mkdir "$T/jobsrc" && (cd "$T/jobsrc" && job)
wb_setup "$T/boinc"
wb_app_file env.sh "$D/env.sh"
wb_wu wu_dev "$T/jobsrc/job.xml" 1000
WB_AV_CMDLINE="--device 1" wb_write_state
grep -q '<cmdline>--device 1</cmdline>' "$WB_DIR/client_state.xml" || ssp_fail "test is void: no app version cmdline"
wb_start --exit_after_finish
wb_wait '! kill -0 "$WB_PID" 2>/dev/null' 60 || ssp_fail "client did not finish the job: $(wb_cmd --get_tasks | grep -E 'state|status')"
wb_stop KILL
grep -q '<exit_status>0</exit_status>' "$WB_DIR/client_state.xml" || ssp_fail "result exit status not 0"
assert_contains "$(cat "$WB_PROJ/wu_dev_0_0")" $'arg=--gpu\narg=1' "the client's --device 1 reached the task"
assert_contains "$(cat "$WB_PROJ/wu_dev_0_0")" "SSP_GPU=1" "and its environment"
assert_contains "$(cat "$WB_DIR/slots/0/stderr.txt")" "GPU device 1 (from --device)" "client run stderr.txt"
ssp_ok "under the BOINC client, the app version's --device 1 reached \$GPU_DEVICE_NUM"
