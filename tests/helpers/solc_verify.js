#!/usr/bin/env node
// solc_verify.js: what a block explorer does to verify a contract's source from a
// standard-JSON compiler input (Etherscan's "Standard JSON input", Sourcify): compile the input
// with solc-js and compare the runtime bytecode with the code deployed at the address.
//
// usage: node solc_verify.js --node-modules DIR --input FILE --contract SOURCE:NAME
//                            --version V --code HEXFILE [--creation HEXFILE]
//
// --code holds the deployed code as eth_getCode returned it (0x-hex). The bytes at the
// compiler's immutableReferences are the values the constructor wrote; they are compared
// after masking, as explorers do, and every other byte must be equal — including the
// metadata hash at the end, which commits to every source and setting. --version must be the
// compiler version of the record (the solc in --node-modules must be that version).
// --creation (optional): the creation bytecode the deployment sent, without constructor
// arguments, must equal the compiled evm.bytecode exactly. Prints one line; exit 0 when
// verified, 1 on a mismatch, 2 on a usage error.
'use strict';

const fs = require('fs');
const path = require('path');

function die(code, msg) {
  process.stdout.write(msg + '\n');
  process.exit(code);
}

const a = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith('--') || argv[i + 1] === undefined) die(2, 'usage: see the header of solc_verify.js');
  a[argv[i].slice(2)] = argv[i + 1];
}
for (const k of ['node-modules', 'input', 'contract', 'version', 'code']) {
  if (!a[k]) die(2, 'missing --' + k);
}
const solc = require(path.join(path.resolve(a['node-modules']), 'solc'));
if (solc.version() !== a.version) die(1, 'solc-js is ' + solc.version() + ', the record says ' + a.version);
const input = JSON.parse(fs.readFileSync(a.input, 'utf8'));
// Everything must come from the input itself: no import callback.
const output = JSON.parse(solc.compile(JSON.stringify(input)));
for (const e of output.errors || []) {
  if (e.severity === 'error') die(1, 'compile error: ' + e.formattedMessage);
}
const colon = a.contract.lastIndexOf(':');
const file = a.contract.slice(0, colon);
const name = a.contract.slice(colon + 1);
const c = output.contracts && output.contracts[file] && output.contracts[file][name];
if (!c) die(1, 'the input does not produce ' + a.contract);
const hex = (s) => s.trim().replace(/^0x/, '').toLowerCase();
const deployed = Buffer.from(hex(fs.readFileSync(a.code, 'utf8')), 'hex');
const compiled = Buffer.from(c.evm.deployedBytecode.object, 'hex');
if (deployed.length !== compiled.length) {
  die(1, 'runtime bytecode length differs: deployed ' + deployed.length + ', compiled ' + compiled.length);
}
let masked = 0;
const refs = c.evm.deployedBytecode.immutableReferences || {};
for (const id of Object.keys(refs)) {
  for (const r of refs[id]) {
    deployed.fill(0, r.start, r.start + r.length);
    compiled.fill(0, r.start, r.start + r.length);
    masked += r.length;
  }
}
if (!deployed.equals(compiled)) {
  let i = 0;
  while (deployed[i] === compiled[i]) i++;
  die(1, 'runtime bytecode differs at byte ' + i);
}
if (a.creation) {
  const sent = hex(fs.readFileSync(a.creation, 'utf8'));
  if (sent !== c.evm.bytecode.object) die(1, 'creation bytecode differs');
}
die(0, 'verified ' + a.contract + ': ' + compiled.length + ' bytes, ' + masked + ' immutable bytes masked');
