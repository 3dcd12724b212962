-- Optimistic versions: every review action raises a case's version by one
-- in the same transaction. A request that names the version it was decided
-- on is refused (409 version_conflict) when the case has moved on since,
-- so of two concurrent changes to one case (on one server or on two
-- replicas sharing the database) one wins and the other is told, never
-- silently overwritten.
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
