#!/usr/bin/env bash
# Checks the layering of lib/: every #include "<folder>/..." in lib/<layer>/ names the layer
# itself or one listed on the "Uses:" line of lib/<layer>/README.md; client/ (the volunteer's
# wrapper) uses only core, crypto and boinc. Also checks that every int-returning ssp_
# function declared in a lib/ header carries SSP_MUST_CHECK (warn_unused_result), but for the
# few whose status is meant to be dropped (listed below). Prints one line per offence and
# exits 1 if there is any; exits 2 when the tree is not laid out as expected.
# Usage: scripts/check-layers.sh [SRCDIR]
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
[ -d "$src/lib" ] || { echo "check-layers: no lib/ in $src" >&2; exit 2; }

declare -A uses=()
layers=()
for readme in "$src"/lib/*/README.md; do
	layer=$(basename "$(dirname "$readme")")
	line=$(grep -m1 '^Uses:' "$readme" || true)
	[ -n "$line" ] || { echo "check-layers: $readme has no 'Uses:' line" >&2; exit 2; }
	allowed=$(printf '%s\n' "${line#Uses:}" | tr ',' ' ' | tr -s ' ')
	uses[$layer]=" $layer $allowed "
	layers+=("$layer")
done
[ ${#layers[@]} -gt 0 ] || { echo "check-layers: no lib/*/README.md" >&2; exit 2; }
uses[client]=" core crypto boinc "

bad=0
check_dir() {	# check_dir DIR LAYER
	local dir=$1 layer=$2 f n inc target
	while IFS= read -r -d '' f; do
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			case $line in
			'#include "'*/*'"'*) ;;
			*) continue ;;
			esac
			inc=${line#'#include "'}
			inc=${inc%%'"'*}
			target=${inc%%/*}
			[ -n "${uses[$target]+x}" ] || continue	# not a lib/ layer (e.g. a system path)
			case ${uses[$layer]} in
			*" $target "*) ;;
			*)
				echo "${f#"$src"/}:$n: layer '$layer' includes '$inc' (allowed:${uses[$layer]% })"
				bad=1
				;;
			esac
		done < "$f"
	done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0)
}

for layer in "${layers[@]}"; do
	check_dir "$src/lib/$layer" "$layer"
done
[ -d "$src/client" ] && check_dir "$src/client" client
# int ssp_ functions whose status may be dropped: ssp_errmsg_set returns its code argument for
# `return ssp_errmsg_set(...)`; the RLP writer's puts keep a sticky error checked once at the end.
unchecked_ok='^(ssp_errmsg_set|ssp_rlp_put_[a-z0-9_]+|ssp_rlp_list_begin|ssp_rlp_list_end)$'
while IFS= read -r hit; do
	fn=${hit#*:*:int }
	fn=${fn%%(*}
	[[ $fn =~ $unchecked_ok ]] && continue
	echo "${hit%%:int *}: int $fn(...) has no SSP_MUST_CHECK"
	bad=1
done < <(cd "$src" && grep -n '^int ssp_[a-z0-9_]*(' lib/*/*.h || true)

if [ "$bad" -ne 0 ]; then
	echo "check-layers: includes against the layering of lib/README.md, or unchecked statuses" >&2
	exit 1
fi
echo "check-layers: ${#layers[@]} layers and client/: every include allowed; every status checked"
