// Drives Debian's chromium (headless, through puppeteer-core) against the SmartShare binding
// page served by php -S, with a real EIP-1193 wallet injected into the page: window.ethereum
// answers eth_requestAccounts and personal_sign, and personal_sign is signed in node by an
// ethers Wallet holding a real secp256k1 key (an implementation independent of ours).
//
// node bind_browser.mjs COMMAND --base http://127.0.0.1:PORT/ --auth AUTHENTICATOR [options]
//   bind --key 0xSECRET [--sign-url URL] [--sign-user N]
//        connect, tick the consent box, sign, wait for the server's answer; prints JSON
//        {ok, message, text, account, signDisabledBeforeConsent}. --sign-url/--sign-user make
//        the wallet sign a text naming another project URL or user id (a mistaken wallet or
//        a snippet meant elsewhere): the server must refuse it.
//   paste --snippet XML   paste a snippet of `ssp bind sign` on the page; prints {ok, message}
//   save-form --share N [--color C]  save the preferences form (prefs_edit.php) with resource
//        share N (and colour scheme C, when the project's hook has one)
//   text PATH             prints the page's visible text
//   shot PATH --out FILE [--key 0xSECRET]  a PNG screenshot of the page (with --key: the
//        wallet connected and the consent box ticked)
// Modules come from $SSP_WEB_NODE_MODULES (default $SSP_NODE_MODULES).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const modules = process.env.SSP_WEB_NODE_MODULES || process.env.SSP_NODE_MODULES;
const require = createRequire(path.join(modules, 'x.js'));
const puppeteer = require('puppeteer-core');
const { Wallet, getBytes } = require('ethers');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : def;
}
const cmd = process.argv[2];
const base = arg('base');
const auth = arg('auth');

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ssp-chromium-'));
const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`],
});
let status = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 1100 });
  const u = new URL(base);
  await page.setCookie({ name: 'auth', value: auth, domain: u.hostname, path: '/' });
  const failed = [];
  page.on('pageerror', (e) => failed.push(String(e)));
  page.on('requestfailed', (r) => failed.push('request failed: ' + r.url()));
  // Nothing may be loaded from outside the project's site.
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) failed.push('outside request: ' + r.url());
  });

  if (cmd === 'bind' || (cmd === 'shot' && arg('key'))) {
    const wallet = new Wallet(arg('key'));
    const signUrl = arg('sign-url');
    const signUser = arg('sign-user');
    await page.exposeFunction('__sspWalletSign', async (hex) => {
      let text = new TextDecoder().decode(getBytes(hex));
      if (signUrl) text = text.replace(/^project: .*$/m, 'project: ' + signUrl);
      if (signUser) text = text.replace(/^user: .*$/m, 'user: ' + signUser);
      return wallet.signMessage(text); // EIP-191 personal_sign
    });
    await page.evaluateOnNewDocument((account) => {
      window.ethereum = {
        isSspTestWallet: true,
        request: async ({ method, params }) => {
          if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [account];
          if (method === 'personal_sign') {
            if (String(params[1]).toLowerCase() !== account) {
              throw Object.assign(new Error('unknown account'), { code: 4100 });
            }
            return window.__sspWalletSign(params[0]);
          }
          throw Object.assign(new Error('unsupported method ' + method), { code: 4200 });
        },
      };
    }, wallet.address.toLowerCase());
  }
  if (cmd === 'bind') {
    const wallet = new Wallet(arg('key'));
    await page.goto(base + 'ssp_bind.php', { waitUntil: 'load' });
    await page.click('#ssp-connect');
    await page.waitForFunction(() => document.getElementById('ssp-text').textContent.startsWith('SmartShare'),
      { timeout: 15000 });
    const text = await page.$eval('#ssp-text', (e) => e.textContent);
    const signDisabledBeforeConsent = await page.$eval('#ssp-sign', (e) => e.disabled);
    await page.click('#ssp-agree');
    await page.click('#ssp-sign');
    await page.waitForFunction(() => {
      const m = document.getElementById('ssp-msg');
      return m.className && !/Waiting|Checking/.test(m.textContent);
    }, { timeout: 15000 });
    const msg = await page.$eval('#ssp-msg', (e) => ({ ok: e.className === 'ok', message: e.textContent }));
    console.log(JSON.stringify({ ...msg, text, account: wallet.address, signDisabledBeforeConsent, failed }));
  } else if (cmd === 'paste') {
    await page.goto(base + 'ssp_bind.php', { waitUntil: 'load' });
    await page.click('#ssp-paste-box summary');
    await page.type('#ssp-snippet', arg('snippet'));
    await page.click('#ssp-agree');
    await page.click('#ssp-paste');
    await page.waitForFunction(() => document.getElementById('ssp-msg').className !== '', { timeout: 15000 });
    const msg = await page.$eval('#ssp-msg', (e) => ({ ok: e.className === 'ok', message: e.textContent }));
    console.log(JSON.stringify({ ...msg, failed }));
  } else if (cmd === 'save-form') {
    await page.goto(base + 'prefs_edit.php?subset=project', { waitUntil: 'load' });
    await page.$eval('#resource_share', (e, v) => { e.value = v; }, arg('share'));
    if (arg('color')) await page.select('#color_scheme', arg('color'));
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#save')]);
    console.log(await page.evaluate(() => document.body.innerText));
  } else if (cmd === 'text') {
    await page.goto(base + process.argv[3], { waitUntil: 'load' });
    console.log(await page.evaluate(() => document.body.innerText));
    if (failed.length) console.log('FAILED: ' + failed.join('; '));
  } else if (cmd === 'shot') {
    await page.goto(base + process.argv[3], { waitUntil: 'load' });
    if (arg('key')) { // connected wallet, consent ticked: the page as the volunteer sees it
      await page.click('#ssp-connect');
      await page.waitForFunction(() => document.getElementById('ssp-text').textContent.startsWith('SmartShare'),
        { timeout: 15000 });
      await page.click('#ssp-agree');
    }
    await page.screenshot({ path: arg('out'), fullPage: true });
  } else {
    console.error('unknown command ' + cmd);
    status = 2;
  }
} catch (e) {
  console.error(String(e && e.stack || e));
  status = 1;
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
