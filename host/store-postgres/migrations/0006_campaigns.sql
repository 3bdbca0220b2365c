-- An org's campaigns (issue 22): what marketing runs and sales sees
-- coming, read whole per org (a few dozen a year), keyed as reps are.
CREATE TABLE campaigns (
    org TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    value BYTEA NOT NULL,
    PRIMARY KEY (org, id)
);
