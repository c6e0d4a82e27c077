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

pub use crate::store::{TokenUsage, ToolStatus, TurnStatus};
pub use transport::{Route, Transport};

use serde::Serialize;
use serde_json::Value;

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
