//! `sessions` and `agent_sessions`: boocoder sessions and the agent-side
//! session each one maps to.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// A boocoder session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub name: String,
    pub repo: String,
    pub agent: String,
    pub model: Option<String>,
    pub use_worktree: bool,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::ms")]
    pub updated_at: i64,
}

/// The agent-side session a boocoder session maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentSessionRow {
    pub session: String,
    pub agent: String,
    pub agent_session_id: String,
    pub server_url: Option<String>,
    /// The directory the agent session was created in (how it is addressed).
    pub directory: Option<String>,
    /// Fingerprint of agent, model and provider config at creation.
    pub config_hash: String,
    pub status: super::AgentSessionStatus,
    /// Why this agent session replaced an earlier one, if it did.
    pub reason: Option<String>,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::ms")]
    pub updated_at: i64,
}

super::rows::from_row!(SessionRow {
    name,
    repo,
    agent,
    model,
    use_worktree,
    created_at,
    updated_at,
});

super::rows::from_row!(AgentSessionRow {
    session,
    agent,
    agent_session_id,
    server_url,
    directory,
    config_hash,
    status: parsed,
    reason,
    created_at,
    updated_at,
});

impl Store {
    // ---- sessions ---------------------------------------------------------

    /// Insert a session; returns false (and changes nothing) when the name is
    /// taken.
    pub async fn insert_session(&self, s: &SessionRow) -> Result<bool, StoreError> {
        let done = with_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (name, repo, agent, model, use_worktree, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&s.name)
        .bind(&s.repo)
        .bind(&s.agent)
        .bind(&s.model)
        .bind(s.use_worktree)
        .bind(s.created_at)
        .bind(s.updated_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    pub async fn get_session(&self, name: &str) -> Result<Option<SessionRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT name, repo, agent, model, use_worktree, created_at, updated_at
             FROM sessions WHERE name = $1",
        )
            .bind(name)
            .fetch_optional(pool)
            .await?))
    }

    pub async fn list_sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT name, repo, agent, model, use_worktree, created_at, updated_at
             FROM sessions ORDER BY created_at, name",
        )
            .fetch_all(pool)
            .await?))
    }

    /// Set a session's model (None: fall back to the configured default).
    pub async fn set_session_model(
        &self,
        name: &str,
        model: Option<&str>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET model = $2, updated_at = $3 WHERE name = $1",
        )
        .bind(name)
        .bind(model)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// Set the permission policy a session's turns use (a preset name or a
    /// policy file; None: the default).
    pub async fn set_session_permissions(
        &self,
        name: &str,
        permissions: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET permissions = $2 WHERE name = $1",
        )
        .bind(name)
        .bind(permissions)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The permission policy stored with a session (None: the default).
    pub async fn session_permissions(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(
            with_pool!(self, pool => sqlx::query_scalar::<_, Option<String>>(
            "SELECT permissions FROM sessions WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?)
            .flatten(),
        )
    }

    /// Set the branch the session's next worktree is made from (`merge
    /// --remove`: the branch merged into; None: the repository's HEAD).
    pub async fn set_session_next_base(
        &self,
        name: &str,
        branch: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET next_base = $2 WHERE name = $1",
        )
        .bind(name)
        .bind(branch)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// The branch the session's next worktree is made from (None: the
    /// repository's HEAD).
    pub async fn session_next_base(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(
            with_pool!(self, pool => sqlx::query_scalar::<_, Option<String>>(
            "SELECT next_base FROM sessions WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?)
            .flatten(),
        )
    }

    /// Delete a session with its agent sessions, turns and lease.
    pub async fn delete_session(&self, name: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE name = $1")
            .bind(name)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    // ---- agent_sessions ----------------------------------------------------

    /// Insert or replace the agent session of (session, agent).
    pub async fn upsert_agent_session(&self, a: &AgentSessionRow) -> Result<(), StoreError> {
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO agent_sessions (session, agent, agent_session_id, server_url, directory,
                                         config_hash, status, reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (session, agent) DO UPDATE SET
                agent_session_id = excluded.agent_session_id, server_url = excluded.server_url,
                directory = excluded.directory, config_hash = excluded.config_hash,
                status = excluded.status, reason = excluded.reason,
                created_at = excluded.created_at, updated_at = excluded.updated_at",
        )
        .bind(&a.session)
        .bind(&a.agent)
        .bind(&a.agent_session_id)
        .bind(&a.server_url)
        .bind(&a.directory)
        .bind(&a.config_hash)
        .bind(a.status.as_str())
        .bind(&a.reason)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn get_agent_session(
        &self,
        session: &str,
        agent: &str,
    ) -> Result<Option<AgentSessionRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT session, agent, agent_session_id, server_url, directory, config_hash, status,
                    reason, created_at, updated_at
             FROM agent_sessions WHERE session = $1 AND agent = $2",
        )
        .bind(session)
        .bind(agent)
        .fetch_optional(pool)
        .await?))
    }

    pub async fn set_agent_session_status(
        &self,
        session: &str,
        agent: &str,
        status: super::AgentSessionStatus,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE agent_sessions SET status = $3, updated_at = $4 WHERE session = $1 AND agent = $2",
        )
        .bind(session)
        .bind(agent)
        .bind(status.as_str())
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }
}
