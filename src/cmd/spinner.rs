//! The spinner a turn shows on a terminal while it waits for the agent's
//! first event: stderr only, never when stderr is not a terminal, never in
//! json/ndjson or with --quiet.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::{Context, Format};

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
    /// Start one when stderr is a terminal and the output is text; else an
    /// inert one.
    pub fn start(ctx: &Context, message: &str) -> Waiting {
        let show =
            ctx.out.format == Format::Text && !ctx.out.quiet && std::io::stderr().is_terminal();
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
