//! Finding out about agents: is the launch binary installed (PATH, `--version`),
//! what an ACP agent offers (models, modes, slash commands), which models
//! llama-swap serves, and what qwen's settings and claude's files on disk say.
//!
//! Nothing here reads the process environment: PATH and HOME come in a
//! [`ProbeEnv`] the caller fills.

pub mod acp;
pub mod availability;
pub mod claude;
pub mod llama_swap;
pub mod qwen;

use std::ffi::OsString;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// What probing needs from the environment, captured by the caller.
#[derive(Debug, Clone, Default)]
pub struct ProbeEnv {
    /// The search path for launch binaries (`PATH`).
    pub path: Option<OsString>,
    /// The home directory (`~/.qwen`, `~/.claude`).
    pub home: Option<PathBuf>,
    /// The variables agents read their keys, endpoints and models from
    /// ([`AGENT_VAR_PREFIXES`]), sorted: part of a kept agent's fingerprint.
    pub agent_vars: Vec<(String, String)>,
}

/// Prefixes of the environment variables ACP agents read their settings
/// from (API keys, base URLs, models).
pub const AGENT_VAR_PREFIXES: &[&str] = &[
    "OPENAI_",
    "ANTHROPIC_",
    "GEMINI_",
    "GOOGLE_",
    "QWEN_",
    "CLAUDE_",
    "CODEX_",
    "OPENCODE_",
];

/// A model a provider offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    pub id: String,
    pub label: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "thinkingOptions"
    )]
    pub thinking_options: Option<Vec<ThinkingOption>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "defaultThinkingOptionId"
    )]
    pub default_thinking_option_id: Option<String>,
}

impl Model {
    /// A model whose label is its id.
    pub fn plain(id: impl Into<String>) -> Model {
        let id = id.into();
        Model {
            label: id.clone(),
            id,
            thinking_options: None,
            default_thinking_option_id: None,
        }
    }

    pub fn labelled(id: impl Into<String>, label: impl Into<String>) -> Model {
        Model {
            label: label.into(),
            ..Model::plain(id)
        }
    }
}

/// A reasoning-effort choice of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThinkingOption {
    pub id: String,
    pub label: String,
}

/// A session mode an agent offers (e.g. `build`, `plan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mode {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Mode {
    pub fn new(id: &str, name: &str) -> Mode {
        Mode {
            id: id.into(),
            name: name.into(),
            description: None,
        }
    }
}

/// A slash command an agent offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashCommand {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Append `more` to `models`, skipping ids already present.
pub fn merge_models(models: &mut Vec<Model>, more: impl IntoIterator<Item = Model>) {
    for m in more {
        if !models.iter().any(|have| have.id == m.id) {
            models.push(m);
        }
    }
}
