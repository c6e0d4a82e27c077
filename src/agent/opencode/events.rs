//! ONE `GET /global/event` connection per process, demultiplexed to
//! per-session subscribers, translated to [`AgentEvent`]s.
//!
//! There is no replay: subscribe before prompting. When the stream dies (an
//! error, the server closing it, or silence longer than the read timeout —
//! heartbeats come every 10 s) every subscriber gets [`StreamItem::Lost`], the
//! hub reconnects with backoff, and after a reconnect every subscriber gets
//! [`StreamItem::Reconnected`]: events may have been missed, reconcile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;

use super::translate::{Translator, event_session};
use super::{Client, OpencodeError, SseParser};
use crate::agent::AgentEvent;

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    Event(AgentEvent),
    /// The stream died; the hub is reconnecting. Events may be missed.
    Lost {
        error: String,
    },
    /// The stream is back after a loss: reconcile what may have been missed.
    Reconnected,
}

struct Subscriber {
    directory: String,
    tx: mpsc::UnboundedSender<StreamItem>,
    translator: Translator,
}

#[derive(Default)]
struct Shared {
    /// session id -> subscriber. Session ids are unique across directories;
    /// the directory is checked too, so a session is only ever fed events of
    /// the directory it was subscribed with.
    subs: Mutex<HashMap<String, Subscriber>>,
}

impl Shared {
    fn broadcast(&self, item: StreamItem) {
        let subs = self.subs.lock().expect("subscribers");
        for s in subs.values() {
            let _ = s.tx.send(item.clone());
        }
    }

    fn dispatch(&self, data: &str) {
        let Ok(v) = serde_json::from_str::<Value>(data) else {
            tracing::debug!(data, "ignoring a malformed event");
            return;
        };
        let payload = &v["payload"];
        if payload["type"] == "sync" {
            return;
        }
        let Some(session) = event_session(payload) else {
            return;
        };
        let mut subs = self.subs.lock().expect("subscribers");
        let Some(sub) = subs.get_mut(session) else {
            return;
        };
        if let Some(dir) = v["directory"].as_str()
            && dir != sub.directory
        {
            tracing::debug!(session, dir, expected = %sub.directory, "event of another directory");
            return;
        }
        for e in sub.translator.translate(payload) {
            let _ = sub.tx.send(StreamItem::Event(e));
        }
    }
}

/// The process's one event stream.
pub struct EventHub {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for EventHub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A session's share of the stream; unsubscribes when dropped.
pub struct Subscription {
    session: String,
    rx: mpsc::UnboundedReceiver<StreamItem>,
    shared: Weak<Shared>,
}

impl Subscription {
    /// The next item; None once the hub is gone.
    pub async fn next(&mut self) -> Option<StreamItem> {
        self.rx.recv().await
    }

    pub fn session(&self) -> &str {
        &self.session
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            shared
                .subs
                .lock()
                .expect("subscribers")
                .remove(&self.session);
        }
    }
}

impl EventHub {
    /// Connect (failing when the first connection fails) and start reading.
    pub async fn connect(
        client: Client,
        read_timeout: Duration,
    ) -> Result<EventHub, OpencodeError> {
        let first = client.open_events().await?;
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(run(client, read_timeout, first, shared.clone()));
        Ok(EventHub { shared, task })
    }

    /// Subscribe to one session's events (in `directory`, as opencode
    /// reports it: the canonical path the session was created with).
    pub fn subscribe(&self, directory: &str, session: &str) -> Subscription {
        let (tx, rx) = mpsc::unbounded_channel();
        self.shared.subs.lock().expect("subscribers").insert(
            session.to_string(),
            Subscriber {
                directory: directory.to_string(),
                tx,
                translator: Translator::in_dir(directory),
            },
        );
        Subscription {
            session: session.to_string(),
            rx,
            shared: Arc::downgrade(&self.shared),
        }
    }
}

async fn run(
    client: Client,
    read_timeout: Duration,
    first: reqwest::Response,
    shared: Arc<Shared>,
) {
    let mut resp = Some(first);
    let mut backoff = Duration::from_millis(200);
    loop {
        let r = match resp.take() {
            Some(r) => r,
            None => match client.open_events().await {
                Ok(r) => {
                    shared.broadcast(StreamItem::Reconnected);
                    backoff = Duration::from_millis(200);
                    r
                }
                Err(e) => {
                    shared.broadcast(StreamItem::Lost {
                        error: e.to_string(),
                    });
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
            },
        };
        let error = read(r, read_timeout, &shared).await;
        tracing::debug!(%error, "event stream lost");
        shared.broadcast(StreamItem::Lost { error });
    }
}

/// Read one connection until it dies; returns why.
async fn read(mut resp: reqwest::Response, read_timeout: Duration, shared: &Shared) -> String {
    let mut parser = SseParser::default();
    loop {
        match tokio::time::timeout(read_timeout, resp.chunk()).await {
            Err(_) => {
                return format!("no event or heartbeat for {} s", read_timeout.as_secs());
            }
            Ok(Err(e)) => return format!("stream error: {e}"),
            Ok(Ok(None)) => return "the server closed the stream".into(),
            Ok(Ok(Some(bytes))) => {
                for data in parser.push(&bytes) {
                    shared.dispatch(&data);
                }
            }
        }
    }
}
