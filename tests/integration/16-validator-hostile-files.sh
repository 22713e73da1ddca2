#!/usr/bin/env bash
# Hostile files in the upload tree: a receipt or an output that is a FIFO, a symbolic link
# (to a file inside the upload tree, to one outside it, to /dev/zero), or a directory
# makes the result INVALID (validate error) with a reason naming what it is; nothing is
# followed and nothing blocks (the run is bounded by a timeout). An honest result of the
# same run is credited.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-hostile-files

cases="rcpt_fifo rcpt_link_in rcpt_link_out rcpt_zero rcpt_dir out_fifo out_link_in out_link_out
out_zero out_dir"
{
	echo app
	echo "user 1"
	echo "host 11 1"
	echo "wu good 1 1 4.32e12"
	echo "result good 0 1 11 fine"
	for c in $cases; do
		echo "wu $c 1 1 4.32e12"
		echo "result $c 0 1 11 data_$c"
	done
} | vt_spec

f() { find "$P/upload" -name "$1" -type f; } # the path of an upload file
echo "a secret outside the upload tree" >"$T/outside.txt"
for c in $cases; do
	case $c in rcpt_*) file=$(f "${c}_0_1") ;; *) file=$(f "${c}_0_0") ;; esac
	rm -f "$file"
	case $c in
	*_fifo) mkfifo "$file" ;;
	*_link_in) ln -s "$(f good_0_0)" "$file" ;;
	*_link_out) ln -s "$T/outside.txt" "$file" ;;
	*_zero) ln -s /dev/zero "$file" ;;
	*_dir) mkdir "$file" ;;
	esac
done

rc=0
timeout 60 "$VALIDATOR" --app ssp --one_pass --project_dir "$P" -d 3 >"$T/run.log" 2>&1 || rc=$?
[ "$rc" != 124 ] || ssp_fail "the validator hung on a hostile file"
[ "$rc" = 0 ] || ssp_fail "validator failed ($rc): $(tail -5 "$T/run.log")"
log=$(cat "$T/run.log")

expect() { # CASE REASON
	local id
	id=$(vt_sql "SELECT id FROM result WHERE name = '${1}_0'")
	assert_eq "$(vt_state "${1}_0")" "2 6 0" "$1: invalid, validate error"
	assert_contains "$(grep "RESULT#$id " <<<"$log")" "$2" "$1: reason"
}
assert_eq "$(vt_state good_0)" "1 1 10" "the honest result is credited"
expect rcpt_fifo "not a regular file (a FIFO)"
expect rcpt_link_in "a symbolic link, not followed"
expect rcpt_link_out "a symbolic link, not followed"
expect rcpt_zero "a symbolic link, not followed"
expect rcpt_dir "not a regular file (a directory)"
expect out_fifo "not a regular file (a FIFO)"
expect out_link_in "a symbolic link, not followed"
expect out_link_out "a symbolic link, not followed"
expect out_zero "a symbolic link, not followed"
expect out_dir "not a regular file (a directory)"
vt_sign || ssp_fail "signer failed: $(tail -3 "$T/sign.log")"
vt_check_consistency
ssp_ok "FIFOs, symbolic links and directories: invalid with a named reason, no hang"

# a fan-out directory replaced by a symbolic link is not followed either
echo -e "wu fan 1 1 4.32e12\nresult fan 0 1 11 fan" | vt_spec
d=$(dirname "$(f fan_0_0)")
mv "$d" "$T/moved_fanout"
ln -s "$T/moved_fanout" "$d"
rc=0
timeout 60 "$VALIDATOR" --app ssp --one_pass --project_dir "$P" >"$T/run.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || ssp_fail "validator failed ($rc): $(tail -5 "$T/run.log")"
assert_eq "$(vt_state fan_0)" "2 6 0" "fan-out directory as a symbolic link: invalid"
assert_contains "$(cat "$T/run.log")" "upload directory is a symbolic link" "fan-out link: reason"
ssp_ok "a symbolic link in place of a fan-out directory is not followed"
