-- A counter that moves with every change to `api_keys` (triggers below,
-- per backend). Servers keep the keys in memory and check them there;
-- they read this one row to learn whether the keys changed (SQLite: when
-- `PRAGMA data_version` says the file changed; PostgreSQL: as a backstop
-- to the `yalu_keys` notification), and only then read the keys again.
CREATE TABLE key_generation (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO key_generation (id, generation) VALUES (1, 0);
