//! The plain kinds the store keeps and every layer above shares: how a
//! turn ended ([`TurnStatus`]), where a tool call is ([`ToolStatus`]), the
//! token counts of a step ([`TokenUsage`]) and how a file changed
//! ([`ChangeStatus`]). Each status is stored as its `as_str` and read back
//! with `FromStr`. They live here, at the bottom, so the store depends on no
//! layer above it; `agent` and `worktree` re-export them.

use serde::Serialize;

/// A status stored as its name: `as_str`, every value (`ALL`), `FromStr`
/// and `TryFrom<String>` (how the store reads it back) and `Display`.
macro_rules! stored_names {
    ($ty:ident, $what:literal, { $($v:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$v),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$v => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<$ty, String> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!(concat!("unknown ", $what, " {:?}"), s))
            }
        }

        /// How the store reads a stored status.
        impl TryFrom<String> for $ty {
            type Error = String;

            fn try_from(s: String) -> Result<$ty, String> {
                s.parse()
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

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

stored_names!(ToolStatus, "tool status", {
    Pending => "pending",
    Running => "running",
    Completed => "completed",
    Error => "error",
});

impl ToolStatus {
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

stored_names!(TurnStatus, "turn status", {
    Running => "running",
    Done => "done",
    Failed => "failed",
    Stalled => "stalled",
    ServerLost => "server_lost",
    Crashed => "crashed",
    Interrupted => "interrupted",
    LeaseLost => "lease_lost",
});

impl TurnStatus {
    /// The turn broke off without the agent settling its session (its
    /// process died, or another took over): the next turn starts a new
    /// agent session.
    pub fn broke_off(self) -> bool {
        matches!(self, TurnStatus::Crashed | TurnStatus::LeaseLost)
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

stored_names!(ChangeStatus, "change status", {
    Added => "added",
    Modified => "modified",
    Deleted => "deleted",
    Renamed => "renamed",
    Copied => "copied",
    Typechange => "typechange",
});

/// An agent session's state in the store: `active` (turns resume it), or
/// `crashed` (its turn broke off). Stored as [`AgentSessionStatus::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentSessionStatus {
    Active,
    Crashed,
}

stored_names!(AgentSessionStatus, "agent session status", {
    Active => "active",
    Crashed => "crashed",
});

#[cfg(test)]
mod tests {
    use super::{AgentSessionStatus, ChangeStatus, ToolStatus, TurnStatus};

    /// Every value is stored as its name, read back as itself, and named
    /// in JSON as in the store; an unknown name is refused.
    fn round_trips<T>(all: &[T], unknown: &str)
    where
        T: Copy
            + PartialEq
            + std::fmt::Debug
            + std::fmt::Display
            + std::str::FromStr<Err = String>
            + serde::Serialize,
    {
        for v in all {
            let name = v.to_string();
            assert_eq!(name.parse::<T>(), Ok(*v));
            assert_eq!(serde_json::to_value(v).unwrap(), name.as_str());
        }
        assert!(unknown.parse::<T>().is_err());
    }

    #[test]
    fn every_status_is_stored_and_read_back_as_itself() {
        round_trips(TurnStatus::ALL, "finished");
        round_trips(ToolStatus::ALL, "in_progress");
        round_trips(ChangeStatus::ALL, "moved");
        round_trips(AgentSessionStatus::ALL, "gone");
        assert_eq!(TurnStatus::ALL.len(), 8);
        assert_eq!(ChangeStatus::ALL.len(), 6);
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
    }
}
