//! The opencode layer: the server (short-lived or reattached), its HTTP
//! client, the one event stream per process, and event translation.
//! Facts about opencode's API are in DESIGN.md (checked against 1.18.33).

mod client;
mod events;
mod server;
mod sse;
mod translate;
mod turn;
mod version;

pub use client::{Client, Health, SessionStatus};
pub use events::{EventHub, StreamItem, Subscription};
pub use server::{
    LLAMA_SWAP_PROVIDER, Origin, Server, ServerOptions, ServerRecord, ServerState, active_turns,
    attached, dispose_directory, ensure_server, fingerprint, group_rss_mb, idle_since,
    llama_swap_model_id, read_state, server_status, settings, start_kept_server, stop_server,
    stops_at, supervise, supervisor_running,
};
pub use sse::SseParser;
pub use translate::{Translator, event_session};
pub use turn::{BACKEND, TurnRunner, first_line};
pub use version::{OpencodeVersion, detect_version, serves_v1, transport};

use std::path::PathBuf;

/// An opencode failure.
#[derive(Debug, thiserror::Error)]
pub enum OpencodeError {
    #[error("opencode not found: {}", bin.display())]
    NotInstalled { bin: PathBuf },
    #[error("cannot start {}: {source}", bin.display())]
    Spawn {
        bin: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "opencode server did not become healthy within {seconds} s{}",
        tail_suffix(log_tail)
    )]
    Unhealthy { seconds: u64, log_tail: String },
    #[error(
        "opencode server exited during start-up ({status}){}",
        tail_suffix(log_tail)
    )]
    Exited { status: String, log_tail: String },
    #[error("opencode refused the credentials ({route})")]
    Unauthorized { route: String },
    #[error("opencode {route} answered {status}: {body}")]
    Http {
        route: String,
        status: u16,
        body: String,
    },
    #[error("cannot reach opencode ({route}): {source}")]
    Request {
        route: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{why}")]
    KeptDiffers { why: String },
    #[error(
        "opencode {version} ({}) has no server boocoder can drive: opencode 2 serves only its V2 API",
        path.display()
    )]
    NoV1Server { version: String, path: PathBuf },
    #[error("server state {}: {source}", path.display())]
    State {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn tail_suffix(tail: &str) -> String {
    if tail.trim().is_empty() {
        String::new()
    } else {
        format!("; its last output:\n{}", tail.trim_end())
    }
}

impl OpencodeError {
    pub fn exit(&self) -> crate::Exit {
        match self {
            OpencodeError::Unauthorized { .. } => crate::Exit::Auth,
            OpencodeError::KeptDiffers { .. } => crate::Exit::No,
            OpencodeError::NoV1Server { .. } => crate::Exit::Usage,
            _ => crate::Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            OpencodeError::NotInstalled { .. } => Some(
                "install it (npm install -g opencode-ai) or set BOOCODER_OPENCODE_BIN / opencode_bin in the config"
                    .into(),
            ),
            OpencodeError::Unhealthy { .. } => Some(
                "a loaded machine may need more time: raise [server] health_timeout_seconds".into(),
            ),
            OpencodeError::Unauthorized { .. } => Some(
                "the recorded server's password no longer matches: run `boocoder server stop`"
                    .into(),
            ),
            OpencodeError::KeptDiffers { .. } => Some(
                "`boocoder server start --restart` replaces it (refused while turns run on it, \
                 unless --force)"
                    .into(),
            ),
            OpencodeError::NoV1Server { .. } => Some(
                "its turns run over `opencode acp`: drop `turns = \"server\"` from [providers.opencode]; \
                 or install opencode 1.x (npm install -g opencode-ai@1.18.33) for the server"
                    .into(),
            ),
            _ => None,
        }
    }
}
