-- SQLite cannot change a CHECK constraint in place: the cases table is
-- rebuilt with the kind check admitting investigations (the documented
-- procedure; the store runs migrations with foreign keys off and checks
-- them after). Columns and rows are copied unchanged; the new columns
-- start empty.
CREATE TABLE cases_rebuilt (
    id                    INTEGER PRIMARY KEY NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('alert', 'hit', 'investigation')),
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
    requested_resolution  TEXT,
    requested_by          TEXT,
    requested_rationale   TEXT,
    approved_by           TEXT,
    rationale             TEXT,
    closed_by             TEXT,
    payload               TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1,
    investigation_id      INTEGER REFERENCES cases (id),
    priority              REAL,
    workers               INTEGER
);
INSERT INTO cases_rebuilt SELECT id, kind, dedupe_key, rule, severity, status, resolution, title,
    subject_ids, evidence_ids, record_id, entity_id, entry_hash, score, estimated_revenue_usd,
    assignee, requested_resolution, requested_by, requested_rationale, approved_by, rationale,
    closed_by, payload, created_at, updated_at, version, NULL, NULL, NULL
FROM cases;
DROP TABLE cases;
ALTER TABLE cases_rebuilt RENAME TO cases;
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_rule ON cases (rule);
CREATE INDEX cases_pair ON cases (record_id, entity_id);
CREATE INDEX cases_kind_status ON cases (kind, status);
CREATE INDEX cases_investigation ON cases (investigation_id);
CREATE INDEX cases_priority ON cases (priority DESC, id DESC);
