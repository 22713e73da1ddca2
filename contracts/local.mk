# Build rules for contracts/ (included by the top-level Makefile.am).
#
# The Solidity sources are compiled by contracts/compile.js with solc-js and
# @openzeppelin/contracts from node_modules (`npm ci` in the source tree installs the exact
# versions in package-lock.json). Outputs, in the build tree, never edited, never committed:
#   contracts/build/SSPToken.abi  SSPToken.bin  ShareMinter.abi  ShareMinter.bin  combined.json
#   contracts/build/SSPToken.input.json  ShareMinter.input.json   (standard-JSON inputs)
#   contracts/build/bench/VoucherMinter.abi  VoucherMinter.bin   (gas benchmark only)
# All but the bench ones are part of `make all` and are installed to $(pkgdatadir)/contracts,
# where `ssp deploy` finds them. See docs/contracts.md.

CONTRACTS_SRC = \
	contracts/ShareTypes.sol \
	contracts/SSPToken.sol \
	contracts/ShareMinter.sol \
	contracts/bench/VoucherMinter.sol
CONTRACTS_OUT = \
	contracts/build/SSPToken.abi contracts/build/SSPToken.bin \
	contracts/build/ShareMinter.abi contracts/build/ShareMinter.bin \
	contracts/build/combined.json \
	contracts/build/SSPToken.input.json contracts/build/ShareMinter.input.json
CONTRACTS_BENCH_OUT = \
	contracts/build/bench/VoucherMinter.abi contracts/build/bench/VoucherMinter.bin

EXTRA_DIST += $(CONTRACTS_SRC) contracts/compile.js
dist_doc_DATA += docs/contracts.md

# solc and @openzeppelin/contracts are read from $(SSP_NODE_MODULES) (configure's
# SSP_NODE_MODULES, default $(abs_top_srcdir)/node_modules).

sspcontractsdir = $(pkgdatadir)/contracts
nodist_sspcontracts_DATA = $(CONTRACTS_OUT)
noinst_DATA = $(CONTRACTS_BENCH_OUT)

contracts/build.stamp: $(CONTRACTS_SRC) contracts/compile.js
	@if test -z "$(NODE)"; then \
	  echo "contracts: Node.js (node) was not found by configure. Install Node.js >= 18," >&2; \
	  echo "contracts: run 'npm ci' in $(abs_top_srcdir), then re-run configure." >&2; \
	  exit 1; \
	fi
	@if test ! -f "$(SSP_NODE_MODULES)/solc/package.json" || \
	    test ! -f "$(SSP_NODE_MODULES)/@openzeppelin/contracts/package.json"; then \
	  echo "contracts: solc and @openzeppelin/contracts are missing from $(SSP_NODE_MODULES):" >&2; \
	  echo "contracts: run 'npm ci' in $(abs_top_srcdir), or configure --with-node-modules=DIR." >&2; \
	  exit 1; \
	fi
	$(AM_V_GEN)$(NODE) $(srcdir)/contracts/compile.js --srcdir $(top_srcdir) \
	  --out contracts/build --node-modules "$(SSP_NODE_MODULES)"
	@touch $@

$(CONTRACTS_OUT) $(CONTRACTS_BENCH_OUT): contracts/build.stamp
	@test -f $@ || { rm -f contracts/build.stamp; $(MAKE) $(AM_MAKEFLAGS) contracts/build.stamp; }

CLEANFILES += contracts/build.stamp $(CONTRACTS_OUT) $(CONTRACTS_BENCH_OUT)
