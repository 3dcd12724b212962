//! # yalu-store
//!
//! Yalu's persistence crate: the API keys of the screening server, the
//! cases analysts review (alerts from `yalu detect`, hits from `yalu
//! screen`), and the append-only audit log of every review action. The
//! default backend is one SQLite file (bundled SQLite, no server to run);
//! [`Store::open_url`] with a `postgres://` URL uses PostgreSQL instead. The
//! schema is created and upgraded by one set of plain SQL files under
//! `migrations/`, applied in order and recorded in the `schema_migrations`
//! table. See [`cases`] for the review flow.
//!
//! ## Tutorial
//!
//! Open (or create) a store, create a key for a role, hand the plaintext key
//! to its user (it is shown once and never stored), and verify keys as they
//! arrive with requests:
//!
//! ```
//! use yalu_store::{Role, Store};
//!
//! let store = Store::open_in_memory()?;
//! let keys = store.keys();
//! let created = keys.create(Role::Analyst, Some("case team"))?;
//! // `created.key` is the only copy of the secret: print it once.
//! let verified = keys.verify(&created.key)?.expect("a fresh key is valid");
//! assert_eq!(verified.role, Role::Analyst);
//! assert!(verified.role.allows(Role::Screener));
//! assert!(!verified.role.allows(Role::Admin));
//!
//! keys.revoke(&created.id)?;
//! assert!(keys.verify(&created.key)?.is_none());
//! # Ok::<(), yalu_store::StoreError>(())
//! ```
//!
//! A key looks like `yalu_3f9c0a12b4de_<64 hex digits>`: the middle part is
//! the key id, kept in clear for lookup and listing; the whole key is hashed
//! with SHA-256 and only the hash is stored. Keys carry 256 random bits, so a
//! fast hash is enough (no password-stretching is needed), and hashes are
//! compared in constant time.
//!
//! Cases come from `yalu detect` alerts and `yalu screen` hits; analysts
//! assign, comment, move, close and approve them, and every action lands in
//! the append-only audit log in the same transaction (see [`cases`] for the
//! flow and a runnable example).
//!
//! ## PostgreSQL
//!
//! `Store::open_url("postgres://user@host:5432/db")` keeps everything in
//! PostgreSQL (synchronous `postgres` client, plain TCP). The same migration
//! files serve both backends: they are written in the SQL both share, with
//! SQLite's `INTEGER`/`REAL`/`BLOB` read as `BIGINT`/`DOUBLE PRECISION`/
//! `BYTEA` on PostgreSQL; only the audit log's guard triggers differ per
//! backend. A closed connection is reopened on the next call.
//!
//! Several processes may share one file (the server verifies keys while
//! `yalu keys create` adds one): the file is opened in WAL mode with a busy
//! timeout. Keys are verified against an in-memory copy that follows the
//! store (see [`keys`]): a new or revoked key takes effect on the next
//! request on a SQLite file, and within [`keys::PG_POLL`] on every server
//! sharing a PostgreSQL database (milliseconds, by `LISTEN`/`NOTIFY`).
//!
//! Review actions and imports are written by one writer thread per store
//! that groups the writes arriving together into one transaction and one
//! commit, each in a savepoint of its own (`src/group.rs`); a call returns
//! only after its commit.
//!
//! Cases carry a `version` that every review action raises by one: an
//! action decided on an older version is refused with
//! [`StoreError::VersionConflict`] ([`CaseStore::at_version`]).

pub mod cases;
mod db;
mod error;
mod group;
pub mod keys;
mod migrate;

pub use cases::{
    AuditEntry, BulkAction, COUNT_LIMIT, Case, CaseCount, CaseDetail, CaseFilter, CaseKind,
    CaseSort, CaseStatus, CaseStore, Comment, Dashboard, ImportReport, Resolution,
};
pub use db::BackendKind;
pub use error::StoreError;
pub use group::WriteStats;
pub use keys::{ApiKeyInfo, CreatedKey, KeyStore, Role, VerifiedKey};

use db::Backend;
use keys::{KeyCache, Origin};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open store: one connection (SQLite file or PostgreSQL server),
/// migrated to the latest schema.
///
/// `Store` is `Send + Sync`; statements are serialised on one connection,
/// which is ample for key look-ups and case review. Every call blocks the
/// calling thread (in async code, call it from `spawn_blocking`; the
/// PostgreSQL client must not run on an async worker thread).
pub struct Store {
    backend: Backend,
    origin: Origin,
    description: String,
    key_cache: KeyCache,
}

impl Store {
    /// Opens `database`: a `postgres://` or `postgresql://` URL selects
    /// PostgreSQL, anything else is the path of a SQLite file.
    pub fn open_url(database: &str) -> Result<Store, StoreError> {
        if is_postgres_url(database) {
            Store::open_postgres(database, None)
        } else {
            Store::open(Path::new(database))
        }
    }

    /// Opens the SQLite file at `path`, creating it (and its parent folder)
    /// if needed, and applies pending migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = open_sqlite(path)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| StoreError::open(path, e))?;
        let readers = (0..SQLITE_READERS)
            .map(|_| open_sqlite_reader(path))
            .collect::<Result<Vec<_>, _>>()?;
        Self::with_backend(
            Backend::sqlite(conn).with_readers(readers),
            Origin::SqliteFile(path.to_path_buf()),
            format!("SQLite file {}", path.display()),
        )
    }

    /// A private in-memory SQLite store (tests, demos).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(StoreError::Sqlite)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Self::with_backend(
            Backend::sqlite(conn),
            Origin::SqliteMemory,
            "SQLite in memory".to_string(),
        )
    }

    /// Connects to PostgreSQL at `url` (plain TCP, no TLS) and applies
    /// pending migrations. With `schema`, the store lives in that schema
    /// (created if missing) instead of the connection's default one, which
    /// lets several stores share one database (tests do this).
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let mut description = format!("PostgreSQL {}", redact_url(url));
        if let Some(schema) = schema {
            let valid = !schema.is_empty()
                && schema.len() <= 63
                && !schema.starts_with(|c: char| c.is_ascii_digit())
                && schema
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(StoreError::BadSchemaName(schema.to_string()));
            }
            description.push_str(&format!(" (schema {schema})"));
        }
        Self::with_backend(
            Backend::postgres(db::PgClient::connect(url, schema)?),
            Origin::Postgres {
                url: url.to_string(),
                schema: schema.map(str::to_string),
            },
            description,
        )
    }

    /// Drops a schema made by [`Store::open_postgres`] with `Some(schema)`,
    /// with everything in it (tests clean up with this). The audit log's
    /// guard refuses row changes, not dropping the whole store.
    pub fn drop_postgres_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(StoreError::BadSchemaName(schema.to_string()));
        }
        let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(|source| {
            StoreError::Connect {
                url: redact_url(url),
                source,
            }
        })?;
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
        Ok(())
    }

    /// Runs one raw statement (tests of the database's own guards).
    #[doc(hidden)]
    pub fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        self.backend.run(|db| db.exec(sql, &[]))
    }

    fn with_backend(
        backend: Backend,
        origin: Origin,
        description: String,
    ) -> Result<Store, StoreError> {
        migrate::apply(&backend)?;
        Ok(Store {
            backend,
            origin,
            description,
            key_cache: KeyCache::default(),
        })
    }

    /// The SQLite file behind this store (`None` in memory or on PostgreSQL).
    pub fn location(&self) -> Option<&Path> {
        match &self.origin {
            Origin::SqliteFile(path) => Some(path),
            _ => None,
        }
    }

    /// Where the store is, for messages (a PostgreSQL password is never shown).
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Which database this store uses.
    pub fn backend(&self) -> BackendKind {
        self.backend.kind()
    }

    /// The schema version: the number of the last migration applied.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.backend.run(migrate::current_version)
    }

    /// Writes run so far and the transactions they were grouped into.
    pub fn write_stats(&self) -> WriteStats {
        self.backend.write_stats()
    }

    /// API keys.
    pub fn keys(&self) -> KeyStore<'_> {
        KeyStore::new(self)
    }

    /// Cases, their review and the audit log.
    pub fn cases(&self) -> CaseStore<'_> {
        CaseStore::new(self)
    }

    pub(crate) fn db(&self) -> &Backend {
        &self.backend
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    pub(crate) fn key_cache(&self) -> &KeyCache {
        &self.key_cache
    }
}

/// A connection to the SQLite file at `path`: WAL mode, busy timeout.
pub(crate) fn open_sqlite(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::open(path, e))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| StoreError::open(path, e))?;
    Ok(conn)
}

/// Read-only connections a SQLite file store keeps beside its one writing
/// connection: as many as the workbench's reads run at once on two cores,
/// with room for a slow one.
const SQLITE_READERS: usize = 3;

/// A read-only connection to the SQLite file at `path` (which exists: the
/// writing connection created it), for [`db::Backend::read`].
fn open_sqlite_reader(path: &Path) -> Result<Connection, StoreError> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::open(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::open(path, e))?;
    Ok(conn)
}

/// True for `postgres://` and `postgresql://` URLs.
pub fn is_postgres_url(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// The URL with its password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn unix_now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Formats Unix milliseconds as RFC 3339 UTC with milliseconds
/// (`2026-11-28T10:15:00.123Z`). Times before 1970 print as the epoch.
pub fn format_timestamp_millis(millis: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(millis.max(0) as u64);
    humantime::format_rfc3339_millis(at).to_string()
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Formats Unix seconds as an RFC 3339 UTC timestamp (`2026-11-28T10:15:00Z`).
/// Times before 1970 print as the epoch.
pub fn format_timestamp(unix: i64) -> String {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(format_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_timestamp(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn millisecond_timestamps_and_redacted_urls() {
        assert_eq!(format_timestamp_millis(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(
            redact_url("postgres://bob:secret@db:5432/yalu"),
            "postgres://bob:***@db:5432/yalu"
        );
        assert_eq!(
            redact_url("postgres://root@127.0.0.1/test"),
            "postgres://root@127.0.0.1/test"
        );
        assert!(is_postgres_url("postgresql://x/y"));
        assert!(!is_postgres_url("yalu.db"));
    }

    #[test]
    fn file_store_migrates_once_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("yalu.db");
        let store = Store::open(&path).unwrap();
        let v = store.schema_version().unwrap();
        assert!(v >= 1);
        let key = store.keys().create(Role::Admin, None).unwrap();
        drop(store);
        let again = Store::open(&path).unwrap();
        assert_eq!(again.schema_version().unwrap(), v);
        assert_eq!(
            again.keys().verify(&key.key).unwrap().map(|k| k.role),
            Some(Role::Admin)
        );
    }

    #[test]
    fn a_second_connection_sees_new_keys_without_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yalu.db");
        let server = Store::open(&path).unwrap();
        let cli = Store::open(&path).unwrap();
        let key = cli.keys().create(Role::Screener, None).unwrap();
        assert!(server.keys().verify(&key.key).unwrap().is_some());
        cli.keys().revoke(&key.id).unwrap();
        assert!(server.keys().verify(&key.key).unwrap().is_none());
    }
}
