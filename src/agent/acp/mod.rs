//! ACP agents running turns over the JSON-RPC stdio connection
//! ([`crate::acp_wire`], shared with the probe): the turn, the translation of `session/update` into boocoder's
//! events, and the client side of `fs/*` confined to the session's worktree.

mod fs;
pub mod host;
mod permission;
pub mod translate;
mod turn;

use std::path::{Path, PathBuf};

pub use crate::acp_wire::AcpError;
pub use host::AgentKeep;
pub use turn::{AcpTurns, BACKEND};

use crate::config::Config;
use crate::probe::ProbeEnv;

/// An ACP agent that runs turns: its provider name and launch command.
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    pub name: String,
    pub launch: Vec<String>,
    /// opencode's binary from the config (`opencode_bin`), used when the
    /// launch command starts with `opencode`.
    pub opencode_bin: Option<PathBuf>,
    /// Older names of the launch program, run when only they are installed.
    pub alternates: Vec<String>,
    /// How to install the launch program, for the not-installed hint.
    pub install: Option<String>,
    /// Why this agent runs over ACP although its provider says otherwise
    /// (opencode 2 has no V1 server): kept in the agent session's record.
    pub note: Option<String>,
}

impl Backend {
    /// The launch program as an absolute path, searched on PATH.
    pub fn program(&self, env: &ProbeEnv, cwd: &Path) -> Result<PathBuf, AcpTurnError> {
        let first = self.launch.first().map(String::as_str).unwrap_or_default();
        if first == "opencode"
            && let Some(bin) = &self.opencode_bin
        {
            return Ok(bin.clone());
        }
        crate::providers::registry::resolve_program(&self.launch, &self.alternates, env, cwd)
            .ok_or_else(|| AcpTurnError::NotInstalled {
                agent: self.name.clone(),
                program: first.to_string(),
                install: self.install.clone(),
            })
    }

    /// Whether this is opencode over ACP (`opencode acp`).
    pub fn is_opencode(&self) -> bool {
        self.launch
            .first()
            .is_some_and(|p| Path::new(p).file_name().and_then(|n| n.to_str()) == Some("opencode"))
    }

    /// The environment `opencode acp` gets: the same llama-swap provider,
    /// default model and offline switches as the server boocoder starts;
    /// and the model id it knows `model` by (`provider/model`).
    pub async fn opencode_setup(
        &self,
        config: &Config,
        model: Option<&str>,
    ) -> (Vec<(String, String)>, Option<String>) {
        use crate::agent::opencode::{ServerOptions, llama_swap_model_id};
        use crate::probe::llama_swap;
        let models = match &config.llama_swap_url {
            Some(url) => {
                llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT)
                    .await
                    .0
            }
            None => Vec::new(),
        };
        let opts = ServerOptions::from_config(config);
        let mut env = vec![("OPENCODE_DISABLE_AUTOUPDATE".to_string(), "1".to_string())];
        if opts.disable_models_fetch {
            env.push(("OPENCODE_DISABLE_MODELS_FETCH".into(), "1".into()));
        }
        env.push((
            "OPENCODE_CONFIG_CONTENT".into(),
            opts.config_content(&models),
        ));
        let model = model.map(|m| {
            let (p, m) = llama_swap_model_id(m, &models);
            format!("{p}/{m}")
        });
        (env, model)
    }

    /// How to sign in to this agent, for an auth error's hint.
    pub fn login_hint(&self) -> String {
        let step = match self.name.as_str() {
            "qwen" => {
                "run `qwen` once and sign in (/auth), or set an API key in ~/.qwen/settings.json"
            }
            "gemini" => "run `gemini` once and sign in, or set GEMINI_API_KEY",
            "claude" => "run `claude` and /login, or set ANTHROPIC_API_KEY",
            "codex" => "run `codex login`, or set OPENAI_API_KEY",
            "goose" => "run `goose configure`",
            "opencode" => "run `opencode auth login`",
            _ => "sign in with the agent's own command first",
        };
        format!("{} needs a sign-in: {step}", self.name)
    }
}

/// Why an ACP turn could not run.
#[derive(Debug, thiserror::Error)]
pub enum AcpTurnError {
    #[error("{agent} is not installed: `{program}` is not on PATH")]
    NotInstalled {
        agent: String,
        program: String,
        install: Option<String>,
    },
    #[error("{agent}: {source}")]
    Agent {
        agent: String,
        login: String,
        #[source]
        source: AcpError,
    },
}

impl AcpTurnError {
    pub fn exit(&self) -> crate::Exit {
        match self {
            AcpTurnError::Agent {
                source: AcpError::AuthRequired { .. },
                ..
            } => crate::Exit::Auth,
            _ => crate::Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            AcpTurnError::NotInstalled {
                program, install, ..
            } => Some(format!(
                "install it so `{program}` is on PATH{}, or set [providers.<name>] launch_command; `boocoder probe` shows what is installed",
                install
                    .as_ref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default()
            )),
            AcpTurnError::Agent {
                source: AcpError::AuthRequired { .. },
                login,
                ..
            } => Some(login.clone()),
            AcpTurnError::Agent {
                source: AcpError::Timeout { .. },
                ..
            } => Some("a loaded machine may need more time; try again".into()),
            _ => None,
        }
    }
}
