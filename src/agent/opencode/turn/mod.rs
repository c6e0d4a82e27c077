//! One turn of a session on opencode's server: lease, worktree, agent
//! session, prompt, stream, settle, reconcile, then the generic record
//! ([`crate::session`]).

mod errors;
mod handle;
mod lease;
mod reconcile;
mod session;
mod stream;

pub use errors::first_line;

use tokio_util::sync::CancellationToken;

use crate::agent::TurnStatus;
use crate::agent::opencode::{EventHub, Server, llama_swap_model_id};
use crate::config::Config;
use crate::session::{
    Lease, SessionError, Sessions, TurnEnd, TurnEvent, TurnOutcome, TurnRequest, begin_turn,
    lease_owner, record_lease_lost, record_turn,
};
use crate::store::{SessionRow, Store};
use crate::timestamp::now_ms;
use crate::util::fnv1a_hex;

use stream::{Progress, StreamEnd};

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
        crate::agent::opencode::server::note_directory(
            &self.config.state_dir,
            &self.server.record.url,
            &dir,
        );

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
            &dir,
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
                return Err(record_lease_lost(self.store, turn_id, lease).await);
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
                stop_reason: None,
                max_stored: self.config.max_stored_bytes,
                permissions: &req.permissions.log(),
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
            turn_paths: rec.turn_paths,
            in_checkout: worktree.is_none(),
            text: progress.text,
            error: end.error,
            new_agent_session: reason,
            setup_error,
            sign_in: None,
            stop_reason: None,
            permissions: (&req.permissions.log()).into(),
            permission_stop: req.permissions.stopped().is_some(),
        })
    }
}
