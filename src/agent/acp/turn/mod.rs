//! One turn of a session on an ACP agent, as a transport of the turn
//! engine ([`crate::agent::transport`]): spawn the agent's launch command
//! in the worktree (or attach to its kept host), `initialize`, resume (or
//! make) the agent session, set the model, `session/prompt`, translate the
//! updates, answer the agent's requests (permissions, `fs/*`), end with the
//! stop reason. The engine owns the lease, the worktree and the record.
//! A short-lived agent's process group is killed when the turn ends,
//! however it ends; a kept one (`host`) stays for the next turn.

use std::path::Path;
use std::time::Duration;

use agent_client_protocol_schema::ProtocolVersion;
use agent_client_protocol_schema::v1::{
    ClientCapabilities, FileSystemCapabilities, InitializeRequest,
};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::fs;
use super::host::{self, AgentKeep, HostSpec};
use super::permission::{file_request, permission};
use super::translate::{Translator, prompt_usage};
use super::{AcpTurnError, Backend};
use crate::acp_wire::{AcpError, AgentProcess, Connection, Incoming, Link, Pending, last_lines};
use crate::agent::transport::{
    Ended, Entry, Opened, RunSetup, Sink, Started, Stop, Stopper, Transport, TurnContext,
};
use crate::agent::turn::{Endpoint, TurnError, TurnEvent, TurnRequest};
use crate::agent::{AgentEvent, TokenUsage, TurnStatus};
use crate::config::{Config, TurnsVia};
use crate::probe::ProbeEnv;
use crate::store::{AgentSessionRow, SessionRow, Store, TurnRow};
use crate::timestamp::now_ms;
use crate::util::fnv1a_hex;

mod ending;
use ending::{
    cancel, crashed_or_failed, current_model, fault, note_transport, set_model, stop_end,
};

/// How long `initialize`, `session/new|load|resume` and the model may take.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);
/// After `session/cancel`, how long the agent has to answer `cancelled`.
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// ACP agents over stdio (`turns = "acp"`, every ACP provider).
pub const BACKEND: Entry = Entry {
    turns: TurnsVia::Acp,
    needs_model: false,
    start,
};

fn start<'a>(run: &'a RunSetup<'a>) -> BoxFuture<'a, crate::Result<Started<'a>>> {
    Box::pin(async move {
        Ok(Started {
            transport: Box::new(AcpTurns {
                store: run.store,
                config: run.config,
                env: run.env.clone(),
                cancel: run.cancel.clone(),
                keep: AgentKeep::of(run.config, run.keep_server),
            }),
            keep_alive: None,
        })
    })
}

/// Runs turns on ACP agents (concurrently, too: one agent process per turn).
pub struct AcpTurns<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    /// PATH (to find launch commands) as the command layer captured it.
    pub env: ProbeEnv,
    pub cancel: CancellationToken,
    /// Whether agents are kept between commands (on a host).
    pub keep: AgentKeep,
}

/// How the prompt loop ended.
struct LoopEnd {
    status: TurnStatus,
    error: Option<String>,
    stop_reason: Option<String>,
    /// The agent answered the prompt asking for a sign-in.
    sign_in: bool,
}

impl LoopEnd {
    /// Cancelled by boocoder (a signal, the lease lost): `interrupted`.
    fn cancelled(why: &str) -> LoopEnd {
        LoopEnd {
            status: TurnStatus::Interrupted,
            error: Some(why.into()),
            stop_reason: Some("cancelled".into()),
            sign_in: false,
        }
    }

    fn ended(status: TurnStatus, error: String) -> LoopEnd {
        LoopEnd {
            status,
            error: Some(error),
            stop_reason: None,
            sign_in: false,
        }
    }
}

/// `initialize`: boocoder offers only what it implements (text files,
/// inside the worktree); says whether the agent can load and resume
/// sessions.
async fn initialize(conn: &mut Connection) -> Result<(bool, bool), AcpError> {
    let caps = ClientCapabilities::new().fs(FileSystemCapabilities::new()
        .read_text_file(true)
        .write_text_file(true));
    let init =
        serde_json::to_value(InitializeRequest::new(ProtocolVersion::V1).client_capabilities(caps))
            .expect("initialize request serializes");
    let init = conn
        .request("initialize", init, SETUP_TIMEOUT, &mut Vec::new())
        .await?;
    let agent_caps = &init["agentCapabilities"];
    let can_load = agent_caps["loadSession"].as_bool().unwrap_or(false);
    let can_resume = agent_caps["sessionCapabilities"]["resume"].is_object();
    Ok((can_load, can_resume))
}

/// Translate a `session/update` into events for `sink`, keeping the text.
fn pass_on(translator: &mut Translator, update: &Value, text: &mut String, sink: Sink<'_>) {
    for e in translator.translate(update) {
        if let AgentEvent::Text { delta, .. } = &e {
            text.push_str(delta);
        }
        sink(TurnEvent::Agent(e));
    }
}

impl Transport for AcpTurns<'_> {
    fn turn<'a>(&'a self, cx: TurnContext<'a>) -> BoxFuture<'a, crate::Result<Ended>> {
        Box::pin(self.run(cx))
    }

    /// A crashed owner's agent process ended with it (its own process
    /// group, a parent-death guard); a kept host cancels a turn whose
    /// command went away.
    fn abort_crashed<'a>(
        &'a self,
        _session: &'a SessionRow,
        _last: &'a TurnRow,
        _sink: Sink<'a>,
    ) -> BoxFuture<'a, crate::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    fn endpoint(&self, session: &SessionRow) -> Endpoint {
        Endpoint::Stdio(session.agent.clone())
    }
}

impl AcpTurns<'_> {
    /// Run one turn. Ok for every turn that ran (whatever its status); Err
    /// when it could not run.
    async fn run(&self, cx: TurnContext<'_>) -> crate::Result<Ended> {
        let TurnContext {
            req,
            session,
            route,
            dir,
            model,
            stop,
            sink,
            begin,
            ..
        } = cx;
        let Some(backend) = route.acp(self.config) else {
            return Err(crate::Error::usage(format!(
                "session {} does not run on an ACP agent",
                req.session
            )));
        };
        let backend = &backend;
        let fingerprint = fnv1a_hex(&format!(
            "acp\u{1f}{}\u{1f}{:?}\u{1f}{}",
            session.agent,
            backend.launch,
            serde_json::to_string(&self.config.providers.get(&session.agent)).unwrap_or_default()
        ));

        let program = backend.program(&self.env, dir)?;
        let (env, agent_model) = if backend.is_opencode() {
            backend.opencode_setup(self.config, model.as_deref()).await
        } else {
            (Vec::new(), model.clone())
        };
        // The agent is gone (not just signalled) when this returns, however
        // the turn ended: no agent process survives its turn.
        let talk = async |agent: &mut AgentProcess| -> crate::Result<Ended> {
            let opened = self.open(
                agent,
                backend,
                session,
                dir,
                &fingerprint,
                agent_model.as_deref(),
            );
            let (agent_session_id, reason, agent_current) = opened.await?;
            if let Some(note) = &backend.note {
                note_transport(self.store, session, note).await;
            }
            // The model the turn runs on: the one asked for, else the
            // agent's own (what it said it uses), recorded for `session log`.
            begin
                .begin(&Opened {
                    agent_session_id: agent_session_id.clone(),
                    new_reason: reason,
                    model: model.clone().or(agent_current),
                })
                .await?;
            Ok(self
                .converse(agent, backend, req, &agent_session_id, dir, stop, sink)
                .await)
        };
        let ran = match self.keep {
            AgentKeep::ShortLived => {
                AgentProcess::with(&program, &backend.launch[1..], dir, &env, talk).await
            }
            AgentKeep::Kept { idle } => {
                let fingerprint = self.host_fingerprint(&session.agent, &program, backend, &env);
                let spec = HostSpec {
                    state_dir: &self.config.state_dir,
                    agent: &session.agent,
                    program: &program,
                    args: &backend.launch[1..],
                    env: &env,
                    fingerprint: &fingerprint,
                    idle,
                };
                match host::attach(&spec).await {
                    // Letting go of the connection detaches; the agent stays.
                    Ok(mut agent) => Ok(talk(&mut agent).await),
                    Err(e) => Err(e),
                }
            }
        };
        ran.map_err(|e| fault(backend, e))?
    }

    /// Set up the agent session (see [`Self::setup`]) unless a signal
    /// comes first; an agent that exited says its last words.
    async fn open(
        &self,
        agent: &mut AgentProcess,
        backend: &Backend,
        session: &SessionRow,
        dir: &Path,
        fingerprint: &str,
        model: Option<&str>,
    ) -> crate::Result<(String, Option<String>, Option<String>)> {
        let dir_str = dir.to_string_lossy().into_owned();
        let setup = tokio::select! {
            s = self.setup(&mut agent.conn, session, dir, &dir_str, fingerprint, model) => s,
            _ = self.cancel.cancelled() => return Err(crate::Error::Interrupted),
        };
        match setup {
            Ok(s) => Ok(s),
            Err(e @ (AcpError::Exited { .. } | AcpError::NotAcp { .. })) => {
                let stderr = agent.stderr(Duration::from_millis(200)).await;
                Err(fault(backend, e.with_stderr(&last_lines(&stderr, 5))))
            }
            Err(e) => Err(fault(backend, e)),
        }
    }

    /// Prompt the open agent session and play the turn to its end; a
    /// crashed agent's last output goes into the error.
    #[allow(clippy::too_many_arguments)]
    async fn converse(
        &self,
        agent: &mut AgentProcess,
        backend: &Backend,
        req: &TurnRequest,
        asid: &str,
        dir: &Path,
        stop: &Stopper,
        sink: Sink<'_>,
    ) -> Ended {
        let mut tokens = TokenUsage::default();
        let mut text = String::new();
        let mut end = self
            .prompt_loop(
                req,
                &mut agent.conn,
                asid,
                dir,
                &mut tokens,
                &mut text,
                stop,
                sink,
            )
            .await;
        if end.status == TurnStatus::Crashed {
            let stderr = agent.stderr(Duration::from_millis(200)).await;
            let tail = last_lines(&stderr, 5);
            if !tail.is_empty() {
                let e = end.error.take().unwrap_or_default();
                end.error = Some(format!("{e}; its last output:\n{tail}"));
            }
        }
        Ended {
            status: end.status,
            error: end.error,
            tokens,
            text,
            stop_reason: end.stop_reason,
            sign_in: end.sign_in.then(|| backend.login_hint()),
            setup_error: false,
        }
    }

    /// What decides which kept host runs an agent: the agent, its launch
    /// program and arguments, the environment boocoder gives it, where it
    /// reads its configuration (HOME, XDG dirs, opencode's variables), PATH,
    /// the variables agents read keys and endpoints from, and its provider
    /// settings.
    fn host_fingerprint(
        &self,
        agent: &str,
        program: &Path,
        backend: &Backend,
        env: &[(String, String)],
    ) -> String {
        fnv1a_hex(&format!(
            "acp-host\u{1f}{agent}\u{1f}{}\u{1f}{:?}\u{1f}{env:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
            program.display(),
            backend.launch,
            self.config.opencode_env,
            self.env.path,
            self.env.home,
            self.env.agent_vars,
            serde_json::to_string(&self.config.providers.get(agent)).unwrap_or_default()
        ))
    }

    /// `initialize`, then resume the stored agent session or make a new one
    /// (and say why), then the model. Returns the agent session id, why
    /// it is new (None: resumed, or the session's first) and the model it
    /// runs on (the one set, else the agent's current one, when it says).
    async fn setup(
        &self,
        conn: &mut Connection,
        session: &SessionRow,
        dir: &Path,
        dir_str: &str,
        fingerprint: &str,
        model: Option<&str>,
    ) -> Result<(String, Option<String>, Option<String>), AcpError> {
        let (can_load, can_resume) = initialize(conn).await?;
        let stored = self
            .store
            .get_agent_session(&session.name, &session.agent)
            .await
            .ok()
            .flatten();
        let mut reason = self
            .new_session_reason(
                session,
                stored.as_ref(),
                fingerprint,
                dir_str,
                can_load || can_resume,
            )
            .await;
        let mut opened: Option<(String, Value)> = None;
        if let (Some(a), None) = (&stored, &reason) {
            let params = json!({"sessionId": a.agent_session_id, "cwd": dir, "mcpServers": []});
            let method = if can_load {
                "session/load"
            } else {
                "session/resume"
            };
            // session/load replays the history as updates: not this turn's.
            match conn
                .request(method, params, SETUP_TIMEOUT, &mut Vec::new())
                .await
            {
                Ok(v) => opened = Some((a.agent_session_id.clone(), v)),
                Err(e @ (AcpError::AuthRequired { .. } | AcpError::Exited { .. })) => {
                    return Err(e);
                }
                Err(e) => reason = Some(format!("the agent refused {method}: {e}")),
            }
        }
        let now = now_ms();
        let (id, result, is_new) = match opened {
            Some((id, v)) => (id, v, false),
            None => {
                let params = json!({"cwd": dir, "mcpServers": []});
                let v = conn
                    .request("session/new", params, SETUP_TIMEOUT, &mut Vec::new())
                    .await?;
                let id = v["sessionId"]
                    .as_str()
                    .ok_or_else(|| AcpError::Protocol {
                        step: "session/new",
                        detail: "no sessionId".into(),
                    })?
                    .to_string();
                (id, v, true)
            }
        };
        if let Some(m) = model {
            set_model(conn, &id, &result, m).await?;
        }
        let created_at = match (&stored, is_new) {
            (Some(a), false) => a.created_at,
            _ => now,
        };
        let row = AgentSessionRow {
            session: session.name.clone(),
            agent: session.agent.clone(),
            agent_session_id: id.clone(),
            server_url: None,
            directory: Some(dir_str.to_string()),
            config_hash: fingerprint.to_string(),
            status: crate::store::AgentSessionStatus::Active,
            reason: if is_new { reason.clone() } else { None },
            created_at,
            updated_at: now,
        };
        if let Err(e) = self.store.upsert_agent_session(&row).await {
            tracing::warn!("cannot record the agent session of {}: {e}", session.name);
        }
        let current = match model {
            Some(m) => Some(m.to_string()),
            None => current_model(&result),
        };
        Ok((id, if is_new { reason } else { None }, current))
    }

    /// Why the stored agent session is not resumed (None: it is, or there
    /// is none: the session's first).
    async fn new_session_reason(
        &self,
        session: &SessionRow,
        stored: Option<&AgentSessionRow>,
        fingerprint: &str,
        dir_str: &str,
        can_reopen: bool,
    ) -> Option<String> {
        let last_crashed = self
            .store
            .list_turns(&session.name)
            .await
            .unwrap_or_default()
            .iter()
            .rev()
            .find(|t| t.status != TurnStatus::Running)
            .is_some_and(|t| t.status.broke_off());
        match stored {
            None => None,
            Some(_) if last_crashed => Some("the last turn crashed".into()),
            Some(a) if a.config_hash != fingerprint => Some(
                "the configuration changed (agent, launch command or provider settings)".into(),
            ),
            Some(a) if a.directory.as_deref() != Some(dir_str) => {
                Some("the working directory changed".into())
            }
            Some(_) if !can_reopen => Some(
                "the agent cannot resume sessions (it offers neither session/load nor session/resume)"
                    .into(),
            ),
            Some(_) => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn prompt_loop(
        &self,
        req: &TurnRequest,
        conn: &mut Connection,
        asid: &str,
        dir: &Path,
        tokens: &mut TokenUsage,
        text: &mut String,
        stop: &Stopper,
        sink: Sink<'_>,
    ) -> LoopEnd {
        let link = conn.link.clone();
        let params = json!({"sessionId": asid, "prompt": [{"type": "text", "text": req.text}]});
        let mut pending = match link.start("session/prompt", params).await {
            Ok(p) => p,
            Err(e) => return crashed_or_failed(e),
        };
        let mut translator = Translator::default();
        let mut open = true;
        loop {
            tokio::select! {
                biased;
                _ = stop.stopped() => {
                    cancel(conn, &link, &mut pending, asid).await;
                    return match stop.why() {
                        Some(Stop::LeaseLost) => LoopEnd::cancelled("the session's lease was lost"),
                        Some(Stop::Stalled) => {
                            let stalled = TurnError::Stalled { seconds: req.watchdog.as_secs() };
                            LoopEnd::ended(TurnStatus::Stalled, stalled.to_string())
                        }
                        _ => LoopEnd::cancelled("interrupted"),
                    };
                }
                got = conn.next_incoming(), if open => match got {
                    None => open = false,
                    Some(Incoming::Notification { method, params }) => {
                        if method != "session/update" || params["sessionId"] != asid {
                            continue;
                        }
                        stop.alive();
                        pass_on(&mut translator, &params["update"], text, sink);
                    }
                    Some(Incoming::Request { id, method, params }) => {
                        // Served within the watchdog: a request still
                        // unanswered then leaves the turn stalled.
                        let deadline = Instant::now() + req.watchdog;
                        let held = stop.hold();
                        let in_time = self.answer_request(&link, &id, &method, &params, dir, req, deadline, sink).await;
                        drop(held);
                        // A file request cut off by its deadline stalls the
                        // turn (a signal that cut it off stopped it first).
                        if !in_time {
                            stop.stop(Stop::Stalled);
                        }
                        // `non_interactive = "fail"`: the request was
                        // rejected; the turn ends here.
                        if let Some(why) = req.permissions.stopped() {
                            cancel(conn, &link, &mut pending, asid).await;
                            return LoopEnd::ended(TurnStatus::Failed, why);
                        }
                    }
                },
                answer = link.answer(&mut pending) => {
                    // Updates sent before the answer are already queued.
                    while let Some(msg) = conn.try_incoming() {
                        if let Incoming::Notification { method, params } = msg
                            && method == "session/update"
                            && params["sessionId"] == asid
                        {
                            pass_on(&mut translator, &params["update"], text, sink);
                        }
                    }
                    return match answer {
                        Ok(v) => {
                            if let Some(u) = prompt_usage(&v) {
                                tokens.add(&u);
                            }
                            stop_end(v["stopReason"].as_str().unwrap_or("end_turn"))
                        }
                        Err(e) => crashed_or_failed(e),
                    };
                }
            }
        }
    }

    /// Answer a request the agent makes mid-turn; false when a file
    /// request was cut off by the `deadline` or Ctrl-C.
    #[allow(clippy::too_many_arguments)]
    async fn answer_request(
        &self,
        link: &Link,
        id: &Value,
        method: &str,
        params: &Value,
        dir: &Path,
        req: &TurnRequest,
        deadline: Instant,
        sink: Sink<'_>,
    ) -> bool {
        match method {
            "session/request_permission" => {
                let outcome = permission(params, req, dir, sink).await;
                link.respond(id, json!({"outcome": outcome})).await;
            }
            "fs/read_text_file" | "fs/write_text_file"
                if !file_request(method, params, req, dir, sink).await =>
            {
                link.respond_error(id, -32602, "denied by the permission policy")
                    .await;
            }
            "fs/read_text_file" | "fs/write_text_file" => {
                let cut_off = || {
                    fs::FsError::Deadline(params["path"].as_str().unwrap_or_default().to_string())
                };
                let served = tokio::select! {
                    r = tokio::time::timeout_at(deadline, fs::handle(method, params, dir)) => {
                        r.unwrap_or_else(|_| Err(cut_off()))
                    }
                    _ = self.cancel.cancelled() => Err(cut_off()),
                };
                let in_time = !matches!(served, Err(fs::FsError::Deadline(_)));
                match served {
                    Ok(v) => link.respond(id, v).await,
                    Err(e) => {
                        sink(TurnEvent::Notice {
                            notice: format!("refused {method}: {e}"),
                        });
                        link.respond_error(id, e.code(), &e.to_string()).await;
                    }
                }
                return in_time;
            }
            other => {
                link.respond_error(id, -32601, &format!("{other} is not supported by boocoder"))
                    .await;
            }
        }
        true
    }
}
