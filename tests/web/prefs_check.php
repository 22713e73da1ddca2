<?php
// Checks of web/ssp_prefs.inc's pure functions, run with php-cli by
// tests/integration/70-web-bind.sh: argv[1] is the path of ssp_prefs.inc, argv[2] a
// temporary ssp.conf it may write, then pairs "NAME=EXPECTED" computed by bc (an
// independent implementation) for the big-number helpers. Prints "FAIL: …" lines and exits
// 1 on any mismatch.
define('SSP_CONF', $argv[2]);
require $argv[1];

$fails = 0;
function check($what, $got, $want) {
    global $fails;
    if ($got !== $want) {
        echo "FAIL: $what: got ".var_export($got, true).", expected ".var_export($want, true)."\n";
        $fails++;
    }
}
$want = [];
foreach (array_slice($argv, 3) as $kv) {
    list($k, $v) = explode('=', $kv, 2);
    $want[$k] = $v;
}

// big numbers (bc computed the expected values)
check('hex 2^256-1', ssp_hex_to_dec('0x'.str_repeat('f', 64)), $want['max256']);
check('hex 0x0', ssp_hex_to_dec('0x0'), '0');
check('hex 0x', ssp_hex_to_dec('0x'), '0');
check('hex too long', ssp_hex_to_dec('0x1'.str_repeat('0', 64)), '0');
check('hex not hex', ssp_hex_to_dec('0xzz'), '0');
check('hex balance', ssp_hex_to_dec('0x000000000000000000000000000000000000000000000000d02ab486cedc0000'), $want['bal']);
check('mul', ssp_dec_mul('18446744073709551615', '1000000000000'), $want['mul']);
check('mul 0', ssp_dec_mul('0', '123'), '0');
check('mul bad', ssp_dec_mul('-1', '5'), '0');
check('ssp 15 SSP', ssp_wei_to_ssp('15000000000000000000'), '15');
check('ssp fraction', ssp_wei_to_ssp('1500000000000000000'), '1.5');
check('ssp small', ssp_wei_to_ssp('1000000000000'), '0.000001');
check('ssp dust', ssp_wei_to_ssp('999'), '0');
check('ssp 0', ssp_wei_to_ssp('0'), '0');
check('duration 48 h', ssp_duration(172800), '48 hours');
check('duration 1 h', ssp_duration(3600), '1 hour');
check('duration 90 min', ssp_duration(5400), '90 minutes');
check('duration 15 s', ssp_duration(15), '15 seconds');

// the stored fields: only well-formed values, each once
$a = '0x3fD6299fB70D95924b2115FB6d0D4d3371d050ad';
$sig = '0x'.str_repeat('ab', 65);
$f = ssp_fields_parse("<color>x</color>\n<ssp_address> $a </ssp_address><ssp_binding>$sig</ssp_binding><ssp_bound_at>17</ssp_bound_at>");
check('parse address', $f['ssp_address'] ?? null, $a);
check('parse binding', $f['ssp_binding'] ?? null, $sig);
check('parse time', $f['ssp_bound_at'] ?? null, '17');
check('parse twice', ssp_fields_parse("<ssp_address>$a</ssp_address><ssp_address>$a</ssp_address>"), []);
check('parse markup', ssp_fields_parse("<ssp_address><b>x</b></ssp_address>"), []);
check('parse null', ssp_fields_parse(null), []);
check('xml filters', ssp_fields_xml(['ssp_address' => '0x12', 'ssp_binding' => $sig, 'ssp_bound_at' => '1x',
    'ssp_prev_address' => $a."<x>"]), "<ssp_binding>$sig</ssp_binding>\n");
check('xml order', ssp_fields_xml(['ssp_bound_at' => '5', 'ssp_address' => $a]),
    "<ssp_address>$a</ssp_address>\n<ssp_bound_at>5</ssp_bound_at>\n");

// ssp.conf as lib/core/ssp_conf reads it
file_put_contents(SSP_CONF, "; comment\n[validator]\nbinding_delay = 600 ; ten minutes\n# more\n[web]\n"
    ."export_dir: /srv/exp\nssp =\n");
check('conf inline comment', ssp_binding_delay(), 600);
check('conf colon', ssp_conf_get('web', 'export_dir'), '/srv/exp');
check('conf empty is default', ssp_conf_get('web', 'ssp', 'dflt'), 'dflt');
check('conf missing', ssp_conf_get('chain', 'rpc_url'), null);

// the top-level project_specific only, never a venue's; a DTD is refused
$u = new StdClass;
$u->project_prefs = "<project_preferences><venue name=\"home\"><project_specific><ssp_address>$a</ssp_address>"
    ."</project_specific></venue><project_specific><ssp_bound_at>9</ssp_bound_at></project_specific></project_preferences>";
check('user fields top level', ssp_user_fields($u), ['ssp_bound_at' => '9']);
$u->project_prefs = "<!DOCTYPE x [<!ENTITY e \"$a\">]><project_preferences><project_specific><ssp_address>&e;</ssp_address></project_specific></project_preferences>";
check('user fields DTD', ssp_user_fields($u), []);
exit($fails ? 1 : 0);
