//! One turn of a session on opencode's server: lease, worktree, agent
//! session, prompt, stream, settle, reconcile, then the generic record
//! ([`crate::session`]).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::agent::opencode::{
    Client, EventHub, Server, StreamItem, Subscription, llama_swap_model_id,
};
use crate::agent::{AgentEvent, AgentState, PermissionReply, TokenUsage, TurnStatus};
use crate::config::Config;
use crate::session::{
    Lease, PermissionPolicy, SessionError, Sessions, ToolLog, TurnEnd, TurnEvent, TurnOutcome,
    TurnRequest, begin_turn, lease_owner, record_turn,
};
use crate::store::{AgentSessionRow, SessionRow, Store, Tokens};
use crate::timestamp::now_ms;
use crate::util::fnv1a_hex;

/// Errors and aborts can bring two idles ~70 ms apart, and updates after
/// the idle: after an error, settle this long. A clean turn ends at its idle
/// (every text delta and step end comes before it).
const SETTLE_AFTER_ERROR: Duration = Duration::from_millis(250);
/// An error with no idle after it (opencode's failed `prompt_async`): when
/// the session is not busy this long after, the turn is over.
const ERROR_WITHOUT_IDLE: Duration = Duration::from_secs(2);
/// A turn shows it started (busy, or any event) within this long.
const START_CHECK: Duration = Duration::from_secs(10);
/// How long an aborted agent turn gets to stop being busy.
const ABORT_SETTLE: Duration = Duration::from_secs(5);

/// Runs turns on one server and one event stream (concurrently, too).
pub struct TurnRunner<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub server: &'a Server,
    pub hub: &'a EventHub,
    /// llama-swap's model ids, asked for once and only when a model id is
    /// ambiguous (has a `/` but no `llama-swap/` prefix).
    pub llama_swap_models: tokio::sync::OnceCell<Vec<String>>,
    pub cancel: CancellationToken,
    /// Keep agent errors whole (else their first line: no stack traces).
    pub verbose: bool,
}

/// Where the stream loop ended.
struct StreamEnd {
    status: TurnStatus,
    error: Option<String>,
}

/// Per-turn accumulation.
#[derive(Default)]
struct Progress {
    text: String,
    /// part id -> text already delivered (so reconciling never repeats it).
    printed: HashMap<String, String>,
    tokens: TokenUsage,
    error: Option<String>,
    error_name: Option<String>,
    /// A fatal error's cause: the turn ends at once and exits 3.
    fatal: Option<String>,
    started: bool,
    /// Tool calls in the order they started, with their last status.
    tools: ToolLog,
    /// The turn's model id when llama-swap serves it (checked on retries).
    llama_swap_model: Option<String>,
}

impl TurnRunner<'_> {
    /// Run one turn. `sink` gets events as they happen. Ok for every turn
    /// that ran (whatever its status); Err when it could not run.
    pub async fn run(
        &self,
        req: &TurnRequest,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<TurnOutcome> {
        if req.text.trim().is_empty() {
            return Err(SessionError::EmptyPrompt.into());
        }
        let key = req.session.as_str();
        let session = self
            .store
            .get_session(key)
            .await?
            .ok_or_else(|| SessionError::NotFound(key.into()))?;
        if !crate::agent::TurnBackend::of(self.config, &session.agent)?.needs_server() {
            return Err(crate::Error::usage(format!(
                "session {key} runs on an ACP agent, not the opencode server"
            )));
        }
        let owner = lease_owner();
        let lease = self.take_lease(&session, &owner, req.wait, sink).await?;
        let result = self.run_leased(req, &session, &lease, sink).await;
        lease.release().await;
        result
    }

    async fn take_lease(
        &self,
        session: &SessionRow,
        owner: &str,
        wait: bool,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<Lease> {
        let key = session.name.as_str();
        let lease = Lease::take(self.store, self.config, key, owner, wait, &self.cancel).await?;
        // A turn left `running` by an owner whose lease expired crashed:
        // stop its agent turn first (it may still be editing the worktree
        // on a kept server), then say so.
        let crashed = match lease.crashed_turn().await {
            Ok(t) => t,
            Err(e) => {
                lease.release().await;
                return Err(e);
            }
        };
        if let Some(last) = crashed {
            if let Err(e) = self.abort_crashed(session, &last, sink).await {
                lease.release().await;
                return Err(e);
            }
            lease.settle_crashed(&last).await?;
        }
        Ok(lease)
    }

    /// Abort the agent turn a crashed owner left running, when its server
    /// is one this process can reach (its own, or the kept server); a
    /// short-lived server ended with its owner. A failed abort is an error:
    /// two agents must not edit one worktree.
    async fn abort_crashed(
        &self,
        session: &SessionRow,
        last: &crate::store::TurnRow,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<()> {
        let Some(asid) = last.agent_session_id.as_deref() else {
            return Ok(());
        };
        let stored = self
            .store
            .get_agent_session(&session.name, &session.agent)
            .await?
            .filter(|a| a.agent_session_id == asid);
        let Some(stored) = stored else {
            return Ok(());
        };
        let (Some(url), Some(dir)) = (stored.server_url.as_deref(), stored.directory.as_deref())
        else {
            return Ok(());
        };
        let client = if url == self.server.record.url {
            self.server.client()
        } else {
            match crate::agent::opencode::read_state(&self.config.state_dir)
                .ok()
                .flatten()
                .filter(|r| r.url == url)
            {
                Some(rec) => Client::new(&rec.url, &rec.password),
                None => {
                    sink(TurnEvent::Notice {
                        notice: format!(
                            "the crashed turn's agent session {asid} ran on a server of its own ({url}) that ended with it"
                        ),
                    });
                    return Ok(());
                }
            }
        };
        let dir = Path::new(dir);
        let busy = match client.session_status(dir).await {
            Ok(busy) => busy.contains_key(asid),
            Err(e) => {
                sink(TurnEvent::Notice {
                    notice: format!(
                        "cannot tell whether the crashed turn's agent session {asid} still runs on {url}: {e}"
                    ),
                });
                return Ok(());
            }
        };
        if !busy {
            return Ok(());
        }
        let failed = |error: String| -> crate::Error {
            SessionError::AbortFailed {
                agent_session: asid.to_string(),
                error,
            }
            .into()
        };
        client
            .abort(asid, dir)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let deadline = Instant::now() + ABORT_SETTLE;
        loop {
            match client.session_status(dir).await {
                Ok(busy) if !busy.contains_key(asid) => break,
                Ok(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Ok(_) => {
                    return Err(failed(format!(
                        "still busy {} s after the abort",
                        ABORT_SETTLE.as_secs()
                    )));
                }
                Err(e) => return Err(failed(e.to_string())),
            }
        }
        sink(TurnEvent::Notice {
            notice: format!(
                "aborted the crashed turn's agent session {asid}, still running on {url}"
            ),
        });
        Ok(())
    }

    async fn run_leased(
        &self,
        req: &TurnRequest,
        session: &SessionRow,
        lease: &Lease,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<TurnOutcome> {
        let key = &req.session;
        let started_ms = now_ms();
        let sessions = Sessions::new(self.store, self.config);
        let (worktree, dir) = sessions.turn_dir(session, key, sink).await?;
        let dir_str = dir.to_string_lossy().into_owned();

        let named = req
            .model
            .clone()
            .or_else(|| session.model.clone())
            .filter(|m| !m.trim().is_empty());
        let model = match named {
            Some(m) => Some(m),
            None => {
                let (m, notice) = crate::session::default_model(self.config).await?;
                if let Some(notice) = notice {
                    sink(TurnEvent::Notice { notice });
                }
                Some(m)
            }
        };
        sink(TurnEvent::Start {
            agent: session.agent.clone(),
            model: model.clone(),
            worktree: worktree.as_ref().map(|_| dir_str.clone()),
        });
        let known: &[String] = match model.as_deref() {
            Some(m) if m.contains('/') && !m.starts_with("llama-swap/") => {
                self.llama_swap_models
                    .get_or_init(|| async {
                        use crate::probe::llama_swap;
                        match &self.config.llama_swap_url {
                            Some(url) => {
                                llama_swap::models(
                                    &reqwest::Client::new(),
                                    url,
                                    llama_swap::TIMEOUT,
                                )
                                .await
                                .0
                            }
                            None => Vec::new(),
                        }
                    })
                    .await
            }
            _ => &[],
        };
        let model_id = model.as_deref().map(|m| llama_swap_model_id(m, known));
        let fingerprint = fnv1a_hex(&format!(
            "{}\u{1f}{:?}\u{1f}{}",
            session.agent,
            model_id,
            serde_json::to_string(&self.config.providers.get(&session.agent)).unwrap_or_default()
        ));

        let client = self.server.client();
        let (agent_session_id, reason) = self
            .agent_session(session, &client, &dir, &dir_str, &fingerprint)
            .await?;
        let (turn_id, before) = begin_turn(
            self.store,
            sink,
            key,
            &agent_session_id,
            reason.as_deref(),
            model.as_deref(),
            started_ms,
            &req.text,
            worktree.as_ref().map(|_| dir.as_path()),
        )
        .await?;

        // Subscribe before prompting: there is no replay.
        let mut sub = self.hub.subscribe(&dir_str, &agent_session_id);
        let mut progress = Progress {
            llama_swap_model: model_id
                .as_ref()
                .filter(|(p, _)| p == crate::agent::opencode::LLAMA_SWAP_PROVIDER)
                .map(|(_, m)| m.clone()),
            ..Progress::default()
        };
        let prompted = client
            .prompt_async(
                &agent_session_id,
                &dir,
                &req.text,
                model_id.as_ref().map(|(p, m)| (p.as_str(), m.as_str())),
                req.agent_mode.as_deref(),
            )
            .await;
        let end = match prompted {
            Ok(()) => {
                tokio::select! {
                    end = self.stream(
                        req,
                        &client,
                        &mut sub,
                        &agent_session_id,
                        &dir,
                        started_ms,
                        &mut progress,
                        sink,
                    ) => Some(end),
                    _ = lease.lost.cancelled() => None,
                }
            }
            Err(e) => Some(StreamEnd {
                status: TurnStatus::Failed,
                error: Some(self.readable(&e.to_string())),
            }),
        };
        drop(sub);
        // Another process owns the session now (or may, any moment): stop
        // the agent and write nothing more (its `crashed` mark and its
        // pending changes stay as they are).
        let end = match end {
            Some(end) if lease.check().await => end,
            _ => {
                if let Err(e) = client.abort(&agent_session_id, &dir).await {
                    sink(TurnEvent::Notice {
                        notice: format!("cannot abort agent session {agent_session_id}: {e}"),
                    });
                }
                let err = lease.error();
                // Only a turn nobody settled yet (finish_turn never
                // overwrites the next owner's `crashed`).
                let _ = self
                    .store
                    .finish_turn(
                        turn_id,
                        TurnStatus::LeaseLost,
                        now_ms(),
                        &Tokens::default(),
                        Some(&err.to_string()),
                    )
                    .await;
                return Err(err.into());
            }
        };

        let tools = progress.tools.calls();
        let rec = record_turn(
            self.store,
            &sessions.worktrees(),
            key,
            &session.agent,
            worktree.is_some(),
            &dir,
            before.as_ref(),
            TurnEnd {
                turn_id,
                status: end.status,
                error: end.error.as_deref(),
                tokens: &progress.tokens,
                text: &progress.text,
                tools: &tools,
            },
            sink,
        )
        .await?;
        let setup_error = progress.fatal.is_some()
            || progress
                .error_name
                .as_deref()
                .is_some_and(|n| n.contains("NotFound") || n.contains("ProviderInit"));
        Ok(TurnOutcome {
            session: key.to_string(),
            agent_session_id,
            server_url: self.server.record.url.clone(),
            model,
            status: end.status,
            duration_ms: rec.ended_ms - started_ms,
            tokens: progress.tokens,
            changes: rec.changes,
            changes_error: rec.changes_error,
            turn_changes: rec.turn_changes,
            text: progress.text,
            error: end.error,
            new_agent_session: reason,
            setup_error,
            stop_reason: None,
        })
    }

    /// Reuse the stored agent session, or make a new one (and say why).
    async fn agent_session(
        &self,
        session: &SessionRow,
        client: &Client,
        dir: &Path,
        dir_str: &str,
        fingerprint: &str,
    ) -> crate::Result<(String, Option<String>)> {
        let stored = self
            .store
            .get_agent_session(&session.name, &session.agent)
            .await?;
        let last_crashed = self
            .store
            .list_turns(&session.name)
            .await?
            .iter()
            .rev()
            .find(|t| t.status != TurnStatus::Running)
            .is_some_and(|t| t.status.broke_off());
        let reason = match &stored {
            None => Some(None),
            Some(_) if last_crashed => Some(Some("the last turn crashed")),
            Some(a) if a.config_hash != fingerprint => Some(Some(
                "the configuration changed (agent, model or provider settings)",
            )),
            Some(a) if a.directory.as_deref() != Some(dir_str) => {
                Some(Some("the working directory changed"))
            }
            Some(a) => match client.get_session(&a.agent_session_id, dir).await? {
                Some(_) => None,
                None => Some(Some("the agent session is gone from the server")),
            },
        };
        let now = now_ms();
        match reason {
            None => {
                let mut a = stored.expect("reused means stored");
                a.server_url = Some(self.server.record.url.clone());
                a.status = "active".into();
                a.updated_at = now;
                self.store.upsert_agent_session(&a).await?;
                Ok((a.agent_session_id, None))
            }
            Some(why) => {
                let id = client.create_session(dir).await?;
                self.store
                    .upsert_agent_session(&AgentSessionRow {
                        session: session.name.clone(),
                        agent: session.agent.clone(),
                        agent_session_id: id.clone(),
                        server_url: Some(self.server.record.url.clone()),
                        directory: Some(dir_str.to_string()),
                        config_hash: fingerprint.to_string(),
                        status: "active".into(),
                        reason: why.map(String::from),
                        created_at: now,
                        updated_at: now,
                    })
                    .await?;
                Ok((id, why.map(String::from)))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn stream(
        &self,
        req: &TurnRequest,
        client: &Client,
        sub: &mut Subscription,
        asid: &str,
        dir: &Path,
        started_ms: i64,
        p: &mut Progress,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> StreamEnd {
        let stream_timeout = self.config.server.stream_timeout;
        let start_check = Instant::now() + START_CHECK;
        let mut last_event = Instant::now();
        let mut idle_at: Option<Instant> = None;
        let mut lost_since: Option<(Instant, String)> = None;
        let mut error_check: Option<Instant> = None;
        loop {
            let mut wake = last_event + req.watchdog;
            let settle = if p.error.is_some() {
                SETTLE_AFTER_ERROR
            } else {
                Duration::ZERO
            };
            if let Some(t) = idle_at {
                if settle.is_zero() {
                    return self.finished(p);
                }
                wake = wake.min(t + settle);
            }
            if !p.started {
                wake = wake.min(start_check);
            }
            if let Some(t) = error_check {
                wake = wake.min(t);
            }
            if let Some((t, _)) = &lost_since {
                wake = wake.min(*t + stream_timeout);
            }
            tokio::select! {
                _ = self.cancel.cancelled() => {
                    let _ = client.abort(asid, dir).await;
                    return StreamEnd { status: TurnStatus::Interrupted, error: Some("interrupted".into()) };
                }
                item = sub.next() => match item {
                    None => return StreamEnd {
                        status: TurnStatus::ServerLost,
                        error: Some("the event stream ended".into()),
                    },
                    Some(StreamItem::Event(e)) => {
                        last_event = Instant::now();
                        match &e {
                            AgentEvent::Idle => {
                                idle_at.get_or_insert_with(Instant::now);
                            }
                            AgentEvent::Status { .. } => {
                                p.started = true;
                                idle_at = None;
                            }
                            AgentEvent::Error { .. } => {
                                p.started = true;
                                error_check.get_or_insert(Instant::now() + ERROR_WITHOUT_IDLE);
                            }
                            _ => p.started = true,
                        }
                        let retry = matches!(&e, AgentEvent::Status { status: AgentState::Retry, .. });
                        self.handle(e, client, dir, p, req, sink).await;
                        if retry && p.fatal.is_none() {
                            p.fatal = self.llama_swap_fault(p).await;
                        }
                        if let Some(cause) = &p.fatal {
                            let _ = client.abort(asid, dir).await;
                            return StreamEnd { status: TurnStatus::Failed, error: Some(cause.clone()) };
                        }
                    }
                    Some(StreamItem::Lost { error }) => {
                        if let Some(why) = self.server_gone(client).await {
                            return StreamEnd {
                                status: TurnStatus::ServerLost,
                                error: Some(SessionError::ServerLost(why).to_string()),
                            };
                        }
                        if lost_since.is_none() {
                            sink(TurnEvent::Notice { notice: format!("event stream lost ({error}); reconnecting") });
                        }
                        lost_since.get_or_insert((Instant::now(), error));
                    }
                    Some(StreamItem::Reconnected) => {
                        lost_since = None;
                        last_event = Instant::now();
                        sink(TurnEvent::Notice { notice: "event stream back; reconciling".into() });
                        if let Some(end) = self.reconcile_finished(client, asid, dir, started_ms, p, sink).await {
                            return end;
                        }
                    }
                },
                _ = tokio::time::sleep_until(wake) => {
                    let now = Instant::now();
                    if idle_at.is_some_and(|t| now >= t + settle) {
                        return self.finished(p);
                    }
                    if error_check.is_some_and(|t| now >= t) {
                        error_check = None;
                        if idle_at.is_none()
                            && let Ok(busy) = client.session_status(dir).await
                            && !busy.contains_key(asid)
                        {
                            return self.finished(p);
                        }
                    }
                    if let Some((since, error)) = &lost_since && now >= *since + stream_timeout {
                        if client.health(Duration::from_secs(2)).await.is_err() {
                            return StreamEnd {
                                status: TurnStatus::ServerLost,
                                error: Some(SessionError::ServerLost(error.clone()).to_string()),
                            };
                        }
                        lost_since = Some((now, error.clone()));
                    }
                    if !p.started && now >= start_check {
                        match client.session_status(dir).await {
                            Ok(busy) if busy.contains_key(asid) => p.started = true,
                            _ => {
                                if let Some(end) = self.reconcile_finished(client, asid, dir, started_ms, p, sink).await {
                                    return end;
                                }
                                let _ = client.abort(asid, dir).await;
                                return StreamEnd {
                                    status: TurnStatus::Failed,
                                    error: Some(SessionError::NotStarted(
                                        "no event and not busy 10 s after the prompt".into(),
                                    ).to_string()),
                                };
                            }
                        }
                    }
                    if now >= last_event + req.watchdog {
                        if let Some(end) = self.reconcile_finished(client, asid, dir, started_ms, p, sink).await {
                            return end;
                        }
                        let _ = client.abort(asid, dir).await;
                        return StreamEnd {
                            status: TurnStatus::Stalled,
                            error: Some(SessionError::Stalled { seconds: req.watchdog.as_secs() }.to_string()),
                        };
                    }
                }
            }
        }
    }

    /// An agent's error message as people see it: whole with -v, else its
    /// first line (opencode's JavaScript stack traces stay out).
    fn readable(&self, message: &str) -> String {
        if self.verbose {
            message.trim().to_string()
        } else {
            first_line(message).to_string()
        }
    }

    /// After a stream loss: has the server died? (Its process is gone, or
    /// its port refuses connections.)
    async fn server_gone(&self, client: &Client) -> Option<String> {
        let pid = self.server.record.pid;
        if self.server.process_gone() {
            return Some(format!("the server process (pid {pid}) died"));
        }
        match client.health(Duration::from_secs(2)).await {
            Err(crate::agent::opencode::OpencodeError::Request { source, .. })
                if source.is_connect() =>
            {
                if self.server.process_gone() {
                    Some(format!("the server process (pid {pid}) died"))
                } else {
                    Some(format!(
                        "the server at {} refuses connections (pid {pid})",
                        self.server.record.url
                    ))
                }
            }
            _ => None,
        }
    }

    /// While opencode retries a llama-swap model: is llama-swap down, or
    /// does it no longer serve the model? Then retrying cannot help.
    async fn llama_swap_fault(&self, p: &Progress) -> Option<String> {
        let model = p.llama_swap_model.as_deref()?;
        let url = self.config.llama_swap_url.as_deref()?;
        use crate::probe::llama_swap;
        let (models, warning) =
            llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT).await;
        if let Some(w) = warning {
            return Some(w);
        }
        if !models.iter().any(|m| m == model) {
            return Some(format!(
                "model {model} not found: llama-swap at {url} serves {}",
                if models.is_empty() {
                    "no model".to_string()
                } else {
                    models.join(", ")
                }
            ));
        }
        None
    }

    fn finished(&self, p: &Progress) -> StreamEnd {
        match &p.error {
            Some(e) => StreamEnd {
                status: TurnStatus::Failed,
                error: Some(e.clone()),
            },
            None => StreamEnd {
                status: TurnStatus::Done,
                error: None,
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn handle(
        &self,
        e: AgentEvent,
        client: &Client,
        dir: &Path,
        p: &mut Progress,
        req: &TurnRequest,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) {
        match &e {
            AgentEvent::Text { part_id, delta } => {
                p.printed
                    .entry(part_id.clone())
                    .or_default()
                    .push_str(delta);
                p.text.push_str(delta);
            }
            AgentEvent::StepFinish { tokens, .. } => p.tokens.add(tokens),
            AgentEvent::Tool { .. } => {
                p.tools.note(&e);
            }
            AgentEvent::Error { name, message } => {
                let short = self.readable(message);
                if p.fatal.is_none()
                    && let Some(fatal) = fatal_cause(name, message)
                {
                    // The model's server is the likelier cause: say so.
                    let cause = match fatal {
                        Fatal::Model | Fatal::Answer => self.llama_swap_fault(p).await,
                        _ => None,
                    };
                    let cause = cause.unwrap_or_else(|| fatal.to_string());
                    p.fatal = Some(format!("{cause} ({name}: {short})"));
                }
                // The first error says what went wrong; later ones repeat it.
                p.error.get_or_insert(format!("{name}: {short}"));
                p.error_name = Some(name.clone());
                sink(TurnEvent::Agent(AgentEvent::Error {
                    name: name.clone(),
                    message: short,
                }));
                return;
            }
            AgentEvent::Permission { id, permission, .. } => {
                let reply = match &req.permissions {
                    PermissionPolicy::Allow => PermissionReply::Once,
                    PermissionPolicy::Deny => PermissionReply::Reject,
                    PermissionPolicy::Ask(ask) => {
                        let ask = ask.clone();
                        let (session, ev) = (req.session.to_string(), e.clone());
                        tokio::task::spawn_blocking(move || ask(&session, &ev))
                            .await
                            .unwrap_or(PermissionReply::Reject)
                    }
                };
                sink(TurnEvent::Agent(e.clone()));
                let word = match reply {
                    PermissionReply::Once => "allowed once",
                    PermissionReply::Always => "allowed always",
                    PermissionReply::Reject => "denied",
                };
                sink(TurnEvent::Notice {
                    notice: format!("permission {permission} {word}"),
                });
                if let Err(err) = client.reply_permission(id, dir, reply).await {
                    sink(TurnEvent::Notice {
                        notice: format!("cannot answer permission {id}: {err}"),
                    });
                }
                return;
            }
            _ => {}
        }
        sink(TurnEvent::Agent(e));
    }

    /// After a stall or a lost stream: did the turn end meanwhile? If so,
    /// deliver the text not yet delivered and say how it ended.
    async fn reconcile_finished(
        &self,
        client: &Client,
        asid: &str,
        dir: &Path,
        started_ms: i64,
        p: &mut Progress,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> Option<StreamEnd> {
        if let Ok(busy) = client.session_status(dir).await
            && busy.contains_key(asid)
        {
            return None;
        }
        let messages = client.messages(asid, dir, 20).await.ok()?;
        let ours: Vec<&Value> = messages
            .iter()
            .filter(|m| m["info"]["role"] == "assistant")
            .filter(|m| m["info"]["time"]["created"].as_i64().unwrap_or(0) >= started_ms - 2_000)
            .collect();
        let last = ours.last()?;
        let info = &last["info"];
        let completed = info["time"]["completed"].as_i64().is_some()
            && info["finish"].as_str() != Some("tool-calls");
        if !completed {
            return None;
        }
        for m in &ours {
            for part in m["parts"].as_array().into_iter().flatten() {
                if part["type"] != "text" {
                    continue;
                }
                let (Some(id), Some(text)) = (part["id"].as_str(), part["text"].as_str()) else {
                    continue;
                };
                let done = p.printed.entry(id.to_string()).or_default();
                if let Some(rest) = text.strip_prefix(done.as_str())
                    && !rest.is_empty()
                {
                    let rest = rest.to_string();
                    done.push_str(&rest);
                    p.text.push_str(&rest);
                    sink(TurnEvent::Agent(AgentEvent::Text {
                        part_id: id.to_string(),
                        delta: rest,
                    }));
                }
            }
        }
        if let Some(err) = info.get("error").filter(|e| !e.is_null()) {
            let name = err["name"].as_str().unwrap_or("Error");
            let msg = self.readable(err["data"]["message"].as_str().unwrap_or_default());
            p.error = Some(format!("{name}: {msg}"));
            p.error_name = Some(name.to_string());
        }
        Some(self.finished(p))
    }
}

/// The first non-empty line of a message, trimmed.
pub fn first_line(message: &str) -> &str {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
}

/// What kind of error no retry can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fatal {
    /// The model is not known (to opencode, or to llama-swap).
    Model,
    /// The model's server answered something that is not a model's answer.
    Answer,
    /// No provider could be set up.
    Provider,
    /// The credentials were refused.
    Auth,
    /// The agent mode does not exist.
    AgentMode,
}

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fatal::Model => "model not found",
            Fatal::Answer => "the model server's answer is not valid",
            Fatal::Provider => "no provider is available",
            Fatal::Auth => "the provider refused the credentials",
            Fatal::AgentMode => "agent mode not found (--agent-mode)",
        })
    }
}

/// Errors opencode reports that no retry can fix: the model, provider or
/// agent mode is missing, the answer is garbage, the credentials are refused.
fn fatal_cause(name: &str, message: &str) -> Option<Fatal> {
    let lower = format!("{name} {message}").to_ascii_lowercase();
    if lower.contains("modelnotfound") || lower.contains("model not found") {
        Some(Fatal::Model)
    } else if lower.contains("agent not found") {
        Some(Fatal::AgentMode)
    } else if lower.contains("noproviders")
        || lower.contains("no providers are available")
        || lower.contains("providerinit")
        || lower.contains("nomodelserror")
    {
        Some(Fatal::Provider)
    } else if name.contains("Auth")
        || lower.contains("unauthorized")
        || lower.contains("authentication")
        || lower.contains("api key")
    {
        Some(Fatal::Auth)
    } else if lower.contains("json parsing failed") || lower.contains("json parse error") {
        Some(Fatal::Answer)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_drops_stack_traces() {
        let m = "Model not found: llama-swap/nosuch\n    at SessionPrompt.loop (/$bunfs/root/src/index.js:1:2)\n";
        assert_eq!(first_line(m), "Model not found: llama-swap/nosuch");
        assert_eq!(first_line("\n  one  \ntwo"), "one");
        assert_eq!(first_line(""), "");
    }

    #[test]
    fn fatal_errors_are_told_from_retryable_ones() {
        assert_eq!(
            fatal_cause("UnknownError", "Model not found: llama-swap/x."),
            Some(Fatal::Model)
        );
        assert_eq!(
            fatal_cause("UnknownError", "No providers are available"),
            Some(Fatal::Provider)
        );
        assert_eq!(fatal_cause("ProviderAuthError", "bad"), Some(Fatal::Auth));
        assert_eq!(
            fatal_cause("UnknownError", "Agent not found: \"x\"."),
            Some(Fatal::AgentMode)
        );
        assert_eq!(fatal_cause("APIError", "Internal Server Error"), None);
        assert_eq!(fatal_cause("APIError", "Cannot connect to API"), None);
    }
}
