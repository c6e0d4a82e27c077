//! The seam between the session layer and the agent backends: which
//! backend runs a session's turns ([`TurnBackend`], by the agent's provider
//! entry) and, once a run has started what they need, one call that runs a
//! turn on either ([`Backends::run_turn`]).
//!
//! Aborting is one mechanism for both: the run's cancellation token
//! (Ctrl-C, SIGTERM, SIGHUP, a lost lease and the watchdog end a turn
//! through it; opencode's turn then calls `session.abort`, an ACP turn
//! sends `session/cancel`, then kills the agent).

use super::{acp, opencode};
use crate::config::{Config, TurnsVia};
use crate::providers::registry;
use crate::session::{TurnEvent, TurnOutcome, TurnRequest};

/// How a session's turns run, by its agent's provider entry.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnBackend {
    /// opencode's HTTP server (the default for opencode).
    OpencodeServer,
    /// An ACP agent over stdio.
    Acp(acp::Backend),
}

impl TurnBackend {
    /// How turns of agent `name` run; an unknown, disabled or turn-less
    /// agent is a usage error naming the ones that can.
    pub fn of(config: &Config, name: &str) -> crate::Result<TurnBackend> {
        let (providers, _) = registry::providers(&config.providers);
        let runnable: Vec<String> = providers
            .iter()
            .filter(|p| p.enabled && p.turns.is_some())
            .map(|p| p.name.clone())
            .collect();
        let refuse = |why: &str| {
            crate::Error::from(crate::session::SessionError::UnsupportedAgent {
                agent: name.to_string(),
                why: why.to_string(),
                known: runnable.clone(),
            })
        };
        let Some(p) = providers.iter().find(|p| p.name == name) else {
            return Err(refuse("is not a known provider"));
        };
        if !p.enabled {
            return Err(refuse("is disabled in the config"));
        }
        match p.turns {
            None => Err(refuse("cannot run turns")),
            Some(TurnsVia::Server) => Ok(TurnBackend::OpencodeServer),
            Some(TurnsVia::Acp) if p.launch.is_empty() => Err(refuse("has no launch command")),
            Some(TurnsVia::Acp) => Ok(TurnBackend::Acp(acp_backend(config, p))),
        }
    }

    /// How turns of agent `name` run with the opencode installed here:
    /// [`TurnBackend::of`], except that opencode 2 (which serves only its V2
    /// API) runs opencode's turns over `opencode acp`, with a note saying
    /// so; asking for its server by name (`turns = "server"`) is an error
    /// naming the version. Its version is cached (see
    /// [`opencode::detect_version`]).
    pub async fn resolve(
        config: &Config,
        name: &str,
    ) -> crate::Result<(TurnBackend, Option<String>)> {
        let backend = TurnBackend::of(config, name)?;
        if backend != TurnBackend::OpencodeServer {
            return Ok((backend, None));
        }
        let bin = config
            .opencode_bin
            .clone()
            .unwrap_or_else(|| std::path::PathBuf::from("opencode"));
        let Some(v) = opencode::detect_version(&bin, &config.state_dir).await else {
            // Not installed or silent: the server's start says what is wrong.
            return Ok((backend, None));
        };
        if v.serves_v1() {
            return Ok((backend, None));
        }
        let asked = config
            .providers
            .get(name)
            .is_some_and(|c| c.turns == Some(TurnsVia::Server));
        if asked {
            return Err(opencode::OpencodeError::NoV1Server {
                version: v.version,
                path: v.path,
            }
            .into());
        }
        let (providers, _) = registry::providers(&config.providers);
        let p = providers
            .iter()
            .find(|p| p.name == name)
            .expect("of() found it");
        let note = format!("opencode {}: turns run over opencode acp", v.version);
        let mut acp = acp_backend(config, p);
        acp.note = Some(note.clone());
        Ok((TurnBackend::Acp(acp), Some(note)))
    }

    /// Whether the run needs opencode's server and event stream.
    pub fn needs_server(&self) -> bool {
        matches!(self, TurnBackend::OpencodeServer)
    }

    /// Whether a turn without a model takes boocoder's default (opencode's
    /// server must never fall back to its own); an ACP agent keeps its own.
    pub fn needs_model(&self) -> bool {
        self.needs_server()
    }
}

fn acp_backend(config: &Config, p: &registry::Provider) -> acp::Backend {
    acp::Backend {
        name: p.name.clone(),
        launch: p.launch.clone(),
        opencode_bin: config.opencode_bin.clone(),
        alternates: p.alternates.clone(),
        install: p.install.clone(),
        note: None,
    }
}

/// The backends of one run, started: opencode's turn runner (on the run's
/// server and event stream, when a session needs it) and the ACP turns.
pub struct Backends<'a> {
    pub opencode: Option<opencode::TurnRunner<'a>>,
    pub acp: acp::AcpTurns<'a>,
}

impl Backends<'_> {
    /// Run one turn of a session whose turns run on `backend`.
    pub async fn run_turn(
        &self,
        backend: &TurnBackend,
        req: &TurnRequest,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<TurnOutcome> {
        match (backend, &self.opencode) {
            (TurnBackend::Acp(b), _) => self.acp.run(req, b, sink).await,
            (TurnBackend::OpencodeServer, Some(runner)) => runner.run(req, sink).await,
            (TurnBackend::OpencodeServer, None) => Err(crate::Error::usage(format!(
                "session {} runs on opencode's server, which this run did not start",
                req.session
            ))),
        }
    }
}
