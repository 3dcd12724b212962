//! API keys with roles, stored only as hashes.

use crate::{Store, StoreError, format_timestamp, unix_now};
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;

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
    pub const ALL: [Role; 3] = [Role::Screener, Role::Analyst, Role::Admin];

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
    pub id: String,
    pub role: Role,
    pub key: String,
}

/// A key that verified: its id (for logs) and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKey {
    pub id: String,
    pub role: Role,
}

/// A key as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    pub id: String,
    pub role: Role,
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
    pub fn create(&self, role: Role, label: Option<&str>) -> Result<CreatedKey, StoreError> {
        let id = hex(&random_bytes::<ID_BYTES>()?);
        let secret = hex(&random_bytes::<SECRET_BYTES>()?);
        let key = format!("{PREFIX}{id}_{secret}");
        let hash = Sha256::digest(key.as_bytes());
        self.store.lock().execute(
            "INSERT INTO api_keys (key_id, role, key_hash, label, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![id, role.as_str(), hash.as_slice(), label, unix_now()],
        )?;
        Ok(CreatedKey { id, role, key })
    }

    /// Every key, revoked ones included, oldest first.
    pub fn list(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let conn = self.store.lock();
        let mut stmt = conn.prepare(
            "SELECT key_id, role, label, created_at, revoked_at FROM api_keys
             ORDER BY created_at, key_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, role, label, created, revoked) = row?;
            out.push(ApiKeyInfo {
                id,
                role: role.parse()?,
                label,
                created_at: format_timestamp(created),
                revoked_at: revoked.map(format_timestamp),
            });
        }
        Ok(out)
    }

    /// Revokes a key by id. Returns false when no active key has that id.
    pub fn revoke(&self, id: &str) -> Result<bool, StoreError> {
        let n = self.store.lock().execute(
            "UPDATE api_keys SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
            rusqlite::params![id, unix_now()],
        )?;
        Ok(n == 1)
    }

    /// Checks a presented key. `Ok(None)` for a malformed, unknown or
    /// revoked key; the role when the key is valid.
    pub fn verify(&self, presented: &str) -> Result<Option<VerifiedKey>, StoreError> {
        let Some(id) = key_id(presented) else {
            return Ok(None);
        };
        let row: Option<(String, Vec<u8>, Option<i64>)> = self
            .store
            .lock()
            .query_row(
                "SELECT role, key_hash, revoked_at FROM api_keys WHERE key_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((role, stored, revoked)) = row else {
            return Ok(None);
        };
        let hash = Sha256::digest(presented.as_bytes());
        let equal: bool = hash.as_slice().ct_eq(&stored).into();
        if !equal || revoked.is_some() {
            return Ok(None);
        }
        Ok(Some(VerifiedKey {
            id: id.to_string(),
            role: role.parse()?,
        }))
    }

    /// Number of active (not revoked) keys.
    pub fn active_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.store.lock().query_row(
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
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
        let conn = store.lock();
        let (id, hash): (String, Vec<u8>) = conn
            .query_row("SELECT key_id, key_hash FROM api_keys", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
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
