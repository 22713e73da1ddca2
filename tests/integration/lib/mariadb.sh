# shellcheck shell=bash
# A private MariaDB server for tests and the demo: sourced, never run.
#
# Functions (all return non-zero on failure and print a reason on stderr):
#   ssp_mariadb_start DIR
#       Starts mariadbd with its data directory, temporary directory, socket, pid
#       file and error log under DIR (created if missing), listening on 127.0.0.1 at
#       a free TCP port.
#       An initialised data directory is cached per build tree (under
#       $SSP_BUILDDIR, else $TMPDIR) and copied, so later starts are fast.
#       Sets SSP_MARIADB_DIR, SSP_MARIADB_SOCKET, SSP_MARIADB_PORT, SSP_MARIADB_PID.
#       Extra mariadbd options may be given in SSP_MARIADB_OPTS.
#   ssp_mariadb_sql [mariadb client args...]
#       Runs the mariadb client as the server's root user over the private socket
#       (SQL on stdin or with -e "...").
#   ssp_mariadb_create_db NAME USER PASSWORD
#       Creates database NAME and a user USER@127.0.0.1 and USER@localhost with
#       PASSWORD and all privileges on NAME.
#   ssp_mariadb_load NAME FILE
#       Loads an SQL file into database NAME.
#   ssp_mariadb_stop
#       Stops the server started by ssp_mariadb_start: SIGTERM to its PID, then
#       SIGKILL after 20 s. Safe to call twice or when nothing was started; meant
#       for an EXIT trap.
# Requires Debian's mariadb-server (mariadbd, mariadb-install-db, mariadb client).
# As root the server runs with --user=root inside the private directory.

SSP_MARIADB_DIR=
SSP_MARIADB_SOCKET=
SSP_MARIADB_PORT=
SSP_MARIADB_PID=

_ssp_mariadbd() {
	local d
	for d in "${MARIADBD:-}" /usr/sbin/mariadbd /usr/sbin/mysqld; do
		if [ -n "$d" ] && [ -x "$d" ]; then echo "$d"; return 0; fi
	done
	command -v mariadbd 2>/dev/null && return 0
	echo "mariadb.sh: mariadbd not found (apt-get install mariadb-server)" >&2
	return 1
}

_ssp_free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
		return
	fi
	local p
	while :; do
		p=$(( 20000 + RANDOM % 30000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
}

_ssp_user_opt() {
	if [ "$(id -u)" = 0 ]; then echo "--user=root"; fi
}

# Creates (once, under a lock) an initialised data directory to copy from.
_ssp_mariadb_template() {
	local base="${SSP_BUILDDIR:-${TMPDIR:-/tmp}}/tests/integration/.mariadb-template"
	local ver tmpl
	ver=$("$1" --version 2>/dev/null | awk '{print $3}')
	tmpl="$base/$ver"
	mkdir -p "$base" || return 1
	(
		flock 9
		if [ ! -f "$tmpl/.ready" ]; then
			rm -rf "$tmpl.tmp"
			mkdir -p "$tmpl.tmp" &&
			mariadb-install-db --no-defaults $(_ssp_user_opt) --datadir="$tmpl.tmp" \
				--auth-root-authentication-method=socket --skip-test-db \
				--skip-name-resolve >"$base/install.log" 2>&1 || {
				echo "mariadb.sh: mariadb-install-db failed; see $base/install.log" >&2
				exit 1
			}
			rm -rf "$tmpl" && mv "$tmpl.tmp" "$tmpl" && touch "$tmpl/.ready"
		fi
	) 9>"$base/.lock" || return 1
	echo "$tmpl"
}

ssp_mariadb_start() {
	local dir="$1" mysqld tmpl i
	if [ -z "$dir" ]; then echo "ssp_mariadb_start: DIR missing" >&2; return 1; fi
	mysqld=$(_ssp_mariadbd) || return 1
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd)
	tmpl=$(_ssp_mariadb_template "$mysqld") || return 1
	rm -rf "$dir/data"
	cp -a "$tmpl" "$dir/data" || return 1
	rm -f "$dir/data/.ready"
	mkdir -p "$dir/tmp" || return 1
	SSP_MARIADB_DIR="$dir"
	SSP_MARIADB_SOCKET="$dir/mysqld.sock"
	SSP_MARIADB_PORT=$(_ssp_free_port)
	# shellcheck disable=SC2086
	"$mysqld" --no-defaults $(_ssp_user_opt) --datadir="$dir/data" \
		--socket="$SSP_MARIADB_SOCKET" --port="$SSP_MARIADB_PORT" \
		--bind-address=127.0.0.1 --pid-file="$dir/mysqld.pid" \
		--log-error="$dir/mysqld.err" --tmpdir="$dir/tmp" --skip-name-resolve \
		--innodb-buffer-pool-size=128M --max-connections=200 \
		${SSP_MARIADB_OPTS:-} </dev/null >/dev/null 2>&1 &
	SSP_MARIADB_PID=$!
	for i in $(seq 1 300); do
		if ! kill -0 "$SSP_MARIADB_PID" 2>/dev/null; then
			echo "mariadb.sh: mariadbd exited; log follows" >&2
			tail -20 "$dir/mysqld.err" >&2
			SSP_MARIADB_PID=
			return 1
		fi
		if [ -S "$SSP_MARIADB_SOCKET" ] &&
		   mariadb --no-defaults --socket="$SSP_MARIADB_SOCKET" -uroot -e 'select 1' >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "mariadb.sh: mariadbd did not answer within 30 s" >&2
	ssp_mariadb_stop
	return 1
}

ssp_mariadb_sql() {
	mariadb --no-defaults --socket="$SSP_MARIADB_SOCKET" -uroot "$@"
}

ssp_mariadb_create_db() {
	local name="$1" user="$2" pass="$3"
	ssp_mariadb_sql <<SQL
CREATE DATABASE \`$name\`;
CREATE USER '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
CREATE USER '$user'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'localhost';
SQL
}

ssp_mariadb_load() {
	ssp_mariadb_sql "$1" <"$2"
}

ssp_mariadb_stop() {
	local pid="$SSP_MARIADB_PID" i
	SSP_MARIADB_PID=
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	return 0
}
