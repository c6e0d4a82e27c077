//! The seam between the turn engine (`session::engine`, which owns a turn:
//! lease, worktree, model, record, watchdog settings, cancellation,
//! permission policy) and the agent backends, which only carry a turn to
//! an agent and back: a backend is a [`Transport`].
//!
//! Backends are registered in one table, [`BACKENDS`], keyed by the
//! provider's `turns` value; a run starts each backend it needs once
//! ([`Entry::start`]) and hands every turn of that backend to its transport.

use std::path::{Path, PathBuf};

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use super::turn::{Endpoint, TurnEvent, TurnRequest};
use super::{TokenUsage, TurnStatus, acp, opencode};
use crate::config::{Config, TurnsVia};
use crate::probe::ProbeEnv;
use crate::providers::registry;
use crate::store::{SessionRow, Store, TurnRow};

/// Where a turn's events go (the engine's: it keeps the tool log from them
/// and passes them on to the caller).
pub type Sink<'a> = &'a (dyn Fn(TurnEvent) + Send + Sync);

/// The agent session a turn runs in, once the backend has opened it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub agent_session_id: String,
    /// Why a new agent session was made (None: resumed, or the session's first).
    pub new_reason: Option<String>,
    /// The model the turn runs on (the one asked for, else what the agent
    /// said it uses; None: unknown).
    pub model: Option<String>,
}

/// Starts the turn's record once the agent session is open; a backend
/// calls it exactly once, before it prompts. Err: the turn cannot be
/// recorded, and the backend ends the turn without prompting.
pub trait BeginTurn: Send + Sync {
    fn begin<'a>(&'a self, opened: &'a Opened) -> BoxFuture<'a, crate::Result<()>>;
}

/// Why the engine stops a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C, SIGTERM, SIGHUP: the turn ends `interrupted`.
    Interrupted,
    /// The session's lease was lost: stop the agent, record nothing more.
    LeaseLost,
    /// The watchdog: no sign of life from the agent for the turn's
    /// `watchdog` while it stayed busy.
    Stalled,
}

/// The one token a turn is stopped through (a signal, the lease lost, the
/// watchdog), and the watchdog's clock, which the backend winds on every
/// sign of life from its agent ([`Stopper::alive`]).
pub struct Stopper {
    token: CancellationToken,
    why: std::sync::OnceLock<Stop>,
    last_alive: std::sync::Mutex<tokio::time::Instant>,
    /// Requests being answered (a person asked, a file served): the agent
    /// waits on boocoder, so the watchdog waits too.
    held: std::sync::atomic::AtomicUsize,
}

impl Default for Stopper {
    fn default() -> Self {
        Stopper {
            token: CancellationToken::new(),
            why: std::sync::OnceLock::new(),
            last_alive: std::sync::Mutex::new(tokio::time::Instant::now()),
            held: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

/// While held, the watchdog does not fire (see [`Stopper::hold`]).
pub struct Held<'a>(&'a Stopper);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.alive();
        self.0
            .held
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Stopper {
    /// Resolves once the turn is to stop; [`Stopper::why`] says why.
    pub async fn stopped(&self) {
        self.token.cancelled().await
    }

    /// Why the turn is to stop (None: it is not).
    pub fn why(&self) -> Option<Stop> {
        self.why.get().copied()
    }

    /// Stop the turn (the first reason given stays).
    pub fn stop(&self, why: Stop) {
        let _ = self.why.set(why);
        self.token.cancel();
    }

    /// The agent showed a sign of life (an event, a request): the
    /// watchdog starts again.
    pub fn alive(&self) {
        *self.last_alive.lock().expect("watchdog clock") = tokio::time::Instant::now();
    }

    /// The agent waits on boocoder (a request being answered): no watchdog
    /// until the guard drops, which counts as a sign of life.
    pub fn hold(&self) -> Held<'_> {
        self.held.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Held(self)
    }

    /// Whether a request is being answered.
    pub fn held(&self) -> bool {
        self.held.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    /// When the agent last showed a sign of life.
    pub fn last_alive(&self) -> tokio::time::Instant {
        *self.last_alive.lock().expect("watchdog clock")
    }
}

/// What the engine hands a backend for one turn.
pub struct TurnContext<'a> {
    pub req: &'a TurnRequest,
    pub session: &'a SessionRow,
    /// How the session's turns run (its agent, backend and why).
    pub route: &'a Route,
    /// The canonical directory the agent works in (its worktree, or the
    /// repository itself).
    pub dir: &'a Path,
    /// The model decided by the engine (None: the agent's own).
    pub model: Option<String>,
    /// Stops the turn (a backend's set-up before the prompt also watches
    /// the run's cancellation, which it got at its start): a signal (abort the agent's turn, end
    /// `interrupted`), the lease lost (stop the agent, end with
    /// [`Ended::lease_lost`]; nothing more is recorded), the watchdog (end
    /// `stalled`). The backend calls [`Stopper::alive`] on every sign of
    /// life from its agent.
    pub stop: &'a Stopper,
    pub sink: Sink<'a>,
    pub begin: &'a dyn BeginTurn,
}

/// How a turn ended, as the backend saw it.
#[derive(Debug, Clone)]
pub struct Ended {
    pub status: TurnStatus,
    pub error: Option<String>,
    pub tokens: TokenUsage,
    pub text: String,
    /// Why an ACP agent ended the turn (`end_turn`, `cancelled`, ...).
    pub stop_reason: Option<String>,
    /// The agent asked for a sign-in mid-turn: how to sign in (exit 4).
    pub sign_in: Option<String>,
    /// The agent's error names a missing model or provider (a runtime
    /// error, not a failed turn).
    pub setup_error: bool,
}

impl Ended {
    /// The turn stopped because its lease was lost (the agent stopped; the
    /// engine, which saw the lease go, records nothing more).
    pub fn lease_lost() -> Ended {
        Ended {
            status: TurnStatus::LeaseLost,
            error: None,
            tokens: TokenUsage::default(),
            text: String::new(),
            stop_reason: None,
            sign_in: None,
            setup_error: false,
        }
    }
}

/// A backend, started for a run: carries turns to its agents.
pub trait Transport: Send + Sync {
    /// Run one turn: open (or resume) the agent session, call
    /// [`TurnContext::begin`], prompt, stream the agent's events to the
    /// sink (asking [`TurnRequest::permissions`] about every permission the
    /// agent requests), and say how it ended. Err when the turn could not
    /// run (before `begin`).
    fn turn<'a>(&'a self, cx: TurnContext<'a>) -> BoxFuture<'a, crate::Result<Ended>>;

    /// Stop the agent turn a crashed owner left running (`last`, still
    /// `running` in the store), when this backend can still reach it. Err
    /// when it runs on and cannot be stopped: two agents must not edit one
    /// worktree.
    fn abort_crashed<'a>(
        &'a self,
        session: &'a SessionRow,
        last: &'a TurnRow,
        sink: Sink<'a>,
    ) -> BoxFuture<'a, crate::Result<()>>;

    /// Where the session's turns run, for the outcome's `server_url`.
    fn endpoint(&self, session: &SessionRow) -> Endpoint;
}

/// What every backend of a run may need to start.
pub struct RunSetup<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub cancel: CancellationToken,
    /// PATH and HOME, to find launch commands.
    pub env: ProbeEnv,
    /// Keep the server (or agents) this run starts until `server stop`.
    pub keep_server: bool,
    /// Keep agent errors whole (else their first line).
    pub verbose: bool,
    /// A note about the whole run (a server reused, ...).
    pub note: &'a (dyn Fn(String) + Send + Sync),
}

/// A backend started for a run, and what must outlive its turns until the
/// caller is done (a short-lived server stops when that is dropped).
pub struct Started<'a> {
    pub transport: Box<dyn Transport + 'a>,
    pub keep_alive: Option<Box<dyn Send>>,
}

/// One registered backend.
pub struct Entry {
    /// The provider's `turns` value that selects it.
    pub turns: TurnsVia,
    /// Whether a turn without a model takes boocoder's default (opencode's
    /// server must never fall back to its own); else the agent keeps its own.
    pub needs_model: bool,
    /// Start it for a run (a server, an agent host, nothing).
    pub start: for<'a> fn(&'a RunSetup<'a>) -> BoxFuture<'a, crate::Result<Started<'a>>>,
}

/// Every backend, by the provider's `turns` value.
pub const BACKENDS: &[Entry] = &[opencode::BACKEND, acp::BACKEND];

/// The registered backend for `turns`.
pub fn entry(turns: TurnsVia) -> &'static Entry {
    BACKENDS
        .iter()
        .find(|e| e.turns == turns)
        .expect("every `turns` value has a backend")
}

/// How a session's turns run: its agent, the backend (by the provider's
/// `turns` value, or what the installed agent implies), and why, when that
/// is not what the provider says.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub agent: String,
    pub turns: TurnsVia,
    /// Said once per run and kept in the agent session's record (opencode
    /// 2 runs its turns over `opencode acp`).
    pub note: Option<String>,
}

impl Route {
    /// How turns of agent `name` run; an unknown, disabled or turn-less
    /// agent is a usage error naming the ones that can.
    pub fn of(config: &Config, name: &str) -> crate::Result<Route> {
        let (providers, _) = registry::providers(&config.providers);
        let runnable: Vec<String> = providers
            .iter()
            .filter(|p| p.enabled && p.turns.is_some())
            .map(|p| p.name.clone())
            .collect();
        let refuse = |why: &str| {
            crate::Error::from(super::turn::TurnError::UnsupportedAgent {
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
            Some(TurnsVia::Acp) if p.launch.is_empty() => Err(refuse("has no launch command")),
            Some(turns) => Ok(Route {
                agent: name.to_string(),
                turns,
                note: None,
            }),
        }
    }

    /// How turns of agent `name` run with the agents installed here:
    /// [`Route::of`], except that opencode 2 (which serves only its V2
    /// API) runs opencode's turns over `opencode acp`, with a note saying
    /// so; asking for its server by name (`turns = "server"`) is an error
    /// naming the version. Its version is cached (see
    /// [`opencode::detect_version`]).
    pub async fn resolve(config: &Config, name: &str) -> crate::Result<Route> {
        let route = Route::of(config, name)?;
        if route.turns != TurnsVia::Server {
            return Ok(route);
        }
        let bin = config
            .opencode_bin
            .clone()
            .unwrap_or_else(|| PathBuf::from("opencode"));
        let Some(v) = opencode::detect_version(&bin, &config.state_dir).await else {
            // Not installed or silent: the server's start says what is wrong.
            return Ok(route);
        };
        if v.serves_v1() {
            return Ok(route);
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
        Ok(Route {
            agent: name.to_string(),
            turns: TurnsVia::Acp,
            note: Some(format!(
                "opencode {}: turns run over opencode acp",
                v.version
            )),
        })
    }

    /// The registered backend of this route.
    pub fn backend(&self) -> &'static Entry {
        entry(self.turns)
    }

    /// The ACP agent this route launches (None: it does not run over ACP).
    pub fn acp(&self, config: &Config) -> Option<acp::Backend> {
        if self.turns != TurnsVia::Acp {
            return None;
        }
        let (providers, _) = registry::providers(&config.providers);
        let p = providers.iter().find(|p| p.name == self.agent)?;
        Some(acp::Backend {
            name: p.name.clone(),
            launch: p.launch.clone(),
            opencode_bin: config.opencode_bin.clone(),
            alternates: p.alternates.clone(),
            install: p.install.clone(),
            note: self.note.clone(),
        })
    }
}
