#!/usr/bin/env bash
# BOINC's command line: config.xml holds a <cmd> line in BOINC's own form (single dashes,
# BOINC's options); it is started as BOINC's bin/start starts a daemon (shlex split, run
# from the project's tmp_<host> directory with bin/ on the PATH, log to the log
# directory) and stopped as BOINC stops daemons (the stop_daemons file). Each BOINC option
# does what BOINC's does (--update_credited_job, --max_granted_credit, --min_wu_id /
# --max_wu_id, --wu_id, --one_pass_N_WU, --no_credit, -d); options BOINC's validator
# refuses or cannot be honoured are refused by name in one line, not a usage text.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-boinc-cmdline

{
	echo app
	for u in 1 2; do echo "user $u"; echo "host 1$u $u"; done
	for w in a b c d e f g h; do
		echo "wu $w 2 2 4.32e12"
		echo "result $w 0 1 11 $w"
		echo "result $w 1 2 12 $w"
	done
} | vt_spec
vt_sql "UPDATE workunit SET opaque = 1000 + id"
id_of() { vt_sql "SELECT id FROM workunit WHERE name = '$1'"; }

# the <cmd> line, as a project's config.xml has it (BOINC's single-dash style)
sed -i "s|<cmd>ssp_validator --app ssp -d 3</cmd>|<cmd>ssp_validator -d 3 -app ssp -update_credited_job -max_granted_credit 7 -min_wu_id $(id_of b) -max_wu_id $(id_of d) -sleep_interval 1</cmd>|" \
	"$P/config.xml"
cmd=$(sed -n 's|.*<cmd>\(.*\)</cmd>.*|\1|p' "$P/config.xml")
assert_contains "$cmd" "-update_credited_job" "the <cmd> line in config.xml"
mkdir -p "$P/bin" "$P/log_test" "$P/tmp_test"
ln -s "$VALIDATOR" "$P/bin/ssp_validator"
# BOINC's bin/start: shlex.split(cmd), chdir(tmp_<host>), execvp with bin/ first on PATH
python3 - "$P" "$cmd" <<'PY' &
import os, shlex, sys
p, cmd = sys.argv[1], sys.argv[2]
args = shlex.split(cmd)
os.chdir(os.path.join(p, "tmp_test"))
os.environ["PATH"] = os.path.join(p, "bin") + ":" + os.environ["PATH"]
fd = os.open(os.path.join(p, "log_test", "ssp_validator.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
os.dup2(fd, 1)
os.dup2(fd, 2)
os.execvp(args[0], args)
PY
pid=$!
on_exit "kill $pid 2>/dev/null || true"
for _ in $(seq 1 300); do
	[ "$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate = 0")" = 3 ] && break
	sleep 0.1
done
touch "$P/stop_daemons" # BOINC's bin/stop
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && ssp_fail "the validator did not stop on stop_daemons"
wait "$pid" || ssp_fail "the validator exited with status $?: $(tail -3 "$P/log_test/ssp_validator.log")"
rm -f "$P/stop_daemons"
log=$(cat "$P/log_test/ssp_validator.log")
assert_contains "$log" "stop_daemons exists: stopping" "stopped by stop_daemons"
assert_eq "$(vt_sql "SELECT name FROM workunit WHERE need_validate = 0 ORDER BY id" | tr '\n' ' ')" \
	"b c d " "-min_wu_id / -max_wu_id: only b..d"
assert_eq "$(vt_state b_0)" "1 1 7" "-max_granted_credit 7"
assert_eq "$(vt_sql "SELECT userid, workunitid FROM credited_job ORDER BY workunitid, userid" |
	tr '\t\n' ' ,')" "1 $((1000 + $(id_of b))),2 $((1000 + $(id_of b))),1 $((1000 + $(id_of c))),2 $((1000 + $(id_of c))),1 $((1000 + $(id_of d))),2 $((1000 + $(id_of d)))," \
	"-update_credited_job: (host owner, workunit.opaque), as BOINC's"
ssp_ok "a <cmd> line in BOINC's form, started as bin/start does, stopped by stop_daemons"

# --wu_id: that work unit, one pass
vt_run -wu_id "$(id_of f)" || ssp_fail "-wu_id: $(cat "$T/run.log")"
assert_eq "$(vt_sql "SELECT name FROM workunit WHERE need_validate = 0 AND name IN ('a', 'e', 'f')")" f \
	"-wu_id: only f"
# --one_pass_N_WU 1: one work unit, then exit
vt_run --one_pass_N_WU 1 || ssp_fail "--one_pass_N_WU: $(cat "$T/run.log")"
assert_eq "$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate > 0")" 3 "--one_pass_N_WU 1: one more"
# --no_credit: valid, no credit, no claim
vt_run -no_credit || ssp_fail "-no_credit: $(cat "$T/run.log")"
assert_eq "$(vt_state h_0)" "1 1 0" "-no_credit: valid with no credit"
assert_eq "$(vt_sql "SELECT count(*) FROM workunit WHERE need_validate > 0")" 0 "every work unit decided"
vt_check_consistency
ssp_ok "-wu_id, --one_pass_N_WU, -no_credit"

# refused by name in one line
for bad in "-post_assigned_credit" "--check_punitive" "-my_project_option 3"; do
	rc=0
	# shellcheck disable=SC2086
	"$VALIDATOR" -app ssp -one_pass --project_dir "$P" $bad >"$T/bad.log" 2>&1 || rc=$?
	assert_eq "$rc" 2 "$bad: exit status 2"
	assert_eq "$(wc -l <"$T/bad.log")" 1 "$bad: one line"
	assert_contains "$(cat "$T/bad.log")" "${bad%% *}" "$bad: named"
done
rc=0
"$VALIDATOR" -one_pass --project_dir "$P" >"$T/bad.log" 2>&1 || rc=$?
assert_eq "$rc $(wc -l <"$T/bad.log")" "2 1" "missing -app: one line, status 2"
ssp_ok "options that cannot be honoured are refused by name in one line"
