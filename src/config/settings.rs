//! The types of individual settings: transports, providers and their
//! models, and the `[server]` and `[worktree]` tables.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::secs;

/// How boocoder talks to an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// boocoder itself (the llama-swap models).
    Native,
    /// Agent Client Protocol over stdio.
    Acp,
    /// A terminal program without ACP.
    Pty,
}

/// How a provider's turns run (`[providers.<name>] turns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TurnsVia {
    /// opencode's HTTP server (opencode's default).
    Server,
    /// The provider's ACP launch command over stdio.
    Acp,
}

/// A model named in the config: either `"id"` or `{ id = "...", label = "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ModelSpecRepr")]
pub struct ModelSpec {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ModelSpecRepr {
    Id(String),
    Full {
        id: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl From<ModelSpecRepr> for ModelSpec {
    fn from(r: ModelSpecRepr) -> Self {
        match r {
            ModelSpecRepr::Id(id) => ModelSpec { id, label: None },
            ModelSpecRepr::Full { id, label } => ModelSpec { id, label },
        }
    }
}

/// A command line: `"goose acp"` (split on whitespace) or `["goose", "acp"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "CommandRepr", into = "Vec<String>")]
pub struct CommandLine(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum CommandRepr {
    Line(String),
    Argv(Vec<String>),
}

impl From<CommandRepr> for CommandLine {
    fn from(r: CommandRepr) -> Self {
        match r {
            CommandRepr::Line(s) => CommandLine(s.split_whitespace().map(String::from).collect()),
            CommandRepr::Argv(v) => CommandLine(v),
        }
    }
}

impl From<CommandLine> for Vec<String> {
    fn from(c: CommandLine) -> Self {
        c.0
    }
}

/// `[providers.<name>]`: overrides of a built-in provider, or a custom ACP
/// provider when the name is not built in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_command: Option<CommandLine>,
    /// Replaces the discovered model list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ModelSpec>>,
    /// Merged on top of the discovered model list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_models: Option<Vec<ModelSpec>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// How turns run: `acp` runs opencode over `opencode acp` instead of its server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turns: Option<TurnsVia>,
}

/// `[server]`: the opencode server boocoder starts or reattaches to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerConfig {
    /// Whether a server a command starts stays running as the recorded one.
    pub keep: Keep,
    /// With `keep = "auto"`: a self-kept server stops after this long with
    /// no command attached.
    #[serde(rename = "idle_timeout_seconds", with = "secs")]
    pub idle_timeout: Duration,
    /// How long to wait for a new server to become healthy.
    #[serde(with = "secs")]
    pub health_timeout: Duration,
    /// A stream silent this long is dead (heartbeats come every 10 s).
    #[serde(with = "secs")]
    pub stream_timeout: Duration,
    /// Keep opencode offline (`OPENCODE_DISABLE_MODELS_FETCH=1`).
    pub disable_models_fetch: bool,
    /// A self-kept server no command uses is recycled (stopped, the next
    /// command starts a fresh one) once its process group's RSS passes this
    /// (MiB; 0: never)...
    pub max_rss_mb: u64,
    /// ...or once it has served this many directories (None: no limit).
    pub max_directories: Option<u64>,
}

/// `[worktree]`: what a new worktree gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorktreeConfig {
    /// Globs (gitignore syntax) of git-ignored files copied from the checkout.
    pub include: Vec<String>,
    /// A shell command run in each new worktree.
    pub post_create: Option<String>,
    #[serde(rename = "post_create_timeout_seconds", with = "secs")]
    pub post_create_timeout: Duration,
}

/// `[server] keep`: `true` (a started server stays until `server stop`),
/// `false` (every command's server is short-lived), or `"auto"` (the
/// default: outside CI a started server stays, and stops itself after
/// `idle_timeout_seconds` with no command attached).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    #[default]
    Auto,
    Always,
    Never,
}

impl Serialize for Keep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Keep::Auto => s.serialize_str("auto"),
            Keep::Always => s.serialize_bool(true),
            Keep::Never => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for Keep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keep, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Keep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a boolean or \"auto\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Keep, E> {
                Ok(if v { Keep::Always } else { Keep::Never })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Keep, E> {
                match v {
                    "auto" => Ok(Keep::Auto),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_command_accepts_line_or_argv() {
        let p: ProviderConfig = toml::from_str("launch_command = \"goose acp\"").unwrap();
        assert_eq!(p.launch_command.unwrap().0, vec!["goose", "acp"]);
        let p: ProviderConfig = toml::from_str("launch_command = [\"a b\", \"c\"]").unwrap();
        assert_eq!(p.launch_command.unwrap().0, vec!["a b", "c"]);
    }
}
