//! The database: SQLite (embedded default) or PostgreSQL (shared between
//! machines), behind one small enum. Queries are runtime queries written once
//! for both backends (`$1` placeholders work in both); migrations live in
//! `migrations/sqlite` and `migrations/postgres` with the same numbering and
//! are applied on open.
//!
//! The rows of each table and the queries on them live in one file per table
//! (or pair of tables): `sessions`, `worktrees`, `changes`, `turns`,
//! `agents`, `leases`, `probe_locks` and `turn_history`. Each query is
//! written once and runs on both backends through `with_pool!`. The plain
//! statuses it stores (`kinds`) live here too, so the store imports no layer
//! above it.

mod agents;
mod changes;
mod kinds;
mod leases;
mod probe_locks;
mod rows;
mod sessions;
mod turn_history;
mod turns;
mod worktrees;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use agents::{AvailableAgentRow, SnapshotCacheRow};
pub use changes::{PendingChange, PendingChangeRow};
pub use kinds::{AgentSessionStatus, ChangeStatus, TokenUsage, ToolStatus, TurnStatus};
pub use leases::{LeaseAttempt, LeaseRow};
pub use probe_locks::ProbeLock;
pub use sessions::{AgentSessionRow, SessionRow};
pub use turn_history::{ChangeCounts, PermissionCall, PermissionLog, ToolCall, TurnLogRow};
pub use turns::{Tokens, TurnRow};
pub use worktrees::WorktreeRow;

use crate::config::mask_url_password;

use rows::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

/// How long a writer waits for SQLite's lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for a PostgreSQL connection.
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which database engine a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A database URL boocoder accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` or `sqlite:PATH`.
    Sqlite(PathBuf),
    /// `postgres://...` or `postgresql://...`.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, StoreError> {
        let bad = |reason: String| StoreError::BadUrl {
            url: mask_url_password(url),
            // A parser's message may quote a piece of the URL.
            reason: match crate::config::url_password(url).map(|r| &url[r]) {
                Some(p) if !p.is_empty() => reason.replace(p, "****"),
                _ => reason,
            },
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnectOptions::from_str(url).map_err(|e| bad(e.to_string()))?;
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path.contains(":memory:") || path == "memory" {
                return Err(bad(
                    "give a file path (in-memory databases would lose everything at exit)".into(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite(
                std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path)),
            ));
        }
        Err(bad(
            "expected sqlite://PATH or postgres://USER@HOST/DB".into()
        ))
    }
}

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid database URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot open database {url}: {source}")]
    Connect {
        url: String,
        backend: Backend,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot create {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot migrate database {url}: {source}")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    #[error("database {url} has migrations this boocoder does not know ({versions:?})")]
    NewerSchema { url: String, versions: Vec<i64> },
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// A write failed for want of space where the database lives.
    #[error("cannot write to the database: the disk holding {place} is full")]
    DiskFull { place: String, dir: Option<PathBuf> },
    /// A read-only command found no SQLite database (it creates none).
    #[error("no database at {}", path.display())]
    NoDatabase { path: PathBuf },
    #[error("stored {what} is not valid JSON: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl StoreError {
    pub fn exit(&self) -> crate::Exit {
        match self {
            StoreError::BadUrl { .. } => crate::Exit::Usage,
            StoreError::NoDatabase { .. } => crate::Exit::No,
            StoreError::Connect {
                source: sqlx::Error::Database(e),
                ..
            } if is_auth_failure(e.code().as_deref()) => crate::Exit::Auth,
            _ => crate::Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::BadUrl { .. } => Some(
                "use --db sqlite:///path/to/boocoder.db or --db postgres://user@host:5432/db"
                    .into(),
            ),
            StoreError::Connect { .. } if self.exit() == crate::Exit::Auth => {
                Some("check the user name and password in the database URL".into())
            }
            StoreError::Connect {
                backend: Backend::Postgres,
                url,
                ..
            } => Some(format!(
                "is PostgreSQL running and reachable at {url}? check --db / BOOCODER_DATABASE_URL"
            )),
            StoreError::Connect {
                backend: Backend::Sqlite,
                ..
            }
            | StoreError::Io { .. } => Some(
                "check that the data directory is writable (BOOCODER_DATA_DIR) or pass --db".into(),
            ),
            StoreError::DiskFull { dir: Some(dir), .. } => Some(format!(
                "free space in {} (`df -h {}` shows it), then run the command again",
                dir.display(),
                dir.display()
            )),
            StoreError::DiskFull { dir: None, .. } => {
                Some("free space on the PostgreSQL server, then run the command again".into())
            }
            StoreError::NoDatabase { .. } => Some(
                "nothing is recorded yet (`boocoder session new` creates it); check --db / BOOCODER_DATABASE_URL"
                    .into(),
            ),
            StoreError::NewerSchema { .. } => {
                Some("a newer boocoder migrated this database: upgrade boocoder".into())
            }
            _ => None,
        }
    }
}

/// PostgreSQL's SQLSTATEs for bad passwords and unknown roles.
fn is_auth_failure(code: Option<&str>) -> bool {
    matches!(code, Some("28P01" | "28000"))
}

/// Whether opening a store applies pending migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrate {
    Auto,
    Skip,
}

/// One migration and whether the database has it.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationStatus {
    pub version: i64,
    pub description: String,
    pub applied: bool,
    /// The database has it, but with a different checksum than this build.
    pub checksum_mismatch: bool,
}

/// The database behind boocoder's state.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite { pool: SqlitePool, path: PathBuf },
    Postgres { pool: PgPool, url: String },
}

/// Run the same body against whichever pool the store holds; the body is
/// type-checked once per backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite { pool: $pool, .. } => $body,
            $crate::store::Store::Postgres { pool: $pool, .. } => $body,
        }
    };
}
pub(crate) use with_pool;

impl Store {
    /// Open (creating a SQLite file on first use) and, with [`Migrate::Auto`],
    /// apply pending migrations. A failed first open of a SQLite database
    /// leaves no file behind.
    pub async fn open(url: &str, migrate: Migrate) -> Result<Store, StoreError> {
        match DatabaseUrl::parse(url)? {
            DatabaseUrl::Sqlite(path) => Self::open_sqlite(&path, migrate).await,
            DatabaseUrl::Postgres(url) => Self::open_postgres(&url, migrate).await,
        }
    }

    /// Open an existing database (migrating it as [`Store::open`] does);
    /// a SQLite file that does not exist is [`StoreError::NoDatabase`] and
    /// neither it nor its directory is created: what read-only commands use.
    pub async fn open_existing(url: &str) -> Result<Store, StoreError> {
        match DatabaseUrl::parse(url)? {
            DatabaseUrl::Sqlite(path) if !path.exists() => Err(StoreError::NoDatabase { path }),
            _ => Self::open(url, Migrate::Auto).await,
        }
    }

    async fn open_sqlite(path: &Path, migrate: Migrate) -> Result<Store, StoreError> {
        let existed = path.exists();
        let created_dirs = create_parent_dirs(path)?;
        // Connecting switches a new database to WAL, which needs an exclusive
        // lock SQLite may refuse without waiting: first opens take turns.
        let lock = match lock_sqlite(path).await {
            Ok(lock) => lock,
            Err(e) => {
                remove_created(path, existed, &created_dirs);
                return Err(e);
            }
        };
        // Another process may have created the database while this one
        // waited for the lock: then a failure here must not delete it.
        let existed = existed || path.exists();
        if !existed && let Err(e) = create_private(path) {
            remove_created(path, existed, &created_dirs);
            return Err(e);
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true);
        let connected = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(SQLITE_BUSY_TIMEOUT)
            // A local file has no peer that can hang up: pinging an idle
            // connection before every query only adds a round trip to its
            // worker thread.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                url: path.display().to_string(),
                backend: Backend::Sqlite,
                source,
            })
            .map(|pool| Store::Sqlite {
                pool,
                path: path.to_path_buf(),
            });
        let result = match connected {
            Ok(store) if migrate == Migrate::Auto => match store.migrate_if_needed().await {
                Ok(_) => Ok(store),
                Err(e) => {
                    store.close().await;
                    Err(e)
                }
            },
            other => other,
        };
        if result.is_err() {
            remove_created(path, existed, &created_dirs);
        }
        drop(lock);
        result
    }

    async fn open_postgres(url: &str, migrate: Migrate) -> Result<Store, StoreError> {
        use sqlx::Connection as _;
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl {
            url: mask_url_password(url),
            reason: e.to_string(),
        })?;
        let connect_err = |source| StoreError::Connect {
            url: mask_url_password(url),
            backend: Backend::Postgres,
            source,
        };
        // One direct connection first: a pool would retry until its timeout
        // and report only "timed out", hiding "connection refused" or a
        // wrong password.
        let probe = tokio::time::timeout(
            PG_CONNECT_TIMEOUT,
            sqlx::PgConnection::connect_with(&options),
        )
        .await
        .map_err(|_| connect_err(sqlx::Error::PoolTimedOut))?
        .map_err(connect_err)?;
        probe.close().await.map_err(connect_err)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(PG_CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        let store = Store::Postgres {
            pool,
            url: url.to_string(),
        };
        if migrate == Migrate::Auto {
            store.migrate().await?;
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite { .. } => Backend::Sqlite,
            Store::Postgres { .. } => Backend::Postgres,
        }
    }

    /// `e`, as [`StoreError::DiskFull`] (naming where) when it failed for
    /// want of space: SQLite's `SQLITE_FULL`, PostgreSQL's `disk_full`
    /// (53100), or ENOSPC from the file system.
    pub fn explain(&self, e: StoreError) -> StoreError {
        let full = match &e {
            StoreError::Query(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("13" | "53100"))
                    || db.message().contains("disk is full")
                    || db.message().contains("No space left on device")
            }
            StoreError::Query(sqlx::Error::Io(io)) => io.raw_os_error() == Some(libc::ENOSPC),
            _ => false,
        };
        if !full {
            return e;
        }
        match self {
            Store::Sqlite { path, .. } => StoreError::DiskFull {
                place: path.display().to_string(),
                dir: path.parent().map(Path::to_path_buf),
            },
            Store::Postgres { url, .. } => StoreError::DiskFull {
                place: format!("the PostgreSQL database {}", mask_url_password(url)),
                dir: None,
            },
        }
    }

    /// The URL, with any password masked.
    pub fn display_url(&self) -> String {
        match self {
            Store::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Store::Postgres { url, .. } => mask_url_password(url),
        }
    }

    /// Apply pending migrations; returns the versions applied now.
    ///
    /// PostgreSQL serialises concurrent migrators with an advisory lock (sqlx
    /// does that); SQLite ones take boocoder's lock file first.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        // The common case, every command's open: nothing to do, no lock.
        if self.up_to_date().await? {
            return Ok(Vec::new());
        }
        let _lock = match self {
            Store::Sqlite { path, .. } => Some(lock_sqlite(path).await?),
            Store::Postgres { .. } => None,
        };
        self.migrate_unlocked().await
    }

    /// Whether every migration this build knows is applied.
    async fn up_to_date(&self) -> Result<bool, StoreError> {
        let applied = self.applied_versions().await?;
        Ok(Self::known_migrations(self.backend())
            .iter()
            .all(|m| applied.iter().any(|(v, _)| *v == m.version)))
    }

    async fn migrate_if_needed(&self) -> Result<Vec<i64>, StoreError> {
        if self.up_to_date().await? {
            return Ok(Vec::new());
        }
        self.migrate_unlocked().await
    }

    async fn migrate_unlocked(&self) -> Result<Vec<i64>, StoreError> {
        let before = self.applied_versions().await?;
        let migrate_err = |source| StoreError::Migrate {
            url: self.display_url(),
            source,
        };
        match self {
            Store::Sqlite { pool, .. } => SQLITE_MIGRATIONS.run(pool).await,
            Store::Postgres { pool, .. } => POSTGRES_MIGRATIONS.run(pool).await,
        }
        .map_err(migrate_err)?;
        let after = self.applied_versions().await?;
        Ok(after
            .into_iter()
            .map(|(v, _)| v)
            .filter(|v| !before.iter().any(|(b, _)| b == v))
            .collect())
    }

    /// The migrations this build knows for `backend`, all marked pending.
    pub fn known_migrations(backend: Backend) -> Vec<MigrationStatus> {
        let migrator = match backend {
            Backend::Sqlite => &*SQLITE_MIGRATIONS,
            Backend::Postgres => &*POSTGRES_MIGRATIONS,
        };
        migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .map(|m| MigrationStatus {
                version: m.version,
                description: m.description.to_string(),
                applied: false,
                checksum_mismatch: false,
            })
            .collect()
    }

    /// Every migration this build knows, and whether the database has it.
    pub async fn migration_status(&self) -> Result<Vec<MigrationStatus>, StoreError> {
        let applied = self.applied_versions().await?;
        let unknown: Vec<i64> = applied
            .iter()
            .map(|(v, _)| *v)
            .filter(|v| {
                !Self::known_migrations(self.backend())
                    .iter()
                    .any(|m| m.version == *v)
            })
            .collect();
        if !unknown.is_empty() {
            return Err(StoreError::NewerSchema {
                url: self.display_url(),
                versions: unknown,
            });
        }
        let checksums = match self {
            Store::Sqlite { .. } => &*SQLITE_MIGRATIONS,
            Store::Postgres { .. } => &*POSTGRES_MIGRATIONS,
        };
        Ok(Self::known_migrations(self.backend())
            .into_iter()
            .map(|mut m| {
                let stored = applied.iter().find(|(v, _)| *v == m.version);
                let ours = checksums.iter().find(|k| k.version == m.version);
                m.applied = stored.is_some();
                m.checksum_mismatch =
                    matches!((stored, ours), (Some((_, c)), Some(k)) if c[..] != k.checksum[..]);
                m
            })
            .collect())
    }

    /// (version, checksum) of every successfully applied migration; empty when
    /// the database was never migrated.
    ///
    /// Both queries run on one connection: a pooled connection goes back to
    /// the pool in a background task, so a second query right after the
    /// first would usually open (and later close) another connection.
    async fn applied_versions(&self) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
        let exists_sql = match self {
            Store::Sqlite { .. } => {
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')"
            }
            Store::Postgres { .. } => "SELECT to_regclass('_sqlx_migrations') IS NOT NULL",
        };
        Ok(with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let exists: bool = sqlx::query_scalar(exists_sql).fetch_one(&mut *conn).await?;
            if !exists {
                return Ok(Vec::new());
            }
            sqlx::query_as(
                "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
            )
            .fetch_all(&mut *conn)
            .await?
        }))
    }

    /// Close every pooled connection (waits for in-flight queries).
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}

/// The lock file beside a SQLite database, held exclusively while opening
/// and migrating. A separate file: closing any descriptor of the database
/// file itself would drop SQLite's own POSIX locks in this process.
async fn lock_sqlite(path: &Path) -> Result<std::fs::File, StoreError> {
    crate::util::lock::lock_async(sidecar(path, ".lock"), 0o666)
        .await
        .map_err(|e| StoreError::Io {
            path: e.path,
            source: e.source,
        })
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// After a failed first open: remove what this open created.
fn remove_created(path: &Path, existed: bool, created_dirs: &[PathBuf]) {
    if existed {
        return;
    }
    for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
    for dir in created_dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// An empty database file, mode 0600 (SQLite gives its -wal and -shm
/// files the same mode).
fn create_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Create the missing ancestors of `path`'s parent; returns the directories
/// created, outermost first, so a failed first open can remove them again.
fn create_parent_dirs(path: &Path) -> Result<Vec<PathBuf>, StoreError> {
    use std::os::unix::fs::DirBuilderExt;
    let mut missing = Vec::new();
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        dir = d.parent();
    }
    missing.reverse();
    for d in &missing {
        // The database holds prompts, replies and patches: its user's only.
        if let Err(source) = std::fs::DirBuilder::new().mode(0o700).create(d)
            && source.kind() != std::io::ErrorKind::AlreadyExists
        {
            return Err(StoreError::Io {
                path: d.clone(),
                source,
            });
        }
    }
    Ok(missing)
}
