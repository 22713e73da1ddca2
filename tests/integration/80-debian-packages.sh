#!/bin/bash
# The Debian packages (debian/): a copy of the source tree is built with
# `dpkg-buildpackage -us -uc -b` (DEB_BUILD_OPTIONS=nocheck: the unit suites are part of this
# `make check`), lintian finds no error or warning, the three packages install on this
# machine (system user ssp, /var/lib/ssp and /var/log/ssp owned by it, /etc/ssp/ssp.conf a
# conffile, the ssp tool finding its installed contracts), `systemd-analyze verify` accepts
# every unit, logrotate rotates a log a process keeps appending to (copytruncate, no signal),
# and a purge removes them (the user stays, as Debian policy advises).
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
for t in dpkg-buildpackage lintian systemd-analyze logrotate dh fakeroot; do
	command -v "$t" >/dev/null || ssp_fail "$t is missing: run scripts/install-deps.sh"
done
[ "$(id -u)" = 0 ] || ssp_fail "installing the packages needs root"
ssp_test_init debian-packages
PKGS="smartshare-ssp smartshare-ssp-server smartshare-ssp-wrapper"

# dpkg may be busy with another installation: wait for its lock.
dpkg_locked() {
	local i st
	for i in $(seq 1 60); do
		st=0
		"$@" >>"$T/dpkg.log" 2>&1 || st=$?
		if [ "$st" = 0 ] || ! grep -q "lock" "$T/dpkg.log"; then return "$st"; fi
		: >"$T/dpkg.log"
		sleep 5
	done
	return 1
}
purge_all() { dpkg_locked dpkg --purge $PKGS || :; }
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
		ssp_fail "$p is already installed on this machine: not touching it"
	fi
done

# A clean copy of the source tree (no build outputs), with the contract toolchain.
mkdir "$T/src"
if git -C "$SSP_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SSP_SRCDIR" && git ls-files -co --exclude-standard -z | grep -zv '^node_modules') |
		(cd "$SSP_SRCDIR" && xargs -0 tar -cf -) | tar -C "$T/src" -xf -
else
	tar -C "$SSP_SRCDIR" --exclude=./node_modules --exclude='./build*' -cf - . | tar -C "$T/src" -xf -
fi
ln -s "$SSP_NODE_MODULES" "$T/src/node_modules"
(cd "$T/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1) ||
	{ tail -n 40 "$T/build.log" >&2; ssp_fail "dpkg-buildpackage failed"; }
V=$(dpkg-parsechangelog -l "$SSP_SRCDIR/debian/changelog" -S Version)
A=$(dpkg --print-architecture)
for p in $PKGS; do [ -s "$T/${p}_${V}_$A.deb" ] || ssp_fail "no ${p}_${V}_$A.deb"; done
ssp_ok "dpkg-buildpackage -us -uc -b built $PKGS"

st=0
lintian --fail-on error,warning "$T/smartshare-ssp_${V}_$A.changes" >"$T/lintian.log" 2>&1 || st=$?
[ "$st" = 0 ] || { cat "$T/lintian.log" >&2; ssp_fail "lintian: errors or warnings"; }
ssp_ok "lintian: no error, no warning"

# Contents: who gets what.
for p in $PKGS; do dpkg-deb -c "$T/${p}_${V}_$A.deb" >"$T/$p.list"; done
grep -q "/usr/bin/ssp$" "$T/smartshare-ssp.list" || ssp_fail "ssp not in smartshare-ssp"
grep -q "/usr/share/smartshare-ssp/contracts/ShareMinter.input.json" "$T/smartshare-ssp.list" ||
	ssp_fail "standard-JSON inputs not packaged"
for d in ssp_bridge ssp_signer ssp_validator; do
	grep -q "/usr/bin/$d$" "$T/smartshare-ssp-server.list" || ssp_fail "$d not in -server"
done
grep -q "/lib/systemd/system/ssp-export.timer$" "$T/smartshare-ssp-server.list" || ssp_fail "no export timer"
grep -q "/usr/lib/smartshare-ssp/wrapper/.*-linux-gnu/ssp_wrapper$" "$T/smartshare-ssp-wrapper.list" ||
	ssp_fail "ssp_wrapper not in -wrapper"
if grep -q "ssp_wrapper\|ssp_validator" "$T/smartshare-ssp.list"; then
	ssp_fail "the tool's package holds the daemons or the wrapper"
fi

on_exit purge_all
dpkg_locked dpkg -i "$T/smartshare-ssp_${V}_$A.deb" "$T/smartshare-ssp-server_${V}_$A.deb" \
	"$T/smartshare-ssp-wrapper_${V}_$A.deb" || { cat "$T/dpkg.log" >&2; ssp_fail "dpkg -i"; }
for p in $PKGS; do
	assert_eq "$(dpkg-query -W -f='${Status}' "$p")" "install ok installed" "$p installed"
done
assert_eq "$(/usr/bin/ssp --version | cut -d' ' -f1)" ssp "installed ssp runs"
/usr/bin/ssp_bridge --help | grep -q "project_dir" || ssp_fail "installed ssp_bridge"
getent passwd ssp >/dev/null || ssp_fail "no system user ssp"
assert_eq "$(stat -c '%U:%G %a' /var/lib/ssp)" "ssp:ssp 750" "/var/lib/ssp"
assert_eq "$(stat -c '%U:%G %a' /var/log/ssp)" "ssp:ssp 750" "/var/log/ssp"
dpkg-query -W -f='${Conffiles}\n' smartshare-ssp-server | grep -q "^ /etc/ssp/ssp.conf " ||
	ssp_fail "/etc/ssp/ssp.conf is not a conffile"
dpkg-query -W -f='${Conffiles}\n' smartshare-ssp-server | grep -q "^ /etc/logrotate.d/smartshare-ssp-server " ||
	ssp_fail "the logrotate file is not a conffile"
cmp -s /etc/ssp/ssp.conf "$SSP_SRCDIR/docs/ssp.conf.example" || ssp_fail "/etc/ssp/ssp.conf is not the example"
# The installed tool finds its contracts (<prefix>/share/smartshare-ssp/contracts): deploy gets
# as far as the node (none listening) instead of complaining about missing bytecode.
printf 'pw\n' >"$T/pw"; chmod 600 "$T/pw"
/usr/bin/ssp key new --keystore "$T/k.json" --password-file "$T/pw" --scrypt-n 1024 >/dev/null
st=0
/usr/bin/ssp deploy --rpc "http://127.0.0.1:$(free_port)/" --keystore "$T/k.json" --password-file "$T/pw" \
	--signer 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --threshold 1 --rate 1 >"$T/deploy.out" 2>&1 || st=$?
assert_eq "$st" 2 "deploy without a node"
if grep -q "SSPToken.bin" "$T/deploy.out"; then ssp_fail "installed ssp does not find its contracts: $(cat "$T/deploy.out")"; fi
ssp_ok "installed: user ssp, its directories, conffiles, the tool and its contracts"

units="/lib/systemd/system/ssp-bridge.service /lib/systemd/system/ssp-signer.service /lib/systemd/system/ssp-export.service /lib/systemd/system/ssp-export.timer"
cp /lib/systemd/system/ssp-validator@.service "$T/ssp-validator@einstein.service"
systemd-analyze verify $units "$T/ssp-validator@einstein.service" >"$T/verify.log" 2>&1 ||
	{ cat "$T/verify.log" >&2; ssp_fail "systemd-analyze verify failed"; }
[ ! -s "$T/verify.log" ] || { cat "$T/verify.log" >&2; ssp_fail "systemd-analyze verify complained"; }
ssp_ok "systemd-analyze verify: ssp-bridge, ssp-signer, ssp-validator@, ssp-export service and timer"

# logrotate with the installed configuration, forced, on a log a process keeps appending to
# (as the units do: StandardOutput=append:) — copytruncate, no signal sent.
logrotate -d /etc/logrotate.d/smartshare-ssp-server >"$T/lr-debug.log" 2>&1 || { cat "$T/lr-debug.log" >&2; ssp_fail "logrotate -d"; }
su -s /bin/sh ssp -c 'exec >>/var/log/ssp/ssp-bridge.log; i=0; while [ $i -lt 400 ]; do echo "line $i"; i=$((i+1)); sleep 0.01; done' &
writer=$!
sleep 1
logrotate -f -s "$T/lr.state" /etc/logrotate.d/smartshare-ssp-server >"$T/lr.log" 2>&1 || { cat "$T/lr.log" >&2; ssp_fail "logrotate -f"; }
wait "$writer"
[ -s /var/log/ssp/ssp-bridge.log.1 ] || ssp_fail "no rotated log"
before=$(wc -l </var/log/ssp/ssp-bridge.log.1)
after=$(grep -c '^line' /var/log/ssp/ssp-bridge.log)
[ "$before" -gt 0 ] && [ "$after" -gt 0 ] || ssp_fail "rotation: $before lines before, $after after"
[ "$(tr -d '\0' </var/log/ssp/ssp-bridge.log | wc -c)" = "$(wc -c </var/log/ssp/ssp-bridge.log)" ] ||
	ssp_fail "the live log has a hole after copytruncate (not O_APPEND?)"
assert_eq "$(stat -c %U /var/log/ssp/ssp-bridge.log)" ssp "the live log's owner"
ssp_ok "logrotate: copytruncate under a live O_APPEND writer ($before lines rotated, $after after)"

dpkg_locked dpkg --purge $PKGS || { cat "$T/dpkg.log" >&2; ssp_fail "dpkg --purge"; }
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then ssp_fail "$p still installed"; fi
done
for f in /usr/bin/ssp /usr/bin/ssp_bridge /etc/ssp/ssp.conf /etc/logrotate.d/smartshare-ssp-server \
	/lib/systemd/system/ssp-bridge.service /var/log/ssp /var/lib/ssp /etc/ssp; do
	[ ! -e "$f" ] || ssp_fail "$f is left after the purge"
done
ssp_ok "purged: files, conffiles, logs and the empty state directory gone"
