-- API keys. The secret part of a key is never stored: only its SHA-256
-- hash. `key_id` is the short public prefix shown in `yalu keys list` and
-- used to find the row; it is not secret.
CREATE TABLE api_keys (
    key_id      TEXT PRIMARY KEY NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('screener', 'analyst', 'admin')),
    key_hash    BLOB NOT NULL,
    label       TEXT,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
