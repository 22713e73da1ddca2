#!/usr/bin/env bash
# Bad input never crashes ssp_validator: tampered, oversize, empty, binary, truncated or
# missing receipts and output files, garbage xml_doc_in, malformed project_prefs and an
# unreachable upload directory each give their documented outcome and a log line.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
. "$SSP_SRCDIR/tests/integration/lib/validator.sh"
vt_setup validator-bad-input

cases="good rcpt_digest rcpt_total rcpt_user rcpt_big rcpt_empty rcpt_binary rcpt_trunc rcpt_missing
out_append out_empty out_binary out_trunc out_missing out_big xml_garbage"
{
	echo app
	echo "user 1"
	echo "host 11 1"
	echo "user 5"
	echo "host 15 5"
	for c in $cases; do
		echo "wu $c 1 1 4.32e12"
		if [ "$c" = out_big ]; then
			echo "result $c 0 1 11 $(head -c 1500 /dev/zero | tr '\0' 7)"
		else
			echo "result $c 0 1 11 1_2_3_$c"
		fi
	done
	# two binary outputs with correct receipts, compared by the numeric comparator
	echo "wu bin2 2 2 4.32e12"
	echo "result bin2 0 1 11 x"
	echo "result bin2 1 5 15 x"
} | vt_spec

f() { find "$P/upload" -name "$1" -type f; } # the path of an upload file
rcpt() { f "${1}_0_1"; }
out() { f "${1}_0_0"; }

# a receipt for FILE as the wrapper would write it (sha256sum for the digest)
write_receipt() { # RESULT WU OUTNAME OUTPATH [USER HOST] -> receipt JSON on stdout
	local sha bytes
	sha=$(sha256sum "$4" | cut -d' ' -f1)
	bytes=$(stat -c %s "$4")
	printf '{"version":1,"wu_name":"%s","result_name":"%s","userid":%s,"hostid":%s,"wrapper":{"name":"ssp_wrapper","version":"0.1.0"},"tasks":[{"application":"sci","exit_status":0,"cpu_time":5,"wall_time":6,"peak_rss_kb":10}],"cpu_time":5,"wall_time":6,"outputs":[{"name":"%s","bytes":%s,"sha256":"%s"}],"started_at":1700000000,"finished_at":1700000006}\n' \
		"$2" "$1" "${5:-1}" "${6:-11}" "$3" "$bytes" "$sha"
}

sed -i 's/"sha256": "\(.\)/"sha256": "\1\1/; s/"sha256": "\(.*\)."/"sha256": "\1"/' "$(rcpt rcpt_digest)"
sed -i 's/^  "cpu_time": 100\.0,/  "cpu_time": 99.0,/' "$(rcpt rcpt_total)"  # total != sum of tasks
sed -i 's/"userid": 1,/"userid": 2,/' "$(rcpt rcpt_user)"
{ head -c 300000 /dev/zero | tr '\0' ' '; echo '{}'; } >"$(rcpt rcpt_big)"
: >"$(rcpt rcpt_empty)"
head -c 4096 /dev/urandom >"$(rcpt rcpt_binary)"
p=$(rcpt rcpt_trunc); head -c 200 "$p" >"$p.t" && mv "$p.t" "$p"
rm "$(rcpt rcpt_missing)"
echo 4 >>"$(out out_append)"
: >"$(out out_empty)"
p=$(out out_binary); head -c "$(stat -c %s "$p")" /dev/urandom >"$p.b" && mv "$p.b" "$p" # same size
p=$(out out_trunc); head -c 3 "$p" >"$p.t" && mv "$p.t" "$p"
rm "$(out out_missing)"
vt_sql "UPDATE result SET xml_doc_in = CONCAT('<file_ref><file_name>', CHAR(1), '</fi') WHERE name = 'xml_garbage_0'"
head -c 512 /dev/urandom >"$T/bin.out"
for k in 0 1; do
	o=$(f "bin2_${k}_0")
	cp "$T/bin.out" "$o"
	write_receipt "bin2_$k" bin2 "bin2_${k}_0" "$o" $((k ? 5 : 1)) $((k ? 15 : 11)) \
		>"$(f "bin2_${k}_1")"
done
# malformed preferences: binary, oversize, truncated
printf 'user 2\nuser 3\nuser 4\nhost 12 2\nhost 13 3\nhost 14 4\n' | vt_spec
vt_sql "UPDATE user SET project_prefs = CASE id WHEN 2 THEN UNHEX('00FF3C7072656673')
	WHEN 3 THEN REPEAT('<a>', 21845) ELSE '<project_preferences><project_specific><ssp_add' END
	WHERE id IN (2, 3, 4)"
for u in 2 3 4; do
	echo "wu pref$u 1 1 4.32e12"
	echo "result pref$u 0 $u 1$u p$u"
done | vt_spec

vt_run --max_output_bytes 1000 --tolerance 1e-9 -d 3 || ssp_fail "validator failed on bad input: $(tail -5 "$T/run.log")"
log=$(cat "$T/run.log")

expect() { # CASE STATE REASON
	local id
	id=$(vt_sql "SELECT id FROM result WHERE name = '${1}_0'")
	assert_eq "$(vt_state "${1}_0")" "$2" "$1: outcome"
	if [ -n "$3" ]; then
		assert_contains "$log" "[RESULT#$id ${1}_0] bad output or receipt: " "$1: log line"
		assert_contains "$(grep "RESULT#$id " <<<"$log")" "$3" "$1: reason"
	fi
}
expect good "1 1 10" ""
expect rcpt_digest "2 6 0" "SHA-256 differs from the receipt"
expect rcpt_total "2 6 0" "receipt"
expect rcpt_user "2 6 0" "receipt is for user 2 host 11"
expect rcpt_big "2 6 0" "size limit"
expect rcpt_empty "2 6 0" "receipt"
expect rcpt_binary "2 6 0" "receipt"
expect rcpt_trunc "2 6 0" "receipt"
expect rcpt_missing "2 6 0" "not found"
expect out_append "2 6 0" "receipt says"
expect out_empty "2 6 0" "0 bytes, receipt says"
expect out_binary "2 6 0" "SHA-256 differs"
expect out_trunc "2 6 0" "3 bytes, receipt says"
expect out_missing "2 6 0" "missing from the upload tree"
expect out_big "2 6 0" "over the 1000-byte cap"
expect xml_garbage "2 6 0" "xml_doc_in"
assert_eq "$(vt_state bin2_0)" "1 1 10" "identical binary outputs agree (numeric comparator)"
assert_eq "$(vt_state bin2_1)" "1 1 10" "identical binary outputs agree (numeric comparator)"
ssp_ok "bad receipts and output files: invalid (validate error) with a log line each"

for u in 2 3 4; do
	assert_eq "$(vt_state "pref${u}_0")" "1 1 10" "user $u: credit granted"
done
assert_contains "$log" "[USER#2] credit kept, no claim: project_prefs: " "binary prefs logged"
assert_contains "$log" "[USER#3] credit kept, no claim: project_prefs: " "oversize prefs logged"
assert_contains "$log" "[USER#4] credit kept, no claim: project_prefs: " "truncated prefs logged"
assert_eq "$(vt_ledger "SELECT count(*) FROM claims")" 0 "no claims"
vt_check_consistency
ssp_ok "malformed project_prefs: credit kept, no claim, a log line"

# an unreachable upload directory: the work unit waits, then is validated
echo -e "wu later 1 1 4.32e12\nresult later 0 1 11 l" | vt_spec
mv "$P/upload" "$P/upload.away"
vt_run || ssp_fail "validator failed without its upload directory"
assert_contains "$(cat "$T/run.log")" "left for a later pass: result" "retry logged"
assert_contains "$(cat "$T/run.log")" "unreachable" "reason logged"
assert_eq "$(vt_state later_0)" "0 1 0" "nothing decided while unreachable"
assert_eq "$(vt_sql "SELECT need_validate FROM workunit WHERE name = 'later'")" 1 "still to validate"
mv "$P/upload.away" "$P/upload"
vt_run || ssp_fail "validator failed after the upload directory came back"
assert_eq "$(vt_state later_0)" "1 1 10" "validated once reachable"
vt_check_consistency
ssp_ok "unreachable upload directory: left for a later pass"

# bad configuration is refused with a message, not a crash
cp "$P/config.xml" "$T/config.good"
printf '<boinc><config><db_name>boinc</db_name>' >"$P/config.xml"
expect_status 3 "truncated config.xml" "$VALIDATOR" --app ssp --one_pass --project_dir "$P"
assert_contains "$OUT" "config.xml" "config.xml error named"
cp "$T/config.good" "$P/config.xml"
chmod 644 "$T/keys/pw"
expect_status 3 "password file readable by others" "$SIGNER" --one_pass --project_dir "$P"
assert_contains "$OUT" "cannot load the validator key" "password file refused"
chmod 600 "$T/keys/pw"
expect_status 3 "unknown app" "$VALIDATOR" --app nosuchapp --one_pass --project_dir "$P"
assert_contains "$OUT" "can't find app nosuchapp" "unknown app named"
expect_status 2 "bad --mod" "$VALIDATOR" --app ssp --mod 2 2 --project_dir "$P"
ssp_ok "bad configuration refused with a message"
