-- Each org's plug-in history mark: a counter moved in the transaction that
-- adds a version to its history, so hosts polling for each other's
-- activations read one row per org instead of scanning plugin_versions
-- (a max(id) that also missed an entry committed after a higher id).
CREATE TABLE plugin_history_marks (
    org TEXT COLLATE "C" PRIMARY KEY,
    mark BIGINT NOT NULL
);

INSERT INTO plugin_history_marks (org, mark)
SELECT org, count(*) FROM plugin_versions GROUP BY org;
