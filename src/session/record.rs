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
        .await
        .map_err(|e| store.explain(e))?;
    if let Err(e) = store.set_turn_prompt(turn_id, prompt).await {
        return Err(not_recorded(store, turn_id, started_ms, &TokenUsage::default(), e).await);
    }
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
    /// The most of the reply, and of the tool calls, stored (each).
    pub max_stored: usize,
    pub permissions: &'a crate::store::PermissionLog,
}

/// `text` cut to at most `max` bytes (at a character boundary), with a
/// marker saying how much was not stored; whole when it fits.
pub(crate) fn capped<'t>(text: &'t str, max: usize, what: &str) -> std::borrow::Cow<'t, str> {
    if text.len() <= max {
        return text.into();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[boocoder: {what} truncated: {end} of {} bytes stored (max_stored_bytes)]",
        &text[..end],
        text.len()
    )
    .into()
}

/// The tool calls that fit in `max` bytes of JSON, in order, each title
/// cut to fit; when some do not, the last kept one's title says how many
/// more there were.
fn capped_tools(tools: &[ToolCall], max: usize) -> Vec<ToolCall> {
    let size = |t: &ToolCall| serde_json::to_string(t).map_or(0, |s| s.len() + 1);
    let mut kept: Vec<ToolCall> = Vec::new();
    let mut used = 2;
    for t in tools {
        let mut t = t.clone();
        if let Some(title) = &t.title {
            t.title = Some(capped(title, max / 4, "title").into_owned());
        }
        if used + size(&t) > max {
            break;
        }
        used += size(&t);
        kept.push(t);
    }
    let dropped = tools.len() - kept.len();
    if dropped > 0
        && let Some(last) = kept.last_mut()
    {
        let title = last.title.take().unwrap_or_default();
        last.title = Some(format!(
            "{title} [boocoder: {dropped} more tool calls not stored (max_stored_bytes)]"
        ));
    }
    kept
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
    let stored = store
        .set_turn_result(
            end.turn_id,
            &capped(end.text, end.max_stored, "reply"),
            &capped_tools(end.tools, end.max_stored),
            turn_changes,
            end.stop_reason,
            end.permissions,
        )
        .await;
    let ended_ms = crate::timestamp::now_ms();
    let finished = match stored {
        Ok(()) => store
            .finish_turn(
                end.turn_id,
                end.status,
                ended_ms,
                &tokens(end.tokens),
                end.error.or(changes_error.as_deref()),
            )
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = finished {
        return Err(not_recorded(store, end.turn_id, ended_ms, end.tokens, e).await);
    }
    Ok(Recorded {
        changes,
        changes_error,
        turn_changes,
        turn_paths,
        ended_ms,
    })
}

fn tokens(t: &TokenUsage) -> Tokens {
    Tokens {
        input: Some(t.input),
        output: Some(t.output),
        reasoning: Some(t.reasoning),
        cache_read: Some(t.cache_read),
        cache_write: Some(t.cache_write),
    }
}

/// Recording the turn failed with `e` (a full disk, a database gone): the
/// turn must not stay `running`, so mark it `failed` if the database still
/// takes a small write (best effort), and return the error, naming the
/// full disk when that is why.
async fn not_recorded(
    store: &Store,
    turn_id: i64,
    ended_ms: i64,
    t: &TokenUsage,
    e: crate::store::StoreError,
) -> crate::Error {
    let e = store.explain(e);
    let why = format!("the turn could not be recorded: {e}");
    if let Err(again) = store
        .finish_turn(
            turn_id,
            TurnStatus::Failed,
            ended_ms,
            &tokens(t),
            Some(&why),
        )
        .await
    {
        tracing::warn!("cannot mark turn {turn_id} failed: {again}");
    }
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::ToolStatus;

    #[test]
    fn a_capped_reply_is_cut_at_a_character_and_says_so() {
        assert_eq!(capped("short", 10, "reply"), "short");
        // 'é' is two bytes: the cut falls before it, not inside.
        assert_eq!(
            capped("abcé", 4, "reply"),
            "abc\n[boocoder: reply truncated: 3 of 5 bytes stored (max_stored_bytes)]"
        );
    }

    #[test]
    fn capped_tools_keep_the_first_that_fit_and_count_the_rest() {
        let call = |i: usize| ToolCall {
            name: format!("tool{i}"),
            title: Some("t".repeat(100)),
            status: ToolStatus::Completed,
        };
        let calls: Vec<ToolCall> = (0..100).map(call).collect();
        assert_eq!(capped_tools(&calls[..2], 1 << 20), calls[..2]);
        let kept = capped_tools(&calls, 2048);
        let json = serde_json::to_string(&kept).unwrap();
        assert!(json.len() < 2048 + 100, "{}", json.len());
        assert!(kept.len() > 1 && kept.len() < 100);
        let last = kept.last().unwrap().title.as_deref().unwrap();
        assert!(
            last.ends_with(&format!(
                "[boocoder: {} more tool calls not stored (max_stored_bytes)]",
                100 - kept.len()
            )),
            "{last}"
        );
    }
}
