-- Plug-in files every host of the database finds: each component, and the
-- text of the sample cases a version passed, under the sha256 of its bytes
-- (hex). Written once (content-addressed), never changed.
CREATE TABLE plugin_files (
    digest TEXT COLLATE "C" PRIMARY KEY,
    bytes BYTEA NOT NULL
);
