-- The case list's filters as the store grows (docs/reliability.md, "the
-- case list at 30,000 cases"): `kind` with `status` had no index, so
-- `?kind=hit&status=in_review` read every case of that status in full to
-- test its kind (36 ms at 30,000 cases). This index answers the filter, its
-- count and its newest-first page.
CREATE INDEX IF NOT EXISTS cases_kind_status ON cases (kind, status);
