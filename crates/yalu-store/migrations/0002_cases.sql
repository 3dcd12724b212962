-- Cases: alerts from `yalu detect` and hits from `yalu screen` (or the
-- API) under review. Written in the SQL that SQLite and PostgreSQL share;
-- for PostgreSQL INTEGER/REAL/BLOB become BIGINT/DOUBLE PRECISION/BYTEA.
-- Ids (cases.id, case_comments.id, audit_log.seq) are given by the store
-- as MAX + 1 inside the writing transaction, which holds the write lock,
-- so they have no gaps.
CREATE TABLE cases (
    id                    INTEGER PRIMARY KEY NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('alert', 'hit')),
    -- `alert:<alert_id>` or `hit:<record>|<entity>|<entry hash>`: importing
    -- the same finding twice finds this row instead of adding one.
    dedupe_key            TEXT NOT NULL UNIQUE,
    rule                  TEXT NOT NULL,
    severity              TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN
                              ('open', 'in_review', 'escalated', 'pending_approval', 'closed')),
    resolution            TEXT CHECK (resolution IS NULL OR resolution IN
                              ('true_match', 'false_positive', 'not_actionable')),
    title                 TEXT NOT NULL,
    subject_ids           TEXT NOT NULL,
    evidence_ids          TEXT NOT NULL,
    record_id             TEXT,
    entity_id             TEXT,
    entry_hash            TEXT,
    score                 REAL,
    estimated_revenue_usd REAL,
    assignee              TEXT,
    -- A requested closing that waits for a second analyst (four eyes).
    requested_resolution  TEXT,
    requested_by          TEXT,
    requested_rationale   TEXT,
    approved_by           TEXT,
    rationale             TEXT,
    closed_by             TEXT,
    payload               TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_rule ON cases (rule);
CREATE INDEX cases_pair ON cases (record_id, entity_id);

CREATE TABLE case_comments (
    id         INTEGER PRIMARY KEY NOT NULL,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    author     TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_comments_case ON case_comments (case_id);

-- A (record, list entry) pair closed as a false positive, for one version
-- of the entry (the hash of its properties). A hit on the same pair and the
-- same version is not raised again; a changed entry is.
CREATE TABLE suppressions (
    record_id  TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (record_id, entity_id, entry_hash)
);

-- The append-only audit log: who did what, when, to which case, and the
-- case's state before and after (JSON). Rows are only ever inserted, in
-- the same transaction as the change they record; migration 0003 makes
-- the database itself refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY NOT NULL,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases (id),
    before_state TEXT,
    after_state  TEXT,
    detail       TEXT
);
CREATE INDEX audit_log_case ON audit_log (case_id);
