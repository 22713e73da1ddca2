-- The BOINC project database as BOINC's server creates it: every table and column of
-- BOINC's db/schema.sql, with its types, NOT NULL rules and defaults, and every key and
-- index of db/constraints.sql (BOINC server source, recorded here as facts about the
-- schema real projects have, without BOINC's comments). The validator's tests, the
-- benchmark and the demo load it into a private MariaDB; their rows are laid out as
-- BOINC's scheduler, transitioner and upload handler leave them (tests/helpers/vfixture.c).
-- Most columns are NOT NULL without a default, as in BOINC: an INSERT names them all.
-- Load with: mariadb DBNAME < sql/boinc_fixture.sql


create table platform (
    id                         integer not null auto_increment,
    create_time                integer not null,
    name                       varchar(191) not null,
    user_friendly_name         varchar(254) not null,
    deprecated                 tinyint not null default 0,
    primary key (id)
) engine=InnoDB;

create table app (
    id                         integer not null auto_increment,
    create_time                integer not null,
    name                       varchar(191) not null,
    min_version                integer not null default 0,
    deprecated                 smallint not null default 0,
    user_friendly_name         varchar(254) not null,
    homogeneous_redundancy     smallint not null default 0,
    weight                     double not null default 1,
    beta                       smallint not null default 0,
    target_nresults            smallint not null default 0,
    min_avg_pfc                double not null default 1,
    host_scale_check           tinyint not null default 0,
    homogeneous_app_version    tinyint not null default 0,
    non_cpu_intensive          tinyint not null default 0,
    locality_scheduling        integer not null default 0,
    n_size_classes             smallint not null default 0,
    fraction_done_exact        tinyint not null default 0,
    primary key (id)
) engine=InnoDB;

create table app_version (
    id                         integer not null auto_increment,
    create_time                integer not null,
    appid                      integer not null,
    version_num                integer not null,
    platformid                 integer not null,
    xml_doc                    mediumblob,
    min_core_version           integer not null default 0,
    max_core_version           integer not null default 0,
    deprecated                 tinyint not null default 0,
    plan_class                 varchar(128) not null default '',
    pfc_n                      double not null default 0,
    pfc_avg                    double not null default 0,
    pfc_scale                  double not null default 0,
    expavg_credit              double not null default 0,
    expavg_time                double not null default 0,
    beta                       tinyint not null default 0,
    primary key (id)
) engine=InnoDB;

create table user (
    id                         integer not null auto_increment,
    create_time                integer not null,
    email_addr                 varchar(191) not null,
    name                       varchar(191),
    authenticator              varchar(191),
    country                    varchar(254),
    postal_code                varchar(254),
    total_credit               double not null,
    expavg_credit              double not null,
    expavg_time                double not null,
    global_prefs               blob,
    project_prefs              blob,
    teamid                     integer not null,
    venue                      varchar(254) not null,
    url                        varchar(254),
    send_email                 smallint not null,
    show_hosts                 smallint not null,
    posts                      smallint not null,
    seti_id                    integer not null,
    seti_nresults              integer not null,
    seti_last_result_time      integer not null,
    seti_total_cpu             double not null,
    signature                  varchar(254),
    has_profile                smallint not null,
    cross_project_id           varchar(254) not null,
    passwd_hash                varchar(254) not null,
    email_validated            smallint not null,
    donated                    smallint not null,
    login_token                char(32) not null default '',
    login_token_time           double not null default 0,
    previous_email_addr        varchar(254) not null default '',
    email_addr_change_time     double not null default 0,
    primary key (id)
) engine=InnoDB;

create table team (
    id                         integer not null auto_increment,
    create_time                integer not null,
    userid                     integer not null,
    name                       varchar(191) not null,
    name_lc                    varchar(254),
    url                        varchar(254),
    type                       integer not null,
    name_html                  varchar(254),
    description                text,
    nusers                     integer not null,
    country                    varchar(254),
    total_credit               double not null default 0.0,
    expavg_credit              double not null default 0.0,
    expavg_time                double not null,
    seti_id                    integer not null default 0,
    ping_user                  integer not null default 0,
    ping_time                  integer unsigned not null default 0,
    joinable                   tinyint not null default 1,
    mod_time                   timestamp default current_timestamp on update current_timestamp,
    primary key (id)
) engine=InnoDB;

create table host (
    id                         integer not null auto_increment,
    create_time                integer not null,
    userid                     integer not null,
    rpc_seqno                  integer not null,
    rpc_time                   integer not null,
    total_credit               double not null,
    expavg_credit              double not null,
    expavg_time                double not null,
    timezone                   integer not null,
    domain_name                varchar(254),
    serialnum                  varchar(254),
    last_ip_addr               varchar(254),
    nsame_ip_addr              integer not null,
    on_frac                    double not null,
    connected_frac             double not null,
    active_frac                double not null,
    cpu_efficiency             double not null,
    duration_correction_factor double not null,
    p_ncpus                    integer not null,
    p_vendor                   varchar(254),
    p_model                    varchar(254),
    p_fpops                    double not null,
    p_iops                     double not null,
    p_membw                    double not null,
    os_name                    varchar(254),
    os_version                 varchar(254),
    m_nbytes                   double not null,
    m_cache                    double not null,
    m_swap                     double not null,
    d_total                    double not null,
    d_free                     double not null,
    d_boinc_used_total         double not null,
    d_boinc_used_project       double not null,
    d_boinc_max                double not null,
    n_bwup                     double not null,
    n_bwdown                   double not null,
    credit_per_cpu_sec         double not null,
    venue                      varchar(254) not null,
    nresults_today             integer not null,
    avg_turnaround             double not null,
    host_cpid                  varchar(254),
    external_ip_addr           varchar(254),
    max_results_day            integer not null,
    error_rate                 double not null default 0,
    product_name               varchar(254) not null,
    gpu_active_frac            double not null,
    p_ngpus                    integer not null,
    p_gpu_fpops                double not null,
    misc                       text not null default '',
    primary key (id)
) engine=InnoDB;

create table host_app_version (
    host_id                    integer not null,
    app_version_id             integer not null,
    pfc_n                      double not null,
    pfc_avg                    double not null,
    et_n                       double not null,
    et_avg                     double not null,
    et_var                     double not null,
    et_q                       double not null,
    max_jobs_per_day           integer not null,
    n_jobs_today               integer not null,
    turnaround_n               double not null,
    turnaround_avg             double not null,
    turnaround_var             double not null,
    turnaround_q               double not null,
    consecutive_valid          integer not null
) engine=InnoDB;

create table workunit (
    id                         integer not null auto_increment,
    create_time                integer not null,
    appid                      integer not null,
    name                       varchar(191) not null,
    xml_doc                    blob,
    batch                      integer not null,
    rsc_fpops_est              double not null,
    rsc_fpops_bound            double not null,
    rsc_memory_bound           double not null,
    rsc_disk_bound             double not null,
    need_validate              smallint not null,
    canonical_resultid         integer not null,
    canonical_credit           double not null,
    transition_time            integer not null,
    delay_bound                integer not null,
    error_mask                 integer not null,
    file_delete_state          integer not null,
    assimilate_state           integer not null,
    hr_class                   integer not null,
    opaque                     double not null,
    min_quorum                 integer not null,
    target_nresults            integer not null,
    max_error_results          integer not null,
    max_total_results          integer not null,
    max_success_results        integer not null,
    result_template_file       varchar(63) not null,
    priority                   integer not null,
    mod_time                   timestamp default current_timestamp on update current_timestamp,
    rsc_bandwidth_bound        double not null,
    fileset_id                 integer not null,
    app_version_id             integer not null,
    transitioner_flags         tinyint not null,
    size_class                 smallint not null default -1,
    keywords                   varchar(254) not null,
    app_version_num            integer not null,
    primary key (id)
) engine=InnoDB;

create table result (
    id                         integer not null auto_increment,
    create_time                integer not null,
    workunitid                 integer not null,
    server_state               integer not null,
    outcome                    integer not null,
    client_state               integer not null,
    hostid                     integer not null,
    userid                     integer not null,
    report_deadline            integer not null,
    sent_time                  integer not null,
    received_time              integer not null,
    name                       varchar(191) not null,
    cpu_time                   double not null,
    xml_doc_in                 blob,
    xml_doc_out                blob,
    stderr_out                 blob,
    batch                      integer not null,
    file_delete_state          integer not null,
    validate_state             integer not null,
    claimed_credit             double not null,
    granted_credit             double not null,
    opaque                     double not null,
    random                     integer not null,
    app_version_num            integer not null,
    appid                      integer not null,
    exit_status                integer not null,
    teamid                     integer not null,
    priority                   integer not null,
    mod_time                   timestamp default current_timestamp on update current_timestamp,
    elapsed_time               double not null,
    flops_estimate             double not null,
    app_version_id             integer not null,
    runtime_outlier            tinyint not null,
    size_class                 smallint not null default -1,
    peak_working_set_size      double not null,
    peak_swap_size             double not null,
    peak_disk_usage            double not null,
    primary key (id)
) engine=InnoDB;

create table batch (
    id                         serial primary key,
    user_id                    integer not null,
    create_time                integer not null,
    logical_start_time         double not null,
    logical_end_time           double not null,
    est_completion_time        double not null,
    njobs                      integer not null,
    fraction_done              double not null,
    nerror_jobs                integer not null,
    state                      integer not null,
    completion_time            double not null,
    credit_estimate            double not null,
    credit_canonical           double not null,
    credit_total               double not null,
    name                       varchar(255) not null,
    app_id                     integer not null,
    project_state              integer not null,
    description                varchar(255) not null,
    expire_time                double not null
) engine=InnoDB;

create table user_submit (
    user_id                    integer not null,
    quota                      double not null,
    logical_start_time         double not null,
    submit_all                 tinyint not null,
    manage_all                 tinyint not null,
    max_jobs_in_progress       integer not null,
    primary key (user_id)
) engine=InnoDB;

create table user_submit_app (
    user_id                    integer not null,
    app_id                     integer not null,
    manage                     tinyint not null,
    primary key (user_id, app_id)
) engine=InnoDB;

create table job_file (
    id                         integer not null auto_increment,
    name                       varchar(191) not null,
    create_time                double not null,
    delete_time                double not null,
    primary key (id)
) engine=InnoDB;

create table msg_from_host (
    id                         integer not null auto_increment,
    create_time                integer not null,
    hostid                     integer not null,
    variety                    varchar(254) not null,
    handled                    smallint not null,
    xml                        mediumtext,
    primary key (id)
) engine=InnoDB;

create table msg_to_host (
    id                         integer not null auto_increment,
    create_time                integer not null,
    hostid                     integer not null,
    variety                    varchar(254) not null,
    handled                    smallint not null,
    xml                        mediumtext,
    primary key (id)
) engine=InnoDB;

create table assignment (
    id                         integer not null auto_increment,
    create_time                integer not null,
    target_id                  integer not null,
    target_type                integer not null,
    multi                      tinyint not null,
    workunitid                 integer not null,
    resultid                   integer not null,
    primary key (id)
) engine=InnoDB;

create table profile (
    userid                     integer not null,
    language                   varchar(254),
    response1                  text,
    response2                  text,
    has_picture                smallint not null,
    recommend                  integer not null,
    reject                     integer not null,
    posts                      integer not null,
    uotd_time                  integer,
    verification               integer not null,
    primary key (userid)
) engine=InnoDB;

create table category (
    id                         integer not null auto_increment,
    orderID                    integer not null,
    lang                       integer not null,
    name                       varchar(180) not null,
    is_helpdesk                smallint not null,
    primary key (id)
) engine=InnoDB;

create table forum (
    id                         integer not null auto_increment,
    category                   integer not null,
    orderID                    integer not null,
    title                      varchar(175) not null,
    description                varchar(254) not null,
    timestamp                  integer not null default 0,
    threads                    integer not null default 0,
    posts                      integer not null default 0,
    rate_min_expavg_credit     integer not null default 0,
    rate_min_total_credit      integer not null default 0,
    post_min_interval          integer not null default 0,
    post_min_expavg_credit     integer not null default 0,
    post_min_total_credit      integer not null default 0,
    is_dev_blog                tinyint not null default 0,
    parent_type                integer not null default 0,
    primary key (id)
) engine=InnoDB;

create table thread (
    id                         integer not null auto_increment,
    forum                      integer not null,
    owner                      integer not null,
    status                     integer not null,
    title                      varchar(254) not null,
    timestamp                  integer not null,
    views                      integer not null,
    replies                    integer not null,
    activity                   double not null,
    sufferers                  integer not null,
    score                      double not null,
    votes                      integer not null,
    create_time                integer not null,
    hidden                     integer not null,
    sticky                     tinyint not null default 0,
    locked                     tinyint not null default 0,
    primary key (id)
) engine=InnoDB;

create table post (
    id                         integer not null auto_increment,
    thread                     integer not null,
    user                       integer not null,
    timestamp                  integer not null,
    content                    text not null,
    modified                   integer not null,
    parent_post                integer not null,
    score                      double not null,
    votes                      integer not null,
    signature                  tinyint not null default 0,
    hidden                     integer not null,
    primary key (id)
) engine=InnoDB;

create table subscriptions (
    userid                     integer not null,
    threadid                   integer not null,
    notified_time              integer not null default 0
) engine=InnoDB;

create table forum_preferences (
    userid                     integer not null default 0,
    signature                  varchar(254) not null default '',
    posts                      integer not null default 0,
    last_post                  integer not null,
    avatar                     varchar(254) not null default '',
    hide_avatars               tinyint not null default 0,
    forum_sorting              integer not null,
    thread_sorting             integer not null,
    no_signature_by_default    tinyint not null default 1,
    images_as_links            tinyint not null default 0,
    link_popup                 tinyint not null default 0,
    mark_as_read_timestamp     integer not null default 0,
    special_user               char(12) not null default '0',
    jump_to_unread             tinyint not null default 1,
    hide_signatures            tinyint not null default 0,
    rated_posts                varchar(254) not null,
    low_rating_threshold       integer not null default -25,
    high_rating_threshold      integer not null default 5,
    minimum_wrap_postcount     integer DEFAULT 100 NOT NULL,
    display_wrap_postcount     integer DEFAULT 75 NOT NULL,
    ignorelist                 varchar(254) not null,
    ignore_sticky_posts        tinyint not null default 0,
    banished_until             integer not null default 0,
    pm_notification            tinyint not null default 0,
    highlight_special          tinyint not null default 1,
    primary key (userid)
) engine=InnoDB;

create table forum_logging (
    userid                     integer not null default 0,
    threadid                   integer not null default 0,
    timestamp                  integer not null default 0,
    primary key (userid,threadid)
) engine=InnoDB;

create table post_ratings (
    post                       integer not null,
    user                       integer not null,
    rating                     tinyint not null,
    primary key(post, user)
) engine=InnoDB;

create table sent_email (
    userid                     integer not null,
    time_sent                  integer not null,
    email_type                 smallint not null,
    primary key(userid)
) engine=InnoDB;

create table private_messages (
    id                         integer not null auto_increment,
    userid                     integer not null,
    senderid                   integer not null,
    date                       integer not null,
    opened                     tinyint not null default 0,
    subject                    varchar(255) not null,
    content                    text not null,
    primary key(id)
) engine=InnoDB;

create table credited_job (
    userid                     integer not null,
    workunitid                 bigint not null
) engine=InnoDB;

create table donation_items (
    id                         integer not null auto_increment,
    item_name                  varchar(32) not null,
    title                      varchar(255) not null,
    description                varchar(255) not null,
    required                   double not null default '0',
    PRIMARY KEY(id)
) engine=InnoDB;

create table donation_paypal (
    id                         integer not null auto_increment,
    order_time                 integer not null,
    userid                     integer not null,
    email_addr                 varchar(255) not null,
    order_amount               double(6,2) not null,
    processed                  tinyint not null default '0',
    payment_time               integer not null,
    item_name                  varchar(255) not null,
    item_number                varchar(255) not null,
    payment_status             varchar(255) not null,
    payment_amount             double(6,2) not null,
    payment_fee                double(5,2) default null,
    payment_currency           varchar(255) not null,
    txn_id                     varchar(255) not null,
    receiver_email             varchar(255) not null,
    payer_email                varchar(255) not null,
    payer_name                 varchar(255) not null,
    PRIMARY KEY(id)
) engine=InnoDB;

create table team_delta (
    userid                     integer not null,
    teamid                     integer not null,
    timestamp                  integer not null,
    joining                    tinyint not null,
    total_credit               double not null
) engine=InnoDB;

create table banishment_vote (
    id                         serial primary key,
    userid                     integer not null,
    modid                      integer not null,
    start_time                 integer not null,
    end_time                   integer not null
) engine=InnoDB;

create table banishment_votes (
    id                         serial primary key,
    voteid                     integer not null,
    modid                      integer not null,
    time                       integer not null,
    yes                        tinyint not null
) engine=InnoDB;

create table team_admin (
    teamid                     integer not null,
    userid                     integer not null,
    create_time                integer not null,
    rights                     integer not null
) engine=InnoDB;

create table friend (
    user_src                   integer not null,
    user_dest                  integer not null,
    message                    varchar(255) not null,
    create_time                integer not null,
    reciprocated               tinyint not null
);

create table notify (
    id                         serial primary key,
    userid                     integer not null,
    create_time                integer not null,
    type                       integer not null,
    opaque                     integer not null
);

create table badge (
    id                         serial primary key,
    create_time                double not null,
    type                       tinyint not null,
    name                       varchar(255) not null,
    title                      varchar(255) not null,
    description                varchar(255) not null,
    image_url                  varchar(255) not null,
    level                      varchar(255) not null,
    tags                       varchar(255) not null,
    sql_rule                   varchar(255) not null
);

create table badge_user (
    badge_id                   integer not null,
    user_id                    integer not null,
    create_time                double not null,
    reassign_time              double not null
);

create table badge_team (
    badge_id                   integer not null,
    team_id                    integer not null,
    create_time                double not null,
    reassign_time              double not null
);

create table credit_user (
    userid                     integer not null,
    appid                      integer not null,
    njobs                      integer not null,
    total                      double not null,
    expavg                     double not null,
    expavg_time                double not null,
    credit_type                integer not null,
    primary key (userid, appid, credit_type)
) engine=InnoDB;

create table credit_team (
    teamid                     integer not null,
    appid                      integer not null,
    njobs                      integer not null,
    total                      double not null,
    expavg                     double not null,
    expavg_time                double not null,
    credit_type                integer not null,
    primary key (teamid, appid, credit_type)
) engine=InnoDB;

create table token (
    token                      varchar(64) not null,
    userid                     integer not null,
    type                       char not null,
    create_time                integer not null,
    expire_time                integer,
    primary key (token)
) engine=InnoDB;

create table user_deleted (
    userid                     integer not null,
    public_cross_project_id    varchar(254) not null,
    create_time                double not null,
    primary key (userid)
) engine=InnoDB;

create table host_deleted (
    hostid                     integer not null,
    public_cross_project_id    varchar(254) not null,
    create_time                double not null,
    primary key (hostid)
) engine=InnoDB;

create table consent (
    id                         integer not null auto_increment,
    userid                     integer not null,
    consent_type_id            integer not null,
    consent_time               integer not null,
    consent_flag               tinyint not null,
    consent_not_required       tinyint not null,
    source                     varchar(255) not null,
    primary key (id)
) engine=InnoDB;

create table consent_type (
    id                         integer not null auto_increment,
    shortname                  varchar(191) not null,
    description                varchar(255) not null,
    enabled                    integer not null,
    project_specific           integer not null,
    privacypref                integer not null,
    primary key (id)
) engine=InnoDB;

create view latest_consent as
SELECT userid,
       consent_type_id,
       consent_flag
  FROM consent
 WHERE NOT EXISTS
       (SELECT *
          FROM consent AS filter
         WHERE consent.userid = filter.userid
           AND consent.consent_type_id = filter.consent_type_id
           AND filter.consent_time > consent.consent_time);

-- keys and indexes (db/constraints.sql)

alter table platform
    add unique(name);

alter table app
    add unique(name);

alter table app_version
    add unique apvp (appid, platformid, version_num, plan_class);

alter table user
    add unique(email_addr),
    add unique(authenticator),
    add index ind_tid (teamid),
    add unique(name),
    add index user_tot (total_credit desc),
    add index user_avg (expavg_credit desc),
    add index user_email_time (email_addr_change_time);

alter table team
    add unique(name),
    add fulltext index team_name_desc(name, description),
    add index team_avg (expavg_credit desc),
    add index team_tot (total_credit desc),
    add index team_userid (userid);

alter table workunit
    add unique(name),
    add index wu_val (appid, need_validate),
    add index wu_timeout (transition_time),
    add index wu_filedel (file_delete_state),
    add index wu_assim (appid, assimilate_state),
    add index wu_batch(batch);

alter table result
    add unique(name),
    add index res_wuid (workunitid),
    add index ind_res_st (server_state, priority),
    add index res_app_state(appid, server_state),
    add index res_filedel (file_delete_state),
    add index res_userid_id(userid, id desc),
    add index res_userid_val(userid, validate_state),
    add index res_hostid_id (hostid, id desc),
    add index res_batch (batch);

alter table msg_from_host
    add index message_handled (handled),
    add index message_hostid(hostid);

alter table msg_to_host
    add index msg_to_host(hostid, handled);

alter table host
    add index host_userid_cpid (userid, host_cpid),
    add index host_domain_name (domain_name),
    add index host_avg (expavg_credit desc),
    add index host_tot (total_credit desc);

alter table profile
    add fulltext index profile_reponse(response1, response2),
    add index pro_uotd (uotd_time desc),
    add unique profile_userid(userid);

alter table subscriptions
    add unique sub_unique(userid, threadid);

alter table category
    add unique cat1(name, is_helpdesk);

alter table forum
    add unique pct (parent_type, category, title);

alter table thread
    add fulltext index thread_title(title);

alter table post
    add index post_user (user),
    add index post_thread (thread),
    add fulltext index post_content(content);

alter table credited_job
    add index credited_job_user (userid),
    add index credited_job_wu (workunitid),
    add unique credited_job_user_wu (userid, workunitid);

alter table team_delta
    add index team_delta_teamid (teamid, timestamp),
    add index team_delta_userid (userid);

alter table team_admin
    add unique (teamid, userid);

alter table friend
    add unique friend_u (user_src, user_dest);

alter table notify
    add unique notify_un (userid, type, opaque);

alter table host_app_version
    add unique hap(host_id, app_version_id);

alter table assignment
    add index asgn_target(target_type, target_id);

alter table job_file
    add unique jf_name(name);

alter table badge_user
    add unique (user_id, badge_id);

alter table badge_team
    add unique (team_id, badge_id);

alter table credit_user
    add index cu_total(appid, total),
    add index cu_avg(appid, expavg);

alter table credit_team
    add index ct_total(appid, total),
    add index ct_avg(appid, expavg);

alter table token
    add index token_userid(userid);

alter table user_deleted
    add index user_deleted_create(create_time);

alter table host_deleted
    add index host_deleted_create(create_time);

alter table donation_paypal
    add index donation_paypal_userid(userid);

alter table banishment_vote
    add index banishment_vote_userid(userid);

alter table post_ratings
    add index post_ratings_user(user);

alter table sent_email
    add index sent_email_userid(userid);

alter table private_messages
    add index userid(userid);

alter table consent
    add index userid_ctid_timestamp(userid, consent_type_id, consent_time),
    add index consent_timestamp(consent_time),
    add index flag_ctid(consent_flag, consent_type_id);

alter table consent
    add foreign key(consent_type_id) references consent_type(id) on update cascade on delete restrict;

alter table consent_type
    add index consent_name(shortname);
