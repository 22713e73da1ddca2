-- A BOINC project database reduced to what ssp_validator reads and writes.
-- Column names and types follow BOINC's db/schema.sql and db/constraints.sql;
-- every column here is one the validator uses (DESIGN §7). Defaults are added so
-- that tests and the demo can insert short rows; a real project has the full schema.
-- Load with: mariadb DBNAME < sql/boinc_fixture.sql

create table app (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    name                    varchar(191)    not null,
    user_friendly_name      varchar(254)    not null default '',
    primary key (id)
) engine=InnoDB;

create table user (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    email_addr              varchar(191)    not null default '',
    name                    varchar(191),
    total_credit            double          not null default 0,
    expavg_credit           double          not null default 0,
    expavg_time             double          not null default 0,
    project_prefs           blob,
    teamid                  integer         not null default 0,
    primary key (id)
) engine=InnoDB;

create table team (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    userid                  integer         not null default 0,
    name                    varchar(191)    not null,
    total_credit            double          not null default 0.0,
    expavg_credit           double          not null default 0.0,
    expavg_time             double          not null default 0,
    primary key (id)
) engine=InnoDB;

create table host (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    userid                  integer         not null,
    total_credit            double          not null default 0,
    expavg_credit           double          not null default 0,
    expavg_time             double          not null default 0,
    p_fpops                 double          not null default 0,
    primary key (id)
) engine=InnoDB;

create table workunit (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    appid                   integer         not null,
    name                    varchar(191)    not null,
    rsc_fpops_est           double          not null default 0,
    rsc_fpops_bound         double          not null default 0,
    need_validate           smallint        not null default 0,
    canonical_resultid      integer         not null default 0,
    canonical_credit        double          not null default 0,
    transition_time         integer         not null default 0,
    error_mask              integer         not null default 0,
    assimilate_state        integer         not null default 0,
    min_quorum              integer         not null default 1,
    target_nresults         integer         not null default 1,
    max_success_results     integer         not null default 6,
    primary key (id)
) engine=InnoDB;

create table result (
    id                      integer         not null auto_increment,
    create_time             integer         not null default 0,
    workunitid              integer         not null,
    server_state            integer         not null default 2,
    outcome                 integer         not null default 0,
    hostid                  integer         not null default 0,
    userid                  integer         not null default 0,
    sent_time               integer         not null default 0,
    received_time           integer         not null default 0,
    name                    varchar(191)    not null,
    cpu_time                double          not null default 0,
    xml_doc_in              blob,
    xml_doc_out             blob,
    validate_state          integer         not null default 0,
    granted_credit          double          not null default 0,
    appid                   integer         not null default 0,
    teamid                  integer         not null default 0,
    elapsed_time            double          not null default 0,
    flops_estimate          double          not null default 0,
    primary key (id)
) engine=InnoDB;

create table credited_job (
    userid                  integer         not null,
    workunitid              bigint          not null
) engine=InnoDB;

-- from db/constraints.sql
alter table app add unique(name);
alter table workunit add unique(name),
    add index wu_val (appid, need_validate);
alter table result add unique(name),
    add index res_wuid (workunitid);
alter table host add index host_user (userid);
alter table credited_job add index credited_job_user (userid),
    add index credited_job_wu (workunitid),
    add unique credited_job_user_wu (userid, workunitid);
