//! API keys with roles, stored only as hashes, and the in-memory copy of
//! them that every request is checked against.
//!
//! ## Checking keys without waiting on the store
//!
//! [`KeyStore::verify`] reads a copy of the `api_keys` table held in
//! memory (`KeyCache`), never the store's connection, which writes (and
//! their commits) hold. The copy is refreshed when the keys change:
//!
//! - **SQLite file**: before each check, `PRAGMA data_version` on a
//!   connection of the copy's own (which never writes and never keeps a
//!   transaction open). The number changes when any other connection, in
//!   this process or another (`yalu keys revoke`), committed; only then is
//!   the one-row `key_generation` counter read, which triggers on
//!   `api_keys` raise with every key change, and only when it moved are the
//!   keys read again. A revoked key fails on the very next request.
//! - **PostgreSQL**: a thread of the copy's own `LISTEN`s on `yalu_keys`,
//!   which a trigger on `api_keys` notifies (with the schema's name) when a
//!   key changes, and reads the keys again; the notification arrives
//!   milliseconds after the commit. Every [`PG_POLL`] without one, it reads
//!   the counter as well, so a lost connection or notification costs at
//!   most that long. Checks themselves never touch the database.
//! - **In memory** (tests, demos): only this store can write; each of its
//!   key changes refreshes the copy.
//!
//! In every case a key created or revoked through a [`Store`] refreshes
//! that store's copy before the call returns, so on the server where it was
//! revoked the very next request fails; other servers on the same database
//! follow within [`PG_POLL`] at worst (PostgreSQL), or on their next request
//! (a shared SQLite file).

use crate::db::{Row, Sql, Value, lock, pg_connect};
use crate::{Store, StoreError, format_timestamp, unix_now};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;
use subtle::ConstantTimeEq;

/// PostgreSQL: longest the copy goes without reading the key counter when
/// no notification came (a backstop for a lost connection).
pub const PG_POLL: Duration = Duration::from_millis(250);
/// PostgreSQL: wait before reconnecting the listener after a failure.
const PG_RETRY: Duration = Duration::from_millis(200);

/// What a key may do. Roles are ordered: `Screener < Analyst < Admin`, and a
/// role may do everything a lower one may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Screens names: match, search, entity look-up, catalog.
    Screener,
    /// A screener who may also see operational data (metrics) and, later,
    /// cases and the audit log.
    Analyst,
    /// May also reload the index and manage the server.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Screener, Role::Analyst, Role::Admin];

    /// The role's name as stored and as given on the command line and in
    /// the admin API (`screener`, `analyst`, `admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Screener => "screener",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// True when this role may do what `required` may.
    pub fn allows(self, required: Role) -> bool {
        self >= required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| StoreError::UnknownRole(s.to_string()))
    }
}

/// A key just created. `key` is the plaintext secret: show it once, it
/// cannot be recovered.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The key's public id (12 hex digits), safe to log and to revoke by.
    pub id: String,
    /// What the key may do.
    pub role: Role,
    /// The whole secret to hand to the client, `yalu_<id>_<secret>`; only
    /// its hash is stored.
    pub key: String,
}

/// A key that verified: its id (for logs) and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKey {
    /// The key's public id, for logs and the audit trail.
    pub id: String,
    /// What the request may do.
    pub role: Role,
    /// The label given at creation, if any.
    pub label: Option<String>,
}

/// A key as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    /// The key's public id.
    pub id: String,
    /// What the key may do.
    pub role: Role,
    /// The label given at creation (who or what uses the key), if any.
    pub label: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC, when revoked.
    pub revoked_at: Option<String>,
}

const PREFIX: &str = "yalu_";
/// Random bytes in the public key id (12 hex digits).
const ID_BYTES: usize = 6;
/// Random bytes in the secret (64 hex digits, 256 bits).
const SECRET_BYTES: usize = 32;

/// API keys in a [`Store`].
pub struct KeyStore<'s> {
    store: &'s Store,
}

impl<'s> KeyStore<'s> {
    pub(crate) fn new(store: &'s Store) -> Self {
        KeyStore { store }
    }

    /// Creates a key for `role`. The returned plaintext key is not stored.
    /// It is valid for this store's checks when the call returns.
    pub fn create(&self, role: Role, label: Option<&str>) -> Result<CreatedKey, StoreError> {
        let id = hex(&random_bytes::<ID_BYTES>()?);
        let secret = hex(&random_bytes::<SECRET_BYTES>()?);
        let key = format!("{PREFIX}{id}_{secret}");
        let hash = Sha256::digest(key.as_bytes());
        self.store.db().run(|db| {
            db.exec(
                "INSERT INTO api_keys (key_id, role, key_hash, label, created_at)
                 VALUES (?, ?, ?, ?, ?)",
                &[
                    id.as_str().into(),
                    role.as_str().into(),
                    hash.as_slice().into(),
                    label.into(),
                    unix_now().into(),
                ],
            )
        })?;
        self.store.key_cache().reload_from(self.store)?;
        Ok(CreatedKey { id, role, key })
    }

    /// Every key, revoked ones included, oldest first.
    pub fn list(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let rows = self.store.db().run(|db| {
            db.query(
                "SELECT key_id, role, label, created_at, revoked_at FROM api_keys
                 ORDER BY created_at, key_id",
                &[],
            )
        })?;
        rows.iter()
            .map(|r| {
                Ok(ApiKeyInfo {
                    id: r[0].text()?,
                    role: r[1].text()?.parse()?,
                    label: r[2].opt_text()?,
                    created_at: format_timestamp(r[3].int()?),
                    revoked_at: r[4].opt_int()?.map(format_timestamp),
                })
            })
            .collect()
    }

    /// Revokes a key by id. Returns false when no active key has that id.
    /// Once it returns, this store's checks refuse the key.
    pub fn revoke(&self, id: &str) -> Result<bool, StoreError> {
        let n = self.store.db().run(|db| {
            db.exec(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                &[unix_now().into(), id.into()],
            )
        })?;
        self.store.key_cache().reload_from(self.store)?;
        Ok(n == 1)
    }

    /// Checks a presented key against the in-memory copy of the keys (see
    /// the module docs: it never waits on the store's writes). `Ok(None)`
    /// for a malformed, unknown or revoked key; the role when the key is
    /// valid. The first call loads the copy and starts watching the store.
    pub fn verify(&self, presented: &str) -> Result<Option<VerifiedKey>, StoreError> {
        let Some(id) = key_id(presented) else {
            return Ok(None);
        };
        let keys = self.store.key_cache().fresh(self.store)?;
        let Some(key) = keys.get(id) else {
            return Ok(None);
        };
        let hash = Sha256::digest(presented.as_bytes());
        let equal: bool = hash.as_slice().ct_eq(&key.hash).into();
        if !equal || key.revoked {
            return Ok(None);
        }
        Ok(Some(VerifiedKey {
            id: id.to_string(),
            role: key.role,
            label: key.label.clone(),
        }))
    }

    /// The display name given to each key that has one (its label), by key
    /// id, revoked keys included (they still name who did what), from the
    /// in-memory copy.
    pub fn names(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let keys = self.store.key_cache().fresh(self.store)?;
        Ok(keys
            .iter()
            .filter_map(|(id, k)| k.label.clone().map(|l| (id.clone(), l)))
            .collect())
    }

    /// Loads the in-memory copy of the keys and starts watching the store
    /// for changes, if that has not happened yet. [`KeyStore::verify`] does
    /// it on first use; a server calls this before it accepts requests.
    pub fn prepare(&self) -> Result<(), StoreError> {
        self.store.key_cache().fresh(self.store).map(|_| ())
    }

    /// Number of active (not revoked) keys.
    pub fn active_count(&self) -> Result<usize, StoreError> {
        let row = self.store.db().run(|db| {
            db.query_one(
                "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL",
                &[],
            )
        })?;
        Ok(row[0].int()? as usize)
    }
}

// ------------------------------------------------------- the in-memory copy

/// A key as the in-memory copy holds it.
struct CachedKey {
    role: Role,
    hash: Vec<u8>,
    label: Option<String>,
    revoked: bool,
}

type KeyMap = HashMap<String, CachedKey>;

/// The copy and the `key_generation` counter it was read at: a copy read
/// earlier never replaces one read later.
type Shared = Arc<RwLock<(i64, Arc<KeyMap>)>>;

/// Where a store's data lives, so the copy can open a connection of its own.
pub(crate) enum Origin {
    SqliteFile(PathBuf),
    SqliteMemory,
    Postgres { url: String, schema: Option<String> },
}

/// The in-memory copy of the `api_keys` table (module docs).
#[derive(Default)]
pub(crate) struct KeyCache {
    keys: Shared,
    watch: OnceLock<Watch>,
    starting: Mutex<()>,
}

/// How the copy learns that the keys changed.
enum Watch {
    SqliteFile(Mutex<SqliteWatch>),
    Local,
    Postgres {
        /// Stops the thread when the store is dropped.
        _listener: PgListener,
    },
}

struct SqliteWatch {
    conn: rusqlite::Connection,
    data_version: i64,
    generation: i64,
}

/// Stops the listener thread when the store is dropped (it notices within
/// [`PG_POLL`]).
struct PgListener {
    stop: Arc<AtomicBool>,
}

impl Drop for PgListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Every key and the counter, in one statement (one snapshot).
const LOAD_KEYS: &str = "SELECT g.generation, k.key_id, k.role, k.key_hash, k.label, k.revoked_at
     FROM key_generation g LEFT JOIN api_keys k ON 1 = 1";

fn load_keys(db: &mut dyn Sql) -> Result<(i64, KeyMap), StoreError> {
    let rows = db.query(LOAD_KEYS, &[])?;
    let generation = rows
        .first()
        .ok_or_else(|| StoreError::Decode("the key_generation row is missing".into()))?[0]
        .int()?;
    let mut keys = KeyMap::with_capacity(rows.len());
    for r in rows.iter().filter(|r| r[1] != Value::Null) {
        keys.insert(r[1].text()?, cached_key(r)?);
    }
    Ok((generation, keys))
}

fn cached_key(r: &Row) -> Result<CachedKey, StoreError> {
    Ok(CachedKey {
        role: r[2].text()?.parse()?,
        hash: r[3].blob()?,
        label: r[4].opt_text()?,
        revoked: r[5].opt_int()?.is_some(),
    })
}

fn current_generation(db: &mut dyn Sql) -> Result<i64, StoreError> {
    db.query_one("SELECT generation FROM key_generation", &[])?[0].int()
}

fn install(shared: &Shared, generation: i64, keys: KeyMap) {
    let mut slot = shared.write().unwrap_or_else(|e| e.into_inner());
    if generation >= slot.0 {
        *slot = (generation, Arc::new(keys));
    }
}

impl KeyCache {
    /// The copy, refreshed first where that is checked per call (a SQLite
    /// file); starts watching on first use.
    fn fresh(&self, store: &Store) -> Result<Arc<KeyMap>, StoreError> {
        if let Watch::SqliteFile(w) = self.watch(store)? {
            lock(w).refresh(&self.keys)?;
        }
        Ok(self
            .keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone())
    }

    /// After this store changed a key: read the keys again through the
    /// store's own connection (when anyone reads the copy yet).
    pub(crate) fn reload_from(&self, store: &Store) -> Result<(), StoreError> {
        if self.watch.get().is_some() {
            let (generation, keys) = store.db().run(load_keys)?;
            install(&self.keys, generation, keys);
        }
        Ok(())
    }

    fn watch(&self, store: &Store) -> Result<&Watch, StoreError> {
        if let Some(w) = self.watch.get() {
            return Ok(w);
        }
        let _one = lock(&self.starting);
        if let Some(w) = self.watch.get() {
            return Ok(w);
        }
        let (generation, keys) = store.db().run(load_keys)?;
        install(&self.keys, generation, keys);
        let watch = match store.origin() {
            Origin::SqliteMemory => Watch::Local,
            Origin::SqliteFile(path) => {
                let conn = crate::open_sqlite(path)?;
                let mut w = SqliteWatch {
                    conn,
                    data_version: -1,
                    generation: -1,
                };
                w.refresh(&self.keys)?;
                Watch::SqliteFile(Mutex::new(w))
            }
            Origin::Postgres { url, schema } => {
                let stop = Arc::new(AtomicBool::new(false));
                let (url, schema, keys, halt) =
                    (url.clone(), schema.clone(), self.keys.clone(), stop.clone());
                std::thread::Builder::new()
                    .name("yalu-key-listener".into())
                    .spawn(move || listen(&url, schema.as_deref(), &keys, &halt))
                    .map_err(|e| {
                        StoreError::Decode(format!("cannot start the key listener: {e}"))
                    })?;
                Watch::Postgres {
                    _listener: PgListener { stop },
                }
            }
        };
        Ok(self.watch.get_or_init(|| watch))
    }
}

impl SqliteWatch {
    fn refresh(&mut self, shared: &Shared) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if version == self.data_version {
            return Ok(());
        }
        self.data_version = version;
        let generation = current_generation(&mut self.conn)?;
        if generation != self.generation {
            let (generation, keys) = load_keys(&mut self.conn)?;
            install(shared, generation, keys);
            self.generation = generation;
        }
        Ok(())
    }
}

/// The PostgreSQL listener thread: (re)connects, `LISTEN`s, reads the keys,
/// then reads them again on each notification for its schema, or when the
/// counter moved without one. Ends when `stop` is set.
fn listen(url: &str, schema: Option<&str>, shared: &Shared, stop: &AtomicBool) {
    let mut failing = false;
    while !stop.load(Ordering::Relaxed) {
        let mut client = match pg_connect(url, schema) {
            Ok(c) => {
                failing = false;
                c
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "the key listener cannot connect; retrying");
                    failing = true;
                }
                std::thread::sleep(PG_RETRY);
                continue;
            }
        };
        let mine = match client
            .batch_execute("LISTEN yalu_keys")
            .and_then(|()| client.query_one("SELECT current_schema()", &[]))
        {
            Ok(row) => row.get::<_, String>(0),
            Err(_) => {
                std::thread::sleep(PG_RETRY);
                continue;
            }
        };
        let Ok((mut generation, keys)) = load_keys(&mut client) else {
            std::thread::sleep(PG_RETRY);
            continue;
        };
        install(shared, generation, keys);
        while !stop.load(Ordering::Relaxed) && !client.is_closed() {
            use postgres::fallible_iterator::FallibleIterator;
            let mut changed = false;
            {
                let mut notes = client.notifications();
                let first = notes.timeout_iter(PG_POLL).next();
                if let Ok(Some(n)) = first {
                    changed |= n.payload() == mine;
                    // Drain whatever else already arrived.
                    let mut more = notes.iter();
                    while let Ok(Some(n)) = more.next() {
                        changed |= n.payload() == mine;
                    }
                }
            }
            if !changed {
                match current_generation(&mut client) {
                    Ok(g) => changed = g != generation,
                    Err(_) => break,
                }
            }
            if changed {
                match load_keys(&mut client) {
                    Ok((g, keys)) => {
                        install(shared, g, keys);
                        generation = g;
                    }
                    Err(_) => break,
                }
            }
        }
    }
}

/// The id part of a well-formed key, else `None`.
fn key_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let is_hex = |s: &str, len: usize| {
        s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    (is_hex(id, ID_BYTES * 2) && is_hex(secret, SECRET_BYTES * 2)).then_some(id)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(buf)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.allows(Role::Analyst));
        assert!(Role::Analyst.allows(Role::Screener));
        assert!(!Role::Screener.allows(Role::Analyst));
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_the_hash_is_stored() {
        let store = Store::open_in_memory().unwrap();
        let created = store.keys().create(Role::Screener, Some("t")).unwrap();
        let row = store
            .db()
            .run(|db| db.query_one("SELECT key_id, key_hash FROM api_keys", &[]))
            .unwrap();
        let (id, hash) = (row[0].text().unwrap(), row[1].blob().unwrap());
        assert_eq!(id, created.id);
        assert_eq!(hash.len(), 32);
        let secret = created.key.rsplit('_').next().unwrap();
        assert_eq!(secret.len(), 64);
        // Neither the key nor its secret part appear in the row.
        assert!(!hash.windows(8).any(|w| secret.as_bytes().starts_with(w)));
        assert_ne!(hash, created.key.as_bytes());
    }

    #[test]
    fn verify_rejects_wrong_malformed_and_revoked_keys() {
        let store = Store::open_in_memory().unwrap();
        let keys = store.keys();
        let a = keys.create(Role::Admin, None).unwrap();
        let b = keys.create(Role::Screener, None).unwrap();
        assert_ne!(a.key, b.key);
        assert_eq!(keys.verify(&a.key).unwrap().unwrap().role, Role::Admin);
        assert_eq!(keys.verify(&b.key).unwrap().unwrap().role, Role::Screener);
        // Right id, wrong secret.
        let mut forged = a.key.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == '0' { '1' } else { '0' });
        assert!(keys.verify(&forged).unwrap().is_none());
        for bad in [
            "",
            "yalu_",
            "yalu_zz_zz",
            "Bearer x",
            &a.key[..20],
            "yalu_\u{e9}_\u{e9}",
        ] {
            assert!(keys.verify(bad).unwrap().is_none(), "{bad:?}");
        }
        assert!(keys.revoke(&a.id).unwrap());
        assert!(!keys.revoke(&a.id).unwrap(), "already revoked");
        assert!(!keys.revoke("nosuchkey").unwrap());
        assert!(keys.verify(&a.key).unwrap().is_none());
        assert_eq!(keys.active_count().unwrap(), 1);
        let listed = keys.list().unwrap();
        assert_eq!(listed.len(), 2);
        let ra = listed.iter().find(|k| k.id == a.id).unwrap();
        assert!(ra.revoked_at.is_some());
        assert_eq!(ra.role, Role::Admin);
    }
}
