#!/usr/bin/env bash
# The shipped ssp_wrapper is self-contained:
#  1. the build machine's binary and both app files (x86_64, aarch64) have no dynamic section
#     and no program interpreter (readelf), and hold BOINC's API version marker;
#  2. it runs the example job in a root that holds nothing but the binary, the static ssp_sci
#     and the slot's files (a chroot in a private mount namespace with /proc only): no shared
#     library exists there at all; outputs and receipt checked outside with sha256sum/python;
#  3. the aarch64 app file runs the example job standalone under qemu-user (its tasks are the
#     build machine's ssp_sci: qemu-user runs the wrapper, the kernel runs what it starts);
#  4. what stands in for jansson and nettle in the static binary agrees with them: the same
#     JSON documents loaded and dumped by jansson and by client/compat give the same bytes (or
#     are refused by both), and client/compat's SHA-256 equals sha256sum's on many sizes.
set -euo pipefail
. "$SSP_SRCDIR/tests/integration/lib/common.sh"
B="$SSP_BUILDDIR"
W="$B/client/ssp_wrapper"
A64="$(ls "$B"/client/apps/ssp_wrapper_*_aarch64-unknown-linux-gnu)"
X64="$(ls "$B"/client/apps/ssp_wrapper_*_x86_64-pc-linux-gnu)"
SCI="$B/client/examples/ssp_sci"
SCI_STATIC="$B/client/examples/ssp_sci-static"
CHECK="$B/tests/helpers/receipt_check"
for f in "$W" "$X64" "$A64" "$SCI" "$SCI_STATIC" "$CHECK" "$B/tests/helpers/json_roundtrip" \
	"$B/tests/helpers/json_roundtrip-compat" "$B/tests/helpers/sha256sum_compat"; do
	[ -x "$f" ] || ssp_fail "missing $f (make check builds it)"
done
ssp_test_init wrapper-static
COUNT_1S=$("$SCI" --calibrate 1)
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# 1. no dynamic section, no interpreter, the marker
for f in "$W" "$X64" "$A64" "$SCI_STATIC"; do
	assert_contains "$(readelf -d "$f")" "There is no dynamic section in this file." "$(basename "$f"): no dynamic section"
	readelf -l "$f" | grep -c INTERP > /dev/null && ssp_fail "$(basename "$f") has a program interpreter"
	readelf -S "$f" | grep -c '\.dynsym' > /dev/null && ssp_fail "$(basename "$f") has a dynamic symbol table"
done
for f in "$W" "$X64" "$A64"; do
	strings "$f" | grep -cx 'API_VERSION_7\.[0-9]*\.[0-9]*' > /dev/null || ssp_fail "$(basename "$f") lacks the API version marker"
done
assert_contains "$(readelf -h "$A64")" "AArch64" "aarch64 app file machine"
assert_contains "$(readelf -h "$X64")" "X86-64" "x86_64 app file machine"
"$X64" --version > /dev/null || ssp_fail "the x86_64 app file does not run"
ssp_ok "static: no dynamic section or interpreter ($(stat -c %s "$W") bytes; aarch64 $(stat -c %s "$A64") bytes)"

# 2. a root with no shared library: binary, static ssp_sci, job files, /proc
R="$T/root"
mkdir -p "$R/proc"
cp "$W" "$R/ssp_wrapper"
cp "$SCI_STATIC" "$R/ssp_sci"
cp "$SSP_SRCDIR/client/examples/job.xml" "$R/job.xml"
echo "1 $((COUNT_1S / 2))" > "$R/sci_input"
[ -z "$(find "$R" -name '*.so*' -o -name 'ld-*')" ] || ssp_fail "test is void: a shared library in the root"
set +e
unshare --mount --fork sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /ssp_wrapper' sh "$R" \
	> "$T/chroot.out" 2>&1
st=$?
set -e
[ "$st" = 0 ] || ssp_fail "wrapper in the bare root exited $st: $(cat "$T/chroot.out" "$R/stderr.txt" 2>/dev/null | tail -5)"
umount "$R/proc" 2>/dev/null || true
assert_eq "$(head -1 "$R/boinc_finish_called")" 0 "boinc_finish_called in the bare root"
"$CHECK" "$R/ssp_receipt.json" "$R" > "$T/check.out" || ssp_fail "receipt invalid: $(cat "$T/check.out")"
assert_eq "$(json "$R/ssp_receipt.json" 'd["outputs"][0]["sha256"]')" "$(sha256sum "$R/sci_result" | cut -d' ' -f1)" \
	"receipt digest vs sha256sum"
"$SCI" < "$R/sci_input" > "$T/direct" 2> /dev/null
assert_eq "$(cat "$R/sci_result")" "$(cat "$T/direct")" "result equals a direct run"
ssp_ok "example job in a root without any shared library: outputs and receipt"

# 3. aarch64 under qemu-user, standalone
S="$T/a64"
mkdir "$S" && cd "$S"
cp "$SCI" ssp_sci
cp "$SSP_SRCDIR/client/examples/job.xml" job.xml
echo "1 $((COUNT_1S / 2))" > sci_input
expect_status 0 "aarch64 wrapper under qemu-aarch64" qemu-aarch64 "$A64"
assert_eq "$(head -1 boinc_finish_called)" 0 "boinc_finish_called (aarch64)"
assert_contains "$(cat stderr.txt)" "receipt ssp_receipt.json written: 2 task(s), 2 output file(s)" "aarch64 receipt line"
"$CHECK" ssp_receipt.json . > "$T/check64.out" || ssp_fail "aarch64 receipt invalid: $(cat "$T/check64.out")"
assert_eq "$(cat sci_result)" "$(cat "$T/direct")" "aarch64 wrapper's result equals a direct run"
awk -v c="$(json ssp_receipt.json 'd["cpu_time"]')" 'BEGIN { exit !(c > 0.2) }' ||
	ssp_fail "aarch64 receipt cpu_time implausible: $(json ssp_receipt.json 'd["cpu_time"]')"
cd "$T"
ssp_ok "aarch64 app file ran the example job under qemu-user"

# 4a. the jansson subset against jansson
mkdir "$T/json"
cp "$SSP_SRCDIR/tests/data/wrapper/receipt_ok.json" "$T/json/receipt_ok.json"
cp "$R/ssp_receipt.json" "$T/json/receipt_static.json"
cp "$R/ssp_wrapper_state.json" "$T/json/state_static.json" 2> /dev/null || true
python3 - "$T/json" << 'PY'
import json, os, random, sys
d = sys.argv[1]
rnd = random.Random(26)
def s():
    alphabet = "ab\"\\/\b\f\n\r\t\x01\x1f é€😀 ~\x7f"
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
def num():
    return rnd.choice([0, -1, 1, 2**53, -2**63, 2**63 - 1, 0.1, -0.0, 1.5e300, 1e-300, 3.141592653589793,
                       1e21, 1e-7, 123456789.125, rnd.uniform(-1e6, 1e6), rnd.randint(-10**9, 10**9)])
def val(depth):
    r = rnd.random()
    if depth > 4 or r < 0.3:
        return rnd.choice([num(), s(), True, False, None])
    if r < 0.65:
        return {s() + str(i): val(depth + 1) for i in range(rnd.randint(0, 5))}
    return [val(depth + 1) for _ in range(rnd.randint(0, 5))]
for i in range(60):
    doc = {"k%d" % j: val(0) for j in range(rnd.randint(0, 6))} if i % 3 else [val(0) for _ in range(3)]
    with open(os.path.join(d, "gen%02d.json" % i), "w") as f:
        json.dump(doc, f, ensure_ascii=bool(i % 2), indent=None if i % 4 else 1)
raw = [
    '{}', '[]', ' [1, 2.0, -0, -0.0, 1E5, 1e-5, 1.0e+20, 123456789012345678] ', '{"a":"\\u00e9\\ud83d\\ude00"}',
    '{"a":1,"a":2}', '{"a":"\\u0000"}', '[1,]', '{"a" 1}', '1', '"x"', '[9223372036854775808]',
    '[-9223372036854775809]', '[1e400]', '[01]', '[1.]', '[.5]', '[tru]', '["\\x"]', '["\\ud800"]',
    '["\x01"]', '[nan]', '[1] x', '{"a":{"b":[{"c":null}]}}', b'["\xff"]', b'["\xed\xa0\x80"]',
    '[' * 3000 + ']' * 3000, '[0.30000000000000004, 1e-320, 2.2250738585072014e-308]',
]
for i, t in enumerate(raw):
    with open(os.path.join(d, "raw%02d.json" % i), "wb") as f:
        f.write(t if isinstance(t, bytes) else t.encode("utf-8"))
# Mutations of the receipts: inserted syntax, cut runs, stray bytes.
seeds = [open(os.path.join(d, n), "rb").read() for n in ("receipt_ok.json", "receipt_static.json")]
toks = [b'{', b'}', b'[', b']', b',', b':', b'"', b'\\', b'\\u', b'\\ud800', b'1e', b'-', b'.', b'\xc3',
        b'\xff', b'0', b'9999999999999999999999']
for i in range(150):
    m = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(1, 4)):
        k, p = rnd.randint(0, 2), rnd.randint(0, len(m))
        if k == 0:
            m[p:p] = rnd.choice(toks)
        elif k == 1:
            del m[p:p + rnd.randint(1, 10)]
        else:
            m[p:p] = bytes([rnd.randint(0, 255)])
    with open(os.path.join(d, "mut%03d.json" % i), "wb") as f:
        f.write(bytes(m))
PY
n=0
for f in "$T"/json/*.json; do
	for mode in receipt compact17 plain indent4; do
		a=$("$B/tests/helpers/json_roundtrip" "$mode" "$f" || true)
		b=$("$B/tests/helpers/json_roundtrip-compat" "$mode" "$f" || true)
		[ "$a" = "$b" ] || ssp_fail "jansson and the compat subset differ on $(basename "$f") ($mode): '${a:0:200}' vs '${b:0:200}'"
		n=$((n + 1))
	done
done
refused=$(for f in "$T"/json/raw*.json; do "$B/tests/helpers/json_roundtrip" plain "$f" || true; done | grep -c refused)
[ "$refused" -ge 15 ] || ssp_fail "test is void: only $refused malformed documents refused"
ssp_ok "jansson subset: $n load+dump comparisons equal to jansson's ($refused refusals among them)"

# 4b. SHA-256 against sha256sum
mkdir "$T/sha"
for size in 0 1 55 56 63 64 65 119 120 127 128 129 1000 4095 4096 65537 1048577; do
	head -c "$size" /dev/urandom > "$T/sha/f$size"
done
(cd "$T/sha" && sha256sum f* > ../sha.ref && "$B/tests/helpers/sha256sum_compat" f* > ../sha.compat)
assert_eq "$(cat "$T/sha.compat")" "$(cat "$T/sha.ref")" "compat SHA-256 vs sha256sum"
ssp_ok "compat SHA-256 equals sha256sum on $(wc -l < "$T/sha.ref") sizes"
