//! `boocoder worktree list`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use clap::Args;

use super::{age, short, worktrees};
use crate::cmd::{Context, Format};

#[derive(Debug, Args)]
#[command(after_help = "\
Columns: session, branch, base commit, drift (commits the base's branch gained since \
the base; - when the base was not a branch), dirty (uncommitted or untracked work), \
exists (the directory is on disk; `on <host>` for a worktree of another host sharing the \
database, whose disk is not looked at), age, path. json: {\"worktrees\":[...]}, each with \
\"host\" (the owner; \"\" before it was recorded), \"branch_created\" and \"exists\" (null \
on another host); ndjson: one `worktree` line each. Exit code 0, also when there are none.")]
pub struct ListArgs {
    /// Only the worktrees of this repository
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

pub async fn run(ctx: &Context, args: &ListArgs) -> Result<Exit> {
    let repo = args.repo.as_deref().map(std::path::absolute).transpose()?;
    let list = worktrees(ctx).await?.list(repo.as_deref()).await?;
    match ctx.out.format {
        Format::Json => ctx
            .out
            .record("worktrees", &ListRecord { worktrees: &list })?,
        Format::Ndjson => {
            for w in &list {
                ctx.out.record("worktree", w)?;
            }
        }
        Format::Text if list.is_empty() => ctx.out.info("no worktrees"),
        Format::Text => {
            let rows: Vec<[String; 8]> = list
                .iter()
                .map(|w| {
                    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
                    [
                        w.worktree.session.clone(),
                        w.worktree.branch.clone(),
                        short(&w.worktree.base_commit).to_string(),
                        w.base_drift.map_or("-".into(), |d| d.to_string()),
                        w.dirty.map_or("?".into(), yes_no),
                        match w.exists {
                            Some(e) => yes_no(e),
                            None => format!("on {}", w.worktree.host),
                        },
                        age(w.age_seconds),
                        w.worktree.path.clone(),
                    ]
                })
                .collect();
            let header = [
                "SESSION", "BRANCH", "BASE", "DRIFT", "DIRTY", "EXISTS", "AGE", "PATH",
            ];
            let mut widths = header.map(str::len);
            for r in &rows {
                for (w, cell) in widths.iter_mut().zip(r) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |cells: Vec<String>| {
                let mut l = String::new();
                for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                    if i + 1 == cells.len() {
                        l.push_str(c);
                    } else {
                        l.push_str(&format!("{c:<w$}  "));
                    }
                }
                l.push('\n');
                l
            };
            let mut text = line(header.map(String::from).to_vec());
            for r in rows {
                text.push_str(&line(r.to_vec()));
            }
            ctx.out.stdout(&text)?;
        }
    }
    Ok(Exit::Ok)
}

/// The `worktrees` document (json).
#[derive(serde::Serialize)]
struct ListRecord<'a> {
    worktrees: &'a [boocoder::worktree::WorktreeStatus],
}
