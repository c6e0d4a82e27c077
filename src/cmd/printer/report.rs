//! The command layer's one [`Reporter`]: what the library reports while a
//! command runs (a snapshot's or probe's progress), shown through the
//! printer. Every command builds one from its printer and hands it to the
//! library calls that report.

use std::sync::Arc;

use boocoder::Reporter;
use boocoder::providers::{Entry, Progress};

use super::progress::{ProviderLines, provider_lines};

/// The printer's reporter; [`Reporting::shared`] hands it out.
pub struct Reporting {
    /// One spinner line per provider (a terminal's stderr, not --quiet).
    providers: Option<ProviderLines>,
}

impl Reporting {
    pub(super) fn new(out: &super::Printer) -> Reporting {
        Reporting {
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

impl Reporter for Reporting {}
