//! What every turn records, whatever its backend: the prompt, the tool
//! calls and the reply (`session log`), what the turn changed in the
//! worktree (before vs after), the pending changes (or why they could not
//! be recorded), and the turn's end.

use std::path::Path;

use super::{ChangesSummary, TurnEvent};
use crate::agent::{AgentEvent, TokenUsage, TurnStatus};
use crate::session_key::SessionKey;
use crate::store::{ChangeCounts, Store, Tokens, ToolCall};
use crate::worktree::Worktrees;

/// The tool calls of a turn in the order they started, each with its last
/// status (fed every event the turn emits).
#[derive(Debug, Default)]
pub(crate) struct ToolLog(Vec<(String, ToolCall)>);

impl ToolLog {
    pub(crate) fn note(&mut self, e: &AgentEvent) {
        let AgentEvent::Tool {
            call_id,
            tool,
            status,
            title,
            ..
        } = e
        else {
            return;
        };
        match self.0.iter_mut().find(|(id, _)| id == call_id) {
            Some((_, t)) => {
                t.status = *status;
                if title.is_some() {
                    t.title = title.clone();
                }
            }
            None => self.0.push((
                call_id.clone(),
                ToolCall {
                    name: tool.clone(),
                    title: title.clone(),
                    status: *status,
                },
            )),
        }
    }

    pub(crate) fn calls(&self) -> Vec<ToolCall> {
        self.0.iter().map(|(_, t)| t.clone()).collect()
    }
}

/// The start of a turn, once its agent session is known, whatever the
/// backend: say why a new agent session was made, record the turn
/// (`running`) and its prompt, and snapshot the directory the agent works
/// in before it (its worktree, or the repository itself; None when git
/// cannot say: then the turn records no turn changes). Returns the turn's id and that snapshot.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn begin_turn(
    store: &Store,
    sink: &(dyn Fn(TurnEvent) + Send + Sync),
    key: &SessionKey,
    agent_session_id: &str,
    new_session_reason: Option<&str>,
    model: Option<&str>,
    started_ms: i64,
    prompt: &str,
    dir: &Path,
) -> crate::Result<(i64, Option<String>)> {
    if let Some(r) = new_session_reason {
        sink(TurnEvent::Notice {
            notice: format!("new agent session {agent_session_id}: {r}"),
        });
    }
    let turn_id = store
        .start_turn(key.as_str(), Some(agent_session_id), model, started_ms)
        .await?;
    store.set_turn_prompt(turn_id, prompt).await?;
    let before = crate::worktree::land::worktree_snapshot(dir).await.ok();
    Ok((turn_id, before))
}

/// How a turn ended, as the backend saw it.
pub(crate) struct TurnEnd<'a> {
    pub turn_id: i64,
    pub status: TurnStatus,
    pub error: Option<&'a str>,
    pub tokens: &'a TokenUsage,
    pub text: &'a str,
    pub tools: &'a [ToolCall],
    /// Why an ACP agent ended the turn.
    pub stop_reason: Option<&'a str>,
}

/// What recording found in the worktree.
pub(crate) struct Recorded {
    pub changes: Option<ChangesSummary>,
    pub changes_error: Option<String>,
    pub turn_changes: Option<ChangeCounts>,
    /// The paths this turn changed (None with `turn_changes`).
    pub turn_paths: Option<Vec<String>>,
    pub ended_ms: i64,
}

/// The turn's lease was lost (another process owns the session now, or may
/// any moment): mark the turn `lease_lost` unless it was settled already
/// (`finish_turn` never overwrites the next owner's `crashed`), write
/// nothing more, and return the error the turn ends with.
pub(crate) async fn record_lease_lost(
    store: &Store,
    turn_id: i64,
    lease: &super::Lease,
) -> crate::Error {
    let err = lease.error();
    let _ = store
        .finish_turn(
            turn_id,
            TurnStatus::LeaseLost,
            crate::timestamp::now_ms(),
            &Tokens::default(),
            Some(&err.to_string()),
        )
        .await;
    err.into()
}

/// Record the pending changes, the turn's changes, history and end.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_turn(
    store: &Store,
    worktrees: &Worktrees<'_>,
    key: &SessionKey,
    agent: &str,
    has_worktree: bool,
    dir: &Path,
    before: Option<&String>,
    end: TurnEnd<'_>,
    sink: &(dyn Fn(TurnEvent) + Send + Sync),
) -> crate::Result<Recorded> {
    let mut changes_error = None;
    let changes = if has_worktree {
        match worktrees.record_pending_changes(key, agent).await {
            Ok(c) => Some(ChangesSummary {
                files: c.len(),
                insertions: c.iter().map(|c| c.insertions).sum(),
                deletions: c.iter().map(|c| c.deletions).sum(),
            }),
            Err(e) => {
                let message = format!("pending changes not recorded: {e}");
                sink(TurnEvent::Notice {
                    notice: message.clone(),
                });
                changes_error = Some(message);
                None
            }
        }
    } else {
        None
    };
    let (turn_changes, turn_paths) = match before {
        Some(b) => match crate::worktree::land::worktree_snapshot(dir).await {
            Ok(after) => crate::worktree::land::snapshot_changes(dir, b, &after)
                .await
                .ok()
                .unzip(),
            Err(_) => (None, None),
        },
        None => (None, None),
    };
    store
        .set_turn_result(
            end.turn_id,
            end.text,
            end.tools,
            turn_changes,
            end.stop_reason,
        )
        .await?;
    let ended_ms = crate::timestamp::now_ms();
    let t = end.tokens;
    store
        .finish_turn(
            end.turn_id,
            end.status,
            ended_ms,
            &Tokens {
                input: Some(t.input),
                output: Some(t.output),
                reasoning: Some(t.reasoning),
                cache_read: Some(t.cache_read),
                cache_write: Some(t.cache_write),
            },
            end.error.or(changes_error.as_deref()),
        )
        .await?;
    Ok(Recorded {
        changes,
        changes_error,
        turn_changes,
        turn_paths,
        ended_ms,
    })
}
