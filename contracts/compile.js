#!/usr/bin/env node
// Compiles the SmartShare contracts with solc-js (standard JSON input) and writes the build
// outputs: <out>/SSPToken.abi, .bin, <out>/ShareMinter.abi, .bin, <out>/combined.json, the
// standard-JSON compiler inputs <out>/SSPToken.input.json and <out>/ShareMinter.input.json, and
// the benchmark-only <out>/bench/VoucherMinter.abi, .bin.
//
// usage: node compile.js --srcdir TOP_SRCDIR --out OUTDIR [--node-modules DIR]
//
// .abi: the contract's JSON ABI (one line). .bin: creation bytecode, lowercase hex, no 0x, no
// newline (as `solc --bin -o` writes it). combined.json: like `solc --combined-json
// abi,bin,bin-runtime,hashes` plus the compiler settings used. <Name>.input.json: the standard
// JSON input that reproduces the contract byte for byte (the sources its metadata lists, with
// their contents, and the settings), as Etherscan's and Sourcify's "Standard JSON input"
// verification takes it; `ssp deploy` copies them into its deployment record.
// Everything is written to a temporary directory first and renamed into place, so a failed
// compile leaves no partial outputs. Exit status: 0 ok, 1 compile error, 2 usage/setup error.
'use strict';

const fs = require('fs');
const path = require('path');

const SOLC_VERSION = '0.8.30';
const SOURCES = ['contracts/ShareTypes.sol', 'contracts/SSPToken.sol', 'contracts/ShareMinter.sol',
  'contracts/bench/VoucherMinter.sol'];
const MAIN = [['contracts/SSPToken.sol', 'SSPToken'], ['contracts/ShareMinter.sol', 'ShareMinter']];
const BENCH = [['contracts/bench/VoucherMinter.sol', 'VoucherMinter']];
const SETTINGS = {
  // Cancun: the newest fork every mainstream EVM chain runs (MCOPY, transient storage).
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 1000000 },
  viaIR: false,
  remappings: ['@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/'],
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.methodIdentifiers',
      'storageLayout', 'metadata'] },
  },
};

function die(code, msg) {
  process.stderr.write('compile.js: ' + msg + '\n');
  process.exit(code);
}

function parseArgs(argv) {
  const a = { srcdir: null, out: null, nodeModules: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (v === undefined) die(2, 'missing value after ' + k);
    if (k === '--srcdir') a.srcdir = v;
    else if (k === '--out') a.out = v;
    else if (k === '--node-modules') a.nodeModules = v;
    else die(2, 'unknown option ' + k);
    i++;
  }
  if (!a.srcdir || !a.out) die(2, 'usage: node compile.js --srcdir TOP_SRCDIR --out OUTDIR [--node-modules DIR]');
  a.srcdir = path.resolve(a.srcdir);
  a.nodeModules = path.resolve(a.nodeModules || path.join(a.srcdir, 'node_modules'));
  return a;
}

// SSPToken.mintPayouts writes OpenZeppelin ERC20's private _balances and _totalSupply by slot
// number; refuse to build if the layout is not the one that code assumes.
const TOKEN_SLOTS = { _balances: '0', _totalSupply: '2' };

function checkLayout(output) {
  const layout = output.contracts['contracts/SSPToken.sol'].SSPToken.storageLayout.storage;
  for (const [label, slot] of Object.entries(TOKEN_SLOTS)) {
    const v = layout.find((x) => x.label === label);
    if (!v || v.slot !== slot || v.offset !== 0) {
      die(1, 'SSPToken storage layout changed: ' + label + ' is at ' + (v ? 'slot ' + v.slot : 'no slot') +
        ', contracts/SSPToken.sol assumes slot ' + slot + ' (update _BALANCES_SLOT/_TOTAL_SUPPLY_SLOT)');
    }
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const need = ['solc/package.json', '@openzeppelin/contracts/package.json'];
  for (const n of need) {
    if (!fs.existsSync(path.join(args.nodeModules, n))) {
      die(2, path.join(args.nodeModules, n) + ' not found: run `npm ci` in ' + args.srcdir +
        ' (it installs solc and @openzeppelin/contracts from package-lock.json)');
    }
  }
  const solc = require(path.join(args.nodeModules, 'solc'));
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION + '+')) {
    die(2, 'solc ' + version + ' found, ' + SOLC_VERSION + ' required: run `npm ci` in ' + args.srcdir);
  }

  const sources = {};
  for (const s of SOURCES) sources[s] = { content: fs.readFileSync(path.join(args.srcdir, s), 'utf8') };
  const input = { language: 'Solidity', sources, settings: SETTINGS };

  // Imports are read only from the source tree and from node_modules, never elsewhere.
  function findImports(p) {
    let file = null;
    if (p.startsWith('node_modules/')) file = path.join(args.nodeModules, p.slice('node_modules/'.length));
    else if (p.startsWith('contracts/')) file = path.join(args.srcdir, p);
    if (file === null || p.split('/').includes('..')) return { error: 'import outside contracts/ and node_modules/: ' + p };
    try {
      return { contents: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      return { error: 'cannot read ' + file + ': ' + e.message };
    }
  }

  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  let failed = false;
  for (const e of output.errors || []) {
    process.stderr.write(e.formattedMessage || e.message);
    if (e.severity === 'error') failed = true;
  }
  if (failed) die(1, 'compilation failed');
  checkLayout(output);

  const parent = path.dirname(path.resolve(args.out));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, '.contracts-build-'));
  try {
    fs.chmodSync(tmp, 0o777 & ~process.umask());
    fs.mkdirSync(path.join(tmp, 'bench'));
    const combined = {
      contracts: {},
      version,
      settings: { evmVersion: SETTINGS.evmVersion, optimizer: SETTINGS.optimizer, viaIR: SETTINGS.viaIR },
    };
    const write = (dir, name, c) => {
      const bin = c.evm.bytecode.object;
      if (!/^[0-9a-f]+$/.test(bin)) die(1, name + ': no bytecode (abstract contract or unlinked library?)');
      fs.writeFileSync(path.join(dir, name + '.abi'), JSON.stringify(c.abi));
      fs.writeFileSync(path.join(dir, name + '.bin'), bin);
    };
    for (const [file, name] of MAIN) {
      const c = output.contracts[file][name];
      write(tmp, name, c);
      // The sources the compiler recorded in the contract's metadata are exactly those its
      // bytecode (metadata hash included) depends on.
      const meta = JSON.parse(c.metadata);
      const vsources = {};
      for (const unit of Object.keys(meta.sources).sort()) {
        const text = unit in sources ? sources[unit].content : findImports(unit).contents;
        if (text === undefined) die(1, name + ': cannot read source ' + unit);
        vsources[unit] = { content: text };
      }
      const vinput = {
        language: 'Solidity',
        sources: vsources,
        settings: {
          evmVersion: SETTINGS.evmVersion,
          optimizer: SETTINGS.optimizer,
          viaIR: SETTINGS.viaIR,
          remappings: SETTINGS.remappings,
          outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object',
            'evm.deployedBytecode.immutableReferences', 'metadata'] } },
        },
      };
      fs.writeFileSync(path.join(tmp, name + '.input.json'), JSON.stringify(vinput) + '\n');
      combined.contracts[file + ':' + name] = {
        abi: c.abi,
        bin: c.evm.bytecode.object,
        'bin-runtime': c.evm.deployedBytecode.object,
        hashes: c.evm.methodIdentifiers,
      };
    }
    for (const [file, name] of BENCH) write(path.join(tmp, 'bench'), name, output.contracts[file][name]);
    fs.writeFileSync(path.join(tmp, 'combined.json'), JSON.stringify(combined, null, 1) + '\n');

    const out = path.resolve(args.out);
    fs.rmSync(out, { recursive: true, force: true });
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

main();
