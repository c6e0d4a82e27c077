//! One turn of a session on opencode's server, as a transport of the turn
//! engine ([`crate::agent::transport`]): the agent session (reused or new),
//! the prompt, the event stream until the turn settles, reconciliation; the
//! engine owns the lease, the worktree, the model and the record.

mod crashed;
mod errors;
mod handle;
mod reconcile;
mod session;
mod start;
mod stream;

pub use errors::first_line;
pub use start::BACKEND;

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::agent::TurnStatus;
use crate::agent::opencode::{EventHub, Server, llama_swap_model_id};
use crate::agent::transport::{Ended, Opened, Sink, Stop, Transport, TurnContext};
use crate::agent::turn::Endpoint;
use crate::config::Config;
use crate::store::{SessionRow, Store, TurnRow};
use crate::util::fnv1a_hex;

use stream::{Progress, StreamEnd};

/// Runs turns on one server and one event stream (concurrently, too).
pub struct TurnRunner<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    /// Shared with the run's keep-alive: a short-lived server stops when
    /// the last holder lets go.
    pub server: Arc<Server>,
    pub hub: EventHub,
    /// llama-swap's model ids, asked for once and only when a model id is
    /// ambiguous (has a `/` but no `llama-swap/` prefix).
    pub llama_swap_models: tokio::sync::OnceCell<Vec<String>>,
    /// Keep agent errors whole (else their first line: no stack traces).
    pub verbose: bool,
}

impl Transport for TurnRunner<'_> {
    fn turn<'a>(&'a self, cx: TurnContext<'a>) -> BoxFuture<'a, crate::Result<Ended>> {
        Box::pin(self.run(cx))
    }

    fn abort_crashed<'a>(
        &'a self,
        session: &'a SessionRow,
        last: &'a TurnRow,
        sink: Sink<'a>,
    ) -> BoxFuture<'a, crate::Result<()>> {
        Box::pin(self.abort_crashed(session, last, sink))
    }

    fn endpoint(&self, _session: &SessionRow) -> Endpoint {
        Endpoint::Server(self.server.record.url.clone())
    }
}

impl TurnRunner<'_> {
    /// What decides whether the stored agent session is reused: the agent,
    /// the model and the provider's settings.
    fn fingerprint(&self, session: &SessionRow, model_id: &Option<(String, String)>) -> String {
        fnv1a_hex(&format!(
            "{}\u{1f}{:?}\u{1f}{}",
            session.agent,
            model_id,
            serde_json::to_string(&self.config.providers.get(&session.agent)).unwrap_or_default()
        ))
    }

    /// llama-swap's model ids, when `model` is ambiguous without them.
    async fn known_models(&self, model: Option<&str>) -> &[String] {
        match model {
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
        }
    }

    /// Run one turn: Ok for every turn that ran (whatever its status); Err
    /// when it could not run.
    async fn run(&self, cx: TurnContext<'_>) -> crate::Result<Ended> {
        let TurnContext {
            req,
            session,
            dir,
            model,
            stop,
            sink,
            begin,
            ..
        } = cx;
        let dir_str = dir.to_string_lossy().into_owned();
        crate::agent::opencode::server::note_directory(
            &self.config.state_dir,
            &self.server.record.url,
            dir,
        );
        let known = self.known_models(model.as_deref()).await;
        let model_id = model.as_deref().map(|m| llama_swap_model_id(m, known));
        let fingerprint = self.fingerprint(session, &model_id);

        let client = self.server.client();
        let (agent_session_id, reason) = self
            .agent_session(session, &client, dir, &dir_str, &fingerprint)
            .await?;
        begin
            .begin(&Opened {
                agent_session_id: agent_session_id.clone(),
                new_reason: reason,
                model: model.clone(),
            })
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
        // Its assistant messages are the ones made from here on.
        let started_ms = crate::timestamp::now_ms();
        let prompted = client
            .prompt_async(
                &agent_session_id,
                dir,
                &req.text,
                model_id.as_ref().map(|(p, m)| (p.as_str(), m.as_str())),
                req.agent_mode.as_deref(),
            )
            .await;
        let end = match prompted {
            Ok(()) => {
                let turn = stream::Turn {
                    req,
                    client: &client,
                    asid: &agent_session_id,
                    dir,
                    started_ms,
                    sink,
                    stop,
                };
                self.stream(&turn, &mut sub, &mut progress).await
            }
            Err(e) => StreamEnd {
                status: TurnStatus::Failed,
                error: Some(self.readable(&e.to_string())),
            },
        };
        drop(sub);
        if stop.why() == Some(Stop::LeaseLost) {
            // Another process owns the session now (or may, any moment):
            // stop the agent; the engine writes nothing more.
            if let Err(e) = client.abort(&agent_session_id, dir).await {
                sink(crate::agent::turn::TurnEvent::Notice {
                    notice: format!("cannot abort agent session {agent_session_id}: {e}"),
                });
            }
            return Ok(Ended::lease_lost());
        }
        let setup_error = progress.setup_error();
        Ok(Ended {
            status: end.status,
            error: end.error,
            tokens: progress.tokens,
            text: progress.text,
            stop_reason: None,
            sign_in: None,
            setup_error,
        })
    }
}
