//! API keys with roles, stored only as hashes.

use crate::db::Value;
use crate::{Store, StoreError, format_timestamp, unix_now};
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
    /// The label given at creation, if any.
    pub label: Option<String>,
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
    pub fn revoke(&self, id: &str) -> Result<bool, StoreError> {
        let n = self.store.db().run(|db| {
            db.exec(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                &[unix_now().into(), id.into()],
            )
        })?;
        Ok(n == 1)
    }

    /// Checks a presented key. `Ok(None)` for a malformed, unknown or
    /// revoked key; the role when the key is valid.
    pub fn verify(&self, presented: &str) -> Result<Option<VerifiedKey>, StoreError> {
        let Some(id) = key_id(presented) else {
            return Ok(None);
        };
        let row = self.store.db().run(|db| {
            db.query_opt(
                "SELECT role, key_hash, revoked_at, label FROM api_keys WHERE key_id = ?",
                &[Value::from(id)],
            )
        })?;
        let Some(row) = row else {
            return Ok(None);
        };
        let stored = row[1].blob()?;
        let hash = Sha256::digest(presented.as_bytes());
        let equal: bool = hash.as_slice().ct_eq(&stored).into();
        if !equal || row[2].opt_int()?.is_some() {
            return Ok(None);
        }
        Ok(Some(VerifiedKey {
            id: id.to_string(),
            role: row[0].text()?.parse()?,
            label: row[3].opt_text()?,
        }))
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
