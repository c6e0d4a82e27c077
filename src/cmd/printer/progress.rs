//! The printer's progress lines on stderr: the spinner a turn shows while
//! it waits for the agent's first event, the probes' lines per provider,
//! and the log writer that keeps log lines off the spinner's line.

use std::sync::Mutex;
use std::time::Duration;

use boocoder::providers::{Entry, Progress, Status};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The spinner on screen, if any: log lines are written around it.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// stderr for log lines: hides the spinner while a line is written, so the
/// two never share a line (the tracing writer).
pub fn stderr_writer() -> AroundSpinner {
    AroundSpinner
}

pub struct AroundSpinner;

impl std::io::Write for AroundSpinner {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let active = ACTIVE.lock().map(|a| a.clone()).unwrap_or(None);
        match active {
            Some(bar) => bar.suspend(|| std::io::stderr().write(buf)),
            None => std::io::stderr().write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// A spinner with the elapsed time (`⠋ waiting for the agent 1.2s`);
/// cleared by [`Waiting::stop`] or when dropped.
pub struct Waiting {
    bar: Mutex<Option<ProgressBar>>,
}

impl Waiting {
    /// Start one when `show` (the printer decides); else an inert one.
    pub(super) fn start(show: bool, message: &str) -> Waiting {
        let bar = show.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg} {secs}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .with_key("secs", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1}s", s.elapsed().as_secs_f64());
                });
            bar.set_style(style);
            bar.set_message(message.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            if let Ok(mut a) = ACTIVE.lock() {
                *a = Some(bar.clone());
            }
            bar
        });
        Waiting {
            bar: Mutex::new(bar),
        }
    }

    /// Clear the line; later calls do nothing.
    pub fn stop(&self) {
        if let Some(bar) = self.bar.lock().expect("spinner lock").take() {
            if let Ok(mut a) = ACTIVE.lock() {
                *a = None;
            }
            bar.finish_and_clear();
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One spinner line per provider when `show`; None otherwise.
pub(super) fn provider_lines(show: bool) -> Option<ProviderLines> {
    show.then(|| ProviderLines {
        multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        bars: Mutex::new(Vec::new()),
    })
}

/// A snapshot's or probe's progress: a spinner line per provider.
pub(super) struct ProviderLines {
    multi: MultiProgress,
    bars: Mutex<Vec<(String, ProgressBar)>>,
}

impl Progress for ProviderLines {
    fn provider_started(&self, name: &str) {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:<10} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_string());
        bar.set_message("checking");
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bars
            .lock()
            .expect("bars lock")
            .push((name.to_string(), bar));
    }

    fn provider_finished(&self, entry: &Entry) {
        let bars = self.bars.lock().expect("bars lock");
        if let Some((_, bar)) = bars.iter().find(|(n, _)| n == &entry.name) {
            bar.set_style(
                ProgressStyle::with_template("  {prefix:<10} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.finish_with_message(summary(entry));
        }
    }
}

fn summary(e: &Entry) -> String {
    match (&e.status, &e.error) {
        (_, Some(err)) => format!("{} ({})", e.status, err.kind),
        (Status::Ready, None) => {
            format!("ready, {}", boocoder::util::plural(e.models.len(), "model"))
        }
        _ => e.status.to_string(),
    }
}
