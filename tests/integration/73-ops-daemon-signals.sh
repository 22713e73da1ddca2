#!/bin/bash
# ssp_validator under a log rotation and under BOINC's bin/stop: a SIGHUP alone (logrotate's
# postrotate) is logged and ignored, the daemon keeps running; BOINC's stop — the file
# PROJECT_DIR/stop_daemons, then SIGHUP (BOINC's sched/start, stop_daemons()) — stops it with
# status 0. (The bridge's side is in 49-bridge-recover.sh.)
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup ops-daemon-signals
printf "app\nuser 1\nhost 11 1\n" | vt_spec
"$VALIDATOR" --app ssp --project_dir "$P" --sleep_interval 1 -d 3 >"$T/daemon.log" 2>&1 &
pid=$!
on_exit "kill -9 $pid 2>/dev/null || :"
for i in $(seq 1 100); do grep -q "starting: app" "$T/daemon.log" && break; sleep 0.1; done
assert_contains "$(cat "$T/daemon.log")" "starting: app" "the validator started"
kill -HUP "$pid"
for i in $(seq 1 30); do grep -q "SIGHUP without" "$T/daemon.log" && break; sleep 0.1; done
sleep 0.5
kill -0 "$pid" 2>/dev/null || ssp_fail "SIGHUP stopped the validator: $(tail -5 "$T/daemon.log")"
assert_contains "$(cat "$T/daemon.log")" "SIGHUP without $P/stop_daemons: not a BOINC stop; going on" "SIGHUP logged"
ssp_ok "a SIGHUP alone does not stop the validator"
echo '<stop/>' >"$P/stop_daemons"
kill -HUP "$pid"
st=0
for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && ssp_fail "BOINC's stop did not stop the validator"
wait "$pid" || st=$?
assert_eq "$st" 0 "exit status after BOINC's stop"
assert_contains "$(cat "$T/daemon.log")" "$P/stop_daemons exists: stopping" "BOINC stop logged"
ssp_ok "BOINC's stop (stop_daemons, SIGHUP) stops it with status 0"
