#!/bin/sh
# Regenerates the Ethereum encoding vectors in tests/data/eth/ with foundry's `cast`
# (an independent implementation; never our own code). Run from the repository root:
#   sh tests/data/eth/gen.sh
# cast needs no RPC for any of these commands (mktx signs offline with --chain and --nonce).
set -e
CAST=${CAST:-node_modules/.bin/cast}
D=tests/data/eth
VER=$($CAST --version | head -1)

# pattern N: N bytes b[i] = (31*i + 7) mod 256, as hex without 0x.
pattern() { awk -v n="$1" 'BEGIN{for(i=0;i<n;i++) printf "%02x", (31*i+7)%256}'; }
rep() { awk -v n="$2" -v b="$1" 'BEGIN{for(i=0;i<n;i++) printf "%s", b}'; }

# ---- RLP: `<name> <cast to-rlp output>`; tests/unit/test_rlp.c builds the same values.
{
  echo "# RLP vectors, $VER: cast to-rlp '<value>' (values named as in tests/unit/test_rlp.c)."
  echo "empty_string $($CAST to-rlp '"0x"')"
  echo "byte_00 $($CAST to-rlp '"0x00"')"
  echo "byte_7f $($CAST to-rlp '"0x7f"')"
  echo "byte_80 $($CAST to-rlp '"0x80"')"
  echo "str_55 $($CAST to-rlp "\"0x$(pattern 55)\"")"
  echo "str_56 $($CAST to-rlp "\"0x$(pattern 56)\"")"
  echo "str_1024 $($CAST to-rlp "\"0x$(pattern 1024)\"")"
  echo "empty_list $($CAST to-rlp '[]')"
  echo "nested_sets $($CAST to-rlp '[[],[[]],[[],[[]]]]')"
  echo "list_mixed $($CAST to-rlp '["0x01","0x","0x7f","0x80",["0x0102"],[]]')"
  echo "list_long $($CAST to-rlp "[\"0x$(pattern 40)\",\"0x$(pattern 30)\"]")"
  echo "uints $($CAST to-rlp '["0x","0x7f","0x80","0xff","0x0100","0xffff","0x010000","0xffffffffffffffff"]')"
} > $D/rlp_vectors.txt

# ---- EIP-1559 transactions: `<key> <chain> <nonce> <tip> <maxfee> <gas> <to|create> <value> <data> <raw>`
K1=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80  # anvil dev account 0
K2=0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318
K3=0x0000000000000000000000000000000000000000000000000000000000000001
TO=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
MAX128=340282366920938463463374607431768211455
MAX256=115792089237316195423570985008687907853269984665640564039457584007913129639935
tx() { # key chain nonce tip maxfee gas to value data
  if [ "$7" = create ]; then
    raw=$($CAST mktx --private-key $1 --chain $2 --nonce $3 --priority-gas-price $4 --gas-price $5 \
      --gas-limit $6 --value $8 --create $9)
  else
    raw=$($CAST mktx --private-key $1 --chain $2 --nonce $3 --priority-gas-price $4 --gas-price $5 \
      --gas-limit $6 --value $8 $7 $9)
  fi
  echo "$1 $2 $3 $4 $5 $6 $7 $8 $9 $raw"
}
{
  echo "# EIP-1559 vectors, $VER:"
  echo "# cast mktx --private-key KEY --chain CHAIN --nonce NONCE --priority-gas-price TIP --gas-price MAXFEE"
  echo "#   --gas-limit GAS --value VALUE (TO DATA | --create DATA)   (see tests/data/eth/gen.sh)"
  echo "# Nonces 299, 309, 553, 881 with K2 were found by scanning 256..1100: their r or s has a leading zero byte."
  tx $K1 31337 0 1000000000 2000000000 21000 $TO 0 0x
  tx $K1 31337 0 1000000000 2000000000 21000 create 0 0x6000
  tx $K1 1 1 0 0 30000 $TO 0 0xdeadbeef
  tx $K1 1 127 1 2 21000 $TO 1 0x00
  tx $K1 1 128 127 128 21000 $TO 128 0x7f
  tx $K1 1 255 255 256 65535 $TO 1000000000000000000 0x80
  tx $K1 10 256 1000000000 30000000000 8000000 $TO 0 0x$(pattern 55)
  tx $K1 137 65536 1 1 8000000 $TO 0 0x$(pattern 56)
  tx $K1 1 4294967296 7 9 30000000 create 0 0x$(pattern 2000)
  tx $K1 1 18446744073709551614 $MAX128 $MAX128 30000000 $TO $MAX256 0x00
  tx $K2 5 299 1 2 21000 $TO 0 0x
  tx $K2 5 309 1 2 21000 $TO 0 0x
  tx $K2 5 553 1 2 21000 $TO 0 0x
  tx $K2 5 881 1 2 21000 $TO 0 0x
  tx $K3 31337 3 2000000000 100000000000 250000 $TO 5 0x$(pattern 300)
  tx $K3 11155111 0 1 2 53000 create 0 0x$(pattern 1)
} > $D/tx_vectors.txt

# ---- CREATE addresses: `<sender> <nonce> <address>` from cast compute-address.
{
  echo "# CREATE addresses, $VER: cast compute-address --nonce NONCE SENDER"
  for s in 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf; do
    for n in 0 1 127 128 255 256 65535 4294967296 18446744073709551614; do
      echo "$s $n $($CAST compute-address --nonce $n $s | sed 's/.*: //')"
    done
  done
} > $D/create_vectors.txt

# ---- ABI: `<name> <hex>`; tests/unit/test_abi.c builds the same values.
P=0x$(rep ab 32)
R=0x$(rep 11 32)
H=0x$(rep 22 32)
MB="mintBatch((bytes32,uint64,uint64,bytes32,bytes32,uint64),(address,uint64)[],bytes[])"
{
  echo "# ABI vectors, $VER: cast sig / cast calldata / cast abi-encode (see tests/data/eth/gen.sh)."
  echo "sel_mintBatch $($CAST sig "$MB")"
  echo "sel_transfer $($CAST sig 'transfer(address,uint256)')"
  echo "sel_nextSeq $($CAST sig 'nextSeq(bytes32)')"
  echo "mint_2x2 $($CAST calldata "$MB" "($P,1,5,$R,$H,100)" \
    "[(0x70997970C51812dc3A010C7d01b50e0d17dc79C8,40),(0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266,60)]" \
    "[0x$(rep 01 65),0x$(rep 02 65)]")"
  echo "mint_0x0 $($CAST calldata "$MB" "($P,1,5,$R,$H,100)" "[]" "[]")"
  echo "mint_1x3 $($CAST calldata "$MB" "($P,18446744073709551615,18446744073709551615,$R,$H,18446744073709551615)" \
    "[(0x0000000000000000000000000000000000000001,18446744073709551615)]" \
    "[0x$(pattern 65),0x$(rep ff 65),0x$(rep 00 65)]")"
  echo "mixed $($CAST abi-encode 'f(uint64,bytes,uint256[],(address,bytes)[],bytes32,string)' 7 0x0102 '[1,2,3]' \
    "[(0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x),(0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x$(rep 03 33))]" \
    0x$(rep 33 32) hello)"
  echo "ctor $($CAST abi-encode 'f(address,address[],uint256,uint256)' 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 \
    '[0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266,0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf]' 2 $MAX256)"
  echo "revert_error $($CAST calldata 'Error(string)' 'ERC20: cap exceeded')"
  echo "revert_panic $($CAST calldata 'Panic(uint256)' 17)"
  echo "revert_custom $($CAST calldata 'SeqMismatch(uint64,uint64)' 5 3)"
  echo "revert_custom_addr $($CAST calldata 'AccessControlUnauthorizedAccount(address,bytes32)' \
    0x70997970C51812dc3A010C7d01b50e0d17dc79C8 0x$(rep 9f 32))"
  echo "revert_unknown $($CAST calldata 'Nope(uint256)' 1)"
} > $D/abi_vectors.txt
echo "wrote $D/rlp_vectors.txt $D/tx_vectors.txt $D/create_vectors.txt $D/abi_vectors.txt"
