//! The stream loop: a turn's events until it settles, stalls, loses its
//! server or is interrupted, and what it accumulates meanwhile.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

use super::TurnRunner;
use crate::agent::opencode::{Client, StreamItem, Subscription};
use crate::agent::{AgentEvent, AgentState, TokenUsage, TurnStatus};
use crate::session::{SessionError, ToolLog, TurnEvent, TurnRequest};

/// Errors and aborts can bring two idles ~70 ms apart, and updates after
/// the idle: after an error, settle this long. A clean turn ends at its idle
/// (every text delta and step end comes before it).
const SETTLE_AFTER_ERROR: Duration = Duration::from_millis(250);
/// An error with no idle after it (opencode's failed `prompt_async`): when
/// the session is not busy this long after, the turn is over.
const ERROR_WITHOUT_IDLE: Duration = Duration::from_secs(2);
/// A turn shows it started (busy, or any event) within this long.
const START_CHECK: Duration = Duration::from_secs(10);

/// Where the stream loop ended.
pub(super) struct StreamEnd {
    pub(super) status: TurnStatus,
    pub(super) error: Option<String>,
}

/// Per-turn accumulation.
#[derive(Default)]
pub(super) struct Progress {
    pub(super) text: String,
    /// part id -> text already delivered (so reconciling never repeats it).
    pub(super) printed: HashMap<String, String>,
    pub(super) tokens: TokenUsage,
    pub(super) error: Option<String>,
    pub(super) error_name: Option<String>,
    /// A fatal error's cause: the turn ends at once and exits 3.
    pub(super) fatal: Option<String>,
    pub(super) started: bool,
    /// Tool calls in the order they started, with their last status.
    pub(super) tools: ToolLog,
    /// The turn's model id when llama-swap serves it (checked on retries).
    pub(super) llama_swap_model: Option<String>,
}

impl TurnRunner<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn stream(
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
                        // `non_interactive = "fail"`: the request was
                        // rejected; the turn ends here.
                        if let Some(why) = req.permissions.stopped() {
                            let _ = client.abort(asid, dir).await;
                            return StreamEnd { status: TurnStatus::Failed, error: Some(why) };
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

    pub(super) fn finished(&self, p: &Progress) -> StreamEnd {
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
}
