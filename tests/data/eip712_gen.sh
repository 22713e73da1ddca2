#!/bin/bash
# Regenerates tests/data/eip712_vectors.txt and tests/data/eip712_typed_*.json with foundry's
# `cast` only (an implementation independent of ours). Run from the repository root:
#     bash tests/data/eip712_gen.sh
# Every EIP-712 digest written here is proven by cast itself: the digest is assembled from
# `cast abi-encode`/`cast keccak`/`cast concat-hex`, then `cast wallet sign --no-hash <digest>`
# must equal `cast wallet sign --data --from-file <typed data json>` (cast's own EIP-712
# encoder) byte for byte, or the script stops. Merkle roots and proofs are built here with
# `cast keccak`/`cast concat-hex` following docs/formats.md (sorted pairs, odd node carried up).
set -euo pipefail
export LC_ALL=C

CAST=${CAST:-node_modules/.bin/cast}
D=tests/data
OUT=$D/eip712_vectors.txt
KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
U64MAX=18446744073709551615

DOMAIN_TYPE='EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'
CLAIM_TYPE='ShareClaim(bytes32 project,uint64 seq,uint64 resultId,uint64 workunitId,uint64 userId,uint64 hostId,address beneficiary,uint64 credit,bytes32 resultDigest,uint64 grantedAt)'
BATCH_TYPE='ShareBatch(bytes32 project,uint64 firstSeq,uint64 lastSeq,bytes32 claimsRoot,bytes32 payoutsHash,uint64 totalCredit)'

lc() { tr 'A-F' 'a-f'; }
kec() { "$CAST" keccak "$1"; }

exec 3>"$OUT.tmp"
emit() { printf '%s %s\n' "$1" "$2" >&3; }

echo "# EIP-712 vectors for tests/unit/test_eip712.c: lines \"<key> <value>\"." >&3
echo "# Produced by foundry cast $("$CAST" --version | head -1 | cut -d' ' -f3) with tests/data/eip712_gen.sh" >&3
echo "# (see tests/data/README-eip712.md); never by our own code." >&3

emit key.secret "$KEY"
emit key.address "$("$CAST" wallet address --private-key "$KEY")"

emit type.domain "$(kec "$DOMAIN_TYPE")"
emit type.claim "$(kec "$CLAIM_TYPE")"
emit type.batch "$(kec "$BATCH_TYPE")"
TD=$(kec "$DOMAIN_TYPE"); TC=$(kec "$CLAIM_TYPE"); TB=$(kec "$BATCH_TYPE")

MASTER_URL='https://boinc.example.org/smartshare/'
PROJECT=$(kec "$MASTER_URL")
emit project.url "$MASTER_URL"
emit project.id "$PROJECT"

# --- domains: separator = keccak(abi.encode(typeHash, keccak(name), keccak(version), chainId, contract))
declare -A DSEP DCHAIN DADDR
domain() { # name chainId contract
	local sep
	sep=$(kec "$("$CAST" abi-encode 'f(bytes32,bytes32,bytes32,uint256,address)' \
		"$TD" "$(kec SmartShare)" "$(kec 1)" "$2" "$3")")
	DSEP[$1]=$sep; DCHAIN[$1]=$2; DADDR[$1]=$3
	emit "domain.$1.chain_id" "$2"
	emit "domain.$1.contract" "$3"
	emit "domain.$1.separator" "$sep"
}
domain local 31337 0x5FbDB2315678afecb367f032d93F642f64180aa3
domain max "$U64MAX" 0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF

domain_json() {
	printf '"domain":{"name":"SmartShare","version":"1","chainId":"%s","verifyingContract":"%s"}' \
		"${DCHAIN[$1]}" "${DADDR[$1]}"
}

# Signs typed data with cast and checks cast's signature over our assembled digest is the same.
prove_digest() { # json-file digest -> prints the signature
	local s1 s2
	s1=$("$CAST" wallet sign --data --from-file "$1" --private-key "$KEY")
	s2=$("$CAST" wallet sign --no-hash "$2" --private-key "$KEY")
	if [ "$s1" != "$s2" ]; then
		echo "digest of $1 is not cast's EIP-712 digest ($s1 != $s2)" >&2
		exit 1
	fi
	printf '%s\n' "$s1"
}

# --- claims: name domain project seq resultId workunitId userId hostId beneficiary credit resultDigest grantedAt
declare -A LEAF
claim() {
	local n=$1 dom=$2 sh dg sig f=$D/eip712_typed_claim_$1.json
	shift 2
	local fields=(project seq result_id workunit_id user_id host_id beneficiary credit result_digest granted_at)
	for i in "${!fields[@]}"; do emit "claim.$n.${fields[$i]}" "${@:$((i + 1)):1}"; done
	sh=$(kec "$("$CAST" abi-encode \
		'f(bytes32,bytes32,uint64,uint64,uint64,uint64,uint64,address,uint64,bytes32,uint64)' \
		"$TC" "$@")")
	dg=$(kec "$("$CAST" concat-hex 0x1901 "${DSEP[$dom]}" "$sh")")
	{
		printf '{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},'
		printf '{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],\n'
		printf '"ShareClaim":[{"name":"project","type":"bytes32"},{"name":"seq","type":"uint64"},'
		printf '{"name":"resultId","type":"uint64"},{"name":"workunitId","type":"uint64"},'
		printf '{"name":"userId","type":"uint64"},{"name":"hostId","type":"uint64"},'
		printf '{"name":"beneficiary","type":"address"},{"name":"credit","type":"uint64"},'
		printf '{"name":"resultDigest","type":"bytes32"},{"name":"grantedAt","type":"uint64"}]},\n'
		printf '"primaryType":"ShareClaim",\n%s,\n' "$(domain_json "$dom")"
		printf '"message":{"project":"%s","seq":"%s","resultId":"%s","workunitId":"%s","userId":"%s",' "$1" "$2" "$3" "$4" "$5"
		printf '"hostId":"%s","beneficiary":"%s","credit":"%s","resultDigest":"%s","grantedAt":"%s"}}\n' "$6" "$7" "$8" "$9" "${10}"
	} >"$f"
	sig=$(prove_digest "$f" "$dg")
	emit "claim.$n.domain" "$dom"
	emit "claim.$n.struct_hash" "$sh"
	emit "claim.$n.digest" "$dg"
	emit "claim.$n.sig" "$sig"
	LEAF[$n]=$sh
}

A=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
B=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
C=0x90F79bf6EB2c4f870365E785982E1f101E93b906
L=0x0000000000000000000000000000000000000001
H=0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF
BEN=("" "$A" "$B" "$A" "$C" "$H" "$L" "$B" "$A")
CREDIT=()
for s in 1 2 3 4 5 6 7 8; do
	rd=0x$(printf 'outputs of result %d' "$s" | sha256sum | cut -c1-64)
	CREDIT[$s]=$((s * 1234567 + 89))
	claim "$s" local "$PROJECT" "$s" $((7000 + s * 17)) $((500 + s)) $((40 + s % 3)) $((s * 11)) \
		"${BEN[$s]}" "${CREDIT[$s]}" "$rd" $((1700000000 + s * 60))
done
claim max max 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
	$U64MAX $U64MAX $U64MAX $U64MAX $U64MAX "$H" $U64MAX \
	0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff $U64MAX
claim zero local 0x0000000000000000000000000000000000000000000000000000000000000000 \
	0 0 0 0 0 0x0000000000000000000000000000000000000000 0 \
	0x0000000000000000000000000000000000000000000000000000000000000000 0

# --- Merkle trees over the leaves of claims 1..n: roots and the proof of every leaf.
hash_pair() {
	local a b
	a=$(printf '%s' "$1" | lc); b=$(printf '%s' "$2" | lc)
	if [[ "$a" < "$b" ]]; then kec "$("$CAST" concat-hex "$a" "$b")"; else kec "$("$CAST" concat-hex "$b" "$a")"; fi
}
for n in 1 2 3 4 5 6 7 8; do
	declare -a lvl_0=()
	for ((i = 1; i <= n; i++)); do lvl_0+=("${LEAF[$i]}"); done
	depth=0
	while :; do
		eval "cur=(\"\${lvl_$depth[@]}\")"
		[ "${#cur[@]}" -eq 1 ] && break
		nxt=()
		for ((i = 0; i < ${#cur[@]}; i += 2)); do
			if ((i + 1 < ${#cur[@]})); then nxt+=("$(hash_pair "${cur[$i]}" "${cur[$((i + 1))]}")"); else nxt+=("${cur[$i]}"); fi
		done
		depth=$((depth + 1))
		eval "declare -a lvl_$depth=(\"\${nxt[@]}\")"
	done
	emit "merkle.$n.root" "${cur[0]}"
	for ((leaf = 0; leaf < n; leaf++)); do
		idx=$leaf; proof=""
		for ((d = 0; d < depth; d++)); do
			eval "row=(\"\${lvl_$d[@]}\")"
			sib=$((idx ^ 1))
			if ((sib < ${#row[@]})); then proof="$proof${proof:+,}${row[$sib]}"; fi
			idx=$((idx / 2))
		done
		emit "merkle.$n.proof.$leaf" "${proof:--}"
	done
	for ((d = 0; d <= depth; d++)); do unset "lvl_$d"; done
done

# --- payouts of claims 1..n: summed per beneficiary, sorted by lowercase address, abi-encoded.
payouts() { # n -> emits payouts.<n>.*; sets PH (hash) and TOTAL
	local n=$1 list enc k=0 tuples=""
	list=$(for ((i = 1; i <= n; i++)); do printf '%s %s\n' "$(printf '%s' "${BEN[$i]}" | lc)" "${CREDIT[$i]}"; done |
		awk '{s[$1] += $2} END {for (a in s) printf "%s %d\n", a, s[a]}' | sort)
	TOTAL=0
	while read -r addr cr; do
		emit "payouts.$n.$k" "$addr $cr"
		tuples="$tuples${tuples:+,}($addr,$cr)"
		TOTAL=$((TOTAL + cr)); k=$((k + 1))
	done <<<"$list"
	emit "payouts.$n.count" "$k"
	enc=$("$CAST" abi-encode 'f((address,uint64)[])' "[$tuples]")
	PH=$(kec "$enc")
	emit "payouts.$n.abi" "$enc"
	emit "payouts.$n.hash" "$PH"
}
emit abi.empty "$("$CAST" abi-encode 'f((address,uint64)[])' '[]')"
emit abi.two "$("$CAST" abi-encode 'f((address,uint64)[])' "[($L,5),($H,7)]")"
emit abi.max "$("$CAST" abi-encode 'f((address,uint64)[])' "[($H,$U64MAX)]")"

# --- batches of claims 1..n sealed into a ShareBatch, signed as typed data.
batch() { # n
	local n=$1 root sh dg sig f=$D/eip712_typed_batch_$1.json
	payouts "$n"
	root=$(grep "^merkle.$n.root " "$OUT.tmp" | cut -d' ' -f2)
	emit "batch.$n.project" "$PROJECT"
	emit "batch.$n.first_seq" 1
	emit "batch.$n.last_seq" "$n"
	emit "batch.$n.claims_root" "$root"
	emit "batch.$n.payouts_hash" "$PH"
	emit "batch.$n.total_credit" "$TOTAL"
	sh=$(kec "$("$CAST" abi-encode 'f(bytes32,bytes32,uint64,uint64,bytes32,bytes32,uint64)' \
		"$TB" "$PROJECT" 1 "$n" "$root" "$PH" "$TOTAL")")
	dg=$(kec "$("$CAST" concat-hex 0x1901 "${DSEP[local]}" "$sh")")
	{
		printf '{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},'
		printf '{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],\n'
		printf '"ShareBatch":[{"name":"project","type":"bytes32"},{"name":"firstSeq","type":"uint64"},'
		printf '{"name":"lastSeq","type":"uint64"},{"name":"claimsRoot","type":"bytes32"},'
		printf '{"name":"payoutsHash","type":"bytes32"},{"name":"totalCredit","type":"uint64"}]},\n'
		printf '"primaryType":"ShareBatch",\n%s,\n' "$(domain_json local)"
		printf '"message":{"project":"%s","firstSeq":"1","lastSeq":"%s","claimsRoot":"%s","payoutsHash":"%s","totalCredit":"%s"}}\n' \
			"$PROJECT" "$n" "$root" "$PH" "$TOTAL"
	} >"$f"
	sig=$(prove_digest "$f" "$dg")
	emit "batch.$n.struct_hash" "$sh"
	emit "batch.$n.digest" "$dg"
	emit "batch.$n.sig" "$sig"
}
batch 1
batch 5
batch 8

exec 3>&-
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT"
