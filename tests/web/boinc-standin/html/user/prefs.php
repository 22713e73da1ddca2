<?php
// STAND-IN of BOINC's html/user/prefs.php for subset=project: shows the preferences
// (project_specific_prefs_show). Tests only; not BOINC's code.
require_once('../inc/util.inc');
require_once('../inc/prefs_project.inc');

$user = get_logged_in_user();
$prefs = prefs_parse_project($user->project_prefs);
page_head('Project preferences');
start_table();
row2('Resource share', htmlspecialchars((string)$prefs->resource_share));
project_specific_prefs_show(project_specific_prefs_parse($prefs->project_specific));
end_table();
page_tail();
