//! The provider registry: the built-in providers and the config's
//! `[providers.<name>]` overrides and custom ACP providers.

use std::collections::BTreeMap;

use crate::config::{ProviderConfig, Transport, TurnsVia};
use crate::probe::{Mode, Model, SlashCommand};

/// Where a provider's models come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSource {
    /// The llama-swap models themselves (the native provider).
    LlamaSwap,
    /// The ACP probe (stored between probes).
    AcpProbe,
    /// The ACP probe plus qwen's settings file.
    AcpAndQwenSettings,
    /// A list built into boocoder (claude); commands from files on disk.
    Claude,
}

/// One provider: a built-in with its manifest, after config overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub name: String,
    pub label: String,
    pub description: String,
    pub transport: Transport,
    /// The launch command (empty for the native provider).
    pub launch: Vec<String>,
    pub model_source: ModelSource,
    /// Add the llama-swap models, prefixed `llama-swap/`.
    pub merge_llama_swap: bool,
    /// The modes the manifest lists (shown when no probe ran).
    pub modes: Vec<Mode>,
    pub default_mode: Option<String>,
    /// Commands the manifest lists (probed or on-disk ones come on top).
    pub commands: Vec<SlashCommand>,
    pub enabled: bool,
    /// Config `models`: replace the discovered list.
    pub models: Option<Vec<Model>>,
    /// Config `additional_models`: merged on top.
    pub additional_models: Vec<Model>,
    pub builtin: bool,
    /// How this provider runs turns (None: it does not).
    pub turns: Option<TurnsVia>,
    /// Older names of the launch program, accepted in its place when only
    /// they are installed (cleared by a `launch_command` override).
    pub alternates: Vec<String>,
    /// How to install the launch program (a built-in's package), for hints.
    pub install: Option<String>,
}

impl Provider {
    /// The launch program as an absolute path: its first word on PATH (or
    /// as a path), else an older name of it ([`Provider::alternates`]).
    pub fn program(
        &self,
        env: &crate::probe::ProbeEnv,
        cwd: &std::path::Path,
    ) -> Option<std::path::PathBuf> {
        resolve_program(&self.launch, &self.alternates, env, cwd)
    }
}

/// `launch`'s program as an absolute path, else the first of `alternates`
/// installed.
pub fn resolve_program(
    launch: &[String],
    alternates: &[String],
    env: &crate::probe::ProbeEnv,
    cwd: &std::path::Path,
) -> Option<std::path::PathBuf> {
    use crate::probe::availability::resolve;
    launch
        .first()
        .into_iter()
        .chain(alternates)
        .find_map(|p| resolve(p, env, cwd))
}

/// The install command of a built-in provider's launch program.
fn install_hint(name: &str) -> Option<&'static str> {
    Some(match name {
        "opencode" => "npm install -g opencode-ai",
        "qwen" => "npm install -g @qwen-code/qwen-code (Node 22)",
        "gemini" => "npm install -g @google/gemini-cli",
        "claude" => "npm install -g @agentclientprotocol/claude-agent-acp",
        "codex" => "npm install -g @agentclientprotocol/codex-acp",
        _ => return None,
    })
}

/// Names of the built-in providers, in snapshot order.
pub const BUILTIN: [&str; 7] = [
    "boocode", "opencode", "qwen", "gemini", "claude", "codex", "goose",
];

fn modes(list: &[(&str, &str)]) -> Vec<Mode> {
    list.iter().map(|(id, name)| Mode::new(id, name)).collect()
}

/// What differs between the built-in providers.
struct Builtin {
    name: &'static str,
    label: &'static str,
    description: &'static str,
    transport: Transport,
    launch: &'static [&'static str],
    model_source: ModelSource,
    merge_llama_swap: bool,
    /// (id, name) of each mode, and the default one.
    modes: &'static [(&'static str, &'static str)],
    default_mode: Option<&'static str>,
}

/// The built-in providers, in [`BUILTIN`] order.
const BUILTINS: [Builtin; 7] = [
    Builtin {
        name: "boocode",
        label: "boocode",
        description: "boocoder's own agent on the llama-swap models",
        transport: Transport::Native,
        launch: &[],
        model_source: ModelSource::LlamaSwap,
        merge_llama_swap: false,
        modes: &[],
        default_mode: None,
    },
    Builtin {
        name: "opencode",
        label: "opencode",
        description: "opencode over ACP (opencode acp), with the llama-swap models",
        transport: Transport::Acp,
        launch: &["opencode", "acp"],
        model_source: ModelSource::AcpProbe,
        merge_llama_swap: true,
        modes: &[("build", "Build"), ("plan", "Plan")],
        default_mode: Some("build"),
    },
    Builtin {
        name: "qwen",
        label: "Qwen Code",
        description: "Qwen Code over ACP (qwen --acp), with the models of ~/.qwen/settings.json",
        transport: Transport::Acp,
        launch: &["qwen", "--acp"],
        model_source: ModelSource::AcpAndQwenSettings,
        merge_llama_swap: false,
        modes: &[
            ("default", "Default"),
            ("plan", "Plan"),
            ("auto-edit", "Auto edit"),
            ("yolo", "YOLO"),
        ],
        default_mode: Some("default"),
    },
    Builtin {
        name: "gemini",
        label: "Gemini CLI",
        description: "Gemini CLI over ACP (gemini --acp)",
        transport: Transport::Acp,
        launch: &["gemini", "--acp"],
        model_source: ModelSource::AcpProbe,
        merge_llama_swap: false,
        modes: &[
            ("default", "Default"),
            ("autoEdit", "Auto edit"),
            ("yolo", "YOLO"),
        ],
        default_mode: Some("default"),
    },
    Builtin {
        name: "claude",
        label: "Claude Code",
        description: "Claude Code over ACP (claude-agent-acp); commands from ~/.claude",
        transport: Transport::Acp,
        launch: &["claude-agent-acp"],
        model_source: ModelSource::Claude,
        merge_llama_swap: false,
        modes: &[
            ("default", "Default"),
            ("acceptEdits", "Accept edits"),
            ("plan", "Plan"),
            ("bypassPermissions", "Bypass permissions"),
        ],
        default_mode: Some("default"),
    },
    Builtin {
        name: "codex",
        label: "Codex",
        description: "OpenAI Codex over ACP (codex-acp)",
        transport: Transport::Acp,
        launch: &["codex-acp"],
        model_source: ModelSource::AcpProbe,
        merge_llama_swap: false,
        modes: &[
            ("read-only", "Read only"),
            ("auto", "Auto"),
            ("full-access", "Full access"),
        ],
        default_mode: Some("auto"),
    },
    Builtin {
        name: "goose",
        label: "Goose",
        description: "Goose over ACP (goose acp)",
        transport: Transport::Acp,
        launch: &["goose", "acp"],
        model_source: ModelSource::AcpProbe,
        merge_llama_swap: false,
        modes: &[
            ("auto", "Auto"),
            ("approve", "Approve"),
            ("smart_approve", "Smart approve"),
            ("chat", "Chat"),
        ],
        default_mode: Some("auto"),
    },
];

/// The manifest of built-in provider `name`.
pub fn builtin(name: &str) -> Option<Provider> {
    let b = BUILTINS.iter().find(|b| b.name == name)?;
    Some(Provider {
        name: name.to_string(),
        label: b.label.into(),
        description: b.description.into(),
        transport: b.transport,
        launch: b.launch.iter().map(|s| s.to_string()).collect(),
        model_source: b.model_source,
        merge_llama_swap: b.merge_llama_swap,
        modes: modes(b.modes),
        default_mode: b.default_mode.map(String::from),
        commands: Vec::new(),
        enabled: true,
        models: None,
        additional_models: Vec::new(),
        builtin: true,
        turns: match (name, b.transport) {
            ("opencode", _) => Some(TurnsVia::Server),
            (_, Transport::Acp) => Some(TurnsVia::Acp),
            _ => None,
        },
        // The adapter's name before it moved to @agentclientprotocol.
        alternates: match name {
            "claude" => vec!["claude-code-acp".into()],
            _ => Vec::new(),
        },
        install: install_hint(name).map(String::from),
    })
}

fn to_model(m: &crate::config::ModelSpec) -> Model {
    Model::labelled(
        m.id.clone(),
        m.label.clone().unwrap_or_else(|| m.id.clone()),
    )
}

/// Apply one `[providers.<name>]` table to a provider.
fn apply(p: &mut Provider, c: &ProviderConfig) {
    if let Some(e) = c.enabled {
        p.enabled = e;
    }
    if let Some(l) = &c.label {
        p.label = l.clone();
    }
    if let Some(d) = &c.description {
        p.description = d.clone();
    }
    if let Some(cmd) = &c.launch_command {
        p.launch = cmd.0.clone();
        p.alternates.clear();
    }
    if let Some(t) = c.transport {
        p.transport = t;
        p.turns = match t {
            Transport::Acp => p.turns.or(Some(TurnsVia::Acp)),
            _ => None,
        };
    }
    if let Some(t) = c.turns {
        p.turns = Some(t);
    }
    if let Some(m) = &c.models {
        p.models = Some(m.iter().map(to_model).collect());
    }
    if let Some(m) = &c.additional_models {
        p.additional_models = m.iter().map(to_model).collect();
    }
}

/// Every provider for `config`: [`providers`], with the built-in opencode
/// launched from the configured `opencode_bin` (`BOOCODER_OPENCODE_BIN`), the
/// binary turns run, unless its `launch_command` is overridden.
pub fn configured(config: &crate::config::Config) -> (Vec<Provider>, Vec<String>) {
    let (mut list, warnings) = providers(&config.providers);
    let overridden = config
        .providers
        .get("opencode")
        .is_some_and(|c| c.launch_command.is_some());
    if let (Some(bin), false) = (&config.opencode_bin, overridden)
        && let Some(first) = list
            .iter_mut()
            .find(|p| p.name == "opencode")
            .and_then(|p| p.launch.first_mut())
    {
        *first = bin.to_string_lossy().into_owned();
    }
    (list, warnings)
}

/// Every provider: the built-ins in their order with overrides applied, then
/// the custom ACP providers (unknown names with `transport = "acp"` and a
/// `launch_command`) by name. Config entries that are neither come back as
/// warnings.
pub fn providers(config: &BTreeMap<String, ProviderConfig>) -> (Vec<Provider>, Vec<String>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for name in BUILTIN {
        let mut p = builtin(name).expect("built-in provider");
        if let Some(c) = config.get(name) {
            apply(&mut p, c);
        }
        out.push(p);
    }
    for (name, c) in config {
        if BUILTIN.contains(&name.as_str()) {
            continue;
        }
        match (&c.transport, &c.launch_command) {
            (Some(Transport::Acp), Some(cmd)) if !cmd.0.is_empty() => {
                let mut p = Provider {
                    name: name.clone(),
                    label: name.clone(),
                    description: format!("custom ACP agent ({})", cmd.0.join(" ")),
                    transport: Transport::Acp,
                    launch: Vec::new(),
                    model_source: ModelSource::AcpProbe,
                    merge_llama_swap: false,
                    modes: Vec::new(),
                    default_mode: None,
                    commands: Vec::new(),
                    enabled: true,
                    models: None,
                    additional_models: Vec::new(),
                    builtin: false,
                    turns: Some(TurnsVia::Acp),
                    alternates: Vec::new(),
                    install: None,
                };
                apply(&mut p, c);
                out.push(p);
            }
            _ => warnings.push(format!(
                "[providers.{name}] is not a built-in provider; a custom one needs transport = \"acp\" and launch_command"
            )),
        }
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CommandLine, ModelSpec};

    #[test]
    fn the_builtin_names_are_the_manifests_in_order() {
        let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        assert_eq!(names, BUILTIN);
        assert!(BUILTIN.iter().all(|n| builtin(n).is_some()));
        assert!(builtin("nano").is_none());
    }

    #[test]
    fn overrides_and_custom_providers() {
        let mut config = BTreeMap::new();
        config.insert(
            "gemini".to_string(),
            ProviderConfig {
                enabled: Some(false),
                label: Some("G".into()),
                ..Default::default()
            },
        );
        config.insert(
            "mine".to_string(),
            ProviderConfig {
                transport: Some(Transport::Acp),
                launch_command: Some(CommandLine(vec!["mine".into(), "--acp".into()])),
                models: Some(vec![ModelSpec {
                    id: "m1".into(),
                    label: None,
                }]),
                ..Default::default()
            },
        );
        config.insert("typo".to_string(), ProviderConfig::default());
        let (ps, warnings) = providers(&config);
        assert_eq!(ps.len(), BUILTIN.len() + 1);
        let g = ps.iter().find(|p| p.name == "gemini").unwrap();
        assert!(!g.enabled);
        assert_eq!(g.label, "G");
        let mine = ps.last().unwrap();
        assert_eq!(mine.name, "mine");
        assert_eq!(mine.launch, ["mine", "--acp"]);
        assert_eq!(mine.models, Some(vec![Model::plain("m1")]));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("typo"));
    }
}
