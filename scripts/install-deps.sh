#!/usr/bin/env bash
# Installs every Debian and npm dependency of the project: build tools, the
# libraries the README lists, the real servers the tests and the demo run (MariaDB,
# the BOINC client, chromium and php for the web hook) and the npm packages (solc,
# OpenZeppelin, anvil, cast; puppeteer-core, which drives Debian's chromium and
# downloads no browser, and ethers, the web test's wallet).
# Idempotent; needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
	autoconf automake libtool pkg-config make gcc g++ git ca-certificates
	libssl-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev zlib1g-dev
	libsecp256k1-dev libjansson-dev libxml2-dev nettle-dev libinih-dev
	libmariadb-dev libcunit1-dev binutils
	musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
	boinc-client mariadb-server mariadb-client
	nodejs npm python3 procps psmisc xxd jq bc
	chromium php-cli php-xml php-mysql
	debhelper lintian devscripts fakeroot dpkg-dev systemd logrotate
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
# node may come from elsewhere than Debian's package; accept any node >= 18 with npm.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	filtered=()
	for p in "${missing[@]}"; do
		case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
	done
	missing=("${filtered[@]}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's boinc-client and mariadb-server packages may start system services;
# the tests and the demo run their own private instances and never use those.

if [ ! -x node_modules/.bin/anvil ] || [ ! -x node_modules/.bin/cast ] ||
   [ ! -d node_modules/@openzeppelin/contracts ] || [ ! -d node_modules/solc ] ||
   [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/ethers ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "install-deps: npm ci"
	npm ci --no-audit --no-fund
fi
echo "install-deps: done"
