//! Schema migrations: SQL files under `migrations/`, applied in order, each
//! in its own transaction, and recorded in `schema_migrations`.
//!
//! One set of files serves both backends. A migration is a common file,
//! written in the subset of SQL that SQLite and PostgreSQL share (for
//! PostgreSQL, the type words `INTEGER`, `REAL` and `BLOB` are translated,
//! see [`crate::db::postgres_ddl`]), plus, where the dialects truly differ
//! (triggers), one file per backend.
//!
//! To change the schema, add the next numbered file(s) and a row to
//! [`MIGRATIONS`]; never edit a migration that has been released.

use crate::StoreError;
use crate::db::{Backend, BackendKind, Sql, postgres_ddl};

/// One migration: version, name, common SQL, SQLite-only SQL, PostgreSQL-only SQL.
struct Migration {
    version: u32,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, in order.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_api_keys",
        common: include_str!("../migrations/0001_api_keys.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 2,
        name: "0002_cases",
        common: include_str!("../migrations/0002_cases.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "0003_audit_append_only",
        common: "",
        sqlite: include_str!("../migrations/0003_audit_append_only.sqlite.sql"),
        postgres: include_str!("../migrations/0003_audit_append_only.postgres.sql"),
    },
    Migration {
        version: 4,
        name: "0004_case_search",
        common: include_str!("../migrations/0004_case_search.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "0005_key_generation",
        common: include_str!("../migrations/0005_key_generation.sql"),
        sqlite: include_str!("../migrations/0005_key_generation.sqlite.sql"),
        postgres: include_str!("../migrations/0005_key_generation.postgres.sql"),
    },
    Migration {
        version: 6,
        name: "0006_case_version",
        common: include_str!("../migrations/0006_case_version.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "0007_case_list_indexes",
        common: include_str!("../migrations/0007_case_list_indexes.sql"),
        sqlite: include_str!("../migrations/0007_case_list_indexes.sqlite.sql"),
        postgres: "",
    },
    Migration {
        version: 8,
        name: "0008_investigations",
        common: include_str!("../migrations/0008_investigations.sql"),
        sqlite: include_str!("../migrations/0008_investigations.sqlite.sql"),
        postgres: include_str!("../migrations/0008_investigations.postgres.sql"),
    },
];

/// Arbitrary key of the PostgreSQL advisory lock held while migrating, so
/// two processes starting at once do not both migrate.
const PG_MIGRATION_LOCK: i64 = 0x59_61_6c_75; // "Yalu"

pub(crate) fn current_version(db: &mut dyn Sql) -> Result<u32, StoreError> {
    let row = db.query_one("SELECT MAX(version) FROM schema_migrations", &[])?;
    Ok(row[0].opt_int()?.unwrap_or(0) as u32)
}

pub(crate) fn known_version() -> u32 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

pub(crate) fn apply(backend: &Backend) -> Result<(), StoreError> {
    let kind = backend.kind();
    if kind == BackendKind::Postgres {
        backend.run(|db| db.batch(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})")))?;
    }
    let outcome = apply_all(backend, kind);
    if kind == BackendKind::Postgres {
        backend.run(|db| db.batch(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})")))?;
    }
    outcome
}

fn apply_all(backend: &Backend, kind: BackendKind) -> Result<(), StoreError> {
    let create = "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY NOT NULL,
            name       TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )";
    backend.run(|db| match kind {
        BackendKind::Sqlite => db.batch(create),
        BackendKind::Postgres => db.batch(&postgres_ddl(create)),
    })?;
    let current = backend.run(current_version)?;
    let known = known_version();
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    // SQLite rebuilds a table to change it (migration 8); that needs
    // foreign keys off, which only takes effect outside a transaction.
    // They are checked once every migration has run, and turned back on.
    let sqlite = kind == BackendKind::Sqlite && current < known;
    if sqlite {
        backend.run(|db| db.batch("PRAGMA foreign_keys = OFF"))?;
    }
    let outcome = apply_pending(backend, kind, current);
    if sqlite {
        let checked = backend.run(|db| {
            let broken = db.query("PRAGMA foreign_key_check", &[])?;
            db.batch("PRAGMA foreign_keys = ON")?;
            Ok(broken.len())
        });
        outcome?;
        if checked? > 0 {
            return Err(StoreError::Decode(
                "the migrated store has rows whose references point nowhere".into(),
            ));
        }
        return Ok(());
    }
    outcome
}

fn apply_pending(backend: &Backend, kind: BackendKind, current: u32) -> Result<(), StoreError> {
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let sql = match kind {
            BackendKind::Sqlite => format!("{}\n{}", m.common, m.sqlite),
            BackendKind::Postgres => format!("{}\n{}", postgres_ddl(m.common), m.postgres),
        };
        let name = m.name;
        backend
            .transaction(|db| {
                db.batch(&sql)?;
                db.exec(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    &[
                        i64::from(m.version).into(),
                        name.into(),
                        crate::unix_now().into(),
                    ],
                )?;
                Ok(())
            })
            .map_err(|source| StoreError::Migration {
                name,
                source: Box::new(source),
            })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{} is out of order", m.name);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
            assert!(
                !m.common.is_empty() || (!m.sqlite.is_empty() && !m.postgres.is_empty()),
                "{} has no SQL for one backend",
                m.name
            );
        }
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let backend = Backend::sqlite(conn);
        apply(&backend).unwrap();
        backend
            .run(|db| db.batch("INSERT INTO schema_migrations VALUES (999, 'future', 0)"))
            .unwrap();
        assert!(matches!(
            apply(&backend),
            Err(StoreError::TooNew { found: 999, .. })
        ));
    }
}
