//! The stream loop: a turn's events until it settles, stalls, loses its
//! server or is interrupted, and what it accumulates meanwhile.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

use super::TurnRunner;
use crate::agent::opencode::{Client, StreamItem, Subscription};
use crate::agent::transport::{Stop, Stopper};
use crate::agent::turn::{TurnError, TurnEvent, TurnRequest};
use crate::agent::{AgentEvent, AgentState, TokenUsage, TurnStatus};

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
    /// The turn's model id when llama-swap serves it (checked on retries).
    pub(super) llama_swap_model: Option<String>,
}

/// One turn's stream, as the loop sees it.
pub(super) struct Turn<'t> {
    pub(super) req: &'t TurnRequest,
    pub(super) client: &'t Client,
    pub(super) asid: &'t str,
    pub(super) dir: &'t Path,
    /// When the prompt was sent (its assistant messages are newer).
    pub(super) started_ms: i64,
    pub(super) sink: &'t (dyn Fn(TurnEvent) + Send + Sync),
    /// The engine's stop (a signal, the lease lost, the watchdog), told of
    /// every sign of life.
    pub(super) stop: &'t Stopper,
}

/// The loop's timers.
struct Clock {
    start_check: Instant,
    idle_at: Option<Instant>,
    /// The event stream was lost at, with why.
    lost_since: Option<(Instant, String)>,
    /// An error came with no idle yet: when to ask whether the session is busy.
    error_check: Option<Instant>,
}

impl Progress {
    /// The agent's error names a missing model or provider: a set-up
    /// problem (exit 3), not a failed turn.
    pub(super) fn setup_error(&self) -> bool {
        self.fatal.is_some()
            || self
                .error_name
                .as_deref()
                .is_some_and(|n| n.contains("NotFound") || n.contains("ProviderInit"))
    }
}

impl TurnRunner<'_> {
    /// The turn's events until it settles, stalls, loses its server or is
    /// interrupted.
    pub(super) async fn stream(
        &self,
        t: &Turn<'_>,
        sub: &mut Subscription,
        p: &mut Progress,
    ) -> StreamEnd {
        let stream_timeout = self.config.server.stream_timeout;
        let mut c = Clock {
            start_check: Instant::now() + START_CHECK,
            idle_at: None,
            lost_since: None,
            error_check: None,
        };
        loop {
            let settle = if p.error.is_some() {
                SETTLE_AFTER_ERROR
            } else {
                Duration::ZERO
            };
            if c.idle_at.is_some() && settle.is_zero() {
                return self.finished(p);
            }
            // The watchdog is the engine's: without a timer of its own the
            // loop waits for the stream or the stop.
            let mut wake = Instant::now() + Duration::from_secs(3600);
            for at in [
                c.idle_at.map(|i| i + settle),
                (!p.started).then_some(c.start_check),
                c.error_check,
                c.lost_since.as_ref().map(|(i, _)| *i + stream_timeout),
            ]
            .into_iter()
            .flatten()
            {
                wake = wake.min(at);
            }
            let end = tokio::select! {
                _ = t.stop.stopped() => Some(self.stopped(t, p).await),
                item = sub.next() => self.on_item(t, item, &mut c, p).await,
                _ = tokio::time::sleep_until(wake) => self.on_wake(t, settle, &mut c, p).await,
            };
            if let Some(end) = end {
                return end;
            }
        }
    }

    /// What an item of the event stream does to the turn.
    async fn on_item(
        &self,
        t: &Turn<'_>,
        item: Option<StreamItem>,
        c: &mut Clock,
        p: &mut Progress,
    ) -> Option<StreamEnd> {
        let (client, asid, dir) = (t.client, t.asid, t.dir);
        match item {
            None => Some(StreamEnd {
                status: TurnStatus::ServerLost,
                error: Some("the event stream ended".into()),
            }),
            Some(StreamItem::Event(e)) => {
                t.stop.alive();
                match &e {
                    AgentEvent::Idle => {
                        c.idle_at.get_or_insert_with(Instant::now);
                    }
                    AgentEvent::Status { .. } => {
                        p.started = true;
                        c.idle_at = None;
                    }
                    AgentEvent::Error { .. } => {
                        p.started = true;
                        c.error_check
                            .get_or_insert(Instant::now() + ERROR_WITHOUT_IDLE);
                    }
                    _ => p.started = true,
                }
                let retry = matches!(
                    &e,
                    AgentEvent::Status {
                        status: AgentState::Retry,
                        ..
                    }
                );
                {
                    // A permission asked of a person waits on boocoder, not
                    // the agent: no watchdog meanwhile.
                    let _held = t.stop.hold();
                    self.handle(e, client, dir, p, t.req, t.sink).await;
                }
                if retry && p.fatal.is_none() {
                    p.fatal = self.llama_swap_fault(p).await;
                }
                // `non_interactive = "fail"`: the request was rejected; the
                // turn ends here. So does a fatal error.
                let why = t.req.permissions.stopped().or_else(|| p.fatal.clone())?;
                let _ = client.abort(asid, dir).await;
                Some(StreamEnd {
                    status: TurnStatus::Failed,
                    error: Some(why),
                })
            }
            Some(StreamItem::Lost { error }) => {
                if let Some(why) = self.server_gone(client).await {
                    return Some(StreamEnd {
                        status: TurnStatus::ServerLost,
                        error: Some(TurnError::ServerLost(why).to_string()),
                    });
                }
                if c.lost_since.is_none() {
                    (t.sink)(TurnEvent::Notice {
                        notice: format!("event stream lost ({error}); reconnecting"),
                    });
                }
                c.lost_since.get_or_insert((Instant::now(), error));
                None
            }
            Some(StreamItem::Reconnected) => {
                c.lost_since = None;
                t.stop.alive();
                (t.sink)(TurnEvent::Notice {
                    notice: "event stream back; reconciling".into(),
                });
                self.reconcile_finished(client, asid, dir, t.started_ms, p, t.sink)
                    .await
            }
        }
    }

    /// What a timer does: the turn settled after its idle, an error
    /// without an idle, the stream lost too long, no start.
    async fn on_wake(
        &self,
        t: &Turn<'_>,
        settle: Duration,
        c: &mut Clock,
        p: &mut Progress,
    ) -> Option<StreamEnd> {
        let (client, asid, dir) = (t.client, t.asid, t.dir);
        let now = Instant::now();
        if c.idle_at.is_some_and(|i| now >= i + settle) {
            return Some(self.finished(p));
        }
        if c.error_check.is_some_and(|i| now >= i) {
            c.error_check = None;
            if c.idle_at.is_none()
                && let Ok(busy) = client.session_status(dir).await
                && !busy.contains_key(asid)
            {
                return Some(self.finished(p));
            }
        }
        if let Some((since, error)) = &c.lost_since
            && now >= *since + self.config.server.stream_timeout
        {
            if client.health(Duration::from_secs(2)).await.is_err() {
                return Some(StreamEnd {
                    status: TurnStatus::ServerLost,
                    error: Some(TurnError::ServerLost(error.clone()).to_string()),
                });
            }
            c.lost_since = Some((now, error.clone()));
        }
        if !p.started && now >= c.start_check {
            match client.session_status(dir).await {
                Ok(busy) if busy.contains_key(asid) => p.started = true,
                _ => {
                    return Some(
                        self.give_up(
                            t,
                            p,
                            TurnStatus::Failed,
                            TurnError::NotStarted(
                                "no event and not busy 10 s after the prompt".into(),
                            ),
                        )
                        .await,
                    );
                }
            }
        }
        None
    }

    /// The engine stops the turn: a signal aborts the agent's turn
    /// (`interrupted`); the watchdog gives it up (`stalled`, unless it
    /// finished meanwhile); a lost lease ends the loop (the turn aborts it).
    async fn stopped(&self, t: &Turn<'_>, p: &mut Progress) -> StreamEnd {
        match t.stop.why() {
            Some(Stop::Stalled) => {
                let stalled = TurnError::Stalled {
                    seconds: t.req.watchdog.as_secs(),
                };
                self.give_up(t, p, TurnStatus::Stalled, stalled).await
            }
            Some(Stop::LeaseLost) => StreamEnd {
                status: TurnStatus::LeaseLost,
                error: None,
            },
            _ => {
                let _ = t.client.abort(t.asid, t.dir).await;
                StreamEnd {
                    status: TurnStatus::Interrupted,
                    error: Some("interrupted".into()),
                }
            }
        }
    }

    /// The turn shows no sign of life: unless the server says it finished
    /// meanwhile, abort it and end with `status`.
    async fn give_up(
        &self,
        t: &Turn<'_>,
        p: &mut Progress,
        status: TurnStatus,
        why: TurnError,
    ) -> StreamEnd {
        let (client, asid, dir) = (t.client, t.asid, t.dir);
        if let Some(end) = self
            .reconcile_finished(client, asid, dir, t.started_ms, p, t.sink)
            .await
        {
            return end;
        }
        let _ = client.abort(asid, dir).await;
        StreamEnd {
            status,
            error: Some(why.to_string()),
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
