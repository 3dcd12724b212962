//! The two backends behind one small interface.
//!
//! Statements are written once, with `?` placeholders, in the subset of SQL
//! that SQLite and PostgreSQL share. For PostgreSQL the placeholders become
//! `$1, $2, ...` ([`postgres_placeholders`]) and, in migrations only, three
//! type words are translated ([`postgres_ddl`]). Values cross the boundary
//! as [`Value`], which converts itself to whatever column type PostgreSQL
//! reports, so the same parameter list works on both.

use crate::StoreError;
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::sync::{Arc, Mutex, MutexGuard};

/// One SQL value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub(crate) fn int(&self) -> Result<i64, StoreError> {
        match self {
            Value::Int(i) => Ok(*i),
            other => Err(StoreError::Decode(format!(
                "expected an integer, got {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_int(&self) -> Result<Option<i64>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.int().map(Some),
        }
    }

    pub(crate) fn real(&self) -> Result<f64, StoreError> {
        match self {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(StoreError::Decode(format!(
                "expected a number, got {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_real(&self) -> Result<Option<f64>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.real().map(Some),
        }
    }

    pub(crate) fn text(&self) -> Result<String, StoreError> {
        match self {
            Value::Text(s) => Ok(s.clone()),
            other => Err(StoreError::Decode(format!("expected text, got {other:?}"))),
        }
    }

    pub(crate) fn opt_text(&self) -> Result<Option<String>, StoreError> {
        match self {
            Value::Null => Ok(None),
            v => v.text().map(Some),
        }
    }

    pub(crate) fn blob(&self) -> Result<Vec<u8>, StoreError> {
        match self {
            Value::Blob(b) => Ok(b.clone()),
            other => Err(StoreError::Decode(format!("expected bytes, got {other:?}"))),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

pub(crate) type Row = Vec<Value>;

/// What both backends can do, inside or outside a transaction.
pub(crate) trait Sql {
    /// Runs a statement; returns the number of rows changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query; returns every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs several statements without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;

    /// The first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Exactly one row.
    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Decode(format!("no row from `{sql}`")))
    }
}

/// The database a store lives in ([`crate::Store::backend`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// A local SQLite file (or memory): one writing connection, read-only
    /// connections beside it.
    Sqlite,
    /// A PostgreSQL server, optionally in a schema of its own.
    Postgres,
}

// ---------------------------------------------------------------- SQLite

fn sqlite_params(params: &[Value]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    params
        .iter()
        .map(|p| match p {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(*i),
            Value::Real(f) => V::Real(*f),
            Value::Text(s) => V::Text(s.clone()),
            Value::Blob(b) => V::Blob(b.clone()),
        })
        .collect()
}

fn sqlite_exec(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let n = stmt.execute(rusqlite::params_from_iter(sqlite_params(params)))?;
    Ok(n as u64)
}

fn sqlite_query(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<Row>, StoreError> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare_cached(sql)?;
    let width = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(sqlite_params(params)))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(width);
        for i in 0..width {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Int(i),
                ValueRef::Real(f) => Value::Real(f),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        out.push(row);
    }
    Ok(out)
}

impl Sql for rusqlite::Connection {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        sqlite_exec(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        sqlite_query(self, sql, params)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.execute_batch(sql)?)
    }
}

impl Sql for rusqlite::Transaction<'_> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        sqlite_exec(self, sql, params)
    }
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        sqlite_query(self, sql, params)
    }
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.execute_batch(sql)?)
    }
}

// ------------------------------------------------------------ PostgreSQL

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => Err(format!("cannot store an integer in a {ty} column").into()),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => Err(format!("cannot store a number in a {ty} column").into()),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Checked per value in `to_sql`, where the column type is known.
        true
    }

    to_sql_checked!();
}

fn postgres_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut out = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let v = match *ty {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into())),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            _ => {
                return Err(StoreError::Decode(format!(
                    "column {} has type {ty}, which the store does not read",
                    col.name()
                )));
            }
        };
        out.push(v.unwrap_or(Value::Null));
    }
    Ok(out)
}

fn pg_refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

macro_rules! impl_postgres_sql {
    ($t:ty) => {
        impl Sql for $t {
            fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
                let sql = postgres_placeholders(sql);
                Ok(postgres::GenericClient::execute(
                    self,
                    sql.as_str(),
                    &pg_refs(params),
                )?)
            }
            fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
                let sql = postgres_placeholders(sql);
                postgres::GenericClient::query(self, sql.as_str(), &pg_refs(params))?
                    .iter()
                    .map(postgres_row)
                    .collect()
            }
            fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
                Ok(postgres::GenericClient::batch_execute(self, sql)?)
            }
        }
    };
}

impl_postgres_sql!(postgres::Client);
impl_postgres_sql!(postgres::Transaction<'_>);

/// `?` → `$1, $2, ...`, leaving quoted strings alone.
pub(crate) fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

/// Migration DDL for PostgreSQL: SQLite's `INTEGER` (64-bit), `REAL` and
/// `BLOB` become `BIGINT`, `DOUBLE PRECISION` and `BYTEA`. Whole words
/// outside quoted strings only.
pub(crate) fn postgres_ddl(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 32);
    let mut word = String::new();
    let mut quoted = false;
    let mut comment = false;
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "INTEGER" => "BIGINT",
            "REAL" => "DOUBLE PRECISION",
            "BLOB" => "BYTEA",
            w => w,
        });
        word.clear();
    };
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if comment {
            comment = c != '\n';
            out.push(c);
            continue;
        }
        if !quoted && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && c == '-' && chars.peek() == Some(&'-') {
            comment = true;
        }
        out.push(c);
    }
    flush(&mut word, &mut out);
    out
}

// ------------------------------------------------------------- backends

/// One open connection, behind a lock: statements on it are serialised.
pub(crate) enum Conn {
    Sqlite(Mutex<rusqlite::Connection>),
    Postgres(Box<Mutex<PgClient>>),
}

/// The connection and the group-commit writer that owns its write
/// transactions ([`crate::group`]).
pub(crate) struct Backend {
    conn: Arc<Conn>,
    writer: crate::group::GroupWriter,
    /// Read-only connections to the same SQLite file, for the reads of
    /// [`Backend::read`]. In WAL mode they read the last committed state
    /// while the writer holds its transaction, so a slow case-list query
    /// never delays a commit, nor a commit a read (docs/reliability.md,
    /// "Load and soak"). Empty for PostgreSQL and in-memory SQLite.
    readers: Vec<Mutex<rusqlite::Connection>>,
}

/// The PostgreSQL client, reconnected when the server closed it (a
/// restart, an idle timeout): the statement that met the closed connection
/// fails, the next one runs on a new connection.
///
/// The client runs its own small Tokio runtime, which must not be dropped
/// on an async worker thread (Tokio panics there), and a server may drop
/// its last store handle on one: so an old client is closed and dropped on
/// a short-lived thread of its own.
pub(crate) struct PgClient {
    client: Option<postgres::Client>,
    url: String,
    schema: Option<String>,
}

impl PgClient {
    pub(crate) fn connect(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        Ok(PgClient {
            client: Some(pg_connect(url, schema)?),
            url: url.to_string(),
            schema: schema.map(str::to_string),
        })
    }

    fn get(&mut self) -> Result<&mut postgres::Client, StoreError> {
        if self.client.as_ref().is_none_or(postgres::Client::is_closed) {
            let fresh = pg_connect(&self.url, self.schema.as_deref())?;
            if let Some(old) = self.client.replace(fresh) {
                drop_off_thread(old);
            }
        }
        Ok(self.client.as_mut().expect("just connected"))
    }
}

pub(crate) fn drop_off_thread(client: postgres::Client) {
    let _ = std::thread::spawn(move || drop(client)).join();
}

impl Drop for PgClient {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            drop_off_thread(client);
        }
    }
}

/// Connects, and with `schema` makes it the connection's schema (created
/// if missing).
pub(crate) fn pg_connect(url: &str, schema: Option<&str>) -> Result<postgres::Client, StoreError> {
    let connect_err = |source| StoreError::Connect {
        url: crate::redact_url(url),
        source,
    };
    let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(connect_err)?;
    // Quiet the "relation already exists, skipping" notices.
    client
        .batch_execute("SET client_min_messages TO warning")
        .map_err(connect_err)?;
    if let Some(schema) = schema {
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
            ))
            .map_err(connect_err)?;
    }
    Ok(client)
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the connection in a state
    // worse than an aborted statement (transactions roll back on drop).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Conn {
    pub(crate) fn kind(&self) -> BackendKind {
        match self {
            Conn::Sqlite(_) => BackendKind::Sqlite,
            Conn::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Runs `f` outside a transaction (single statements, reads).
    pub(crate) fn run<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Conn::Sqlite(c) => f(&mut *lock(c)),
            Conn::Postgres(c) => f(lock(c).get()?),
        }
    }

    /// The statement that opens a write transaction. Writers are
    /// serialised: SQLite takes its write lock up front (`BEGIN
    /// IMMEDIATE`); PostgreSQL locks the `cases` table against other
    /// writers, in this process and in every other replica (readers are
    /// not blocked), which is what keeps ids and audit sequence numbers
    /// without gaps or duplicates when several servers share a database.
    pub(crate) fn begin_write(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => "BEGIN IMMEDIATE",
            Conn::Postgres(_) => "BEGIN; LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE",
        }
    }
}

impl Backend {
    pub(crate) fn sqlite(conn: rusqlite::Connection) -> Backend {
        Backend::new(Conn::Sqlite(Mutex::new(conn)))
    }

    pub(crate) fn postgres(client: PgClient) -> Backend {
        Backend::new(Conn::Postgres(Box::new(Mutex::new(client))))
    }

    fn new(conn: Conn) -> Backend {
        Backend {
            conn: Arc::new(conn),
            writer: crate::group::GroupWriter::default(),
            readers: Vec::new(),
        }
    }

    /// Adds read-only connections (SQLite files in WAL mode only).
    pub(crate) fn with_readers(mut self, readers: Vec<rusqlite::Connection>) -> Backend {
        self.readers = readers.into_iter().map(Mutex::new).collect();
        self
    }

    /// Runs the read-only `f` on a reader connection when there are any (the
    /// first one free, else the first), and on the one connection otherwise.
    /// A read started after a write returned sees that write: the commit
    /// is in the WAL before the write returns.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.readers.is_empty() {
            return self.conn.run(f);
        }
        for r in &self.readers {
            if let Ok(mut conn) = r.try_lock() {
                return f(&mut *conn);
            }
        }
        f(&mut *lock(&self.readers[0]))
    }

    pub(crate) fn kind(&self) -> BackendKind {
        self.conn.kind()
    }

    pub(crate) fn write_stats(&self) -> crate::group::WriteStats {
        self.writer.stats()
    }

    /// Runs `f` outside a transaction (single statements, reads).
    pub(crate) fn run<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.conn.run(f)
    }

    /// Runs `f` in a write transaction: everything it does is committed
    /// together, or (on error) nothing is, and the call returns only once
    /// the commit is durable. Writes that arrive while another commit is
    /// under way share the next transaction and its commit (group commit,
    /// see [`crate::group`]), each in a savepoint of its own, so one
    /// refused write never undoes another.
    pub(crate) fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut dyn Sql) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.writer.write(&self.conn, f)
    }

    /// A transaction of its own, committed alone, without the table lock
    /// (migrations).
    pub(crate) fn transaction<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match &*self.conn {
            Conn::Sqlite(c) => {
                let mut conn = lock(c);
                let mut tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            }
            Conn::Postgres(c) => {
                let mut client = lock(c);
                let mut tx = client.get()?.transaction()?;
                let out = f(&mut tx)?;
                tx.commit()?;
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_strings() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)"
        );
    }

    #[test]
    fn ddl_words_are_translated_whole() {
        assert_eq!(
            postgres_ddl(
                "-- it's a REAL\nx INTEGER NOT NULL, y BLOB, z REAL, INTEGERS TEXT, w TEXT DEFAULT 'BLOB'"
            ),
            "-- it's a REAL\nx BIGINT NOT NULL, y BYTEA, z DOUBLE PRECISION, INTEGERS TEXT, w TEXT DEFAULT 'BLOB'"
        );
    }
}
