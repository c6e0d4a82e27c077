//! What each turn was asked and answered, the tools it ran and what it
//! changed (migration 0005): `session log` and default commit messages.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, TurnRow, with_pool};

/// One tool call of a turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub name: String,
    pub title: Option<String>,
    pub status: super::ToolStatus,
}

/// Files, insertions and deletions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    pub files: i64,
    pub insertions: i64,
    pub deletions: i64,
}

/// One permission request of a turn and how it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionCall {
    /// The permission asked for (opencode's, or the ACP kind's name).
    pub tool: String,
    pub patterns: Vec<String>,
    /// `allow` or `deny`.
    pub decision: String,
    /// Who decided: `rule`, `person` or `non_interactive`.
    pub by: String,
    /// The rule that matched (None: none did, which asks).
    pub rule: Option<String>,
}

/// A turn's permission decisions and their counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionLog {
    pub allowed: i64,
    pub denied: i64,
    pub decisions: Vec<PermissionCall>,
}

/// A turn with its history, for `session log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TurnLogRow {
    #[serde(flatten)]
    pub turn: TurnRow,
    pub prompt: Option<String>,
    pub reply: Option<String>,
    pub tools: Vec<ToolCall>,
    pub turn_changes: Option<ChangeCounts>,
    /// Why an ACP agent ended the turn; None for opencode's server.
    pub stop_reason: Option<String>,
    /// The turn's permission decisions (None: recorded before they were).
    pub permissions: Option<PermissionLog>,
}

struct Raw {
    turn: TurnRow,
    prompt: Option<String>,
    reply: Option<String>,
    tools: Option<String>,
    turn_changes: Option<String>,
    stop_reason: Option<String>,
    permissions: Option<String>,
}

super::rows::from_row!(Raw {
    turn: nested,
    prompt,
    reply,
    tools,
    turn_changes,
    stop_reason,
    permissions,
});

impl Store {
    /// Store a turn's prompt (at its start).
    pub async fn set_turn_prompt(&self, id: i64, prompt: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => sqlx::query("UPDATE turns SET prompt = $2 WHERE id = $1")
            .bind(id)
            .bind(prompt)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Store what a turn answered, ran and changed (at its end).
    pub async fn set_turn_result(
        &self,
        id: i64,
        reply: &str,
        tools: &[ToolCall],
        turn_changes: Option<ChangeCounts>,
        stop_reason: Option<&str>,
        permissions: &PermissionLog,
    ) -> Result<(), StoreError> {
        let tools = serde_json::to_string(tools).expect("tool calls serialize");
        let permissions = serde_json::to_string(permissions).expect("decisions serialize");
        let changes = turn_changes.map(|c| serde_json::to_string(&c).expect("counts serialize"));
        with_pool!(self, pool => sqlx::query(
            "UPDATE turns SET reply = $2, tools = $3, turn_changes = $4, stop_reason = $5,
                    permissions = $6
             WHERE id = $1",
        )
        .bind(id)
        .bind(reply)
        .bind(tools)
        .bind(changes)
        .bind(stop_reason)
        .bind(permissions)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The prompt of the session's most recent turn that has one.
    pub async fn last_prompt(&self, session: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(
            "SELECT prompt FROM turns WHERE session = $1 AND prompt IS NOT NULL
             ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(session)
        .fetch_optional(pool)
        .await?))
    }

    /// A session's turns with their history, oldest first.
    pub async fn turn_log(&self, session: &str) -> Result<Vec<TurnLogRow>, StoreError> {
        let rows: Vec<Raw> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, session, agent_session_id, started_at, ended_at, status, model,
                    tokens_input, tokens_output, tokens_reasoning, tokens_cache_read,
                    tokens_cache_write, error, prompt, reply, tools, turn_changes, stop_reason,
                    permissions
             FROM turns WHERE session = $1 ORDER BY started_at, id",
        )
        .bind(session)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|r| {
                let tools = match &r.tools {
                    Some(t) => serde_json::from_str(t).map_err(|source| StoreError::Json {
                        what: "tool calls",
                        source,
                    })?,
                    None => Vec::new(),
                };
                let turn_changes = match &r.turn_changes {
                    Some(t) => {
                        Some(serde_json::from_str(t).map_err(|source| StoreError::Json {
                            what: "turn changes",
                            source,
                        })?)
                    }
                    None => None,
                };
                let permissions = match &r.permissions {
                    Some(p) => {
                        Some(serde_json::from_str(p).map_err(|source| StoreError::Json {
                            what: "permission decisions",
                            source,
                        })?)
                    }
                    None => None,
                };
                Ok(TurnLogRow {
                    turn: r.turn,
                    prompt: r.prompt,
                    reply: r.reply,
                    tools,
                    turn_changes,
                    stop_reason: r.stop_reason,
                    permissions,
                })
            })
            .collect()
    }
}
