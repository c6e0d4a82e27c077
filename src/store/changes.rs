//! `pending_changes`: a session's changed files, one row per file, replaced
//! as a whole set.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// One changed file of a session's pending changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub path: String,
    pub old_path: Option<String>,
    pub status: super::ChangeStatus,
    pub insertions: i64,
    pub deletions: i64,
    /// Stored as `is_binary`.
    pub binary: bool,
    pub patch: Option<String>,
}

/// A stored pending change with its stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChangeRow {
    pub session: String,
    #[serde(flatten)]
    pub change: PendingChange,
    pub agent: String,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
}

super::rows::from_row!(PendingChange {
    path,
    old_path,
    status: parsed,
    insertions,
    deletions,
    binary = "is_binary",
    patch,
});

super::rows::from_row!(PendingChangeRow {
    session,
    change: nested,
    agent,
    created_at,
});

impl Store {
    /// Replace a session's pending changes with `changes`, stamped with
    /// `agent`, in ONE transaction: readers see the old set or the new one,
    /// never a mix.
    pub async fn replace_pending_changes(
        &self,
        session: &str,
        agent: &str,
        changes: &[PendingChange],
        now: i64,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM pending_changes WHERE session = $1")
                .bind(session)
                .execute(&mut *tx)
                .await?;
            for c in changes {
                sqlx::query(
                    "INSERT INTO pending_changes (session, path, old_path, status, insertions,
                                                  deletions, is_binary, patch, agent, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(session)
                .bind(&c.path)
                .bind(&c.old_path)
                .bind(c.status.as_str())
                .bind(c.insertions)
                .bind(c.deletions)
                .bind(c.binary)
                .bind(&c.patch)
                .bind(agent)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn list_pending_changes(
        &self,
        session: &str,
    ) -> Result<Vec<PendingChangeRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT session, path, old_path, status, insertions, deletions, is_binary, patch,
                    agent, created_at
             FROM pending_changes WHERE session = $1 ORDER BY path",
        )
        .bind(session)
        .fetch_all(pool)
        .await?))
    }
}
