//! `probe_locks`: one probe of an agent at a time across processes and
//! machines. A lock is a lease that expires, so a killed prober blocks the
//! next one only until its lease runs out.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// Who is probing an agent, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeLock {
    pub name: String,
    pub owner: String,
    #[serde(with = "crate::timestamp::ms")]
    pub expires_at: i64,
}

super::rows::from_row!(ProbeLock {
    name,
    owner,
    expires_at,
});

impl Store {
    /// Take the probe lock of `name` for `owner` for `ttl_ms` (the
    /// database's clock) when it is free, expired, or already `owner`'s;
    /// `None` when somebody else holds it. Atomic on both backends.
    pub async fn try_lock_probe(
        &self,
        name: &str,
        owner: &str,
        ttl_ms: i64,
    ) -> Result<Option<ProbeLock>, StoreError> {
        let now = self.now_sql();
        let q = format!(
            "INSERT INTO probe_locks (name, owner, expires_at) VALUES ($1, $2, {now} + $3)
             ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,
                expires_at = excluded.expires_at
             WHERE probe_locks.expires_at <= {now} OR probe_locks.owner = excluded.owner
             RETURNING name, owner, expires_at"
        );
        Ok(with_pool!(self, pool => sqlx::query_as(&q)
        .bind(name)
        .bind(owner)
        .bind(ttl_ms)
        .fetch_optional(pool)
        .await?))
    }

    /// Give the lock back; false when it was not `owner`'s.
    pub async fn unlock_probe(&self, name: &str, owner: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "DELETE FROM probe_locks WHERE name = $1 AND owner = $2",
        )
        .bind(name)
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The current holder of `name`'s probe lock, expired or not.
    pub async fn get_probe_lock(&self, name: &str) -> Result<Option<ProbeLock>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT name, owner, expires_at FROM probe_locks WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?))
    }
}
