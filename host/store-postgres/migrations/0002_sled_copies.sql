-- leadhost's PostgreSQL schema, version 2: the orgs `leadhost migrate`
-- copied from a sled store. An org is copied in one transaction that also
-- writes its row here, so a copy stopped part-way leaves nothing, and a
-- second run finds the orgs already copied and leaves them alone.
CREATE TABLE sled_copies (
    org TEXT COLLATE "C" PRIMARY KEY,
    -- The sled store's folder, as the copy named it.
    source TEXT NOT NULL,
    copied_at_ms BIGINT NOT NULL
);
