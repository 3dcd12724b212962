-- PostgreSQL: the new columns, and the kind check of migration 2 admits
-- investigations.
ALTER TABLE cases ADD COLUMN investigation_id BIGINT REFERENCES cases (id);
ALTER TABLE cases ADD COLUMN priority DOUBLE PRECISION;
ALTER TABLE cases ADD COLUMN workers BIGINT;
ALTER TABLE cases DROP CONSTRAINT cases_kind_check;
ALTER TABLE cases ADD CONSTRAINT cases_kind_check
    CHECK (kind IN ('alert', 'hit', 'investigation'));
CREATE INDEX cases_investigation ON cases (investigation_id);
CREATE INDEX cases_priority ON cases (priority DESC, id DESC);
