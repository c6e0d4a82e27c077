//! What `probe` and `snapshot` share: the request built from the context and
//! the process environment, and the text table.

use std::path::Path;

use anyhow::Result;
use boocoder::providers::{Entry, SnapshotRequest};

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
