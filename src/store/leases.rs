//! `session_leases`: who holds a session's turn, until when, measured on
//! the database's clock (also used by `probe_locks`).

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// Who holds a session's turn, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRow {
    pub session: String,
    pub owner: String,
    #[serde(with = "crate::timestamp::ms")]
    pub acquired_at: i64,
    #[serde(with = "crate::timestamp::ms")]
    pub expires_at: i64,
    /// When the owner process started (`/proc/<pid>/stat` field 22), so a
    /// reused pid is not taken for the owner; None when unknown.
    pub owner_start: Option<i64>,
}

super::rows::from_row!(LeaseRow {
    session,
    owner,
    acquired_at,
    expires_at,
    owner_start,
});

const LEASE_COLUMNS: &str = "session, owner, acquired_at, expires_at, owner_start";

/// The outcome of trying to take a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseAttempt {
    Acquired(LeaseRow),
    /// Somebody else holds an unexpired lease.
    Busy(LeaseRow),
}

impl Store {
    /// Take the session's lease for `owner` for `ttl_ms` when it is free,
    /// expired, or already `owner`'s. Atomic on both backends. Time is the
    /// database's clock, so machines whose clocks disagree still exclude
    /// each other.
    pub async fn acquire_lease(
        &self,
        session: &str,
        owner: &str,
        ttl_ms: i64,
    ) -> Result<LeaseAttempt, StoreError> {
        self.acquire_lease_started(session, owner, None, ttl_ms)
            .await
    }

    /// [`Store::acquire_lease`], recording when the owner process started.
    pub async fn acquire_lease_started(
        &self,
        session: &str,
        owner: &str,
        owner_start: Option<i64>,
        ttl_ms: i64,
    ) -> Result<LeaseAttempt, StoreError> {
        let now = self.now_sql();
        let q = format!(
            "INSERT INTO session_leases (session, owner, acquired_at, expires_at, owner_start)
             VALUES ($1, $2, {now}, {now} + $3, $4)
             ON CONFLICT (session) DO UPDATE SET owner = excluded.owner,
                acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
                owner_start = excluded.owner_start
             WHERE session_leases.expires_at <= {now} OR session_leases.owner = excluded.owner
             RETURNING {LEASE_COLUMNS}"
        );
        let taken: Option<LeaseRow> = with_pool!(self, pool => sqlx::query_as(&q)
        .bind(session)
        .bind(owner)
        .bind(ttl_ms)
        .bind(owner_start)
        .fetch_optional(pool)
        .await?);
        if let Some(lease) = taken {
            return Ok(LeaseAttempt::Acquired(lease));
        }
        match self.get_lease(session).await? {
            Some(held) => Ok(LeaseAttempt::Busy(held)),
            // Released between our insert and read: try again once more.
            None => Box::pin(self.acquire_lease_started(session, owner, owner_start, ttl_ms)).await,
        }
    }

    /// Take over `held` (a lease whose owner is known to be gone) for
    /// `owner`, unexpired or not; None when it changed hands meanwhile.
    pub async fn take_over_lease(
        &self,
        held: &LeaseRow,
        owner: &str,
        owner_start: Option<i64>,
        ttl_ms: i64,
    ) -> Result<Option<LeaseRow>, StoreError> {
        let now = self.now_sql();
        let q = format!(
            "UPDATE session_leases SET owner = $3, owner_start = $4, acquired_at = {now},
                expires_at = {now} + $5
             WHERE session = $1 AND owner = $2 AND acquired_at = $6
             RETURNING {LEASE_COLUMNS}"
        );
        Ok(with_pool!(self, pool => sqlx::query_as(&q)
        .bind(&held.session)
        .bind(&held.owner)
        .bind(owner)
        .bind(owner_start)
        .bind(ttl_ms)
        .bind(held.acquired_at)
        .fetch_optional(pool)
        .await?))
    }

    /// Extend `owner`'s lease to `ttl_ms` from now (the database's clock);
    /// false when it is no longer theirs.
    pub async fn renew_lease(
        &self,
        session: &str,
        owner: &str,
        ttl_ms: i64,
    ) -> Result<bool, StoreError> {
        let q = format!(
            "UPDATE session_leases SET expires_at = {} + $3 WHERE session = $1 AND owner = $2",
            self.now_sql()
        );
        let n = with_pool!(self, pool => sqlx::query(&q)
        .bind(session)
        .bind(owner)
        .bind(ttl_ms)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The database's clock in Unix milliseconds.
    pub async fn db_now_ms(&self) -> Result<i64, StoreError> {
        let q = format!("SELECT {}", self.now_sql());
        Ok(with_pool!(self, pool => sqlx::query_scalar(&q).fetch_one(pool).await?))
    }

    /// SQL for the database's current time in Unix milliseconds: one
    /// instant per statement, so a row's times written by one statement
    /// agree (SQLite's `'now'` is fixed for a statement; PostgreSQL's
    /// `statement_timestamp()` is, where `clock_timestamp()` runs on), and
    /// each statement reads the clock anew, inside a transaction too
    /// (unlike `now()`).
    pub(crate) fn now_sql(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            Store::Postgres { .. } => {
                "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)"
            }
        }
    }

    /// Give the lease back; false when it was not `owner`'s.
    pub async fn release_lease(&self, session: &str, owner: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "DELETE FROM session_leases WHERE session = $1 AND owner = $2",
        )
        .bind(session)
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    pub async fn get_lease(&self, session: &str) -> Result<Option<LeaseRow>, StoreError> {
        let q = format!("SELECT {LEASE_COLUMNS} FROM session_leases WHERE session = $1");
        Ok(with_pool!(self, pool => sqlx::query_as(&q)
        .bind(session)
        .fetch_optional(pool)
        .await?))
    }
}
