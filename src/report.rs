//! How the library reports to its caller: one [`Reporter`], which the
//! command layer implements once and hands (as `Arc<dyn Reporter>`) to
//! every library call that reports: `session::run_turns`, a session's or
//! worktree's creation (`reporting_to`: the post-create command's output),
//! a landing (`reporting_to`: the git hooks' output), a snapshot or probe.
//! The library never prints; it calls the reporter, and the caller decides
//! what is shown.
//!
//! Each lower layer names only what it reports, in a narrow trait of its
//! own: the providers' [`Progress`], the worktree service's [`Output`], the
//! permission question of a turn ([`AskPerson`]). [`Reporter`] has them as
//! supertraits, so a caller passes `reporter.clone()` and each layer gets
//! its view of it. Every method does nothing unless implemented.

pub use crate::agent::turn::AskPerson;
use crate::agent::turn::TurnEvent;
pub use crate::providers::Progress;
pub use crate::worktree::{Output, OutputSource};

/// Everything the library reports while a command runs.
pub trait Reporter: Progress + Output + AskPerson + Send + Sync {
    /// A note about a whole run of turns (the default model chosen, a
    /// server reused).
    fn note(&self, _note: &str) {}

    /// A run of turns is ready: every session and model decided, the
    /// servers up. From here a signal (Ctrl-C, SIGTERM, SIGHUP) interrupts
    /// the turns, which record themselves.
    fn ready(&self) {}

    /// An event of `session`'s turn.
    fn turn_event(&self, _session: &str, _event: TurnEvent) {}
}

/// A reporter that reports nothing (and asks no one).
pub struct NoReporter;

impl Progress for NoReporter {}

impl Output for NoReporter {}

impl AskPerson for NoReporter {}

impl Reporter for NoReporter {}
