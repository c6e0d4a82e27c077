//! The command layer's one [`Reporter`]: what the library reports while a
//! command runs (a snapshot's or probe's progress, the output lines of the
//! commands a worktree runs, a run of turns: its notes, its readiness, its
//! turns' events, the permission question), shown through the printer.
//! Every command builds one from its printer and hands it to the library
//! calls that report.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use boocoder::Reporter;
use boocoder::agent::{AgentEvent, PermissionReply};
use boocoder::providers::{Entry, Progress};
use boocoder::report::AskPerson;
use boocoder::session::TurnEvent;
use boocoder::worktree::{Output, OutputSource};

use super::progress::{ProviderLines, provider_lines};
use super::{Printer, Waiting};

/// Shows the events of a run's turns (a prompt's renderer).
pub trait TurnView: Send + Sync {
    fn event(&self, session: &str, event: TurnEvent);
}

/// The printer's reporter; [`Reporting::shared`] hands it out.
pub struct Reporting {
    out: Printer,
    /// One spinner line per provider (a terminal's stderr, not --quiet).
    providers: Option<ProviderLines>,
    /// Set when a run of turns is ready: a signal then lets the command
    /// clean up.
    graceful: Option<Arc<AtomicBool>>,
    /// Shows the turns' events.
    turns: Option<Arc<dyn TurnView>>,
    /// The permission question is asked on the terminal, once this spinner
    /// is stopped (None: no one can be asked).
    question: Option<Arc<Waiting>>,
}

impl Reporting {
    pub(super) fn new(out: &Printer) -> Reporting {
        Reporting {
            out: out.clone(),
            providers: provider_lines(!out.quiet && out.terminals.stderr),
            graceful: None,
            turns: None,
            question: None,
        }
    }

    /// Set `graceful` when a run of turns is ready.
    pub fn graceful_when_ready(mut self, graceful: Arc<AtomicBool>) -> Reporting {
        self.graceful = Some(graceful);
        self
    }

    /// Show the turns' events through `view`.
    pub fn showing_turns(mut self, view: Arc<dyn TurnView>) -> Reporting {
        self.turns = Some(view);
        self
    }

    /// Ask the permission question on the terminal when `can`, stopping
    /// `waiting` (the spinner) first.
    pub fn asking(mut self, can: bool, waiting: Arc<Waiting>) -> Reporting {
        self.question = can.then_some(waiting);
        self
    }

    /// The reporter to hand to the library.
    pub fn shared(self) -> Arc<dyn Reporter> {
        Arc::new(self)
    }
}

impl Progress for Reporting {
    fn provider_started(&self, name: &str) {
        if let Some(p) = &self.providers {
            p.provider_started(name);
        }
    }

    fn provider_finished(&self, entry: &Entry) {
        if let Some(p) = &self.providers {
            p.provider_finished(entry);
        }
    }
}

impl Output for Reporting {
    fn output_line(&self, source: OutputSource, line: &str) {
        match source {
            // A command's output for people, unless --quiet.
            OutputSource::PostCreate => self.out.info(line),
            // As git shows it: with --quiet too.
            OutputSource::GitHook => self.out.talk(line),
        }
    }
}

impl AskPerson for Reporting {
    fn can_ask(&self) -> bool {
        self.question.is_some()
    }

    fn ask_permission(&self, session: &str, event: &AgentEvent) -> PermissionReply {
        let Some(waiting) = &self.question else {
            return PermissionReply::Reject;
        };
        waiting.stop();
        ask(&self.out, session, event)
    }
}

impl Reporter for Reporting {
    fn note(&self, note: &str) {
        self.out.info(&format!("note: {note}"));
    }

    fn ready(&self) {
        if let Some(g) = &self.graceful {
            g.store(true, Ordering::SeqCst);
        }
    }

    fn turn_event(&self, session: &str, event: TurnEvent) {
        if let Some(view) = &self.turns {
            view.event(session, event);
        }
    }
}

/// Ask on the terminal (stderr + stdin).
fn ask(out: &Printer, session: &str, e: &AgentEvent) -> PermissionReply {
    let AgentEvent::Permission {
        permission,
        patterns,
        ..
    } = e
    else {
        return PermissionReply::Reject;
    };
    let Some(line) = out.ask(&format!(
        "[{session}] the agent asks for `{permission}` on {}: allow? [y]es once / [a]lways / [N]o: ",
        patterns.join(", ")
    )) else {
        return PermissionReply::Reject;
    };
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => PermissionReply::Once,
        "a" | "always" => PermissionReply::Always,
        _ => PermissionReply::Reject,
    }
}
