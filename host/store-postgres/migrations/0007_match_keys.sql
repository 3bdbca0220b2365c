-- The blocking-key index (issue 22): each blocking key a lead has
-- (`email-domain:acme.example`), so a new lead's duplicate candidates are
-- one index range per key, newest lead first.
CREATE TABLE match_keys (
    org TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    lead TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org, key, lead)
);
