//! Agents: what an agent does in boocoder's terms ([`AgentEvent`]), how a
//! turn ends ([`TurnStatus`]), and the backends that run turns: opencode's
//! HTTP server ([`opencode`]) and Agent Client Protocol agents over stdio
//! ([`acp`]), each a [`Transport`] registered in [`transport::BACKENDS`].
//! The session layer's turn engine drives every turn through that trait;
//! nothing above this module knows a backend's protocol, and nothing here
//! imports the session layer.

pub mod acp;
pub mod opencode;
#[cfg(test)]
pub mod scripted;
pub mod transport;
pub mod turn;

pub use transport::{Route, Transport};

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
    Text {
        /// Which part of the reply (internal: not in the records).
        #[serde(skip_serializing)]
        part_id: String,
        delta: String,
    },
    /// Model reasoning.
    Reasoning {
        #[serde(skip_serializing)]
        part_id: String,
        delta: String,
    },
    /// A tool call changed state.
    Tool {
        call_id: String,
        tool: String,
        status: ToolStatus,
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
        status: AgentState,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The session reported an error.
    Error { name: String, message: String },
    /// The session went idle: the turn is over (settle briefly: errors can
    /// bring a second idle).
    Idle,
}

/// Where a tool call is. opencode reports these names; ACP's
/// `in_progress` is `running` and its `failed` is `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolStatus {
    Pending,
    Running,
    Completed,
    Error,
}

impl ToolStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolStatus::Pending => "pending",
            ToolStatus::Running => "running",
            ToolStatus::Completed => "completed",
            ToolStatus::Error => "error",
        }
    }

    /// A status as an agent names it (opencode's or ACP's); one it does not
    /// know yet is taken as running.
    pub fn from_agent(s: &str) -> ToolStatus {
        match s {
            "pending" => ToolStatus::Pending,
            "completed" => ToolStatus::Completed,
            "error" | "failed" => ToolStatus::Error,
            _ => ToolStatus::Running,
        }
    }
}

impl std::fmt::Display for ToolStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the agent's session is doing while a turn runs (opencode's
/// `session.status`; its end, idle, is [`AgentEvent::Idle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    Busy,
    /// A model request failed and is tried again.
    Retry,
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

/// A turn's status: `running` while it runs, then how it ended. Stored as
/// [`TurnStatus::as_str`] and read back with `FromStr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnStatus {
    /// Still running (or its process died: the lease's next owner marks it
    /// `crashed`).
    Running,
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
    /// Another process took the session over mid-turn (this one's lease
    /// expired): it wrote nothing more.
    LeaseLost,
}

impl TurnStatus {
    pub const ALL: [TurnStatus; 8] = [
        TurnStatus::Running,
        TurnStatus::Done,
        TurnStatus::Failed,
        TurnStatus::Stalled,
        TurnStatus::ServerLost,
        TurnStatus::Crashed,
        TurnStatus::Interrupted,
        TurnStatus::LeaseLost,
    ];

    /// The turn broke off without the agent settling its session (its
    /// process died, or another took over): the next turn starts a new
    /// agent session.
    pub fn broke_off(self) -> bool {
        matches!(self, TurnStatus::Crashed | TurnStatus::LeaseLost)
    }
}

impl TurnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnStatus::Running => "running",
            TurnStatus::Done => "done",
            TurnStatus::Failed => "failed",
            TurnStatus::Stalled => "stalled",
            TurnStatus::ServerLost => "server_lost",
            TurnStatus::Crashed => "crashed",
            TurnStatus::Interrupted => "interrupted",
            TurnStatus::LeaseLost => "lease_lost",
        }
    }
}

impl std::str::FromStr for TurnStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<TurnStatus, String> {
        TurnStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown turn status {s:?}"))
    }
}

/// How the store reads a stored status.
impl TryFrom<String> for TurnStatus {
    type Error = String;

    fn try_from(s: String) -> Result<TurnStatus, String> {
        s.parse()
    }
}

impl std::fmt::Display for TurnStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::TurnStatus;

    #[test]
    fn every_turn_status_is_stored_and_read_back_as_itself() {
        for s in TurnStatus::ALL {
            assert_eq!(s.as_str().parse::<TurnStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("finished".parse::<TurnStatus>().is_err());
        assert!(TurnStatus::Crashed.broke_off() && TurnStatus::LeaseLost.broke_off());
        assert!(!TurnStatus::Failed.broke_off());
        use super::ToolStatus;
        for (agent, ours) in [
            ("pending", ToolStatus::Pending),
            ("running", ToolStatus::Running),
            ("in_progress", ToolStatus::Running),
            ("completed", ToolStatus::Completed),
            ("error", ToolStatus::Error),
            ("failed", ToolStatus::Error),
        ] {
            assert_eq!(ToolStatus::from_agent(agent), ours);
        }
    }
}
