//! The turn engine: one turn of a session, owned once for every backend.
//! It takes the session's lease (waiting for it, or taking over a crashed
//! owner's: the backend stops that owner's agent turn, the engine records
//! it `crashed`), finds the worktree (refusing another host's), decides
//! the model, starts the turn's record once the backend has opened its
//! agent session, keeps the tool log, and records the end (pending
//! changes, turn changes, history) unless the lease was lost meanwhile.
//! The backend ([`Transport`]) only carries the turn to its agent and back,
//! watching the run's cancellation and the lease's loss through the tokens
//! it is handed, and asking the turn's permission policy.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use super::record::{ToolLog, TurnEnd, begin_turn, record_lease_lost, record_turn};
use super::{
    SessionError, Sessions, TurnError, TurnEvent, TurnOutcome, TurnRequest, default_model,
};
use crate::agent::transport::{
    BeginTurn, Ended, Opened, Route, Sink, Stop, Stopper, Transport, TurnContext,
};
use crate::config::Config;
use crate::lease::{Lease, lease_owner};
use crate::report::Reporter;
use crate::session_key::SessionKey;
use crate::store::{SessionRow, Store};
use crate::timestamp::now_ms;

/// Runs turns on one store under one config, cancelled by one token.
pub(crate) struct Engine<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub cancel: CancellationToken,
}

/// The turn's record, once begun: its id and the snapshot of the directory
/// before the agent worked in it.
struct Begun {
    turn_id: i64,
    before: Option<String>,
    opened: Opened,
}

/// A turn the backend ran to its end, to record.
struct Ran {
    has_worktree: bool,
    dir: PathBuf,
    begun: Begun,
    ended: Ended,
    calls: Vec<crate::store::ToolCall>,
    started_ms: i64,
}

/// The engine's side of [`BeginTurn`].
struct Beginner<'a> {
    store: &'a Store,
    sink: Sink<'a>,
    key: &'a SessionKey,
    started_ms: i64,
    prompt: &'a str,
    dir: &'a Path,
    begun: Mutex<Option<Begun>>,
    /// Its watchdog starts when the turn begins.
    stop: &'a Stopper,
    armed: std::sync::atomic::AtomicBool,
}

impl BeginTurn for Beginner<'_> {
    fn begin<'b>(&'b self, opened: &'b Opened) -> BoxFuture<'b, crate::Result<()>> {
        Box::pin(async move {
            if self.begun.lock().expect("begun").is_some() {
                return Err(crate::Error::from(TurnError::NotStarted(
                    "the backend began the turn twice".into(),
                )));
            }
            let (turn_id, before) = begin_turn(
                self.store,
                self.sink,
                self.key,
                &opened.agent_session_id,
                opened.new_reason.as_deref(),
                opened.model.as_deref(),
                self.started_ms,
                self.prompt,
                self.dir,
            )
            .await?;
            *self.begun.lock().expect("begun") = Some(Begun {
                turn_id,
                before,
                opened: opened.clone(),
            });
            self.stop.alive();
            self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
    }
}

impl Engine<'_> {
    /// Run one turn of `req.session` on `transport`. `reporter` gets the
    /// turn's events as they happen. Ok for every turn that ran (whatever
    /// its status); Err when it could not run, or lost its lease.
    pub(crate) async fn run(
        &self,
        transport: &dyn Transport,
        route: &Route,
        req: &TurnRequest,
        reporter: &dyn Reporter,
    ) -> crate::Result<TurnOutcome> {
        let sink = |e: TurnEvent| reporter.turn_event(req.session.as_str(), e);
        let sink: Sink<'_> = &sink;
        if req.text.trim().is_empty() {
            return Err(TurnError::EmptyPrompt.into());
        }
        let key = req.session.as_str();
        let session = self
            .store
            .get_session(key)
            .await?
            .ok_or_else(|| SessionError::NotFound(key.into()))?;
        let lease = Lease::take(
            self.store,
            self.config,
            key,
            &lease_owner(),
            req.wait,
            &self.cancel,
        )
        .await?;
        let result = match self.settle_crashed(transport, &session, &lease, sink).await {
            Ok(()) => {
                self.leased(transport, route, req, &session, &lease, sink)
                    .await
            }
            Err(e) => Err(e),
        };
        lease.release().await;
        result
    }

    /// A turn left `running` by an owner whose lease expired crashed: its
    /// backend stops its agent turn first (it may still be editing the
    /// worktree), then it is recorded `crashed`.
    async fn settle_crashed(
        &self,
        transport: &dyn Transport,
        session: &SessionRow,
        lease: &Lease,
        sink: Sink<'_>,
    ) -> crate::Result<()> {
        let Some(last) = lease.crashed_turn().await? else {
            return Ok(());
        };
        transport.abort_crashed(session, &last, sink).await?;
        lease.settle_crashed(&last).await
    }

    /// The model the turn runs on: the request's, else the session's, else
    /// (for a backend that must not fall back to its agent's own) the
    /// configured default, said in a notice when it was chosen.
    async fn model(
        &self,
        route: &Route,
        req: &TurnRequest,
        session: &SessionRow,
        sink: Sink<'_>,
    ) -> crate::Result<Option<String>> {
        let named = req
            .model
            .clone()
            .or_else(|| session.model.clone())
            .filter(|m| !m.trim().is_empty());
        match named {
            Some(m) => Ok(Some(m)),
            None if !route.backend().needs_model => Ok(None),
            None => {
                let (m, notice) = default_model(self.config).await?;
                if let Some(notice) = notice {
                    sink(TurnEvent::Notice { notice });
                }
                Ok(Some(m))
            }
        }
    }

    async fn leased(
        &self,
        transport: &dyn Transport,
        route: &Route,
        req: &TurnRequest,
        session: &SessionRow,
        lease: &Lease,
        outer: Sink<'_>,
    ) -> crate::Result<TurnOutcome> {
        // Every event passes here: the tool calls go to the turn's history.
        let tools = Mutex::new(ToolLog::default());
        let noting = |e: TurnEvent| {
            if let TurnEvent::Agent(a) = &e {
                tools.lock().expect("tool log").note(a);
            }
            outer(e)
        };
        let sink: Sink<'_> = &noting;
        let key = &req.session;
        let started_ms = now_ms();
        let sessions = Sessions::new(self.store, self.config);
        let (worktree, dir) = sessions.turn_dir(session, key, sink).await?;
        let model = self.model(route, req, session, sink).await?;
        sink(TurnEvent::Start {
            agent: session.agent.clone(),
            model: model.clone(),
            worktree: worktree
                .as_ref()
                .map(|_| dir.to_string_lossy().into_owned()),
        });
        let stop = Stopper::default();
        let beginner = Beginner {
            store: self.store,
            sink,
            key,
            started_ms,
            prompt: &req.text,
            dir: &dir,
            begun: Mutex::new(None),
            stop: &stop,
            armed: false.into(),
        };
        let turn = transport.turn(TurnContext {
            req,
            session,
            route,
            dir: &dir,
            model,
            stop: &stop,
            sink,
            begin: &beginner,
        });
        tokio::pin!(turn);
        let watch = self.watch(&stop, &lease.lost, req.watchdog, &beginner.armed);
        let ended = tokio::select! {
            ended = &mut turn => ended,
            () = watch => turn.await,
        };
        let begun = beginner.begun.lock().expect("begun").take();
        let (ended, begun) = match (ended, begun) {
            (Ok(ended), Some(begun)) => (ended, begun),
            (Ok(_), None) => {
                return Err(TurnError::NotStarted(
                    "the backend ended the turn before it began".into(),
                )
                .into());
            }
            (Err(e), Some(begun)) => return Err(self.failed(begun.turn_id, e).await),
            (Err(e), None) => return Err(e),
        };
        // Another process owns the session now (or may, any moment): write
        // nothing more (its `crashed` mark and pending changes stay). A lost
        // lease (what stopped the turn, if it did) fails the check at once.
        if !lease.check().await {
            return Err(record_lease_lost(self.store, begun.turn_id, lease).await);
        }
        let ran = Ran {
            has_worktree: worktree.is_some(),
            dir: dir.clone(),
            begun,
            ended,
            calls: tools.lock().expect("tool log").calls(),
            started_ms,
        };
        self.finish(transport, req, session, ran, sink).await
    }

    /// Stop the turn through `stop` on a signal, the lease's loss, or (once
    /// `armed`: the turn began) the watchdog: no sign of life from the agent
    /// for `watchdog`.
    async fn watch(
        &self,
        stop: &Stopper,
        lost: &CancellationToken,
        watchdog: std::time::Duration,
        armed: &std::sync::atomic::AtomicBool,
    ) {
        loop {
            tokio::select! {
                _ = self.cancel.cancelled() => return stop.stop(Stop::Interrupted),
                _ = lost.cancelled() => return stop.stop(Stop::LeaseLost),
                _ = tokio::time::sleep_until(stop.last_alive() + watchdog) => {
                    if !armed.load(std::sync::atomic::Ordering::SeqCst) || stop.held() {
                        // Not prompted yet (the backend's set-up has its own
                        // limits), or the agent waits on boocoder.
                        stop.alive();
                    } else if tokio::time::Instant::now() >= stop.last_alive() + watchdog {
                        return stop.stop(Stop::Stalled);
                    }
                }
            }
        }
    }

    /// A turn the backend gave up on after it began: recorded `failed`
    /// with the error, which the turn ends with.
    async fn failed(&self, turn_id: i64, e: crate::Error) -> crate::Error {
        let status = match &e {
            crate::Error::Interrupted | crate::Error::Signalled(_) => {
                crate::agent::TurnStatus::Interrupted
            }
            _ => crate::agent::TurnStatus::Failed,
        };
        if let Err(db) = self
            .store
            .finish_turn(
                turn_id,
                status,
                now_ms(),
                &crate::store::Tokens::default(),
                Some(&e.to_string()),
            )
            .await
        {
            tracing::warn!("cannot record the end of turn {turn_id}: {db}");
        }
        e
    }

    /// Record the turn's end (pending changes, turn changes, history) and
    /// say how it went.
    async fn finish(
        &self,
        transport: &dyn Transport,
        req: &TurnRequest,
        session: &SessionRow,
        ran: Ran,
        sink: Sink<'_>,
    ) -> crate::Result<TurnOutcome> {
        let Ran {
            has_worktree,
            dir,
            begun,
            ended,
            calls,
            started_ms,
        } = ran;
        let key = &req.session;
        let permissions = req.permissions.log();
        let rec = record_turn(
            self.store,
            &Sessions::new(self.store, self.config).worktrees(),
            key,
            &session.agent,
            has_worktree,
            &dir,
            begun.before.as_ref(),
            TurnEnd {
                turn_id: begun.turn_id,
                status: ended.status,
                error: ended.error.as_deref(),
                tokens: &ended.tokens,
                text: &ended.text,
                tools: &calls,
                stop_reason: ended.stop_reason.as_deref(),
                max_stored: self.config.max_stored_bytes,
                permissions: &permissions,
            },
            sink,
        )
        .await?;
        Ok(TurnOutcome {
            session: key.to_string(),
            agent_session_id: begun.opened.agent_session_id,
            server_url: transport.endpoint(session),
            model: begun.opened.model,
            status: ended.status,
            duration_ms: rec.ended_ms - started_ms,
            tokens: ended.tokens,
            changes: rec.changes,
            changes_error: rec.changes_error,
            turn_changes: rec.turn_changes,
            turn_paths: rec.turn_paths,
            in_checkout: !has_worktree,
            text: ended.text,
            error: ended.error,
            new_agent_session: begun.opened.new_reason,
            setup_error: ended.setup_error,
            sign_in: ended.sign_in,
            stop_reason: ended.stop_reason,
            permissions: (&permissions).into(),
            permission_stop: req.permissions.stopped().is_some(),
        })
    }
}

#[cfg(test)]
mod tests;
