// Writes the ethers-written keystore vectors of tests/data/keystore/ (see ../README-keystore.md).
// Run with ethers 6.15.0 installed: node gen-ethers.mjs OUTDIR
import { Wallet, HDNodeWallet, encryptKeystoreJsonSync } from "ethers";
import { writeFileSync } from "node:fs";

const out = process.argv[2] || ".";
const lines = [];

// 1. Wallet.encrypt with ethers' default scrypt cost (n = 131072, r = 8, p = 1).
const w1 = Wallet.createRandom();
const pw1 = "ethers default";
writeFileSync(`${out}/ethers-default.json`, await new Wallet(w1.privateKey).encrypt(pw1));
lines.push(["ethers-default.json", pw1, w1.privateKey, w1.address]);

// 2. An HD wallet with its mnemonic (x-ethers member, "Crypto"), light cost, non-ASCII password.
const w2 = HDNodeWallet.createRandom();
const pw2 = "Füße 🔑";
writeFileSync(`${out}/ethers-mnemonic.json`,
	encryptKeystoreJsonSync({ address: w2.address, privateKey: w2.privateKey,
		mnemonic: w2.mnemonic, path: w2.path }, pw2, { scrypt: { N: 1024 } }));
lines.push(["ethers-mnemonic.json", pw2, w2.privateKey, w2.address]);

for (const l of lines)
	console.log(l.join("\t"));
