//! What `probe` and `snapshot` share: the request built from the context and
//! the process environment, the progress lines, and the text table.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use boocoder::providers::{Entry, NoReporter, Reporter, SnapshotRequest, Status};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Context;

/// The request for `cwd` (default: the current directory), with PATH and
/// HOME of this process. From here a Ctrl-C lets the run give back the
/// probe locks it holds before it ends.
pub fn request(ctx: &Context, cwd: Option<&Path>, force: bool) -> Result<SnapshotRequest> {
    ctx.graceful
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let cwd = match cwd {
        Some(c) => c.to_path_buf(),
        None => std::env::current_dir()?,
    };
    Ok(SnapshotRequest {
        config: ctx.config.clone(),
        env: ctx.env.clone(),
        cwd,
        force,
        cancel: ctx.cancel.clone(),
    })
}

/// One spinner line per provider on a terminal's stderr; nothing otherwise.
pub fn reporter(ctx: &Context) -> Arc<dyn Reporter> {
    if ctx.out.quiet || !std::io::stderr().is_terminal() {
        return Arc::new(NoReporter);
    }
    Arc::new(Lines {
        multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        bars: Mutex::new(Vec::new()),
    })
}

struct Lines {
    multi: MultiProgress,
    bars: Mutex<Vec<(String, ProgressBar)>>,
}

impl Reporter for Lines {
    fn started(&self, name: &str) {
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

    fn finished(&self, entry: &Entry) {
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

/// The text table: one row per entry, `extra` adds a last column.
pub fn table(ctx: &Context, entries: &[(&Entry, String)]) -> String {
    let header = ["NAME", "STATUS", "TRANSPORT", "MODELS", "COMMANDS", "NOTE"];
    let rows: Vec<[String; 6]> = entries
        .iter()
        .map(|(e, extra)| {
            let note = match &e.error {
                Some(err) => format!("{}: {}", err.kind, err.message),
                None if !e.enabled => "disabled".into(),
                None if !e.installed => "not installed".into(),
                None => extra.clone(),
            };
            [
                e.name.clone(),
                e.status.to_string(),
                serde_json::to_value(e.transport)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                e.models.len().to_string(),
                e.commands.len().to_string(),
                note,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [String; 6], style: &dyn Fn(usize, &str) -> String| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            let cell = style(i, c);
            if i + 1 == cells.len() {
                s.push_str(&cell);
            } else {
                s.push_str(&format!("{cell}{}  ", " ".repeat(pad)));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.map(String::from), &|_, c| ctx.out.style(c, "1"));
    for r in rows {
        out.push_str(&line(r, &|i, c| match (i, c) {
            (1, "ready") => ctx.out.style(c, "32"),
            (1, "error") => ctx.out.style(c, "31"),
            (1, _) => ctx.out.style(c, "2"),
            _ => c.to_string(),
        }));
    }
    out
}
