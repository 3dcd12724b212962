-- Investigations: alerts and hits that share a network (an agency, an
-- employer, a resolved person) are worked as one case of kind
-- `investigation`; each alert or hit case names its investigation. An
-- investigation is a row of `cases` so that it has the whole review flow
-- (assignee, status, rationale, four eyes, versions, audit).
-- The new columns of `cases` (per backend, as SQLite rebuilds the table):
-- `investigation_id` (an alert's or hit's investigation), `priority`
-- (ranks the queue: severity, workers, revenue, see `cases::priority`),
-- `workers` (distinct workers concerned).
-- The network keys (`org:ID`, `person:ID`, as the importer gives them) an
-- investigation holds: an alert that names one of them joins it. A key
-- belongs to one investigation; a closed investigation hands its keys to
-- the next one opened on them.
CREATE TABLE investigation_keys (
    key              TEXT PRIMARY KEY NOT NULL,
    investigation_id INTEGER NOT NULL REFERENCES cases (id)
);
-- The distinct workers (resolved persons) of an investigation.
CREATE TABLE investigation_workers (
    investigation_id INTEGER NOT NULL REFERENCES cases (id),
    worker           TEXT NOT NULL,
    PRIMARY KEY (investigation_id, worker)
);
