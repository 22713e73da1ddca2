#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine as root: installs the
# dependencies, builds with -Werror, runs `make check` (CUnit suites and the
# integration tests with real MariaDB, anvil and BOINC client), then runs the
# CUnit suites again in an AddressSanitizer/UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

scripts/install-deps.sh
./autogen.sh

# Counts the results that Automake's test driver recorded in DIR's .trs files.
tally() {
	local dir=$1 pass fail skip
	pass=$( (find "$dir" -name '*.trs' -exec grep -h '^:test-result: PASS' {} + || true) | wc -l)
	fail=$( (find "$dir" -name '*.trs' -exec grep -h -E '^:test-result: (FAIL|ERROR|XPASS)' {} + || true) | wc -l)
	skip=$( (find "$dir" -name '*.trs' -exec grep -h '^:test-result: SKIP' {} + || true) | wc -l)
	echo "$pass $fail $skip"
}

status=0
mkdir -p build
(cd build && "$top/configure" --enable-werror && make -j"$jobs") || exit 1
# The tests run two at a time: each has its own temporary directory, servers and free ports.
(cd build && make -j"$jobs" check VERBOSE=1) || status=1
read -r p1 f1 s1 < <(tally build)

mkdir -p build-san
unit_tests=$(cd build && make -s print-unit-tests)
(cd build-san && "$top/configure" --enable-werror --enable-sanitizers && make -j"$jobs") || exit 1
(cd build-san && make -j"$jobs" check VERBOSE=1 TESTS="$unit_tests") || status=1
read -r p2 f2 s2 < <(tally build-san)

echo "make check: $p1 passed, $f1 failed, $s1 skipped; sanitizer build (unit suites): $p2 passed, $f2 failed, $s2 skipped"
# Everything a test needs was installed above: a skipped test here is a broken set-up, not a pass.
if [ $((s1 + s2)) -gt 0 ]; then
	echo "check: skipped tests count as failures here:" >&2
	find build build-san -name '*.trs' -exec grep -l '^:test-result: SKIP' {} + >&2
	status=1
fi
echo "$((p1 + p2)) passed, $((f1 + f2 + s1 + s2)) failed"
exit $status
