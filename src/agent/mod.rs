//! Agents: what an agent does in boocoder's terms ([`AgentEvent`]), how a
//! turn ends ([`TurnStatus`]), and the backends that run turns: opencode's
//! HTTP server ([`opencode`]) and Agent Client Protocol agents over stdio
//! ([`acp`]). The session layer drives a turn through [`Backend`]; nothing
//! above this module knows a backend's protocol.

pub mod acp;
pub mod opencode;

use serde::Serialize;
use serde_json::Value;

/// Token counts reported at the end of a step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TokenUsage {
    pub input: i64,
    pub output: i64,
    pub reasoning: i64,
    pub cache_read: i64,
    pub cache_write: i64,
}

impl TokenUsage {
    pub fn add(&mut self, o: &TokenUsage) {
        self.input += o.input;
        self.output += o.output;
        self.reasoning += o.reasoning;
        self.cache_read += o.cache_read;
        self.cache_write += o.cache_write;
    }
}

/// What an agent did, in boocoder's terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentEvent {
    /// Assistant text.
    Text { part_id: String, delta: String },
    /// Model reasoning.
    Reasoning { part_id: String, delta: String },
    /// A tool call changed state (pending, running, completed, error).
    Tool {
        call_id: String,
        tool: String,
        status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        input: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A model step ended.
    StepFinish {
        tokens: TokenUsage,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The agent waits for a permission decision.
    Permission {
        id: String,
        permission: String,
        patterns: Vec<String>,
        metadata: Value,
    },
    /// The agent's plan (ACP agents): `[{content, status, priority}]`.
    Plan { entries: Value },
    /// The session is busy (or retrying).
    Status {
        status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The session reported an error.
    Error { name: String, message: String },
    /// The session went idle: the turn is over (settle briefly: errors can
    /// bring a second idle).
    Idle,
}

/// An answer to a permission request (opencode's `permission.asked`, ACP's
/// `session/request_permission`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionReply {
    Once,
    Always,
    Reject,
}

/// How a turn ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnStatus {
    Done,
    /// The agent reported an error.
    Failed,
    /// No progress within the watchdog; aborted.
    Stalled,
    /// The server went away mid-turn.
    ServerLost,
    /// The agent process exited or broke the protocol mid-turn (ACP).
    Crashed,
    Interrupted,
}

impl TurnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnStatus::Done => "done",
            TurnStatus::Failed => "failed",
            TurnStatus::Stalled => "stalled",
            TurnStatus::ServerLost => "server_lost",
            TurnStatus::Crashed => "crashed",
            TurnStatus::Interrupted => "interrupted",
        }
    }
}

impl std::str::FromStr for TurnStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<TurnStatus, String> {
        [
            TurnStatus::Done,
            TurnStatus::Failed,
            TurnStatus::Stalled,
            TurnStatus::ServerLost,
            TurnStatus::Crashed,
            TurnStatus::Interrupted,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| format!("unknown turn status {s:?}"))
    }
}
