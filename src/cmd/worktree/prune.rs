//! `boocoder worktree prune`

use std::time::Duration;

use anyhow::Result;
use boocoder::Exit;
use boocoder::util::parse_age;
use boocoder::worktree::{PruneAction, PruneOptions};
use clap::Args;

use super::worktrees;
use crate::cmd::{Context, Format};

#[derive(Debug, Args)]
#[command(after_help = "\
Forgets worktrees whose directory is gone (their record and git's registration) and \
prunes stale git registrations under the worktree root. With --older-than, also removes \
clean worktrees created longer ago than that; worktrees with uncommitted or untracked \
work are skipped unless --force. A branch is deleted only when no commit would be lost \
(its tip is the base, or reachable from the base's branch or another branch) and \
boocoder created it; otherwise it is kept, and the line names it with its tip. \
Sessions whose lease a turn holds are skipped (skip_busy), as are worktrees that belong \
to another host (skip_other_host: a shared PostgreSQL database). --dry-run lists \
without touching anything.

json: {\"dry_run\",\"actions\":[{\"action\",\"session\",\"repo\",\"path\",\"done\",\"detail\"}]}; \
a done removal also has \"branch_deleted\":bool, \"branch_tip\" and \"branch_kept\" (why).

Exit code 0, also when there is nothing to prune.")]
pub struct PruneArgs {
    /// Also remove clean worktrees older than this (30m, 12h, 7d, 2w)
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub older_than: Option<Duration>,
    /// List what would be done, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// With --older-than: remove old worktrees even with uncommitted work
    #[arg(long)]
    pub force: bool,
}

pub async fn run(ctx: &Context, args: &PruneArgs) -> Result<Exit> {
    let opts = PruneOptions {
        older_than: args.older_than,
        dry_run: args.dry_run,
        force: args.force,
    };
    let pruned = worktrees(ctx).await?.prune(opts).await?;
    for p in pruned.iter().filter(|p| p.done) {
        boocoder::agent::opencode::dispose_directory(
            &ctx.config.state_dir,
            std::path::Path::new(&p.path),
        )
        .await;
    }
    match ctx.out.format {
        Format::Json => ctx.out.record(
            "prune",
            &PruneRecord {
                dry_run: args.dry_run,
                actions: &pruned,
            },
        )?,
        Format::Ndjson => {
            for p in &pruned {
                ctx.out.record("prune", p)?;
            }
        }
        Format::Text if pruned.is_empty() => ctx.out.info("nothing to prune"),
        Format::Text => {
            let mut text = String::new();
            for p in &pruned {
                let what = match (p.action, p.done) {
                    (PruneAction::SkipDirty, _) => "skipped (dirty)",
                    (PruneAction::SkipBusy, _) => "skipped (busy)",
                    (PruneAction::SkipOtherHost, _) => "skipped (another host's)",
                    (PruneAction::ForgetMissing, true) => "forgot (directory gone)",
                    (PruneAction::ForgetMissing, false) => "would forget (directory gone)",
                    (PruneAction::PruneRegistration, true) => "pruned stale registration",
                    (PruneAction::PruneRegistration, false) => "would prune stale registration",
                    (PruneAction::RemoveOld, true) => "removed (old, clean)",
                    (PruneAction::RemoveOld, false) => "would remove (old, clean)",
                };
                text.push_str(&format!(
                    "{what}: {} {}",
                    p.session.as_deref().unwrap_or("-"),
                    p.path
                ));
                if let Some(d) = &p.detail {
                    text.push_str(&format!(" ({d})"));
                }
                match (&p.branch_tip, p.branch_deleted, &p.branch_kept) {
                    (Some(tip), Some(true), _) => {
                        text.push_str(&format!("; deleted its branch (was {tip})"))
                    }
                    (Some(tip), Some(false), Some(why)) => {
                        text.push_str(&format!("; kept its branch at {tip}: {why}"))
                    }
                    _ => {}
                }
                text.push('\n');
            }
            ctx.out.stdout(&text)?;
        }
    }
    Ok(Exit::Ok)
}

/// The `prune` document (json).
#[derive(serde::Serialize)]
struct PruneRecord<'a> {
    dry_run: bool,
    actions: &'a [boocoder::worktree::Pruned],
}
