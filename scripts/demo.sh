#!/usr/bin/env bash
# scripts/demo.sh — the SmartShare end-to-end demo, the README's first command.
#
# On a fresh Debian 12 machine as root it installs what it needs, builds, and then, with
# everything private to one temporary directory:
#   a MariaDB server holding a BOINC project database with work units (quorum 2) for the
#   example science app; anvil (a local Ethereum node) with SSPToken and ShareMinter deployed
#   by `ssp deploy`; two volunteers whose payout addresses are bound with `ssp bind sign`;
#   the real BOINC client run once per volunteer with ssp_wrapper as the app; the outputs
#   placed in the project's upload tree and the results marked as BOINC's upload handler and
#   scheduler would (the demo stands in for those two server parts, and says so);
#   ssp_validator and ssp_bridge; then the volunteers' SSP balances read from the chain beside
#   credit × rate, and the report of `ssp audit` on the project's public export.
# It exits non-zero when anything does not add up. See docs/demo.md.
#
# Usage: scripts/demo.sh [--no-install] [--builddir DIR] [--keep] [--workunits N]
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: scripts/demo.sh [options]

The end-to-end demo: BOINC work -> validated credit -> signed claims -> SSP minted on a
local chain -> audit. Everything runs in one temporary directory, removed at the end.

  --no-install      do not run scripts/install-deps.sh (the packages are there)
  --builddir DIR    use the already built tree DIR (no autogen/configure/make)
  --keep            keep the temporary directory (its path is printed at the end)
  --workunits N     work units to create (1..20, default 3); each is computed by both
                    volunteers (quorum 2)
  -h, --help        this help

Without --builddir it builds in ./build (autogen.sh, configure, make -j2).
EOF
}

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
DEMO_FILES=$SRCDIR/scripts/demo
BUILDDIR=
NO_INSTALL=0
KEEP=0
NWU=3
while [ $# -gt 0 ]; do
	case "$1" in
	--no-install) NO_INSTALL=1 ;;
	--builddir)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		BUILDDIR=$2
		shift
		;;
	--builddir=*) BUILDDIR=${1#--builddir=} ;;
	--keep) KEEP=1 ;;
	--workunits)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		NWU=$2
		shift
		;;
	-h | --help) usage; exit 0 ;;
	*) echo "demo.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
case "$NWU" in
[1-9] | 1[0-9] | 20) ;;
*) echo "demo.sh: --workunits takes 1..20" >&2; exit 2 ;;
esac

# ------------------------------------------------------------------ output helpers

NSTEPS=12
STEP=0
T0=$(date +%s)
STEP_T0=$T0
step() {
	local now
	now=$(date +%s)
	if [ "$STEP" -gt 0 ]; then
		printf '      (%ds)\n' $((now - STEP_T0))
	fi
	STEP=$((STEP + 1))
	STEP_T0=$now
	printf '\n[%d/%d] %s\n' "$STEP" "$NSTEPS" "$*"
}
say() { printf '      %s\n' "$*"; }
# A plain statement where the demo does what a BOINC server part would do.
standin() { printf '      STAND-IN: %s\n' "$*"; }
die() {
	printf '\ndemo: FAILED at step %d: %s\n' "$STEP" "$*" >&2
	exit 1
}
# missing PART WHAT: a part of SmartShare the demo needs is not there; never faked.
missing() {
	printf '\ndemo: FAILED at step %d: %s is missing: %s\n' "$STEP" "$1" "$2" >&2
	exit 3
}

# ------------------------------------------------------------------ the temporary directory

# Everything the demo creates lives under $T. After the build, the programs it runs get HOME
# and TMPDIR inside it too (cast keeps a cache under ~/.foundry; mariadbd and others write
# temporary files).
T=$(mktemp -d "${TMPDIR:-/tmp}/ssp-demo-XXXXXX")
chmod 0700 "$T"
mkdir -p "$T/home" "$T/tmp" "$T/keys" "$T/project" "$T/volunteers" "$T/anvil" "$T/log"

PIDS=() # processes the demo started itself (servers, BOINC clients)

# Kills PID (TERM, then KILL after 10 s) and waits for it. Only ever given our own PIDs.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Processes started under $T by our own children (BOINC apps in slot directories, their
# science tasks): their working directory or command line is inside $T.
procs_in_tmp() {
	local p cwd cmd
	for p in /proc/[0-9]*; do
		case "${p#/proc/}" in "$$" | "$BASHPID") continue ;; esac
		cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
		case "$cwd" in
		"$T" | "$T"/*) echo "${p#/proc/}"; continue ;;
		esac
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case "$cmd" in *"$T/"*) echo "${p#/proc/}" ;; esac
	done
}

cleanup() {
	local rc=$? pid
	set +e
	trap - EXIT INT TERM
	cd /
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	ssp_anvil_stop 2>/dev/null
	ssp_mariadb_stop 2>/dev/null
	for pid in $(procs_in_tmp); do
		stop_pid "$pid"
	done
	if [ "$KEEP" = 1 ]; then
		echo "demo: kept $T"
	else
		rm -rf "$T"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ 1. install and build

step "Installing dependencies and building"
say "temporary directory: $T"
if [ "$NO_INSTALL" = 0 ]; then
	"$SRCDIR/scripts/install-deps.sh"
else
	say "--no-install: not running scripts/install-deps.sh"
fi
if [ -z "$BUILDDIR" ]; then
	BUILDDIR=$SRCDIR/build
	say "building in $BUILDDIR (autogen.sh, configure, make -j2; log in $T/log/build.log)"
	{
		(cd "$SRCDIR" && ./autogen.sh) &&
			mkdir -p "$BUILDDIR" &&
			{ [ -f "$BUILDDIR/Makefile" ] || (cd "$BUILDDIR" && "$SRCDIR/configure"); } &&
			(cd "$BUILDDIR" && make -j2)
	} >"$T/log/build.log" 2>&1 || { tail -n 30 "$T/log/build.log" >&2; die "the build failed"; }
else
	say "--builddir: using the built tree $BUILDDIR"
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd) || die "no build directory $BUILDDIR"
export HOME=$T/home TMPDIR=$T/tmp
export SSP_SRCDIR=$SRCDIR SSP_BUILDDIR=$BUILDDIR
SSP_NODE_MODULES=${SSP_NODE_MODULES:-$SRCDIR/node_modules}
export SSP_NODE_MODULES
SSP=$BUILDDIR/tools/ssp
WRAPPER=$BUILDDIR/client/ssp_wrapper
VALIDATOR=$BUILDDIR/validator/ssp_validator
SIGNER_BIN=$BUILDDIR/signer/ssp_signer
BRIDGE=$BUILDDIR/bridge/ssp_bridge
CONTRACTS=$BUILDDIR/contracts/build
[ -x "$SSP" ] || die "$SSP was not built"
for t in mariadbd:/usr/sbin/mariadbd mariadb:mariadb boinc:boinc python3:python3 sqlite3:sqlite3 \
	gzip:gzip md5sum:md5sum; do
	command -v "${t#*:}" >/dev/null 2>&1 || die "${t%%:*} not found (run scripts/install-deps.sh)"
done

# shellcheck source=../tests/integration/lib/mariadb.sh
. "$SRCDIR/tests/integration/lib/mariadb.sh"
# shellcheck source=../tests/integration/lib/anvil.sh
. "$SRCDIR/tests/integration/lib/anvil.sh"
ssp_anvil_tools || die "anvil/cast are missing: run npm ci (scripts/install-deps.sh)"
CAST=$SSP_CAST

# writes FILE mode 0600 from stdin
private_file() { (umask 077 && cat >"$1"); }
# a random password (hex) of N bytes
rand_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
# a view call's value without cast's " [1e18]" annotation
cast_val() { "$CAST" call "$@" | sed 's/ \[.*\]$//'; }

# ------------------------------------------------------------------ 2. MariaDB + BOINC DB

step "Starting a private MariaDB and creating the BOINC project database"
MASTER_URL=http://127.0.0.1/smartshare_demo/
PROJECT_DIR=$T/project
UPLOAD=$PROJECT_DIR/upload
FANOUT=1024
DB_NAME=ssp_demo
DB_USER=boincadm
DB_PASS=$(rand_hex 12)
APP_NAME=ssp_example
SSP_BUILDDIR='' ssp_mariadb_start "$T/mariadb" || die "MariaDB did not start"
PIDS+=("$SSP_MARIADB_PID")
say "mariadbd pid $SSP_MARIADB_PID, 127.0.0.1:$SSP_MARIADB_PORT, data in $T/mariadb"
ssp_mariadb_create_db "$DB_NAME" "$DB_USER" "$DB_PASS" || die "cannot create the database"
ssp_mariadb_load "$DB_NAME" "$SRCDIR/sql/boinc_fixture.sql" || die "cannot load sql/boinc_fixture.sql"
say "database $DB_NAME: BOINC's tables (sql/boinc_fixture.sql), user $DB_USER"
mkdir -p "$UPLOAD"
private_file "$PROJECT_DIR/config.xml" <<EOF
<boinc>
    <config>
        <master_url>$MASTER_URL</master_url>
        <long_name>SmartShare demo</long_name>
        <db_name>$DB_NAME</db_name>
        <db_host>127.0.0.1:$SSP_MARIADB_PORT</db_host>
        <db_user>$DB_USER</db_user>
        <db_passwd>$DB_PASS</db_passwd>
        <upload_dir>$UPLOAD</upload_dir>
        <uldl_dir_fanout>$FANOUT</uldl_dir_fanout>
    </config>
    <daemons>
        <daemon><cmd>ssp_validator --app $APP_NAME</cmd></daemon>
        <daemon><cmd>ssp_signer</cmd></daemon>
    </daemons>
</boinc>
EOF
say "project: $MASTER_URL, config.xml and upload tree in $PROJECT_DIR"

# ------------------------------------------------------------------ 3. anvil

step "Starting anvil, a local Ethereum node"
ssp_anvil_start "$T/anvil" --block-time 1 || die "anvil did not start"
PIDS+=("$SSP_ANVIL_PID")
CHAIN_ID=$SSP_ANVIL_CHAIN_ID
RPC=$SSP_ANVIL_URL
say "anvil pid $SSP_ANVIL_PID, $RPC, chain id $CHAIN_ID, a block every second"

# ------------------------------------------------------------------ 4. keys and bindings

step "Creating keys and the volunteers' payout bindings"
SCRYPT_N=4096 # small, for the demo only (the default is 262144, as geth)
newkey() { # newkey NAME: keystore $T/keys/NAME.json, password file NAME.pw; prints the address
	rand_hex 16 | private_file "$T/keys/$1.pw"
	"$SSP" key new --keystore "$T/keys/$1.json" --password-file "$T/keys/$1.pw" \
		--scrypt-n "$SCRYPT_N"
}
DEPLOYER=$(newkey deployer) || die "ssp key new failed"
SIGNER=$(newkey validator) || die "ssp key new failed"
PAYER=$(newkey bridge) || die "ssp key new failed"
say "deployer (contract admin)  $DEPLOYER"
say "validator (claim signer)   $SIGNER"
say "bridge (pays for gas)      $PAYER"
# Gas money for the deployer and the bridge (anvil's own cheat code, a test-chain feature).
for a in "$DEPLOYER" "$PAYER"; do
	"$CAST" rpc anvil_setBalance "$a" 0x56bc75e2d63100000 >/dev/null || die "anvil_setBalance failed"
done
say "funded deployer and bridge with 100 ETH each on the local chain"

VOL_NAMES=(alice bob)
VOL_USERID=(101 102)
VOL_HOSTID=(201 202)
VOL_ADDR=()
VOL_PREFS=()
for i in 0 1; do
	n=${VOL_NAMES[$i]}
	VOL_ADDR[$i]=$(newkey "$n") || die "ssp key new failed"
	VOL_PREFS[$i]=$("$SSP" bind sign --keystore "$T/keys/$n.json" --password-file "$T/keys/$n.pw" \
		--project "$MASTER_URL" --user "${VOL_USERID[$i]}") || die "ssp bind sign failed"
	say "volunteer $n: BOINC user ${VOL_USERID[$i]}, host ${VOL_HOSTID[$i]}, payout address ${VOL_ADDR[$i]}"
done
say "each volunteer signed the payout binding (ssp bind sign); the snippet goes into the"
say "project preferences, e.g. ${VOL_NAMES[0]}'s:"
say "  ${VOL_PREFS[0]}"

# ------------------------------------------------------------------ 5. contracts

step "Deploying SSPToken and ShareMinter"
RATE=1000000000000            # wei per micro-cobblestone: 1 SSP per cobblestone of credit
MAX_BATCH_CREDIT=100000000000 # micro-cobblestones per batch (100,000 cobblestones)
[ -s "$CONTRACTS/ShareMinter.bin" ] || missing "the contracts build (contracts/)" "$CONTRACTS/ShareMinter.bin"
SSPCONF=$PROJECT_DIR/ssp.conf
LEDGER=$PROJECT_DIR/ledger.sqlite
CONFIRMATIONS=2
private_file "$SSPCONF" <<EOF
; ssp.conf of the demo project (see docs/ssp.conf.example); ssp deploy adds [chain].
[project]
master_url = $MASTER_URL
ledger = $LEDGER

[validator]
keystore = $T/keys/validator.json
password_file = $T/keys/validator.pw
; one batch per $NWU claims: the demo's $((2 * NWU)) claims make two batches
batch_size = $NWU
batch_window = 600

[bridge]
keystore = $T/keys/bridge.json
password_file = $T/keys/bridge.pw
confirmations = $CONFIRMATIONS
max_fee_per_gas_gwei = 50
max_priority_fee_per_gas_gwei = 2
gas_headroom_percent = 25
rpc_timeout = 10
poll_interval = 1
EOF
"$SSP" deploy --help >/dev/null 2>&1 || missing "ssp deploy (tools/cmd_deploy.c)" "\`$SSP deploy\` is not a command"
say "ssp deploy --rpc $RPC --keystore keys/deployer.json --signer $SIGNER --threshold 1 --rate $RATE --conf ssp.conf"
"$SSP" deploy --rpc "$RPC" --keystore "$T/keys/deployer.json" --password-file "$T/keys/deployer.pw" \
	--signer "$SIGNER" --threshold 1 --rate "$RATE" --max-batch-credit "$MAX_BATCH_CREDIT" \
	--contracts "$CONTRACTS" --conf "$SSPCONF" --record "$T/deployment" \
	>"$T/log/deploy.out" 2>"$T/log/deploy.err" ||
	{ sed 's/^/      | /' "$T/log/deploy.err" >&2; die "ssp deploy failed"; }
sed 's/^/      | /' "$T/log/deploy.out"
TOKEN=$(awk '$1 == "token" { print $2 }' "$T/log/deploy.out")
MINTER=$(awk '$1 == "minter" { print $2 }' "$T/log/deploy.out")
[ -n "$TOKEN" ] && [ -n "$MINTER" ] || die "ssp deploy printed no token or minter"
[ "$(awk '$1 == "chain_id" { print $2 }' "$T/log/deploy.out")" = "$CHAIN_ID" ] || die "ssp deploy reports another chain id"
say "ssp.conf [chain] as ssp deploy wrote it:"
awk '/^\[/ { on = ($0 == "[chain]"); next } on && NF { print "        " $0 }' "$SSPCONF"
awk '/^\[/ { on = ($0 == "[chain]"); next } on && $1 == "minter" { print $3 }' "$SSPCONF" |
	grep -qix "$MINTER" || die "ssp deploy did not write [chain] minter into ssp.conf"
say "SSPToken    $TOKEN"
say "ShareMinter $MINTER"
say "rate $(cast_val "$MINTER" "weiPerMicroCredit()(uint256)") wei per micro-cobblestone (1 SSP per cobblestone)," \
	"threshold $(cast_val "$MINTER" "threshold()(uint8)") of signers $(cast_val "$MINTER" "signers()(address[])")"
[ "$(cast_val "$MINTER" "weiPerMicroCredit()(uint256)")" = "$RATE" ] || die "the minter's rate is not $RATE"

# ------------------------------------------------------------------ 6. work

step "Creating work: the app, the volunteers' accounts and hosts, $NWU work units (quorum 2)"
[ -x "$WRAPPER" ] || missing "ssp_wrapper (client/)" "$WRAPPER was not built"
SCI=$BUILDDIR/client/examples/ssp_sci
[ -x "$SCI" ] || missing "the example science app (client/examples/)" "$SCI was not built"
JOBXML=$SRCDIR/client/examples/job.xml
[ -f "$JOBXML" ] || missing "the example job.xml (client/examples/)" "$JOBXML"
NOW=$(date +%s)
# Work unit k (1..NWU) asks for the Collatz steps of COUNT numbers from START; its estimated
# size rsc_fpops_est is 10·k cobblestones' worth (1 cobblestone = 86400e9/200 = 4.32e11 FLOPs),
# which is the credit BOINC grants per valid result by default.
COUNT=1000000
WU_NAMES=()
WU_FPOPS=()
{
	# BOINC's full schema: the columns not named here take their implicit zero or ''
	echo "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';"
	printf "insert into app (id, create_time, name, user_friendly_name) values (1, %d, '%s', 'SmartShare example (Collatz)');\n" \
		"$NOW" "$APP_NAME"
	for i in 0 1; do
		prefs="<project_preferences>${VOL_PREFS[$i]}</project_preferences>"
		printf "insert into user (id, create_time, email_addr, name, project_prefs) values (%d, %d, '%s@example.org', '%s', '%s');\n" \
			"${VOL_USERID[$i]}" "$NOW" "${VOL_NAMES[$i]}" "${VOL_NAMES[$i]}" "$prefs"
		printf "insert into host (id, create_time, userid, p_fpops) values (%d, %d, %d, 4e9);\n" \
			"${VOL_HOSTID[$i]}" "$NOW" "${VOL_USERID[$i]}"
	done
	for k in $(seq 1 "$NWU"); do
		wu=demo_wu_$k
		fpops=$((k * 10 * 432))e9
		WU_NAMES+=("$wu")
		WU_FPOPS+=("$fpops")
		printf "insert into workunit (id, create_time, appid, name, rsc_fpops_est, rsc_fpops_bound, min_quorum, target_nresults, max_success_results, transition_time) values (%d, %d, 1, '%s', %s, 1e18, 2, 2, 6, %d);\n" \
			"$k" "$NOW" "$wu" "$fpops" "$NOW"
		for i in 0 1; do
			res=${wu}_$i
			doc="<file_info><name>${res}_0</name><generated_locally/><upload_when_present/><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file_info>"
			doc+="<file_info><name>${res}_1</name><generated_locally/><upload_when_present/><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file_info>"
			doc+="<file_info><name>${res}_2</name><generated_locally/><upload_when_present/><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file_info>"
			doc+="<result><file_ref><file_name>${res}_0</file_name><open_name>sci_result</open_name></file_ref>"
			doc+="<file_ref><file_name>${res}_1</file_name><open_name>sci_log</open_name><no_validate/></file_ref>"
			doc+="<file_ref><file_name>${res}_2</file_name><open_name>ssp_receipt.json</open_name></file_ref></result>"
			printf "insert into result (id, create_time, workunitid, server_state, outcome, hostid, userid, sent_time, name, xml_doc_in, appid) values (%d, %d, %d, 4, 0, %d, %d, %d, '%s', '%s', 1);\n" \
				"$((k * 10 + i))" "$NOW" "$k" "${VOL_HOSTID[$i]}" "${VOL_USERID[$i]}" "$NOW" "$res" "$doc"
		done
	done
} >"$PROJECT_DIR/work.sql"
ssp_mariadb_load "$DB_NAME" "$PROJECT_DIR/work.sql" || die "cannot load the work units"
say "app $APP_NAME (ssp_wrapper running client/examples/ssp_sci under its job.xml)"
for k in $(seq 1 "$NWU"); do
	say "work unit ${WU_NAMES[$((k - 1))]}: Collatz steps of $COUNT numbers from $((k * COUNT)), rsc_fpops_est ${WU_FPOPS[$((k - 1))]}," \
		"results ${WU_NAMES[$((k - 1))]}_0 (${VOL_NAMES[0]}) and ${WU_NAMES[$((k - 1))]}_1 (${VOL_NAMES[1]})"
done
say "each user's project_prefs holds the binding snippet; results are IN_PROGRESS (sent)"

# ------------------------------------------------------------------ 7. BOINC clients

step "Running the real BOINC client for each volunteer, with ssp_wrapper as the app"
PROJ_SUBDIR=$(printf '%s' "${MASTER_URL#*://}" | sed 's/[^A-Za-z0-9._-]/_/g; s/_$//')
standin "the demo hands each client its work directly (client_state.xml), as BOINC's scheduler"
standin "and download server would over the network: there is no project web server here"
setup_client() { # setup_client I: the BOINC data directory of volunteer I
	local i=$1 d=$T/volunteers/${VOL_NAMES[$1]} pd k wu
	pd=$d/projects/$PROJ_SUBDIR
	mkdir -p "$pd"
	cp "$WRAPPER" "$pd/ssp_wrapper_1.00_x86_64-pc-linux-gnu"
	cp "$SCI" "$pd/ssp_sci_1.00"
	cp "$JOBXML" "$pd/ssp_job_1.00.xml"
	cp "$DEMO_FILES/global_prefs_override.xml" "$DEMO_FILES/cc_config.xml" "$d/"
	private_file "$d/account_$PROJ_SUBDIR.xml" <<EOF
<account>
    <master_url>$MASTER_URL</master_url>
    <authenticator>$(rand_hex 16)</authenticator>
    <project_name>SmartShare demo</project_name>
    <project_preferences>
${VOL_PREFS[$i]}
    </project_preferences>
</account>
EOF
	{
		cat <<EOF
<client_state>
<project>
    <master_url>$MASTER_URL</master_url>
    <project_name>SmartShare demo</project_name>
    <user_name>${VOL_NAMES[$i]}</user_name>
    <userid>${VOL_USERID[$i]}</userid>
    <hostid>${VOL_HOSTID[$i]}</hostid>
    <dont_request_more_work/>
</project>
<app>
    <name>$APP_NAME</name>
    <user_friendly_name>SmartShare example (Collatz)</user_friendly_name>
</app>
<file><name>ssp_wrapper_1.00_x86_64-pc-linux-gnu</name><status>1</status><executable/></file>
<file><name>ssp_sci_1.00</name><status>1</status><executable/></file>
<file><name>ssp_job_1.00.xml</name><status>1</status></file>
<app_version>
    <app_name>$APP_NAME</app_name>
    <version_num>100</version_num>
    <platform>x86_64-pc-linux-gnu</platform>
    <avg_ncpus>1</avg_ncpus>
    <file_ref><file_name>ssp_wrapper_1.00_x86_64-pc-linux-gnu</file_name><main_program/></file_ref>
    <file_ref><file_name>ssp_sci_1.00</file_name><open_name>ssp_sci</open_name></file_ref>
    <file_ref><file_name>ssp_job_1.00.xml</file_name><open_name>job.xml</open_name></file_ref>
</app_version>
EOF
		for k in $(seq 1 "$NWU"); do
			wu=${WU_NAMES[$((k - 1))]}
			printf '%d %d\n' "$((k * COUNT))" "$COUNT" >"$pd/$wu.in"
			cat <<EOF
<file><name>$wu.in</name><status>1</status></file>
<file><name>${wu}_${i}_0</name><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file>
<file><name>${wu}_${i}_1</name><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file>
<file><name>${wu}_${i}_2</name><max_nbytes>1000000</max_nbytes><url>${MASTER_URL%/}_cgi/file_upload_handler</url></file>
<workunit>
    <name>$wu</name>
    <app_name>$APP_NAME</app_name>
    <version_num>100</version_num>
    <rsc_fpops_est>${WU_FPOPS[$((k - 1))]}</rsc_fpops_est>
    <rsc_fpops_bound>1e18</rsc_fpops_bound>
    <rsc_memory_bound>1e8</rsc_memory_bound>
    <rsc_disk_bound>1e8</rsc_disk_bound>
    <file_ref><file_name>$wu.in</file_name><open_name>sci_input</open_name></file_ref>
</workunit>
<result>
    <name>${wu}_$i</name>
    <wu_name>$wu</wu_name>
    <version_num>100</version_num>
    <platform>x86_64-pc-linux-gnu</platform>
    <state>2</state>
    <report_deadline>$((NOW + 7 * 86400))</report_deadline>
    <file_ref><file_name>${wu}_${i}_0</file_name><open_name>sci_result</open_name></file_ref>
    <file_ref><file_name>${wu}_${i}_1</file_name><open_name>sci_log</open_name></file_ref>
    <file_ref><file_name>${wu}_${i}_2</file_name><open_name>ssp_receipt.json</open_name></file_ref>
</result>
EOF
		done
		echo '</client_state>'
	} >"$d/client_state.xml"
}
# result_states DIR: "name state exit_status cpu_time elapsed_time" of each result in the
# client's state file (BOINC writes it whole and renames it into place)
result_states() {
	python3 - "$1/client_state.xml" <<'EOF'
import re, sys
try:
    s = open(sys.argv[1]).read()
except OSError:
    sys.exit(0)
def field(r, tag, default):
    m = re.search(r"<%s>([^<]*)</%s>" % (tag, tag), r)
    return m.group(1).strip() if m else default
for m in re.finditer(r"<result>(.*?)</result>", s, re.S):
    r = m.group(1)
    print(field(r, "name", "?"), field(r, "state", "?"), field(r, "exit_status", "0"),
          field(r, "final_cpu_time", "0"), field(r, "final_elapsed_time", "0"))
EOF
}
CLIENT_PIDS=()
for i in 0 1; do
	setup_client "$i"
	d=$T/volunteers/${VOL_NAMES[$i]}
	(cd "$d" && exec boinc --dir "$d" --skip_cpu_benchmarks --unsigned_apps_ok --no_info_fetch \
		--allow_multiple_clients --no_gpus --no_gui_rpc --no_priority_change --redirectio </dev/null >/dev/null 2>&1) &
	CLIENT_PIDS[$i]=$!
	PIDS+=("${CLIENT_PIDS[$i]}")
	say "boinc client of ${VOL_NAMES[$i]}: pid ${CLIENT_PIDS[$i]}, data directory $d"
done
# Both clients run until every result has finished computing (state 3 COMPUTE_ERROR, 4
# FILES_UPLOADING or later); there is no upload server, so they are then stopped.
deadline=$(($(date +%s) + 180))
for i in 0 1; do
	d=$T/volunteers/${VOL_NAMES[$i]}
	while :; do
		states=$(result_states "$d")
		left=$(printf '%s\n' "$states" | awk 'NF == 5 && $2 < 3' | wc -l)
		[ -n "$states" ] && [ "$left" = 0 ] && break
		kill -0 "${CLIENT_PIDS[$i]}" 2>/dev/null || die "the BOINC client of ${VOL_NAMES[$i]} exited early; see $d/stdoutdae.txt"
		[ "$(date +%s)" -lt "$deadline" ] || die "the BOINC client of ${VOL_NAMES[$i]} did not finish in time"
		sleep 0.5
	done
done
for i in 0 1; do
	stop_pid "${CLIENT_PIDS[$i]}"
	d=$T/volunteers/${VOL_NAMES[$i]}
	grep -E 'Starting task|Computation for task|exit_after|error' "$d/stdoutdae.txt" | sed 's/^/      | /' || true
	bad=$(result_states "$d" | awk '$2 != 4 || $3 != 0')
	[ -z "$bad" ] || die "results of ${VOL_NAMES[$i]} failed (name state exit_status): $bad"
done
say "every result computed; outputs (sci_result, sci_log, ssp_receipt.json) are in each client's project directory"
# What ssp_wrapper measured, from one share receipt per volunteer.
for i in 0 1; do
	f=$T/volunteers/${VOL_NAMES[$i]}/projects/$PROJ_SUBDIR/${WU_NAMES[0]}_${i}_2
	python3 - "$f" <<'EOF' | sed 's/^/      /'
import json, sys
r = json.load(open(sys.argv[1]))
print("receipt of %s (user %d, host %d): %d tasks, cpu %.2f s, wall %.2f s, outputs %s" % (
    r["result_name"], r["userid"], r["hostid"], len(r["tasks"]), r["cpu_time"], r["wall_time"],
    ", ".join("%s (%d bytes, sha256 %s…)" % (o["name"], o["bytes"], o["sha256"][:12]) for o in r["outputs"])))
EOF
done

# ------------------------------------------------------------------ 8. upload + scheduler stand-in

step "Uploading the outputs and reporting the results"
standin "the demo stands in for BOINC's upload handler: it copies each output file into the"
standin "project's upload tree (upload/<fanout dir>/<name>, as file_upload_handler does)"
standin "the demo stands in for BOINC's scheduler: it marks each reported result OVER/SUCCESS"
standin "with its CPU and elapsed time, and for the transitioner: need_validate = 1"
# upload_path NAME: BOINC's dir_hier_path: hex digits 1..7 of md5(NAME) mod fanout, as %x
upload_path() {
	local h
	h=$(printf '%s' "$1" | md5sum | cut -c2-8)
	printf '%s/%x/%s\n' "$UPLOAD" $((16#$h % FANOUT)) "$1"
}
{
	for i in 0 1; do
		d=$T/volunteers/${VOL_NAMES[$i]}
		pd=$d/projects/$PROJ_SUBDIR
		states=$(result_states "$d")
		for k in $(seq 1 "$NWU"); do
			res=${WU_NAMES[$((k - 1))]}_$i
			for j in 0 1 2; do
				f=${res}_$j
				[ -f "$pd/$f" ] || die "output $f of $res is missing from the client"
				dst=$(upload_path "$f")
				mkdir -p "$(dirname "$dst")"
				cp "$pd/$f" "$dst"
			done
			read -r _ _ _ cpu elapsed < <(printf '%s\n' "$states" | awk -v r="$res" '$1 == r')
			printf "update result set server_state = 5, outcome = 1, received_time = %d, cpu_time = %s, elapsed_time = %s where name = '%s' and server_state = 4;\n" \
				"$(date +%s)" "${cpu:-0}" "${elapsed:-0}" "$res"
		done
	done
	echo "update workunit set need_validate = 1, transition_time = $(date +%s) where appid = 1;"
} >"$PROJECT_DIR/report.sql"
ssp_mariadb_load "$DB_NAME" "$PROJECT_DIR/report.sql" || die "cannot mark the results"
say "$(find "$UPLOAD" -type f | wc -l) files in the upload tree; e.g. $(upload_path "${WU_NAMES[0]}_0_2")"
ssp_mariadb_sql -t "$DB_NAME" -e "select r.name as result, r.userid, r.hostid, r.server_state, r.outcome, round(r.cpu_time, 2) as cpu_time, w.need_validate from result r join workunit w on w.id = r.workunitid order by r.id" |
	sed 's/^/      /'

# ------------------------------------------------------------------ 9. validator

step "Running ssp_validator (quorum, credit) and ssp_signer (signed claims and batches)"
[ -x "$VALIDATOR" ] || missing "ssp_validator (validator/)" "$VALIDATOR was not built"
timeout 120 "$VALIDATOR" --app "$APP_NAME" --one_pass --project_dir "$PROJECT_DIR" \
	--conf "$SSPCONF" -d 3 >"$T/log/validator.log" 2>&1 ||
	{ sed 's/^/      | /' "$T/log/validator.log"; die "ssp_validator failed (exit $?)"; }
sed 's/^/      | /' "$T/log/validator.log"
[ -x "$SIGNER_BIN" ] || missing "ssp_signer (signer/)" "$SIGNER_BIN was not built"
timeout 120 "$SIGNER_BIN" --one_pass --project_dir "$PROJECT_DIR" \
	--conf "$SSPCONF" -d 3 >"$T/log/signer.log" 2>&1 ||
	{ sed 's/^/      | /' "$T/log/signer.log"; die "ssp_signer failed (exit $?)"; }
sed 's/^/      | /' "$T/log/signer.log"
ssp_mariadb_sql -t "$DB_NAME" -e "select r.name as result, r.userid, r.validate_state, r.granted_credit, w.canonical_resultid as canonical, w.need_validate, w.assimilate_state from result r join workunit w on w.id = r.workunitid order by r.id" |
	sed 's/^/      /'
ledger_sql() { sqlite3 -readonly "$LEDGER" "$@"; }
say "ledger $LEDGER:"
ledger_sql -header -column "select seq, result_id, lower(hex(beneficiary)) as beneficiary, batch_id from claims order by seq" |
	sed 's/^/        /'
ledger_sql -header -column "select id as batch, first_seq, last_seq, total_credit, state from batches order by id" |
	sed 's/^/        /'
NCLAIMS=$(ledger_sql "select count(*) from claims")
NBATCHES=$(ledger_sql "select count(*) from batches")
[ "$NCLAIMS" = $((2 * NWU)) ] || die "expected $((2 * NWU)) signed claims in the ledger, found $NCLAIMS"
[ "$NBATCHES" = 2 ] || die "expected 2 sealed batches in the ledger, found $NBATCHES"

# ------------------------------------------------------------------ 10. bridge

step "Running ssp_bridge: mintBatch transactions to ShareMinter"
[ -x "$BRIDGE" ] || missing "ssp_bridge (bridge/)" "$BRIDGE was not built"
"$BRIDGE" --conf "$SSPCONF" --sleep_interval 1 -d 2 >"$T/log/bridge.log" 2>&1 </dev/null &
BRIDGE_PID=$!
PIDS+=("$BRIDGE_PID")
say "ssp_bridge pid $BRIDGE_PID; waiting until every batch is FINAL ($CONFIRMATIONS confirmations)"
deadline=$(($(date +%s) + 90))
while :; do
	left=$(ledger_sql "select count(*) from batches where state != 'FINAL'" 2>/dev/null || echo "?")
	[ "$left" = 0 ] && break
	if ! kill -0 "$BRIDGE_PID" 2>/dev/null; then
		sed 's/^/      | /' "$T/log/bridge.log"
		die "ssp_bridge exited early"
	fi
	failed=$(ledger_sql "select count(*) from batches where state = 'FAILED'" 2>/dev/null || echo 0)
	[ "$failed" = 0 ] || { sed 's/^/      | /' "$T/log/bridge.log"; die "a batch FAILED"; }
	[ "$(date +%s)" -lt "$deadline" ] || { sed 's/^/      | /' "$T/log/bridge.log"; die "batches not FINAL in time"; }
	sleep 0.5
done
stop_pid "$BRIDGE_PID"
sed 's/^/      | /' "$T/log/bridge.log"
ledger_sql -header -column "select b.id as batch, b.first_seq, b.last_seq, b.state, lower(hex(t.hash)) as tx, t.block_number from batches b left join txs t on t.batch_id = b.id and t.state = 'FINAL' order by b.id" |
	sed 's/^/        /'

# ------------------------------------------------------------------ 11. balances

step "Reading the volunteers' SSP balances from the chain"
# Credit BOINC granted to each volunteer's valid results (BOINC database), in
# micro-cobblestones as docs/formats.md defines them (llround(granted_credit × 1e6) per result).
CREDITS=$(ssp_mariadb_sql -N -B "$DB_NAME" -e "select userid, granted_credit from result where validate_state = 1 order by id")
SUPPLY=$(cast_val "$TOKEN" "totalSupply()(uint256)")
TABLE=$T/log/balances.txt
BALANCES=
for i in 0 1; do
	BALANCES+="${VOL_USERID[$i]} ${VOL_ADDR[$i]} $(cast_val "$TOKEN" "balanceOf(address)(uint256)" "${VOL_ADDR[$i]}") "
done
python3 - "$RATE" "$NWU" "$SUPPLY" "${VOL_NAMES[*]}" "$BALANCES" "$CREDITS" >"$TABLE" <<'EOF' || OK_TABLE=$?
import math, sys
rate, nwu, supply = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
names = sys.argv[4].split()
b = sys.argv[5].split()
vols = [(names[i], int(b[3 * i]), b[3 * i + 1], int(b[3 * i + 2])) for i in range(len(names))]
credit = {}
for line in sys.argv[6].splitlines():
    uid, gc = line.split()
    micro = math.floor(float(gc) * 1e6 + 0.5)  # llround for a positive value
    credit[int(uid)] = credit.get(int(uid), 0) + micro
def ssp(wei):
    return "%d.%018d" % divmod(wei, 10**18)
# what the demo's work units are worth: work unit k is 10·k cobblestones
planned = sum(10 * k for k in range(1, nwu + 1)) * 10**6
print("%-9s %-5s %-42s %14s %28s %28s  %s" % ("volunteer", "user", "payout address",
      "credit granted", "expected SSP = credit x rate", "SSP balance (chain)", "check"))
bad = 0
total = 0
for name, uid, addr, bal in vols:
    c = credit.get(uid, 0)
    want = c * rate
    total += bal
    ok = bal == want and c == planned
    bad += not ok
    print("%-9s %-5d %-42s %14s %28s %28s  %s" % (name, uid, addr, "%d.%06d" % divmod(c, 10**6),
          ssp(want), ssp(bal), "ok" if ok else "MISMATCH"))
print("total supply %s SSP = sum of the balances: %s" % (ssp(supply), "ok" if supply == total else "MISMATCH"))
bad += supply != total
print("planned credit per volunteer: %s cobblestones (work unit k is worth 10·k)" % ("%d.%06d" % divmod(planned, 10**6)))
sys.exit(1 if bad else 0)
EOF
sed 's/^/      /' "$TABLE"
[ "${OK_TABLE:-0}" = 0 ] || die "the SSP balances do not equal credit × rate"

# ------------------------------------------------------------------ 12. export + audit

step "Publishing the project's export and auditing it"
EXPORT=$PROJECT_DIR/export
if ! "$SSP" export --help >/dev/null 2>&1; then
	missing "ssp export (tools/cmd_export.c)" "\`$SSP export\` is not a command yet"
fi
"$SSP" export --conf "$SSPCONF" --out "$EXPORT" --quiet >"$T/log/export.out" 2>&1 ||
	{ sed 's/^/      | /' "$T/log/export.out"; die "ssp export failed"; }
sed 's/^/      | /' "$T/log/export.out"
say "the export a project publishes for auditors:"
(cd "$EXPORT" && ls -l manifest.json claims.ndjson.gz batches.ndjson.gz) | sed 's/^/        /'
if ! "$SSP" audit --help >/dev/null 2>&1; then
	missing "ssp audit (tools/cmd_audit.c)" "\`$SSP audit\` is not a command yet"
fi
# BOINC's public stats export, as BOINC's db_dump writes it (user.gz: per user id the
# total_credit the project publishes); the auditor checks claims against it.
standin "the demo stands in for BOINC's db_dump: it writes the stats export user.gz from"
standin "the user table (id, name, total_credit, expavg_credit, expavg_time)"
STATS=$PROJECT_DIR/stats/user.gz
mkdir -p "$(dirname "$STATS")"
{
	echo '<users>'
	ssp_mariadb_sql -N -B "$DB_NAME" -e "select id, name, create_time, total_credit, expavg_credit, expavg_time from user order by id" |
		while read -r id name ct tc ea et; do
			printf '<user>\n <id>%s</id>\n <name>%s</name>\n <create_time>%s</create_time>\n' "$id" "$name" "$ct"
			printf ' <total_credit>%f</total_credit>\n <expavg_credit>%f</expavg_credit>\n <expavg_time>%f</expavg_time>\n</user>\n' \
				"$tc" "$ea" "$et"
		done
	echo '</users>'
} | gzip -9 >"$STATS"
say "auditor: ssp audit --export export --rpc $RPC --contract $MINTER --boinc-stats stats/user.gz"
AUDIT_RC=0
"$SSP" audit --export "$EXPORT" --rpc "$RPC" --contract "$MINTER" --boinc-stats "$STATS" \
	--quiet >"$T/log/audit.txt" 2>&1 || AUDIT_RC=$?
sed 's/^/      | /' "$T/log/audit.txt"
case "$AUDIT_RC" in
0) ;;
1) die "ssp audit found discrepancies" ;;
*) die "ssp audit failed (exit $AUDIT_RC)" ;;
esac

printf '      (%ds)\n' $(($(date +%s) - STEP_T0))
printf '\nAUDIT CLEAN: every SSP minted maps to credit BOINC granted, at the published rate, once.\n'
printf 'demo: done in %d s; BOINC work -> validated credit -> signed claims -> SSP on chain -> audit.\n' \
	$(($(date +%s) - T0))
