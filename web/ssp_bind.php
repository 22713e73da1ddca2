<?php
// SmartShare: the volunteer binds a payout address with a browser wallet (EIP-1193).
// Install as html/user/ssp_bind.php (with ssp_bind.js beside it and ssp_prefs.inc in
// html/project/). GET shows the page; POST (from ssp_bind.js, with BOINC's form tokens)
// answers JSON: action=text gives the exact binding text to sign, action=bind verifies a
// signature with `ssp bind verify` and only then stores it, action=snippet does the same
// for a <project_specific> snippet made by `ssp bind sign`.

require_once('../inc/util.inc');
require_once('../project/ssp_prefs.inc');

$user = get_logged_in_user();

function ssp_json($a) {
    header('Content-Type: application/json');
    header('Cache-Control: no-store');
    echo json_encode($a);
    exit;
}

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    if (!valid_tokens($user->authenticator)) {
        ssp_json(['ok' => false, 'message' => 'This page has expired. Reload it and try again.']);
    }
    $action = post_str('action', true);
    if ($action === 'text') {
        $addr = (string)post_str('address', true);
        if (!preg_match('/^0x[0-9a-fA-F]{40}$/', $addr)) {
            ssp_json(['ok' => false, 'message' => 'The wallet gave no usable address.']);
        }
        $text = ssp_binding_text(ssp_master_url(), (int)$user->id, $addr);
        if ($text === null) ssp_json(['ok' => false, 'message' => 'The binding text could not be made.']);
        ssp_json(['ok' => true, 'text' => $text]);
    }
    if (post_str('consent', true) !== 'yes') {
        ssp_json(['ok' => false, 'message' => 'Please read what binding makes public and tick the box first.']);
    }
    if ($action === 'bind') {
        ssp_json(ssp_bind_store($user, (string)post_str('address', true), (string)post_str('signature', true)));
    }
    if ($action === 'snippet') {
        $f = ssp_fields_parse(substr((string)post_str('snippet', true), 0, 4096));
        if (!isset($f['ssp_address'], $f['ssp_binding'])) {
            ssp_json(['ok' => false, 'message' => 'No &lt;ssp_address&gt; and &lt;ssp_binding&gt; found in what you pasted.']);
        }
        ssp_json(ssp_bind_store($user, $f['ssp_address'], $f['ssp_binding']));
    }
    ssp_json(['ok' => false, 'message' => 'Unknown action.']);
}

$s = ssp_status($user);
$h = function ($x) { return htmlspecialchars((string)$x, ENT_QUOTES); };
$uid = (int)$user->id;
$tnow = time();
$ttok = md5((string)$tnow.$user->authenticator); // BOINC's form_tokens(), as data for the script

page_head('SmartShare payout address');
?>
<style>
.ssp { max-width: 52em; }
.ssp table { border-collapse: collapse; margin: .5em 0 1em; }
.ssp td, .ssp th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
.ssp .good { color: #11651f; font-weight: bold; }
.ssp .bad { color: #a11; font-weight: bold; }
.ssp .wait { color: #8a5a00; font-weight: bold; }
.ssp pre { background: #f4f4f4; padding: .6em; white-space: pre-wrap; word-break: break-all; }
.ssp #ssp-msg { min-height: 1.5em; padding: .5em; margin: .5em 0; }
.ssp #ssp-msg.ok { background: #e6f4e8; border: 1px solid #11651f; }
.ssp #ssp-msg.err { background: #fbeaea; border: 1px solid #a11; }
.ssp button { padding: .4em 1em; margin-right: .5em; }
.ssp code { word-break: break-all; }
</style>
<div class="ssp" id="ssp" data-tnow="<?= $tnow ?>" data-ttok="<?= $h($ttok) ?>" data-user="<?= $uid ?>">
<h2>Your payout binding</h2>
<table>
<tr><th>Project (master URL)</th><td><code><?= $h($s['url']) ?></code></td></tr>
<tr><th>Your BOINC user id</th><td><?= $uid ?></td></tr>
<tr><th>Stored payout address</th><td id="ssp-stored"><?php
if (!isset($s['fields']['ssp_address'])) {
    echo 'none: your credit is kept, but no tokens are paid until you bind an address';
} else {
    echo '<code>'.$h($s['fields']['ssp_address']).'</code> ';
    if ($s['valid'] === 'valid') echo '<span class="good" id="ssp-verifies">signature verifies</span>';
    else echo '<span class="bad" id="ssp-verifies">does not verify: '.$h($s['valid']).'</span>';
}
?></td></tr>
<?php if ($s['pending']) { ?>
<tr><th>Change waiting</th><td id="ssp-pending"><span class="wait">takes effect on
<?= gmdate('Y-m-d H:i', $s['pending']['at']) ?> UTC</span>. Until then tokens go to nobody and
your credit waits; the address in effect stays <code><?= $h($s['effective']['address']) ?></code>.
If you did not ask for this change, bind that address again below: it cancels the change at once.</td></tr>
<?php } ?>
<tr><th>Credit</th><td id="ssp-credit"><?php
$e = $s['export'];
if ($e === null) {
    echo 'BOINC total credit '.number_format($s['boinc_credit'], 2).' (the project publishes no claim export yet)';
} else {
    $claimed = $e['credit'] / 1e6;
    $waiting = max(0, $s['boinc_credit'] - $claimed);
    echo 'BOINC total credit '.number_format($s['boinc_credit'], 2).'; in claims: '.number_format($claimed, 2)
        .'; <b>waiting to be claimed: '.number_format($waiting, 2).'</b>'
        .' <small>(export of '.gmdate('Y-m-d H:i', $e['created']).' UTC)</small>';
}
?></td></tr>
<tr><th>Claims and SSP</th><td id="ssp-claims"><?php
if ($e === null) {
    echo 'no export';
} else {
    echo $e['claims'].' claim'.($e['claims'] == 1 ? '' : 's').' made for your results; SSP minted for them: '
        .$h(ssp_wei_to_ssp($e['minted_wei']));
}
if ($s['balance'] !== null) {
    echo '<br>SSP held by <code>'.$h($s['effective']['address']).'</code> on chain now: '.$h(ssp_wei_to_ssp($s['balance']));
}
?></td></tr>
</table>

<h2>Bind an address with your wallet</h2>
<div id="ssp-consent">
<p><b>What binding makes public.</b> Once you bind, the project publishes, for every result of
yours that earns credit, in its public claim export and, when tokens are minted, on the
Ethereum chain: <b>your BOINC user id (<?= $uid ?>)</b>, <b>the host id</b> of the computer that
ran it, the result and work-unit ids, the credit and when it was granted, and a digest of the
result's output files, <b>next to your payout address</b>. Anyone can then link that address to
your BOINC account (its name, credit and computers, as BOINC's statistics show them). Records
on the chain cannot be deleted later.</p>
<p>Your wallet only signs a text (shown below before it signs); this costs nothing and sends
no transaction. Changing a bound address later takes effect only after
<b><?= $h(ssp_duration($s['delay'])) ?></b>, and you are told<?= ssp_conf_get('web', 'notice_from_user', '0') !== '0' ? ' by a private message (a notice in BOINC Manager)' : ' on this page' ?>:
this protects you if someone else gets your account key. Your first binding takes effect at once.</p>
<label><input type="checkbox" id="ssp-agree"> I have read this and agree to it.</label>
</div>
<p>
<button type="button" id="ssp-connect">Connect wallet</button>
<button type="button" id="ssp-sign" disabled>Sign and bind</button>
</p>
<p>Wallet account: <code id="ssp-account">not connected</code></p>
<p>The text your wallet signs:</p>
<pre id="ssp-text">(connect your wallet first)</pre>
<div id="ssp-msg" role="status" aria-live="polite"></div>
<noscript><p>The wallet needs JavaScript; you can paste a snippet from <code>ssp bind sign</code> below instead.</p></noscript>

<details id="ssp-paste-box">
<summary>Signed on the command line? Paste the snippet of <code>ssp bind sign</code></summary>
<p><code>ssp bind sign --keystore KEY.json --project <?= $h($s['url']) ?> --user <?= $uid ?></code></p>
<textarea id="ssp-snippet" rows="4" cols="80" maxlength="4096"></textarea><br>
<button type="button" id="ssp-paste">Check and store</button>
</details>
</div>
<script src="ssp_bind.js"></script>
<?php
page_tail();
