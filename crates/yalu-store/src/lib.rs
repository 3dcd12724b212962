//! # yalu-store
//!
//! Yalu's persistence crate. Today it holds the API keys of the screening
//! server; cases and the audit log will live here too. The default backend is
//! one SQLite file (bundled SQLite, no server to run). The schema is created
//! and upgraded by plain SQL files under `migrations/`, applied in order and
//! recorded in the `schema_migrations` table.
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
//! Several processes may share one file (the server verifies keys while
//! `yalu keys create` adds one): the file is opened in WAL mode with a busy
//! timeout, and every verification reads the table, so a new or revoked key
//! takes effect on the next request.

mod error;
pub mod keys;
mod migrate;

pub use error::StoreError;
pub use keys::{ApiKeyInfo, CreatedKey, KeyStore, Role, VerifiedKey};

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open store: one SQLite connection, migrated to the latest schema.
///
/// `Store` is `Send + Sync`; statements are serialised on one connection,
/// which is ample for key look-ups (an indexed read of one row).
pub struct Store {
    conn: Mutex<Connection>,
    location: Option<PathBuf>,
}

impl Store {
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
        let conn = Connection::open(path).map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| StoreError::open(path, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError::open(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| StoreError::open(path, e))?;
        Self::with_connection(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory store (tests, demos).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(StoreError::Sqlite)?;
        Self::with_connection(conn, None)
    }

    fn with_connection(
        mut conn: Connection,
        location: Option<PathBuf>,
    ) -> Result<Store, StoreError> {
        migrate::apply(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
            location,
        })
    }

    /// The file behind this store (`None` when in memory).
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// The schema version: the number of the last migration applied.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrate::current_version(&self.lock())
    }

    /// API keys.
    pub fn keys(&self) -> KeyStore<'_> {
        KeyStore::new(self)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave the connection in a
        // state worse than an aborted statement; keep serving.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Formats Unix seconds as an RFC 3339 UTC timestamp (`2026-11-28T10:15:00Z`).
pub fn format_timestamp(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (proleptic Gregorian), after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
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
