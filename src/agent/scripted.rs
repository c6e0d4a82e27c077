//! A scripted in-process backend, for the turn engine's unit tests: it
//! plays a list of steps (events, permission requests, file writes, waits)
//! as an agent would, through the same [`Transport`] trait as opencode's
//! server and ACP agents, and remembers what the engine asked of it.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::json;

use super::transport::{Ended, Opened, Sink, Stop, Stopper, Transport, TurnContext};
use super::turn::{Endpoint, TurnError, TurnEvent};
use super::{AgentEvent, PermissionReply, TokenUsage, TurnStatus};
use crate::store::{SessionRow, TurnRow};

/// One thing the scripted agent does.
#[derive(Debug, Clone)]
pub enum Step {
    /// Emit an agent event (text is also the turn's reply).
    Event(AgentEvent),
    /// Ask for a permission; the decision's reply is kept in `replies`.
    Ask { tool: String, patterns: Vec<String> },
    /// Write a file in the directory the agent works in.
    Write { path: String, text: String },
    /// Work this long without a sign of life, unless stopped meanwhile (a
    /// signal, the lease lost, the watchdog).
    Work(Duration),
    /// Work this long, showing a sign of life every 50 ms.
    Busy(Duration),
}

/// A backend playing `steps` on every turn.
pub struct Scripted {
    pub steps: Vec<Step>,
    /// Fail before the agent session opens, with this error.
    pub refuse_open: Option<String>,
    /// Refuse to stop a crashed owner's agent turn.
    pub refuse_abort: bool,
    /// Crashed owners' turns it was asked to stop (their ids).
    pub aborted: Mutex<Vec<i64>>,
    /// The replies the permission policy gave, in order.
    pub replies: Mutex<Vec<PermissionReply>>,
    /// How many turns got as far as prompting.
    pub prompted: Mutex<usize>,
}

impl Scripted {
    pub fn new(steps: Vec<Step>) -> Scripted {
        Scripted {
            steps,
            refuse_open: None,
            refuse_abort: false,
            aborted: Mutex::default(),
            replies: Mutex::default(),
            prompted: Mutex::default(),
        }
    }

    fn text(delta: &str) -> AgentEvent {
        AgentEvent::Text {
            part_id: "p1".into(),
            delta: delta.into(),
        }
    }

    /// A script that replies `text` and ends.
    pub fn replying(text: &str) -> Scripted {
        Scripted::new(vec![Step::Event(Scripted::text(text))])
    }

    async fn play(&self, cx: TurnContext<'_>) -> crate::Result<Ended> {
        if let Some(why) = &self.refuse_open {
            return Err(TurnError::NotStarted(why.clone()).into());
        }
        cx.begin
            .begin(&Opened {
                agent_session_id: "scripted-1".into(),
                new_reason: None,
                model: cx.model.clone(),
            })
            .await?;
        *self.prompted.lock().expect("prompted") += 1;
        let mut text = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Event(e) => {
                    if let AgentEvent::Text { delta, .. } = e {
                        text.push_str(delta);
                    }
                    (cx.sink)(TurnEvent::Agent(e.clone()));
                }
                Step::Ask { tool, patterns } => {
                    let asked = AgentEvent::Permission {
                        id: format!("perm-{i}"),
                        permission: tool.clone(),
                        patterns: patterns.clone(),
                        metadata: json!({}),
                    };
                    // The agent waits on boocoder meanwhile, as real ones do.
                    let _held = cx.stop.hold();
                    let d = cx
                        .req
                        .permissions
                        .answer(cx.req.session.as_str(), &asked, cx.sink)
                        .await;
                    self.replies.lock().expect("replies").push(d.reply());
                }
                Step::Write { path, text } => write(cx.dir, path, text),
                Step::Work(d) => {
                    tokio::select! {
                        _ = tokio::time::sleep(*d) => {}
                        _ = cx.stop.stopped() => return Ok(stopped(cx.stop, text)),
                    }
                }
                Step::Busy(d) => {
                    let until = tokio::time::Instant::now() + *d;
                    while tokio::time::Instant::now() < until {
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_millis(50)) => cx.stop.alive(),
                            _ = cx.stop.stopped() => return Ok(stopped(cx.stop, text)),
                        }
                    }
                }
            }
        }
        Ok(ended(TurnStatus::Done, None, text))
    }
}

/// How a turn the engine stopped ends.
fn stopped(stop: &Stopper, text: String) -> Ended {
    match stop.why() {
        Some(Stop::LeaseLost) => Ended::lease_lost(),
        Some(Stop::Stalled) => ended(TurnStatus::Stalled, Some("stalled"), text),
        _ => ended(TurnStatus::Interrupted, Some("interrupted"), text),
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    std::fs::write(dir.join(path), text).expect("the scripted agent writes");
}

fn ended(status: TurnStatus, error: Option<&str>, text: String) -> Ended {
    Ended {
        status,
        error: error.map(str::to_string),
        tokens: TokenUsage {
            input: 10,
            output: 5,
            ..TokenUsage::default()
        },
        text,
        stop_reason: None,
        sign_in: None,
        setup_error: false,
    }
}

impl Transport for Scripted {
    fn turn<'a>(&'a self, cx: TurnContext<'a>) -> BoxFuture<'a, crate::Result<Ended>> {
        Box::pin(self.play(cx))
    }

    fn abort_crashed<'a>(
        &'a self,
        _session: &'a SessionRow,
        last: &'a TurnRow,
        _sink: Sink<'a>,
    ) -> BoxFuture<'a, crate::Result<()>> {
        Box::pin(async move {
            self.aborted.lock().expect("aborted").push(last.id);
            if self.refuse_abort {
                return Err(TurnError::AbortFailed {
                    agent_session: last.agent_session_id.clone().unwrap_or_default(),
                    error: "the scripted agent will not stop".into(),
                }
                .into());
            }
            Ok(())
        })
    }

    fn endpoint(&self, session: &SessionRow) -> Endpoint {
        Endpoint::Stdio(session.agent.clone())
    }
}
