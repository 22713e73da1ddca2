# shellcheck shell=bash
# Helpers for the validator's integration tests (tests/integration/1*-validator-*.sh),
# the benchmark and the demo. Sourced after tests/integration/lib/common.sh.
#
#   vt_setup NAME        private dir $T, MariaDB (lib/mariadb.sh) with BOINC's full schema
#                        (sql/boinc_fixture.sql),
#                        a project dir $P (config.xml, upload/, ssp.conf), the validator's
#                        keystore (its address in $VADDR), an empty ledger path $LEDGER
#   vt_spec              reads a vfixture spec on stdin, makes the files, loads the rows
#   vt_run [ARGS]        ssp_validator --app ssp --one_pass --project_dir $P ARGS, then
#                        (unless --dry_run) vt_sign with ARGS' --batch_size/--batch_window;
#                        log appended to $T/validator.log, this run's log in $T/run.log
#   vt_sign [ARGS]       ssp_signer --one_pass --project_dir $P ARGS (the key, the ledger);
#                        log appended to $T/run.log and $T/validator.log
#   vt_sql QUERY         runs QUERY on the project DB, tab-separated rows, no header
#   vt_ledger QUERY      runs QUERY on the ledger (sqlite3)
#   vt_key N             a deterministic volunteer secret key (0x…) for index N
#   vt_bind USER KEY [URL [FOR_USER]]  stores a payout binding signed by cast for KEY in
#                        USER's project_prefs; the text names FOR_USER (default USER) and
#                        URL (default the project's)
#   vt_state RESULT      "validate_state outcome granted_credit" of result named RESULT
#   vt_check_consistency compares BOINC credit, outbox and ledger credits and claims
set -u

. "$SSP_SRCDIR/tests/integration/lib/mariadb.sh"

VALIDATOR="$SSP_BUILDDIR/validator/ssp_validator"
SIGNER="$SSP_BUILDDIR/signer/ssp_signer"
VFIXTURE="$SSP_BUILDDIR/tests/helpers/vfixture"
MASTER_URL="http://127.0.0.1/ssp_test/"
CHAIN_ID=31337
MINTER=0x5FbDB2315678afecb367f032d93F642f64180aa3
# cast's native binary when npm installed it (the bin.mjs shim costs 0.2 s a call)
VCAST=$(ls "$SSP_NODE_MODULES"/@foundry-rs/cast-linux-*/bin/cast 2>/dev/null | head -1)
VCAST=${VCAST:-$CAST}

vt_setup() {
	[ -x "$VALIDATOR" ] || ssp_fail "missing $VALIDATOR"
	[ -x "$VFIXTURE" ] || ssp_fail "missing $VFIXTURE (make check builds it)"
	[ -x "$VCAST" ] || { echo "SKIP: cast not installed (npm ci)"; exit 77; }
	command -v mariadb-install-db >/dev/null || { echo "SKIP: no mariadb-server"; exit 77; }
	ssp_test_init "$1"
	on_exit ssp_mariadb_stop
	ssp_mariadb_start "$T/db" || ssp_fail "cannot start MariaDB"
	ssp_mariadb_create_db boinc boincadm 'db pass' || ssp_fail "create db"
	ssp_mariadb_load boinc "$SSP_SRCDIR/sql/boinc_fixture.sql" || ssp_fail "load fixture"
	P="$T/project"
	LEDGER="$T/ledger.sqlite"
	mkdir -p "$P/upload" "$T/keys"
	cat >"$P/config.xml" <<EOF
<boinc>
  <config>
    <master_url>$MASTER_URL</master_url>
    <db_name>boinc</db_name>
    <db_host>127.0.0.1:$SSP_MARIADB_PORT</db_host>
    <db_user>boincadm</db_user>
    <db_passwd>db pass</db_passwd>
    <upload_dir>$P/upload</upload_dir>
    <uldl_dir_fanout>1024</uldl_dir_fanout>
    <daily_result_quota>5</daily_result_quota>
  </config>
  <daemons>
    <daemon><cmd>ssp_validator --app ssp -d 3</cmd></daemon>
  </daemons>
</boinc>
EOF
	printf 'validator key password\n' >"$T/keys/pw"
	chmod 600 "$T/keys/pw"
	"$SSP" key new --keystore "$T/keys/validator.json" --password-file "$T/keys/pw" \
		--scrypt-n 4096 >/dev/null || ssp_fail "ssp key new"
	VADDR=$("$VCAST" wallet address --keystore "$T/keys/validator.json" \
		--password-file "$T/keys/pw") || ssp_fail "cast wallet address"
	cat >"$P/ssp.conf" <<EOF
[project]
master_url = $MASTER_URL
ledger = $LEDGER

[chain]
chain_id = $CHAIN_ID
minter = $MINTER

[validator]
keystore = $T/keys/validator.json
password_file = $T/keys/pw
batch_size = 256
batch_window = 600
EOF
	: >"$T/validator.log"
}

vt_spec() {
	"$VFIXTURE" --upload "$P/upload" --fanout 1024 --quota 5 --now "$(date +%s)" >"$T/spec.sql" ||
		ssp_fail "vfixture"
	ssp_mariadb_sql boinc <"$T/spec.sql" || ssp_fail "loading the fixture rows"
}

vt_run() {
	local rc=0 a prev="" sargs=() dry=0
	"$VALIDATOR" --app ssp --one_pass --project_dir "$P" "$@" >"$T/run.log" 2>&1 || rc=$?
	cat "$T/run.log" >>"$T/validator.log"
	[ "$rc" = 0 ] || return $rc
	for a in "$@"; do
		case "$prev" in --batch_size | --batch_window) sargs+=("$prev" "$a") ;; esac
		[ "$a" = --dry_run ] && dry=1
		prev=$a
	done
	[ "$dry" = 1 ] && return 0
	vt_sign "${sargs[@]+"${sargs[@]}"}"
}

vt_sign() {
	local rc=0
	"$SIGNER" --one_pass --project_dir "$P" "$@" >"$T/sign.log" 2>&1 || rc=$?
	cat "$T/sign.log" >>"$T/run.log"
	cat "$T/sign.log" >>"$T/validator.log"
	return $rc
}

vt_sql() {
	ssp_mariadb_sql -N -B boinc -e "$1"
}

vt_ledger() {
	sqlite3 -batch -noheader "$LEDGER" "$1"
}

vt_key() {
	printf '0x%064x\n' $((0x5eed0000 + $1))
}

vt_bind() {
	local user=$1 key=$2 url=${3:-$MASTER_URL} for_user=${4:-$1} addr sig text
	addr=$("$VCAST" wallet address --private-key "$key")
	text=$(printf 'SmartShare payout binding\nproject: %s\nuser: %s\naddress: %s' \
		"$url" "$for_user" "$addr")
	sig=$("$VCAST" wallet sign --private-key "$key" "$text")
	vt_sql "UPDATE user SET project_prefs = '<project_preferences><resource_share>100</resource_share><project_specific><ssp_address>$addr</ssp_address><ssp_binding>$sig</ssp_binding></project_specific></project_preferences>' WHERE id = $user"
	echo "$addr"
}

vt_state() {
	vt_sql "SELECT validate_state, outcome, granted_credit FROM result WHERE name = '$1'" | tr '\t' ' '
}

# Every credited result (granted_credit > 0, VALID) is one ledger credit with the same
# micro-cobblestones; the outbox is empty; users' totals equal their hosts' results' credit;
# claim seqs are 1..n without a gap; every claim belongs to a ledger credit.
vt_check_consistency() {
	local boinc ledger n maxseq
	[ "$(vt_sql "SELECT count(*) FROM ssp_credit_outbox")" = 0 ] || ssp_fail "outbox not empty"
	boinc=$(vt_sql "SELECT id, ROUND(granted_credit * 1000000) FROM result
		WHERE validate_state = 1 AND granted_credit > 0 ORDER BY id" | tr '\t' ' ')
	ledger=$(vt_ledger "SELECT result_id || ' ' || credit FROM credits ORDER BY result_id")
	[ "$boinc" = "$ledger" ] || ssp_fail "BOINC credits and ledger credits differ:
$(diff <(echo "$boinc") <(echo "$ledger") | head -20)"
	# users' totals: the credit of results on the hosts they own (BOINC's grant_credit
	# credits the host's owner; the DB stores doubles: compare in micro-cobblestones)
	n=$(vt_sql "SELECT count(*) FROM user u LEFT JOIN (SELECT h.userid, SUM(r.granted_credit) s
		FROM result r JOIN host h ON h.id = r.hostid WHERE r.validate_state = 1
		GROUP BY h.userid) r ON r.userid = u.id
		WHERE ABS(u.total_credit - COALESCE(r.s, 0)) > 1e-6 * GREATEST(1, u.total_credit)")
	[ "$n" = 0 ] || ssp_fail "$n users' total_credit differ from their results' credit"
	n=$(vt_sql "SELECT count(*) FROM host h LEFT JOIN (SELECT hostid, SUM(granted_credit) s
		FROM result WHERE validate_state = 1 GROUP BY hostid) r ON r.hostid = h.id
		WHERE ABS(h.total_credit - COALESCE(r.s, 0)) > 1e-6 * GREATEST(1, h.total_credit)")
	[ "$n" = 0 ] || ssp_fail "$n hosts' total_credit differ from their results' credit"
	n=$(vt_ledger "SELECT count(*) FROM claims")
	maxseq=$(vt_ledger "SELECT coalesce(max(seq), 0) FROM claims")
	[ "$n" = "$maxseq" ] || ssp_fail "claim seq has a gap: $n claims, max seq $maxseq"
	n=$(vt_ledger "SELECT count(*) FROM claims c LEFT JOIN credits r
		ON r.project_id = c.project_id AND r.result_id = c.result_id WHERE r.result_id IS NULL")
	[ "$n" = 0 ] || ssp_fail "$n claims without a credit"
}
