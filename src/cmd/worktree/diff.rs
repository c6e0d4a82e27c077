//! `boocoder worktree diff`

use anyhow::Result;
use boocoder::worktree::{DiffFile, DiffRequest, WorktreeDiff};
use boocoder::{Exit, SessionKey};
use clap::Args;
use serde::Serialize;

use super::worktrees;
use crate::cmd::{Context, Format, Printer};

#[derive(Debug, Args)]
#[command(after_help = "\
Compares the worktree's files (committed on its branch, staged, unstaged and untracked; \
.gitignore respected) with the recorded base commit, or with --base. Renames are \
detected, binary files reported as binary, deletions included.

Text: a unified patch (colored on a terminal), --stat a diffstat, --name-only the paths. \
--format json: {\"session\",\"base\",\"base_drift\",\"files\":[{\"path\",\"old_path\",\
\"status\",\"insertions\",\"deletions\",\"binary\"}],\"insertions\",\"deletions\"}; \
base_drift counts the commits the base's branch gained since the base (null when the \
base was not a branch). ndjson: one `file` line per file, then a `diff` summary.

Exit code 0 whether or not there are changes; 1 when the session has no worktree or \
its directory is gone; 2 for an unknown --base.")]
pub struct DiffArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub session: SessionKey,
    /// Compare with this branch, tag or commit instead of the recorded base
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// A diffstat instead of the patch
    #[arg(long, conflicts_with = "name_only")]
    pub stat: bool,
    /// Only the changed paths
    #[arg(long)]
    pub name_only: bool,
}

#[derive(Serialize)]
struct Summary<'a> {
    session: &'a str,
    base: &'a str,
    base_drift: Option<usize>,
    files: usize,
    insertions: usize,
    deletions: usize,
}

pub async fn run(ctx: &Context, args: &DiffArgs) -> Result<Exit> {
    let patches = ctx.out.is_text() && !args.stat && !args.name_only;
    let req = DiffRequest {
        base: args.base.clone(),
        patches,
    };
    let diff = worktrees(ctx).await?.diff(&args.session, &req).await?;
    match ctx.out.format {
        Format::Json => ctx.out.record("diff", &diff)?,
        Format::Ndjson => {
            for f in &diff.files {
                ctx.out.record("file", f)?;
            }
            ctx.out.record(
                "diff",
                &Summary {
                    session: &diff.session,
                    base: &diff.base,
                    base_drift: diff.base_drift,
                    files: diff.files.len(),
                    insertions: diff.insertions,
                    deletions: diff.deletions,
                },
            )?;
        }
        Format::Text if args.name_only => {
            let names: String = diff.files.iter().map(|f| format!("{}\n", f.path)).collect();
            ctx.out.stdout(&names)?;
        }
        Format::Text if args.stat => ctx.out.stdout(&diffstat(&diff))?,
        Format::Text => {
            let mut text = String::new();
            for f in &diff.files {
                text.push_str(&colored_patch(&ctx.out, f));
            }
            ctx.out.stdout(&text)?;
        }
    }
    Ok(Exit::Ok)
}

fn colored_patch(out: &Printer, f: &DiffFile) -> String {
    let patch = f.patch.as_deref().unwrap_or_default();
    if !out.color_stdout {
        return patch.to_string();
    }
    let mut s = String::with_capacity(patch.len() + patch.len() / 8);
    let mut in_header = true;
    for line in patch.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if line.starts_with("diff --git") {
            in_header = true;
        } else if line.starts_with("@@") {
            in_header = false;
        }
        let code = if in_header {
            "1"
        } else if body.starts_with("@@") {
            "36"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else {
            ""
        };
        if code.is_empty() {
            s.push_str(line);
        } else {
            s.push_str(&out.style(body, code));
            s.push_str(nl);
        }
    }
    s
}

/// `git diff --stat` style: ` path | 12 +++---` and a summary line.
fn diffstat(diff: &WorktreeDiff) -> String {
    if diff.files.is_empty() {
        return String::new();
    }
    let names: Vec<String> = diff
        .files
        .iter()
        .map(|f| match &f.old_path {
            Some(old) => format!("{old} => {}", f.path),
            None => f.path.clone(),
        })
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let max_changes = diff
        .files
        .iter()
        .map(|f| f.insertions + f.deletions)
        .max()
        .unwrap_or(0);
    let num_width = max_changes.to_string().len();
    let bar = 50usize;
    let mut s = String::new();
    for (f, name) in diff.files.iter().zip(&names) {
        if f.binary {
            s.push_str(&format!(" {name:<width$} | {:>num_width$}\n", "Bin"));
            continue;
        }
        let total = f.insertions + f.deletions;
        let (plus, minus) = if max_changes > bar {
            let scale = |n: usize| (n * bar).div_ceil(max_changes);
            (scale(f.insertions), scale(f.deletions))
        } else {
            (f.insertions, f.deletions)
        };
        let line = format!(
            " {name:<width$} | {total:>num_width$} {}{}",
            "+".repeat(plus),
            "-".repeat(minus)
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    let n = diff.files.len();
    s.push_str(&format!(
        " {n} file{} changed, {} insertion{}(+), {} deletion{}(-)\n",
        if n == 1 { "" } else { "s" },
        diff.insertions,
        if diff.insertions == 1 { "" } else { "s" },
        diff.deletions,
        if diff.deletions == 1 { "" } else { "s" },
    ));
    s
}
