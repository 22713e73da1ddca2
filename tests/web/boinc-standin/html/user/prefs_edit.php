<?php
// STAND-IN of BOINC's html/user/prefs_edit.php for subset=project (GET form, as BOINC's):
// shows the form with the project's project_specific_prefs_edit rows; on action=edit
// checks the tokens, rebuilds the project preferences from the form
// (project_specific_prefs_parse_form) and stores them. Tests only; not BOINC's code.
require_once('../inc/util.inc');
require_once('../inc/prefs_project.inc');

$user = get_logged_in_user();
$prefs = prefs_parse_project($user->project_prefs);
if (get_str('action', true) === 'edit') {
    check_tokens($user->authenticator);
    prefs_project_parse_form($prefs);
    project_prefs_update($user, $prefs);
    page_head('Preferences updated');
    echo "<p id=\"saved\">Your preferences have been updated.</p>";
    page_tail();
    exit;
}
page_head('Edit project preferences');
echo "<form action=\"prefs_edit.php\" method=\"get\">\n".form_tokens($user->authenticator)
    ."<input type=\"hidden\" name=\"subset\" value=\"project\">\n"
    ."<input type=\"hidden\" name=\"action\" value=\"edit\">\n";
start_table();
row2('Resource share', "<input name=\"resource_share\" id=\"resource_share\" value=\"$prefs->resource_share\">");
project_specific_prefs_edit(project_specific_prefs_parse($prefs->project_specific));
end_table();
echo "<input type=\"submit\" id=\"save\" value=\"Update preferences\">\n</form>\n";
page_tail();
