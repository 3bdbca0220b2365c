-- leadhost's PostgreSQL schema, version 1: the records of the embedded
-- store, one table per kind. A `value` column holds a record as the store's
-- codec writes it (a schema-version byte, then JSON), so both backends read
-- records with one decoder; the columns beside it are the keys the engine's
-- queries filter and sort on, each served by the primary key or an index.
--
-- Keys sort bytewise (COLLATE "C"), as sled's do: lead ids and cursors page
-- in the same order on both backends, whatever the database's locale.
-- Times are whole milliseconds since the Unix epoch (UTC), as BIGINT.
-- Kept to what CockroachDB and YugabyteDB also accept: no triggers, no
-- stored procedures, no advisory locks.

CREATE TABLE orgs (
    id TEXT COLLATE "C" PRIMARY KEY,
    value BYTEA NOT NULL
);

-- The last lead number handed out per org: ids unique and ordered across
-- every host on the database.
CREATE TABLE lead_numbers (
    org TEXT COLLATE "C" PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE leads (
    org TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    -- The record's revision: a commit's precondition is checked on it.
    revision BIGINT NOT NULL,
    value BYTEA NOT NULL,
    -- The lead's summary (what reports and listings read), in the commit
    -- that writes the record.
    summary BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

-- One lead per normalized e-mail per org: two hosts creating a lead for
-- one address at once cannot both succeed.
CREATE TABLE emails (
    org TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, email)
);

CREATE TABLE activities (
    org TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, lead, seq)
);

CREATE TABLE events (
    org TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, lead, seq)
);

CREATE TABLE decisions (
    org TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    slot TEXT COLLATE "C" NOT NULL,
    at_ms BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, lead, seq)
);
-- A slot's latest decisions (a new version's impact).
CREATE INDEX decisions_by_slot ON decisions (org, slot, at_ms, lead, seq);

-- Nurture and SLA wake-ups.
CREATE TABLE schedule (
    org TEXT COLLATE "C" NOT NULL,
    at_ms BIGINT NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, at_ms, lead)
);
-- Every org's due wake-ups in time order.
CREATE INDEX schedule_by_time ON schedule (at_ms, org, lead);

CREATE TABLE assignments (
    org TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, lead)
);

-- The rep owning each account (by domain).
CREATE TABLE accounts (
    org TEXT COLLATE "C" NOT NULL,
    domain TEXT COLLATE "C" NOT NULL,
    rep TEXT NOT NULL,
    PRIMARY KEY (org, domain)
);

CREATE TABLE reps (
    org TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE SEQUENCE outbox_ids;

-- Messages for the outside world, with their delivery attempts.
CREATE TABLE outbox (
    id BIGINT PRIMARY KEY,
    org TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    -- Failed attempts so far (NULL: none).
    attempts BYTEA,
    -- When the next attempt is due (NULL: now).
    next_at_ms BIGINT
);

CREATE TABLE dead_letters (
    org TEXT COLLATE "C" NOT NULL,
    id BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE call_tasks (
    org TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

-- API tokens by the sha256 of their secret.
CREATE TABLE tokens (
    hash TEXT COLLATE "C" PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE SEQUENCE plugin_version_ids;

-- Each org's plug-in activations, oldest first.
CREATE TABLE plugin_versions (
    org TEXT COLLATE "C" NOT NULL,
    id BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE import_jobs (
    org TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);

-- Recorded plug-in inputs, once per digest per org.
CREATE TABLE inputs (
    org TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    at_ms BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, digest)
);
-- Expiry by age.
CREATE INDEX inputs_by_time ON inputs (at_ms);

CREATE SEQUENCE shadow_ids;

-- Shadow decisions per org and slot, the latest kept.
CREATE TABLE shadows (
    org TEXT COLLATE "C" NOT NULL,
    slot TEXT COLLATE "C" NOT NULL,
    id BIGINT NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, slot, id)
);
