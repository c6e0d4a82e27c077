//! The plain kinds the store keeps and every layer above shares: how a
//! turn ended ([`TurnStatus`]), where a tool call is ([`ToolStatus`]), the
//! token counts of a step ([`TokenUsage`]) and how a file changed
//! ([`ChangeStatus`]). Each status is stored as its `as_str` and read back
//! with `FromStr`. They live here, at the bottom, so the store depends on no
//! layer above it; `agent` and `worktree` re-export them.

use serde::Serialize;

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

/// How a file changed against the base. Stored (a session's pending
/// changes) as [`ChangeStatus::as_str`], read back with `FromStr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    Typechange,
}

impl ChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Added => "added",
            ChangeStatus::Modified => "modified",
            ChangeStatus::Deleted => "deleted",
            ChangeStatus::Renamed => "renamed",
            ChangeStatus::Copied => "copied",
            ChangeStatus::Typechange => "typechange",
        }
    }
}

impl std::str::FromStr for ChangeStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<ChangeStatus, String> {
        [
            ChangeStatus::Added,
            ChangeStatus::Modified,
            ChangeStatus::Deleted,
            ChangeStatus::Renamed,
            ChangeStatus::Copied,
            ChangeStatus::Typechange,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| format!("unknown change status {s:?}"))
    }
}

/// An agent session's state in the store: `active` (turns resume it), or
/// `crashed` (its turn broke off). Stored as [`AgentSessionStatus::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentSessionStatus {
    Active,
    Crashed,
}

impl AgentSessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentSessionStatus::Active => "active",
            AgentSessionStatus::Crashed => "crashed",
        }
    }
}

impl std::str::FromStr for AgentSessionStatus {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<AgentSessionStatus, String> {
        [AgentSessionStatus::Active, AgentSessionStatus::Crashed]
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown agent session status {s:?}"))
    }
}

/// How the store reads a stored status.
impl TryFrom<String> for AgentSessionStatus {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<AgentSessionStatus, String> {
        s.parse()
    }
}

/// How the store reads a stored status.
impl TryFrom<String> for ChangeStatus {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<ChangeStatus, String> {
        s.parse()
    }
}

impl std::fmt::Display for ChangeStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{AgentSessionStatus, ChangeStatus, ToolStatus, TurnStatus};

    #[test]
    fn every_turn_status_is_stored_and_read_back_as_itself() {
        for s in TurnStatus::ALL {
            assert_eq!(s.as_str().parse::<TurnStatus>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("finished".parse::<TurnStatus>().is_err());
        for a in [AgentSessionStatus::Active, AgentSessionStatus::Crashed] {
            assert_eq!(a.as_str().parse::<AgentSessionStatus>(), Ok(a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        assert!("gone".parse::<AgentSessionStatus>().is_err());
        assert!(TurnStatus::Crashed.broke_off() && TurnStatus::LeaseLost.broke_off());
        assert!(!TurnStatus::Failed.broke_off());
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
        for c in [
            ChangeStatus::Added,
            ChangeStatus::Modified,
            ChangeStatus::Deleted,
            ChangeStatus::Renamed,
            ChangeStatus::Copied,
            ChangeStatus::Typechange,
        ] {
            assert_eq!(c.as_str().parse::<ChangeStatus>(), Ok(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert!("moved".parse::<ChangeStatus>().is_err());
    }
}
