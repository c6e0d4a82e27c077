//! Rendering a turn's events: text to stdout (prefixed by session when
//! there are several), talk to stderr, or one JSON record per event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::{AgentEvent, AgentState, TokenUsage, ToolStatus};
use boocoder::session::{ChangesSummary, PermissionCounts, TurnEvent, TurnOutcome, TurnStatus};
use boocoder::store::ChangeCounts;
use boocoder::util::plural;
use serde::Serialize;

use crate::cmd::output::render;

use super::turn_flags::TurnOptions;
use crate::cmd::printer::{TurnView, Waiting};
use crate::cmd::{Context, Format, Printer};

/// One event of a session's turn, as an ndjson record.
#[derive(Serialize)]
struct EventRecord<'a> {
    #[serde(flatten)]
    event: &'a TurnEvent,
    session: &'a str,
}

/// How a session's turn ended, as a record.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FinalRecord<'a> {
    Done {
        session: &'a str,
        agent_session_id: &'a str,
        server_url: &'a boocoder::session::Endpoint,
        model: Option<&'a str>,
        duration_ms: i64,
        tokens: &'a TokenUsage,
        changes: Option<ChangesSummary>,
        changes_error: Option<&'a str>,
        turn_changes: Option<ChangeCounts>,
        /// Permission requests allowed and denied.
        permissions: PermissionCounts,
        /// The paths this turn changed.
        turn_paths: Option<&'a [String]>,
        /// Why an ACP agent stopped.
        #[serde(skip_serializing_if = "Option::is_none")]
        stop_reason: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<&'a str>,
    },
    Error {
        session: &'a str,
        kind: &'a str,
        message: &'a str,
        exit_code: u8,
        agent_session_id: &'a str,
        duration_ms: i64,
        permissions: PermissionCounts,
        /// How to sign in, when the agent asked for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        stop_reason: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        changes: Option<Option<ChangesSummary>>,
    },
}

/// Renders turn events as they come, for one or several sessions.
pub(super) struct Renderer {
    /// Where everything goes.
    out: Printer,
    format: Format,
    quiet: bool,
    multi: bool,
    no_stream: bool,
    show_reasoning: bool,
    dim: bool,
    /// Partial lines per session (text mode with several sessions).
    lines: Mutex<HashMap<String, String>>,
    /// Whether the last text written to stdout ended a line (single session).
    open_line: Mutex<bool>,
    /// Reasoning was written to stderr without a line end yet.
    open_reasoning: Mutex<bool>,
    /// The first failed write to stdout (the exit is then not 0).
    write_error: Mutex<Option<std::io::Error>>,
    /// stdout is a terminal (or the same pipe as stderr): a line of text is
    /// ended before a stderr line so that the two never run into each other.
    stdout_tty: bool,
    /// The spinner shown until the first event.
    waiting: Arc<Waiting>,
}

impl Renderer {
    pub(super) fn new(
        ctx: &Context,
        multi: bool,
        opts: &TurnOptions,
        waiting: Arc<Waiting>,
    ) -> Renderer {
        Renderer {
            out: ctx.out.clone(),
            format: ctx.out.format,
            quiet: ctx.out.quiet,
            multi,
            no_stream: opts.flags.no_stream,
            show_reasoning: opts.flags.show_reasoning,
            dim: ctx.out.color_stderr,
            lines: Mutex::new(HashMap::new()),
            open_line: Mutex::new(false),
            open_reasoning: Mutex::new(false),
            write_error: Mutex::new(None),
            stdout_tty: ctx.out.streams_interleave(),
            waiting,
        }
    }

    /// Before a line on stderr: end the text line open on a terminal.
    fn break_text_line(&self) {
        if !self.multi
            && self.stdout_tty
            && std::mem::take(&mut *self.open_line.lock().expect("line"))
        {
            self.out("\n");
        }
    }

    fn out(&self, s: &str) {
        self.waiting.stop();
        let mut failed = self.write_error.lock().expect("write error");
        if failed.is_some() {
            return;
        }
        if let Err(e) = self.out.write(s) {
            *failed = Some(e);
        }
    }

    /// Err when a write to stdout failed.
    pub(super) fn check_written(&self) -> Result<()> {
        match self.write_error.lock().expect("write error").take() {
            Some(e) => Err(crate::cmd::output::stdout_error(&e).into()),
            None => Ok(()),
        }
    }

    fn err(&self, session: &str, s: &str) {
        if self.quiet {
            return;
        }
        self.waiting.stop();
        self.break_text_line();
        let prefix = if self.multi {
            format!("[{session}] ")
        } else {
            String::new()
        };
        self.out.talk(&format!("{prefix}{s}"));
    }

    pub(super) fn event(&self, session: &str, e: TurnEvent) {
        if self.format == Format::Ndjson {
            // Idle, step ends and busy states are internal to the turn.
            if !matches!(
                e,
                TurnEvent::Agent(
                    AgentEvent::Idle | AgentEvent::StepFinish { .. } | AgentEvent::Status { .. }
                )
            ) {
                let record = EventRecord { event: &e, session };
                self.out(&render(Format::Ndjson, "event", &record).unwrap_or_default());
            }
            return;
        }
        if !matches!(e, TurnEvent::Agent(AgentEvent::Reasoning { .. }))
            && std::mem::take(&mut *self.open_reasoning.lock().expect("reasoning"))
        {
            self.out.talk("");
        }
        if self.format == Format::Json {
            // Only the final document goes to stdout; notices are talk.
            if let TurnEvent::Notice { notice } = e {
                self.err(session, &format!("note: {notice}"));
            }
            return;
        }
        match e {
            TurnEvent::Agent(AgentEvent::Text { delta, .. }) => self.text(session, &delta),
            TurnEvent::Agent(AgentEvent::Reasoning { delta, .. })
                if self.show_reasoning && !self.quiet =>
            {
                self.waiting.stop();
                self.break_text_line();
                let (a, b) = if self.dim {
                    ("\x1b[2m", "\x1b[0m")
                } else {
                    ("", "")
                };
                self.out.talk_partial(&format!("{a}{delta}{b}"));
                *self.open_reasoning.lock().expect("reasoning") = !delta.ends_with('\n');
            }
            TurnEvent::Agent(AgentEvent::Tool {
                tool,
                status,
                title,
                input,
                error,
                ..
            }) => {
                if status == ToolStatus::Pending {
                    return;
                }
                let what = title.or(input).unwrap_or_default();
                let err = error.map(|e| format!(": {e}")).unwrap_or_default();
                self.err(session, &format!("· {tool} {what} [{status}]{err}"));
            }
            TurnEvent::Agent(AgentEvent::Status {
                status: AgentState::Retry,
                message,
            }) => {
                self.err(
                    session,
                    &format!("· retrying: {}", message.unwrap_or_default()),
                );
            }
            TurnEvent::Agent(AgentEvent::Error { name, message }) => {
                self.err(session, &format!("agent error: {name}: {message}"));
            }
            // A decision not simply allowed by a rule comes with a notice.
            TurnEvent::Permission(_) => {}
            TurnEvent::Agent(AgentEvent::Plan { entries }) => {
                self.err(session, &format!("· plan: {}", plan_steps(&entries)));
            }
            TurnEvent::Notice { notice } => self.err(session, &format!("note: {notice}")),
            _ => {}
        }
    }

    /// The reply's text as it streams: whole lines prefixed with the session
    /// when several run, else as it comes.
    fn text(&self, session: &str, delta: &str) {
        if self.no_stream {
            return;
        }
        if self.multi {
            let mut lines = self.lines.lock().expect("lines");
            let buf = lines.entry(session.to_string()).or_default();
            buf.push_str(delta);
            while let Some(i) = buf.find('\n') {
                let line: String = buf.drain(..=i).collect();
                self.out(&format!("[{session}] {line}"));
            }
        } else {
            *self.open_line.lock().expect("line") = !delta.ends_with('\n');
            self.out(delta);
        }
    }

    /// The final record of a turn: `done`, or `error` naming how it ended;
    /// `text` (and an error's `changes`) in `--format json`.
    fn final_record(o: &TurnOutcome, whole: bool) -> FinalRecord<'_> {
        let stop_reason = o.stop_reason.as_deref();
        let text = whole.then_some(o.text.as_str());
        match o.status {
            TurnStatus::Done => FinalRecord::Done {
                session: &o.session,
                agent_session_id: &o.agent_session_id,
                server_url: &o.server_url,
                model: o.model.as_deref(),
                duration_ms: o.duration_ms,
                tokens: &o.tokens,
                changes: o.changes,
                changes_error: o.changes_error.as_deref(),
                turn_changes: o.turn_changes,
                permissions: o.permissions,
                turn_paths: o.turn_paths.as_deref(),
                stop_reason,
                text,
            },
            status => FinalRecord::Error {
                session: &o.session,
                kind: status.as_str(),
                message: o.error.as_deref().unwrap_or(status.as_str()),
                exit_code: outcome_exit(o).code(),
                agent_session_id: &o.agent_session_id,
                duration_ms: o.duration_ms,
                permissions: o.permissions,
                hint: o.sign_in.as_deref(),
                stop_reason,
                text,
                changes: whole.then_some(o.changes),
            },
        }
    }

    pub(super) fn finish(&self, o: &TurnOutcome) -> Result<()> {
        self.waiting.stop();
        match self.format {
            Format::Ndjson => self.out(&render(
                Format::Ndjson,
                "done",
                &Self::final_record(o, false),
            )?),
            Format::Json => self.out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&Self::final_record(o, true))?
            )),
            Format::Text => {
                if self.no_stream {
                    if self.multi {
                        for line in o.text.lines() {
                            self.out(&format!("[{}] {line}\n", o.session));
                        }
                    } else {
                        self.out(&o.text);
                        if !o.text.ends_with('\n') {
                            self.out("\n");
                        }
                    }
                } else if self.multi {
                    let rest = self
                        .lines
                        .lock()
                        .expect("lines")
                        .remove(&o.session)
                        .unwrap_or_default();
                    if !rest.is_empty() {
                        self.out(&format!("[{}] {rest}\n", o.session));
                    }
                } else if std::mem::take(&mut *self.open_line.lock().expect("line")) {
                    self.out("\n");
                }
                let changes = o
                    .changes
                    .map(|c| {
                        format!(
                            ", {} changed (+{} -{})",
                            plural(c.files, "file"),
                            c.insertions,
                            c.deletions
                        )
                    })
                    .or_else(|| {
                        o.changes_error
                            .as_ref()
                            .map(|_| ", changes not recorded".to_string())
                    })
                    .unwrap_or_default();
                let this_turn = match (o.turn_changes, &o.turn_paths) {
                    // In the checkout nothing else lists them: name them.
                    (Some(c), Some(paths)) if o.in_checkout && !paths.is_empty() => format!(
                        ", changed in the checkout: {} (+{} -{})",
                        names_shown(paths),
                        c.insertions,
                        c.deletions
                    ),
                    (Some(_), _) if o.in_checkout => ", nothing changed in the checkout".into(),
                    (Some(c), _) => format!(
                        ", this turn {} (+{} -{})",
                        plural(c.files as usize, "file"),
                        c.insertions,
                        c.deletions
                    ),
                    (None, _) => String::new(),
                };
                let denied = match o.permissions.denied {
                    0 => String::new(),
                    n => format!(", {} denied", plural(n as usize, "permission")),
                };
                let summary = format!(
                    "{} in {:.1} s, {} out{changes}{this_turn}{denied}",
                    o.status.as_str(),
                    o.duration_ms as f64 / 1000.0,
                    plural(o.tokens.output as usize, "token")
                );
                match (&o.status, &o.error) {
                    (TurnStatus::Done, _) => self.err(&o.session, &summary),
                    (_, Some(e)) => self.err(&o.session, &format!("{summary}: {e}")),
                    _ => self.err(&o.session, &summary),
                }
                if let Some(hint) = &o.sign_in {
                    self.err(&o.session, &format!("hint: {hint}"));
                }
            }
        }
        Ok(())
    }

    pub(super) fn failed(&self, session: &str, err: &anyhow::Error, code: Exit) -> Result<()> {
        self.waiting.stop();
        let message = format!("{err:#}");
        match self.format {
            Format::Text => self.err(session, &format!("error: {message}")),
            _ => self.out(&render(
                self.format,
                "error",
                &crate::cmd::output::ErrorRecord::new(
                    Some(session.to_string()),
                    code,
                    message,
                    crate::cmd::output::classify(err).1,
                ),
            )?),
        }
        Ok(())
    }
}

/// Paths for a summary line: the first few, then how many more.
fn names_shown(paths: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = paths
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        s.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    s
}

impl TurnView for Renderer {
    fn event(&self, session: &str, event: TurnEvent) {
        Renderer::event(self, session, event);
    }
}

/// The exit code of one turn's outcome.
pub(super) fn outcome_exit(o: &TurnOutcome) -> Exit {
    match o.status {
        TurnStatus::Done => Exit::Ok,
        TurnStatus::Failed if o.sign_in.is_some() => Exit::Auth,
        TurnStatus::Failed if o.permission_stop => Exit::Permission,
        TurnStatus::Failed if o.setup_error => Exit::Runtime,
        TurnStatus::Failed => Exit::No,
        TurnStatus::Stalled
        | TurnStatus::ServerLost
        | TurnStatus::Crashed
        | TurnStatus::LeaseLost
        | TurnStatus::Running => Exit::Runtime,
        TurnStatus::Interrupted => Exit::Interrupted,
    }
}

/// The more serious of two exit codes.
pub(super) fn worse(a: Exit, b: Exit) -> Exit {
    let rank = |e: Exit| match e {
        Exit::Ok => 0,
        Exit::No => 1,
        Exit::Usage => 2,
        Exit::Runtime => 3,
        Exit::Auth => 4,
        Exit::Permission => 5,
        Exit::HungUp | Exit::Interrupted | Exit::Terminated => 6,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// An agent's plan on one line: `[x] done; [~] doing; [ ] to do`.
fn plan_steps(entries: &serde_json::Value) -> String {
    let steps: Vec<String> = entries
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let mark = match e["status"].as_str() {
                Some("completed") => "x",
                Some("in_progress") => "~",
                _ => " ",
            };
            format!("[{mark}] {}", e["content"].as_str().unwrap_or_default())
        })
        .collect();
    steps.join("; ")
}
