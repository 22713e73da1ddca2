-- STAND-IN (tests only): what BOINC's web code needs beyond sql/boinc_fixture.sql,
-- with the names and types of BOINC's db/schema.sql.
alter table user
    add column authenticator varchar(254),
    add column send_email smallint not null default 1,
    add column show_hosts smallint not null default 1;

create table private_messages (
    id                      integer         not null auto_increment,
    userid                  integer         not null,
    senderid                integer         not null,
    date                    integer         not null,
    opened                  tinyint         not null default 0,
    subject                 varchar(255)    not null,
    content                 text            not null,
    primary key(id)
) engine=InnoDB;

create table notify (
    id                      serial          primary key,
    userid                  integer         not null,
    create_time             integer         not null,
    type                    integer         not null,
    opaque                  integer         not null
);
