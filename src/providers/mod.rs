//! The provider snapshot: which agents are installed, which models, modes
//! and commands they offer, by the old server's tier rules, persisted in the
//! store and cached per working directory.

pub mod registry;
mod snapshot;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::Transport;
pub use crate::probe::{Mode, Model, SlashCommand, ThinkingOption};
pub use registry::{ModelSource, Provider};
pub use snapshot::{ProbeReport, Snapshot, SnapshotRequest, peek, probe, snapshot};

/// A provider's state in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ready,
    Unavailable,
    Error,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Ready => "ready",
            Status::Unavailable => "unavailable",
            Status::Error => "error",
        })
    }
}

/// Why a provider is in status `error` (`kind`: auth_required, timeout,
/// crashed, protocol, spawn_failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryError {
    pub kind: String,
    pub message: String,
}

/// One provider in a snapshot. The JSON field names are documented in the
/// README; scripts rely on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub label: String,
    pub description: String,
    pub transport: Transport,
    pub status: Status,
    pub enabled: bool,
    pub installed: bool,
    pub models: Vec<Model>,
    pub modes: Vec<Mode>,
    pub default_mode_id: Option<String>,
    pub commands: Vec<SlashCommand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<EntryError>,
    /// When this entry's models were fetched (ms since the Unix epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "crate::timestamp::opt_ms")]
    pub fetched_at: Option<i64>,
}

/// Progress of a snapshot or probe, one provider at a time: this layer's
/// view of the command's reporter (`crate::report::Reporter`). The command
/// layer draws it; the library only calls it.
pub trait Progress: Send + Sync {
    /// Work on provider `name` began.
    fn provider_started(&self, _name: &str) {}
    /// The provider of `entry` is done.
    fn provider_finished(&self, _entry: &Entry) {}
}

/// A snapshot or probe that could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("unknown provider `{name}`")]
    Unknown { name: String, known: Vec<String> },
    #[error("cannot use {} as the working directory: {source}", path.display())]
    BadCwd {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ProviderError {
    pub fn exit(&self) -> crate::Exit {
        crate::Exit::Usage
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            ProviderError::Unknown { known, .. } => Some(format!(
                "known providers: {} (custom ones come from [providers.<name>] in the config)",
                known.join(", ")
            )),
            ProviderError::BadCwd { .. } => Some("pass an existing directory to --cwd".into()),
        }
    }
}
