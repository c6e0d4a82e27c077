//! What a turn is, whatever its backend: the request, the events a caller
//! sees, the outcome, and the permission policy.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::agent::{AgentEvent, PermissionReply, TokenUsage, TurnStatus};
use crate::session_key::SessionKey;

/// Asks a person about a permission (session name, the request); blocks.
pub type AskPermission = Arc<dyn Fn(&str, &AgentEvent) -> PermissionReply + Send + Sync>;

/// What to do when the agent asks for a permission.
#[derive(Clone)]
pub enum PermissionPolicy {
    Allow,
    Deny,
    /// Ask a person (the callback blocks until answered).
    Ask(AskPermission),
}

impl PermissionPolicy {
    /// The reply to `event`, a permission asked for in `session`'s turn: the
    /// policy's own, or the person's (asked on the blocking pool; a question
    /// that cannot be asked is a rejection).
    pub async fn reply(&self, session: &str, event: &AgentEvent) -> PermissionReply {
        match self {
            PermissionPolicy::Allow => PermissionReply::Once,
            PermissionPolicy::Deny => PermissionReply::Reject,
            PermissionPolicy::Ask(ask) => {
                let ask = ask.clone();
                let (session, event) = (session.to_string(), event.clone());
                crate::util::blocking(move || ask(&session, &event))
                    .await
                    .unwrap_or(PermissionReply::Reject)
            }
        }
    }
}

impl std::fmt::Debug for PermissionPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PermissionPolicy::Allow => "allow",
            PermissionPolicy::Deny => "deny",
            PermissionPolicy::Ask(_) => "ask",
        })
    }
}

/// One turn to run.
#[derive(Debug, Clone)]
pub struct TurnRequest {
    pub session: SessionKey,
    pub text: String,
    /// This turn's model (else the session's, else the configured default).
    pub model: Option<String>,
    /// An opencode agent mode (`build`, `plan`, ...).
    pub agent_mode: Option<String>,
    /// No event for this long: reconcile, then abort if still busy.
    pub watchdog: Duration,
    pub permissions: PermissionPolicy,
    /// Queue behind a busy session instead of failing.
    pub wait: bool,
}

/// What the caller sees while a turn runs. Serialized as one record with
/// its `type` (`start`, `notice`, or the agent event's own).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TurnEvent {
    /// The turn starts: the agent, the model (None: the agent's own), and
    /// the worktree it works in (None: the session works in its repository).
    Start {
        agent: String,
        model: Option<String>,
        worktree: Option<String>,
    },
    /// Something worth telling a person (a new agent session and why, a
    /// reconnect, a permission decision).
    Notice { notice: String },
    #[serde(untagged)]
    Agent(AgentEvent),
}

/// Files, insertions and deletions of the pending changes after a turn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangesSummary {
    pub files: usize,
    pub insertions: i64,
    pub deletions: i64,
}

/// How a turn ended, with what it produced.
#[derive(Debug, Clone, Serialize)]
pub struct TurnOutcome {
    pub session: String,
    pub agent_session_id: String,
    pub server_url: String,
    pub model: Option<String>,
    pub status: TurnStatus,
    pub duration_ms: i64,
    pub tokens: TokenUsage,
    /// None when the session works without a worktree, or when recording
    /// failed (then `changes_error` says why).
    pub changes: Option<ChangesSummary>,
    /// Why the pending changes could not be recorded (the previous turn's
    /// were cleared: they no longer describe the worktree).
    pub changes_error: Option<String>,
    /// What this turn changed where the agent works, its worktree or the
    /// repository itself (before vs after, untracked files included); None
    /// when git could not say.
    pub turn_changes: Option<crate::store::ChangeCounts>,
    /// The paths this turn changed (None with `turn_changes`).
    pub turn_paths: Option<Vec<String>>,
    /// The session works in its repository (no worktree): what the turn
    /// changed is in the user's checkout.
    pub in_checkout: bool,
    pub text: String,
    pub error: Option<String>,
    /// Why a new agent session was made for this turn (None: reused, or first).
    pub new_agent_session: Option<String>,
    /// The agent's error names a missing model or provider (a runtime error,
    /// not a failed turn).
    pub setup_error: bool,
    /// The agent asked for a sign-in mid-turn (ACP's -32000 answering the
    /// prompt): how to sign in. The turn failed; the exit is 4.
    pub sign_in: Option<String>,
    /// Why an ACP agent ended the turn (`end_turn`, `max_tokens`, `refusal`,
    /// `cancelled`, ...); None for opencode's server.
    pub stop_reason: Option<String>,
}
