// SmartShare binding page (ssp_bind.php): connects an EIP-1193 wallet (eth_requestAccounts),
// has it sign the exact binding text the server gives (personal_sign) and sends the
// signature back; the server verifies it before storing anything. Plain JavaScript, no
// build step, nothing loaded from elsewhere.
(function () {
  'use strict';
  var root = document.getElementById('ssp');
  if (!root) return;
  var el = function (id) { return document.getElementById(id); };
  var account = null;
  var text = null;

  function say(html, ok) {
    var m = el('ssp-msg');
    m.innerHTML = html;
    m.className = ok ? 'ok' : 'err';
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function post(fields) {
    var body = new URLSearchParams();
    body.set('tnow', root.getAttribute('data-tnow'));
    body.set('ttok', root.getAttribute('data-ttok'));
    Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
    return fetch('ssp_bind.php', { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) throw new Error('the server answered ' + r.status);
        return r.json();
      });
  }

  function utf8Hex(s) {
    var bytes = new TextEncoder().encode(s);
    var h = '0x';
    for (var i = 0; i < bytes.length; i++) h += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return h;
  }

  function updateButtons() {
    el('ssp-sign').disabled = !(account && text && el('ssp-agree').checked);
  }

  function walletError(e) {
    if (e && e.code === 4001) return 'You declined the request in your wallet. Nothing was stored.';
    return 'The wallet reported an error: ' + escapeHtml((e && e.message) || e) + '. Nothing was stored.';
  }

  el('ssp-agree').addEventListener('change', updateButtons);

  el('ssp-connect').addEventListener('click', function () {
    if (!window.ethereum || typeof window.ethereum.request !== 'function') {
      say('No browser wallet found. Install or unlock an Ethereum wallet (for example a ' +
          'browser extension), reload this page, or paste a snippet of <code>ssp bind sign</code> below.', false);
      return;
    }
    say('Asking your wallet for its account…', true);
    window.ethereum.request({ method: 'eth_requestAccounts' }).then(function (accounts) {
      if (!accounts || !accounts.length) throw { message: 'no account' };
      account = accounts[0];
      el('ssp-account').textContent = account;
      return post({ action: 'text', address: account });
    }).then(function (r) {
      if (!r.ok) { say(r.message, false); return; }
      text = r.text;
      el('ssp-text').textContent = text;
      say('Connected. Read the text above and what binding makes public, tick the box, then ' +
          'press “Sign and bind”.', true);
      updateButtons();
    }).catch(function (e) { say(walletError(e), false); });
  });

  el('ssp-sign').addEventListener('click', function () {
    if (!el('ssp-agree').checked) { say('Please tick the box first.', false); return; }
    el('ssp-sign').disabled = true;
    say('Waiting for your wallet to sign…', true);
    window.ethereum.request({ method: 'personal_sign', params: [utf8Hex(text), account] })
      .then(function (sig) {
        say('Checking the signature…', true);
        return post({ action: 'bind', address: account, signature: sig, consent: 'yes' });
      })
      .then(function (r) {
        say(r.message, r.ok);
        if (r.ok) setTimeout(function () { window.location.reload(); }, 2500);
        else updateButtons();
      })
      .catch(function (e) { say(walletError(e), false); updateButtons(); });
  });

  el('ssp-paste').addEventListener('click', function () {
    if (!el('ssp-agree').checked) { say('Please read what binding makes public and tick the box first.', false); return; }
    post({ action: 'snippet', snippet: el('ssp-snippet').value, consent: 'yes' })
      .then(function (r) {
        say(r.message, r.ok);
        if (r.ok) setTimeout(function () { window.location.reload(); }, 2500);
      })
      .catch(function (e) { say('Could not reach the project: ' + escapeHtml(e.message), false); });
  });
})();
