//! Turns as one library call: [`run_turns`] takes a [`TurnPlan`] (sessions,
//! text, flags), decides each session's backend and model (failing fast,
//! before any server starts), starts each registered backend the sessions
//! need once (opencode's server and event stream, the ACP agents' side),
//! runs every turn concurrently through the turn engine and reports what
//! happens to the caller's [`Reporter`]. The command layer only builds the
//! plan and renders.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::engine::Engine;
use super::{PermissionPolicy, SessionError, TurnOutcome, TurnRequest, default_model};
use crate::agent::transport::{BACKENDS, Route, RunSetup, Started};
use crate::config::Config;
use crate::probe::ProbeEnv;
use crate::report::Reporter;
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
    /// `--permissions`: a preset or a policy file (None: each session's
    /// stored one, else the default preset). Who can be asked about what a
    /// policy says to ask about is the reporter's to say.
    pub permissions: Option<String>,
    /// Wait for a busy session's lease instead of failing.
    pub wait: bool,
    /// Keep the opencode server this run starts.
    pub keep_server: bool,
    /// PATH and HOME, to find ACP agents' launch commands.
    pub env: ProbeEnv,
    /// Keep agent errors whole (else their first line).
    pub verbose: bool,
}

/// The turns' results, in the plan's order. Holds what the run's backends
/// started until dropped (a short-lived opencode server stops then).
pub struct Turns {
    pub results: Vec<crate::Result<TurnOutcome>>,
    _keep_alive: Vec<Box<dyn Send>>,
}

/// Run one turn on each session of the plan, concurrently (one opencode
/// server and one event stream for the opencode sessions, one agent
/// process per ACP session). Err when the run could not start (an unknown
/// session or agent, no model, no server); each turn's own failure is in
/// [`Turns::results`].
///
/// `reporter` hears notes about the whole run (the default model chosen,
/// the server reused); that the run is ready (every session and model
/// decided, the servers up: from here a signal interrupts the turns, which
/// record themselves); each turn's events; and it is asked about the
/// permissions a policy says to ask about.
pub async fn run_turns(
    store: &Store,
    config: &Config,
    cancel: &CancellationToken,
    plan: &TurnPlan,
    reporter: Arc<dyn Reporter>,
) -> crate::Result<Turns> {
    let Decided {
        routes,
        models,
        policies,
    } = decide(store, config, plan, &reporter).await?;
    let note = |n: String| reporter.note(&n);
    let setup = RunSetup {
        store,
        config,
        cancel: cancel.clone(),
        env: plan.env.clone(),
        keep_server: plan.keep_server,
        verbose: plan.verbose,
        note: &note,
    };
    // Each backend the sessions need, started once, in the registry's order.
    let mut started: Vec<(crate::config::TurnsVia, Started)> = Vec::new();
    for entry in BACKENDS {
        if routes.iter().any(|r| r.turns == entry.turns) {
            started.push((entry.turns, (entry.start)(&setup).await?));
        }
    }
    let engine = Engine {
        store,
        config,
        cancel: cancel.clone(),
    };
    reporter.ready();
    let turns = plan.sessions.iter().enumerate().map(|(i, name)| {
        let route = &routes[i];
        let req = TurnRequest {
            session: name.clone(),
            text: plan.text.clone(),
            model: models[i].clone(),
            agent_mode: plan.agent_mode.clone(),
            watchdog: plan.watchdog.unwrap_or(config.watchdog),
            permissions: policies[i].for_turn(),
            wait: plan.wait,
        };
        let transport = &started
            .iter()
            .find(|(turns, _)| *turns == route.turns)
            .expect("started above")
            .1
            .transport;
        let (engine, reporter) = (&engine, reporter.as_ref());
        async move { engine.run(transport.as_ref(), route, &req, reporter).await }
    });
    let results = futures_util::future::join_all(turns).await;
    if let Some(model) = plan.model.as_deref().filter(|m| !m.trim().is_empty()) {
        remember_model(store, &plan.sessions, &results, model).await;
    }
    // The transports go now (opencode's event stream first); what they
    // started stays with the results.
    let keep_alive = started
        .into_iter()
        .filter_map(|(_, s)| s.keep_alive)
        .collect();
    Ok(Turns {
        results,
        _keep_alive: keep_alive,
    })
}

/// Each session's route, model and permission policy, in the plan's order.
struct Decided {
    routes: Vec<Route>,
    models: Vec<Option<String>>,
    policies: Vec<PermissionPolicy>,
}

/// Decide every session of the plan, failing fast on unknown sessions and
/// agents, another host's worktree and an undecidable model, before any
/// server starts: a turn never falls back to opencode's own default model.
async fn decide(
    store: &Store,
    config: &Config,
    plan: &TurnPlan,
    reporter: &Arc<dyn Reporter>,
) -> crate::Result<Decided> {
    let mut decided = Decided {
        routes: Vec::new(),
        models: Vec::new(),
        policies: Vec::new(),
    };
    let mut default: Option<String> = None;
    let mut notes: Vec<String> = Vec::new();
    for n in &plan.sessions {
        let Some(session) = store.get_session(n.as_str()).await? else {
            return Err(SessionError::NotFound(n.to_string()).into());
        };
        let route = Route::resolve(config, &session.agent).await?;
        if let Some(note) = &route.note
            && !notes.contains(note)
        {
            reporter.note(note);
            notes.push(note.clone());
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
            // An agent that keeps its own default gets none.
            None if !route.backend().needs_model => None,
            None => match &default {
                Some(m) => Some(m.clone()),
                None => {
                    let (m, notice) = default_model(config).await?;
                    if let Some(notice) = notice {
                        reporter.note(&notice);
                    }
                    default = Some(m.clone());
                    Some(m)
                }
            },
        };
        decided.models.push(model);
        decided
            .policies
            .push(session_policy(store, config, plan, n, reporter.clone()).await?);
        decided.routes.push(route);
    }
    Ok(decided)
}

/// A session's permission policy for this run: `--permissions`, else the
/// one stored with the session, else the default preset; the config's
/// `[permissions]` rules on top of a preset, a policy file's on top of both;
/// what it says to ask about, asked of `person` when one can be asked.
async fn session_policy(
    store: &Store,
    config: &Config,
    plan: &TurnPlan,
    session: &SessionKey,
    person: Arc<dyn Reporter>,
) -> crate::Result<PermissionPolicy> {
    let (spec, from) = match &plan.permissions {
        Some(s) => (Some(s.clone()), "--permissions"),
        None => (
            store.session_permissions(session.as_str()).await?,
            "session",
        ),
    };
    let policy = crate::config::Policy::resolve(config, spec.as_deref(), from)?;
    Ok(PermissionPolicy::new(policy, person))
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
