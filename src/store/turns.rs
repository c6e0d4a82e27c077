//! `turns`: one row per turn of a session, its status and token counts.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// Token counts of a turn (columns `tokens_<field>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub input: Option<i64>,
    pub output: Option<i64>,
    pub reasoning: Option<i64>,
    pub cache_read: Option<i64>,
    pub cache_write: Option<i64>,
}

/// One turn of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnRow {
    pub id: i64,
    pub session: String,
    pub agent_session_id: Option<String>,
    #[serde(with = "crate::timestamp::ms")]
    pub started_at: i64,
    #[serde(with = "crate::timestamp::opt_ms")]
    pub ended_at: Option<i64>,
    pub status: super::TurnStatus,
    pub model: Option<String>,
    pub tokens: Tokens,
    pub error: Option<String>,
}

super::rows::from_row!(Tokens {
    input = "tokens_input",
    output = "tokens_output",
    reasoning = "tokens_reasoning",
    cache_read = "tokens_cache_read",
    cache_write = "tokens_cache_write",
});

super::rows::from_row!(TurnRow {
    id,
    session,
    agent_session_id,
    started_at,
    ended_at,
    status: parsed,
    model,
    tokens: nested,
    error,
});

impl Store {
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
        status: super::TurnStatus,
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
}
