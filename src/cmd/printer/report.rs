//! The command layer's one [`Reporter`]: what the library reports while a
//! command runs (a snapshot's or probe's progress, the output lines of
//! the commands a worktree runs), shown through the printer. Every command builds one from its printer and hands it to the
//! library calls that report.

use std::sync::Arc;

use boocoder::Reporter;
use boocoder::providers::{Entry, Progress};
use boocoder::worktree::{Output, OutputSource};

use super::progress::{ProviderLines, provider_lines};

/// The printer's reporter; [`Reporting::shared`] hands it out.
pub struct Reporting {
    out: super::Printer,
    /// One spinner line per provider (a terminal's stderr, not --quiet).
    providers: Option<ProviderLines>,
}

impl Reporting {
    pub(super) fn new(out: &super::Printer) -> Reporting {
        Reporting {
            out: out.clone(),
            providers: provider_lines(!out.quiet && out.terminals.stderr),
        }
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

impl Reporter for Reporting {}
