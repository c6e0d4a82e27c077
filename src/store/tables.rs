//! Rows of every table and the queries on them. Each query is written once and
//! runs on both backends through `with_pool!`.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// A boocoder session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
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

/// A session-keyed git worktree and the commit it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
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

/// The agent-side session a boocoder session maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AgentSessionRow {
    pub session: String,
    pub agent: String,
    pub agent_session_id: String,
    pub server_url: Option<String>,
    /// The directory the agent session was created in (how it is addressed).
    pub directory: Option<String>,
    /// Fingerprint of agent, model and provider config at creation.
    pub config_hash: String,
    pub status: String,
    /// Why this agent session replaced an earlier one, if it did.
    pub reason: Option<String>,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
    #[serde(with = "crate::timestamp::ms")]
    pub updated_at: i64,
}

/// One changed file of a session's pending changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PendingChange {
    pub path: String,
    pub old_path: Option<String>,
    pub status: String,
    pub insertions: i64,
    pub deletions: i64,
    #[sqlx(rename = "is_binary")]
    pub binary: bool,
    pub patch: Option<String>,
}

/// A stored pending change with its stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PendingChangeRow {
    pub session: String,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub change: PendingChange,
    pub agent: String,
    #[serde(with = "crate::timestamp::ms")]
    pub created_at: i64,
}

/// Token counts of a turn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Tokens {
    #[sqlx(rename = "tokens_input")]
    pub input: Option<i64>,
    #[sqlx(rename = "tokens_output")]
    pub output: Option<i64>,
    #[sqlx(rename = "tokens_reasoning")]
    pub reasoning: Option<i64>,
    #[sqlx(rename = "tokens_cache_read")]
    pub cache_read: Option<i64>,
    #[sqlx(rename = "tokens_cache_write")]
    pub cache_write: Option<i64>,
}

/// One turn of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TurnRow {
    pub id: i64,
    pub session: String,
    pub agent_session_id: Option<String>,
    #[serde(with = "crate::timestamp::ms")]
    pub started_at: i64,
    #[serde(with = "crate::timestamp::opt_ms")]
    pub ended_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: crate::agent::TurnStatus,
    pub model: Option<String>,
    #[sqlx(flatten)]
    pub tokens: Tokens,
    pub error: Option<String>,
}

/// What a probe learned about an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailableAgentRow {
    pub name: String,
    pub install_path: Option<String>,
    pub supports_acp: Option<bool>,
    pub models: serde_json::Value,
    pub commands: serde_json::Value,
    pub label: Option<String>,
    pub transport: Option<String>,
    pub version: Option<String>,
    #[serde(with = "crate::timestamp::opt_ms")]
    pub last_probed_at: Option<i64>,
    #[serde(with = "crate::timestamp::ms")]
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct AvailableAgentRaw {
    name: String,
    install_path: Option<String>,
    supports_acp: Option<bool>,
    models: String,
    commands: String,
    label: Option<String>,
    transport: Option<String>,
    version: Option<String>,
    last_probed_at: Option<i64>,
    updated_at: i64,
}

impl TryFrom<AvailableAgentRaw> for AvailableAgentRow {
    type Error = StoreError;
    fn try_from(r: AvailableAgentRaw) -> Result<Self, StoreError> {
        Ok(AvailableAgentRow {
            models: parse_json("available_agents.models", &r.models)?,
            commands: parse_json("available_agents.commands", &r.commands)?,
            name: r.name,
            install_path: r.install_path,
            supports_acp: r.supports_acp,
            label: r.label,
            transport: r.transport,
            version: r.version,
            last_probed_at: r.last_probed_at,
            updated_at: r.updated_at,
        })
    }
}

/// A cached provider snapshot for one working directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCacheRow {
    pub cwd: String,
    #[serde(with = "crate::timestamp::ms")]
    pub built_at: i64,
    pub entries: serde_json::Value,
}

/// Who holds a session's turn, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct LeaseRow {
    pub session: String,
    pub owner: String,
    #[serde(with = "crate::timestamp::ms")]
    pub acquired_at: i64,
    #[serde(with = "crate::timestamp::ms")]
    pub expires_at: i64,
}

/// The outcome of trying to take a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseAttempt {
    Acquired(LeaseRow),
    /// Somebody else holds an unexpired lease.
    Busy(LeaseRow),
}

fn parse_json(what: &'static str, s: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(s).map_err(|source| StoreError::Json { what, source })
}

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

    /// Delete a session with its agent sessions, turns and lease.
    pub async fn delete_session(&self, name: &str) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE name = $1")
            .bind(name)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n == 1)
    }

    // ---- session_worktrees -------------------------------------------------

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
        .bind(&a.status)
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
        status: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE agent_sessions SET status = $3, updated_at = $4 WHERE session = $1 AND agent = $2",
        )
        .bind(session)
        .bind(agent)
        .bind(status)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    // ---- pending_changes ---------------------------------------------------

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
                .bind(&c.status)
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

    // ---- turns -------------------------------------------------------------

    /// Record the start of a turn (status `running`); returns its id.
    pub async fn start_turn(
        &self,
        session: &str,
        agent_session_id: Option<&str>,
        model: Option<&str>,
        started_at: i64,
    ) -> Result<i64, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO turns (session, agent_session_id, started_at, status, model)
             VALUES ($1, $2, $3, 'running', $4) RETURNING id",
        )
        .bind(session)
        .bind(agent_session_id)
        .bind(started_at)
        .bind(model)
        .fetch_one(pool)
        .await?))
    }

    /// Record how a running turn ended; false (and nothing written) when it
    /// is not running: a turn settled already (say, marked `crashed` by the
    /// lease's next owner) is never overwritten.
    pub async fn finish_turn(
        &self,
        id: i64,
        status: crate::agent::TurnStatus,
        ended_at: i64,
        tokens: &Tokens,
        error: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, pool => sqlx::query(
            "UPDATE turns SET status = $2, ended_at = $3, tokens_input = $4, tokens_output = $5,
                    tokens_reasoning = $6, tokens_cache_read = $7, tokens_cache_write = $8,
                    error = $9
             WHERE id = $1 AND status = 'running'",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(ended_at)
        .bind(tokens.input)
        .bind(tokens.output)
        .bind(tokens.reasoning)
        .bind(tokens.cache_read)
        .bind(tokens.cache_write)
        .bind(error)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// A session's turns, oldest first.
    pub async fn list_turns(&self, session: &str) -> Result<Vec<TurnRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT id, session, agent_session_id, started_at, ended_at, status, model,
                    tokens_input, tokens_output, tokens_reasoning, tokens_cache_read,
                    tokens_cache_write, error
             FROM turns WHERE session = $1 ORDER BY started_at, id",
        )
        .bind(session)
        .fetch_all(pool)
        .await?))
    }

    /// A session's most recent turn.
    pub async fn last_turn(&self, session: &str) -> Result<Option<TurnRow>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT id, session, agent_session_id, started_at, ended_at, status, model,
                    tokens_input, tokens_output, tokens_reasoning, tokens_cache_read,
                    tokens_cache_write, error
             FROM turns WHERE session = $1 ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(session)
        .fetch_optional(pool)
        .await?))
    }

    // ---- available_agents --------------------------------------------------

    /// Insert or update what a probe learned about an agent.
    pub async fn upsert_available_agent(&self, a: &AvailableAgentRow) -> Result<(), StoreError> {
        let models = a.models.to_string();
        let commands = a.commands.to_string();
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO available_agents (name, install_path, supports_acp, models, commands,
                                           label, transport, version, last_probed_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (name) DO UPDATE SET
                install_path = excluded.install_path, supports_acp = excluded.supports_acp,
                models = excluded.models, commands = excluded.commands, label = excluded.label,
                transport = excluded.transport, version = excluded.version,
                last_probed_at = excluded.last_probed_at, updated_at = excluded.updated_at",
        )
        .bind(&a.name)
        .bind(&a.install_path)
        .bind(a.supports_acp)
        .bind(&models)
        .bind(&commands)
        .bind(&a.label)
        .bind(&a.transport)
        .bind(&a.version)
        .bind(a.last_probed_at)
        .bind(a.updated_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn get_available_agent(
        &self,
        name: &str,
    ) -> Result<Option<AvailableAgentRow>, StoreError> {
        let raw: Option<AvailableAgentRaw> = with_pool!(self, pool => sqlx::query_as(
            "SELECT name, install_path, supports_acp, models, commands, label, transport, version,
                    last_probed_at, updated_at
             FROM available_agents WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?);
        raw.map(TryInto::try_into).transpose()
    }

    pub async fn list_available_agents(&self) -> Result<Vec<AvailableAgentRow>, StoreError> {
        let raw: Vec<AvailableAgentRaw> = with_pool!(self, pool => sqlx::query_as(
            "SELECT name, install_path, supports_acp, models, commands, label, transport, version,
                    last_probed_at, updated_at
             FROM available_agents ORDER BY name",
        )
        .fetch_all(pool)
        .await?);
        raw.into_iter().map(TryInto::try_into).collect()
    }

    // ---- snapshot_cache ----------------------------------------------------

    /// Store the snapshot built for `cwd`, replacing an older one.
    pub async fn put_snapshot(&self, s: &SnapshotCacheRow) -> Result<(), StoreError> {
        let entries = s.entries.to_string();
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO snapshot_cache (cwd, built_at, entries) VALUES ($1, $2, $3)
             ON CONFLICT (cwd) DO UPDATE SET built_at = excluded.built_at, entries = excluded.entries",
        )
        .bind(&s.cwd)
        .bind(s.built_at)
        .bind(&entries)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn get_snapshot(&self, cwd: &str) -> Result<Option<SnapshotCacheRow>, StoreError> {
        let raw: Option<(String, i64, String)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT cwd, built_at, entries FROM snapshot_cache WHERE cwd = $1",
        )
        .bind(cwd)
        .fetch_optional(pool)
        .await?);
        raw.map(|(cwd, built_at, entries)| {
            Ok(SnapshotCacheRow {
                cwd,
                built_at,
                entries: parse_json("snapshot_cache.entries", &entries)?,
            })
        })
        .transpose()
    }

    // ---- session_leases ----------------------------------------------------

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
        let now = self.now_sql();
        let q = format!(
            "INSERT INTO session_leases (session, owner, acquired_at, expires_at)
             VALUES ($1, $2, {now}, {now} + $3)
             ON CONFLICT (session) DO UPDATE SET owner = excluded.owner,
                acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
             WHERE session_leases.expires_at <= {now} OR session_leases.owner = excluded.owner
             RETURNING session, owner, acquired_at, expires_at"
        );
        let taken: Option<LeaseRow> = with_pool!(self, pool => sqlx::query_as(&q)
        .bind(session)
        .bind(owner)
        .bind(ttl_ms)
        .fetch_optional(pool)
        .await?);
        if let Some(lease) = taken {
            return Ok(LeaseAttempt::Acquired(lease));
        }
        match self.get_lease(session).await? {
            Some(held) => Ok(LeaseAttempt::Busy(held)),
            // Released between our insert and read: try again once more.
            None => Box::pin(self.acquire_lease(session, owner, ttl_ms)).await,
        }
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

    /// SQL for the database's current time in Unix milliseconds.
    pub(crate) fn now_sql(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
            Store::Postgres { .. } => {
                "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
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
        Ok(with_pool!(self, pool => sqlx::query_as(
            "SELECT session, owner, acquired_at, expires_at FROM session_leases WHERE session = $1",
        )
        .bind(session)
        .fetch_optional(pool)
        .await?))
    }
}
