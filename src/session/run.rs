//! Turns as one library call: [`run_turns`] takes a [`TurnPlan`] (sessions,
//! text, flags), decides each session's backend and model (failing fast,
//! before any server starts), starts opencode's server and event stream
//! when an opencode session needs them, runs every turn concurrently and
//! reports what happens through one sink. The command layer only builds
//! the plan and renders.

use std::collections::HashMap;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{
    PermissionChoice, PermissionPolicy, SessionError, TurnEvent, TurnOutcome, TurnRequest,
    TurnRunner, default_model,
};
use crate::agent::acp::AcpTurns;
use crate::agent::opencode::{
    Client, EventHub, Origin, Server, ServerOptions, ensure_server, read_state,
};
use crate::agent::{Backends, TurnBackend};
use crate::config::{Config, Keep};
use crate::probe::ProbeEnv;
use crate::session_key::SessionKey;
use crate::store::Store;

/// What to run: one turn on each session, the same text.
pub struct TurnPlan {
    pub sessions: Vec<SessionKey>,
    pub text: String,
    /// Overrides each session's model.
    pub model: Option<String>,
    pub agent_mode: Option<String>,
    /// No update for this long stalls the turn (default: the config's).
    pub watchdog: Option<Duration>,
    /// `--permissions` (else each session's own) and who can be asked.
    pub permissions: PermissionChoice,
    /// Wait for a busy session's lease instead of failing.
    pub wait: bool,
    /// Keep the opencode server this run starts.
    pub keep_server: bool,
    /// PATH and HOME, to find ACP agents' launch commands.
    pub env: ProbeEnv,
    /// Keep agent errors whole (else their first line).
    pub verbose: bool,
}

/// What a run reports as it goes.
pub enum RunEvent<'a> {
    /// About the whole run (the default model chosen, the server reused).
    Note(String),
    /// Every session and model is decided and the servers are up: from
    /// here a signal (Ctrl-C, SIGTERM, SIGHUP) interrupts the turns, which
    /// record themselves.
    Ready,
    /// An event of one session's turn.
    Turn(&'a str, TurnEvent),
}

/// The turns' results, in the plan's order. Holds the opencode server a
/// run started until dropped (a short-lived server stops then).
pub struct Turns {
    pub results: Vec<crate::Result<TurnOutcome>>,
    server: Option<Server>,
}

impl Drop for Turns {
    fn drop(&mut self) {
        drop(self.server.take());
    }
}

/// Run one turn on each session of the plan, concurrently (one opencode
/// server and one event stream for the opencode sessions, one agent
/// process per ACP session). Err when the run could not start (an unknown
/// session or agent, no model, no server); each turn's own failure is in
/// [`Turns::results`].
pub async fn run_turns(
    store: &Store,
    config: &Config,
    cancel: &CancellationToken,
    plan: &TurnPlan,
    sink: &(dyn for<'e> Fn(RunEvent<'e>) + Send + Sync),
) -> crate::Result<Turns> {
    // Fail fast on unknown sessions, agents and an undecidable model, before
    // any server starts: a turn never falls back to opencode's own default model.
    let mut backends = Vec::new();
    let mut models: HashMap<String, Option<String>> = HashMap::new();
    let mut policies: HashMap<String, PermissionPolicy> = HashMap::new();
    let mut default: Option<String> = None;
    let mut notes: Vec<String> = Vec::new();
    for n in &plan.sessions {
        let Some(session) = store.get_session(n.as_str()).await? else {
            return Err(SessionError::NotFound(n.to_string()).into());
        };
        let (backend, note) = TurnBackend::resolve(config, &session.agent).await?;
        if let Some(note) = note
            && !notes.contains(&note)
        {
            sink(RunEvent::Note(note.clone()));
            notes.push(note);
        }
        // A worktree another host owns is refused here, before any server
        // starts (the turn itself would refuse it too).
        if session.use_worktree
            && let Some(row) = store.get_worktree(n.as_str()).await?
        {
            crate::worktree::check_host(&row).map_err(crate::Error::from)?;
        }
        let named = plan
            .model
            .clone()
            .or(session.model)
            .filter(|m| !m.trim().is_empty());
        let model = match named {
            Some(m) => Some(m),
            // An ACP agent without a model keeps its own default.
            None if !backend.needs_model() => None,
            None => match &default {
                Some(m) => Some(m.clone()),
                None => {
                    let (m, notice) = default_model(config).await?;
                    if let Some(notice) = notice {
                        sink(RunEvent::Note(notice));
                    }
                    default = Some(m.clone());
                    Some(m)
                }
            },
        };
        models.insert(n.to_string(), model);
        policies.insert(n.to_string(), session_policy(store, config, plan, n).await?);
        backends.push(backend);
    }
    let opencode = if backends.iter().any(TurnBackend::needs_server) {
        Some(start_opencode(config, plan.keep_server, sink).await?)
    } else {
        None
    };
    let started = Backends {
        opencode: opencode.as_ref().map(|(server, hub)| TurnRunner {
            store,
            config,
            server,
            hub,
            llama_swap_models: tokio::sync::OnceCell::new(),
            cancel: cancel.clone(),
            verbose: plan.verbose,
        }),
        acp: AcpTurns {
            store,
            config,
            env: plan.env.clone(),
            cancel: cancel.clone(),
            keep: crate::agent::acp::AgentKeep::of(config, plan.keep_server),
        },
    };
    sink(RunEvent::Ready);
    let turns = plan.sessions.iter().zip(&backends).map(|(name, backend)| {
        let req = TurnRequest {
            session: name.clone(),
            text: plan.text.clone(),
            model: models.get(name.as_str()).cloned().flatten(),
            agent_mode: plan.agent_mode.clone(),
            watchdog: plan.watchdog.unwrap_or(config.watchdog),
            permissions: policies[name.as_str()].for_turn(),
            wait: plan.wait,
        };
        let started = &started;
        async move {
            let session = req.session.to_string();
            let sink = move |e: TurnEvent| sink(RunEvent::Turn(&session, e));
            started.run_turn(backend, &req, &sink).await
        }
    });
    let results = futures_util::future::join_all(turns).await;
    drop(started);
    if let Some(model) = plan.model.as_deref().filter(|m| !m.trim().is_empty()) {
        remember_model(store, &plan.sessions, &results, model).await;
    }
    let server = opencode.map(|(server, hub)| {
        drop(hub);
        server
    });
    Ok(Turns { results, server })
}

/// A session's permission policy for this run: `--permissions`, else the
/// one stored with the session, else the default preset; the config's
/// `[permissions]` rules on top of a preset, a policy file's on top of both.
async fn session_policy(
    store: &Store,
    config: &Config,
    plan: &TurnPlan,
    session: &SessionKey,
) -> crate::Result<PermissionPolicy> {
    let (spec, from) = match &plan.permissions.spec {
        Some(s) => (Some(s.clone()), "--permissions"),
        None => (
            store.session_permissions(session.as_str()).await?,
            "session",
        ),
    };
    let policy = crate::config::Policy::resolve(config, spec.as_deref(), from)?;
    Ok(PermissionPolicy::new(policy, plan.permissions.ask.clone()))
}

/// A turn's `--model` becomes its session's model for later turns, once
/// the turn ran on it (not when the agent refused the model, nor when the
/// turn never started).
async fn remember_model(
    store: &Store,
    sessions: &[SessionKey],
    results: &[crate::Result<TurnOutcome>],
    model: &str,
) {
    for (name, result) in sessions.iter().zip(results) {
        if let Ok(o) = result
            && !o.setup_error
            && let Err(e) = store
                .set_session_model(name.as_str(), Some(model), crate::timestamp::now_ms())
                .await
        {
            tracing::warn!("cannot record {model} as the model of session {name}: {e}");
        }
    }
}

/// The opencode server (recorded, else short-lived) and its event stream.
async fn start_opencode(
    config: &Config,
    keep: bool,
    sink: &(dyn for<'e> Fn(RunEvent<'e>) + Send + Sync),
) -> crate::Result<(Server, EventHub)> {
    let mut server_opts = ServerOptions::from_config(config);
    let keep = match config.server.keep {
        _ if keep => {
            // Asked for by name: kept until `server stop`.
            server_opts.idle_timeout = None;
            true
        }
        Keep::Always => true,
        Keep::Never => false,
        Keep::Auto => !config.ci,
    };
    let stream_timeout = config.server.stream_timeout;
    // Connect the event stream of the recorded server while its health is
    // checked: when it is reused, the stream is ready.
    let recorded = read_state(&config.state_dir).ok().flatten();
    let early_hub = async {
        match &recorded {
            Some(r) => EventHub::connect(Client::new(&r.url, &r.password), stream_timeout)
                .await
                .ok(),
            None => None,
        }
    };
    let (server, early_hub) = tokio::join!(ensure_server(&server_opts, keep), early_hub);
    let server = server?;
    tracing::info!(url = %server.record.url, origin = ?server.origin, "opencode server");
    if let Some(n) = &server.notice {
        sink(RunEvent::Note(n.clone()));
    }
    let hub = match early_hub {
        Some(hub)
            if server.origin == Origin::Reattached
                && recorded
                    .as_ref()
                    .is_some_and(|r| r.url == server.record.url) =>
        {
            hub
        }
        _ => EventHub::connect(server.client(), stream_timeout).await?,
    };
    Ok((server, hub))
}
