//! `session_worktrees`: the git worktree a session works in and the commit
//! it was made from.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// A session-keyed git worktree and the commit it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorktreeRow {
    pub session: String,
    pub repo: String,
    pub path: String,
    pub branch: String,
    pub base_commit: String,
    /// The branch (or ref) the base was resolved from, to measure drift.
    pub base_ref: Option<String>,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
    /// Whether boocoder created the branch (only then may it delete it).
    pub branch_created: bool,
    /// The host whose disk holds the directory ('' for rows from before
    /// hosts were recorded: any host may act on them).
    pub host: String,
}

super::rows::from_row!(WorktreeRow {
    session,
    repo,
    path,
    branch,
    base_commit,
    base_ref,
    created_at,
    branch_created,
    host,
});

impl Store {
    /// Record a worktree unless the session already has one; returns the row
    /// that is stored afterwards (the existing one when there was one), so
    /// two concurrent callers agree on one worktree.
    pub async fn insert_worktree(&self, w: &WorktreeRow) -> Result<WorktreeRow, StoreError> {
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO session_worktrees (session, repo, path, branch, base_commit, base_ref, created_at,
                                            branch_created, host)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (session) DO NOTHING",
        )
        .bind(&w.session)
        .bind(&w.repo)
        .bind(&w.path)
        .bind(&w.branch)
        .bind(&w.base_commit)
        .bind(&w.base_ref)
        .bind(w.created_at)
        .bind(w.branch_created)
        .bind(&w.host)
        .execute(pool)
        .await?
        .rows_affected());
        self.get_worktree(&w.session)
            .await?
            .ok_or(StoreError::Query(sqlx::Error::RowNotFound))
    }

    pub async fn get_worktree(&self, session: &str) -> Result<Option<WorktreeRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT session, repo, path, branch, base_commit, base_ref, created_at, branch_created, host
             FROM session_worktrees WHERE session = $1",
        )
        .bind(session)
        .fetch_optional(pool)
        .await?))
    }

    /// Every worktree, or those of one repository.
    pub async fn list_worktrees(&self, repo: Option<&str>) -> Result<Vec<WorktreeRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT session, repo, path, branch, base_commit, base_ref, created_at, branch_created, host
             FROM session_worktrees WHERE ($1 IS NULL OR repo = $1) ORDER BY created_at, session",
        )
        .bind(repo)
        .fetch_all(pool)
        .await?))
    }

    /// Make `host` the owner of the session's worktree (adopting it).
    pub async fn set_worktree_host(&self, session: &str, host: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query("UPDATE session_worktrees SET host = $2 WHERE session = $1")
            .bind(session)
            .bind(host)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    pub async fn delete_worktree(&self, session: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query("DELETE FROM session_worktrees WHERE session = $1")
            .bind(session)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n == 1)
    }
}
