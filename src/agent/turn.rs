//! What a turn is, whatever its backend: the request, the events a caller
//! sees, the outcome, the permission policy, and the errors a turn ends with.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use crate::Exit;
use crate::agent::{AgentEvent, PermissionReply, TokenUsage, TurnStatus};
use crate::config::{Action, NonInteractive, Policy, Rule};
use crate::session_key::SessionKey;
use crate::store::{PermissionCall, PermissionLog};

/// Why a turn could not run, or ended early.
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("agent `{agent}` {why}")]
    UnsupportedAgent {
        agent: String,
        why: String,
        /// The agents that can run turns.
        known: Vec<String>,
    },
    #[error("the prompt is empty")]
    EmptyPrompt,
    #[error("the turn did not start: {0}")]
    NotStarted(String),
    #[error("the opencode server was lost mid-turn: {0}")]
    ServerLost(String),
    #[error("the turn stalled: no event for {seconds} s while the agent stayed busy; aborted")]
    Stalled { seconds: u64 },
    #[error("cannot abort the crashed turn's agent session {agent_session}: {error}")]
    AbortFailed {
        agent_session: String,
        error: String,
    },
}

impl TurnError {
    pub fn exit(&self) -> Exit {
        match self {
            TurnError::UnsupportedAgent { .. } | TurnError::EmptyPrompt => Exit::Usage,
            TurnError::NotStarted(_)
            | TurnError::ServerLost(_)
            | TurnError::Stalled { .. }
            | TurnError::AbortFailed { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            TurnError::EmptyPrompt => {
                Some("give the text as an argument, or `-` to read it from stdin".into())
            }
            TurnError::UnsupportedAgent { known, .. } => Some(format!(
                "agents that run turns: {} (custom ones: [providers.<name>] transport = \"acp\" and launch_command)",
                known.join(", ")
            )),
            TurnError::Stalled { .. } => Some(
                "raise the watchdog with --timeout or watchdog_seconds if the model is just slow"
                    .into(),
            ),
            TurnError::AbortFailed { .. } => Some(
                "the agent may still be editing the worktree: stop it (`boocoder server stop \
                 --force`) before the next turn"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// A person to ask about a permission the policy says to ask about: this
/// layer's view of the command's reporter (`crate::report::Reporter`).
pub trait AskPerson: Send + Sync {
    /// Whether anyone can be asked (false: the policy's `non_interactive`
    /// rule decides what it says to ask about).
    fn can_ask(&self) -> bool {
        false
    }

    /// Ask about `event`, a permission request of `session`'s turn, and
    /// wait for the answer (it runs on the blocking pool); only when
    /// [`AskPerson::can_ask`].
    fn ask_permission(&self, _session: &str, _event: &AgentEvent) -> PermissionReply {
        PermissionReply::Reject
    }
}

/// What to answer when the agent asks for a permission: the turn's
/// [`Policy`], a person for what it says to ask (None: no one can be
/// asked, `non_interactive` decides), and the decisions made so far.
#[derive(Clone)]
pub struct PermissionPolicy {
    pub policy: Arc<Policy>,
    person: Option<Arc<dyn AskPerson>>,
    log: Arc<Mutex<TurnPermissions>>,
}

#[derive(Default)]
struct TurnPermissions {
    log: PermissionLog,
    /// (tool, patterns) a person allowed for the rest of the turn.
    always: Vec<(String, Vec<String>)>,
    /// `non_interactive = "fail"` met a request: why the turn ends.
    stop: Option<String>,
}

/// How one request was decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermissionDecision {
    /// `allow` or `deny`.
    pub decision: Action,
    /// Who decided: `rule`, `person` or `non_interactive`.
    pub by: &'static str,
    /// The rule that matched (None: none did, which asks).
    pub rule: Option<Rule>,
    /// `non_interactive = "fail"`: the turn ends at this request.
    #[serde(skip)]
    pub fail: bool,
}

impl PermissionDecision {
    /// The reply to the agent: never `always`, so an agent (or a kept
    /// server) asks again next time and the next turn's policy decides.
    pub fn reply(&self) -> PermissionReply {
        match self.decision {
            Action::Allow => PermissionReply::Once,
            _ => PermissionReply::Reject,
        }
    }

    /// One line for a notice: `allowed by rule ...`, `denied: ...`.
    pub fn describe(&self, policy: &Policy) -> String {
        let word = if self.decision == Action::Allow {
            "allowed"
        } else {
            "denied"
        };
        let rule = self
            .rule
            .as_ref()
            .map(|r| format!("rule {r}"))
            .unwrap_or_else(|| "no rule (ask)".into());
        match self.by {
            "person" => format!("{word} when asked ({rule})"),
            "non_interactive" => format!(
                "{word}: {rule} asks and there is no terminal (non_interactive = {}, {})",
                if self.fail { "fail" } else { "deny" },
                policy.non_interactive_source
            ),
            _ => format!("{word} by {rule}"),
        }
    }
}

impl PermissionPolicy {
    /// `policy`, asking `person` what it says to ask about when one can
    /// be asked.
    pub fn new(policy: Policy, person: Arc<dyn AskPerson>) -> PermissionPolicy {
        PermissionPolicy {
            policy: Arc::new(policy),
            person: person.can_ask().then_some(person),
            log: Arc::default(),
        }
    }

    /// A fresh copy for another turn (its own decisions).
    pub fn for_turn(&self) -> PermissionPolicy {
        PermissionPolicy {
            policy: self.policy.clone(),
            person: self.person.clone(),
            log: Arc::default(),
        }
    }

    /// Decide `event`, a permission asked for in `session`'s turn: by the
    /// policy's last matching rule, asking a person (on the blocking pool)
    /// when it says ask and one can be asked, else by `non_interactive`.
    /// The decision is logged for the turn's record.
    pub async fn decide(&self, session: &str, event: &AgentEvent) -> PermissionDecision {
        let AgentEvent::Permission {
            permission,
            patterns,
            ..
        } = event
        else {
            unreachable!("decide takes a permission request");
        };
        let verdict = self.policy.decide(permission, patterns);
        let remembered = {
            let turn = self.log.lock().expect("permission log");
            turn.always
                .iter()
                .any(|(t, p)| t == permission && p == patterns)
        };
        let decision = match (verdict.action, &self.person) {
            (Action::Ask, _) if remembered => PermissionDecision {
                decision: Action::Allow,
                by: "person",
                rule: verdict.rule,
                fail: false,
            },
            (Action::Ask, Some(person)) => {
                let person = person.clone();
                let (s, e) = (session.to_string(), event.clone());
                let reply = crate::util::blocking(move || person.ask_permission(&s, &e))
                    .await
                    .unwrap_or(PermissionReply::Reject);
                if reply == PermissionReply::Always {
                    let mut turn = self.log.lock().expect("permission log");
                    turn.always.push((permission.clone(), patterns.clone()));
                }
                PermissionDecision {
                    decision: if reply == PermissionReply::Reject {
                        Action::Deny
                    } else {
                        Action::Allow
                    },
                    by: "person",
                    rule: verdict.rule,
                    fail: false,
                }
            }
            (Action::Ask, None) => PermissionDecision {
                decision: Action::Deny,
                by: "non_interactive",
                rule: verdict.rule,
                fail: self.policy.non_interactive == NonInteractive::Fail,
            },
            (action, _) => PermissionDecision {
                decision: action,
                by: "rule",
                rule: verdict.rule,
                fail: false,
            },
        };
        let mut turn = self.log.lock().expect("permission log");
        if decision.fail && turn.stop.is_none() {
            turn.stop = Some(format!(
                "stopped at a permission request without a terminal (non_interactive = \"fail\", {}): {permission} {}",
                self.policy.non_interactive_source,
                patterns.join(", ")
            ));
        }
        if decision.decision == Action::Allow {
            turn.log.allowed += 1;
        } else {
            turn.log.denied += 1;
        }
        turn.log.decisions.push(PermissionCall {
            tool: permission.clone(),
            patterns: patterns.clone(),
            decision: decision.decision.to_string(),
            by: decision.by.to_string(),
            rule: decision.rule.as_ref().map(Rule::to_string),
        });
        decision
    }

    /// Decide `event` (see [`Self::decide`]) and report it: the
    /// `permission` event with the decision, and a notice.
    pub(crate) async fn answer(
        &self,
        session: &str,
        event: &AgentEvent,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> PermissionDecision {
        let decision = self.decide(session, event).await;
        if let AgentEvent::Permission {
            id,
            permission,
            patterns,
            metadata,
        } = event
        {
            sink(TurnEvent::Permission(Box::new(PermissionEvent {
                id: id.clone(),
                permission: permission.clone(),
                patterns: patterns.clone(),
                metadata: metadata.clone(),
                decision: decision.clone(),
            })));
            // The event says it all; a person hears of what was not
            // simply allowed by a rule.
            if decision.decision != Action::Allow || decision.by != "rule" {
                sink(TurnEvent::Notice {
                    notice: format!(
                        "permission {permission} ({}) {}",
                        patterns.join(", "),
                        decision.describe(&self.policy)
                    ),
                });
            }
        }
        decision
    }

    /// Why `non_interactive = "fail"` ends this turn (None: it does not).
    pub fn stopped(&self) -> Option<String> {
        self.log.lock().expect("permission log").stop.clone()
    }

    /// The decisions of this turn so far.
    pub fn log(&self) -> PermissionLog {
        self.log.lock().expect("permission log").log.clone()
    }
}

impl std::fmt::Debug for PermissionPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PermissionPolicy")
            .field("policy", &self.policy.name)
            .field("ask", &self.person.is_some())
            .finish()
    }
}

/// A permission request and its decision (the `permission` event).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PermissionEvent {
    pub id: String,
    pub permission: String,
    pub patterns: Vec<String>,
    pub metadata: serde_json::Value,
    #[serde(flatten)]
    pub decision: PermissionDecision,
}

/// Allowed and denied permission requests of a turn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PermissionCounts {
    pub allowed: i64,
    pub denied: i64,
}

impl From<&PermissionLog> for PermissionCounts {
    fn from(l: &PermissionLog) -> Self {
        PermissionCounts {
            allowed: l.allowed,
            denied: l.denied,
        }
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
    /// A permission the agent asked for, and how it was decided.
    Permission(Box<PermissionEvent>),
    #[serde(untagged)]
    Agent(AgentEvent),
}

/// Where a session's turns run: opencode's server (its URL), or an agent
/// process over stdio (ACP, by its provider name). Written as the URL, or
/// `acp:<agent>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Server(String),
    Stdio(String),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Server(url) => f.write_str(url),
            Endpoint::Stdio(agent) => write!(f, "acp:{agent}"),
        }
    }
}

impl Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
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
    pub server_url: Endpoint,
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
    /// Permission requests allowed and denied.
    pub permissions: PermissionCounts,
    /// `non_interactive = "fail"` ended the turn at a request it would
    /// have asked about (the error says which); exit 5.
    pub permission_stop: bool,
}
