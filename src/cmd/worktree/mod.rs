//! `boocoder worktree ...`: session-keyed git worktrees.

mod diff;
mod ensure;
mod list;
mod prune;
mod remove;

pub use remove::{branch_mode, report_branch};

use anyhow::Result;
use boocoder::Exit;
use boocoder::worktree::Worktrees;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum WorktreeCommand {
    /// Create (or return the existing) worktree of a session
    Ensure(ensure::EnsureArgs),
    /// Diff a session's worktree against its base commit
    Diff(diff::DiffArgs),
    /// List the recorded worktrees with their state
    List(list::ListArgs),
    /// Remove a session's worktree, its git registration and record (its branch when merged)
    Remove(remove::RemoveArgs),
    /// Forget vanished worktrees, prune stale git registrations, remove old clean ones
    Prune(prune::PruneArgs),
}

pub async fn run(ctx: &Context, cmd: &WorktreeCommand) -> Result<Exit> {
    match cmd {
        WorktreeCommand::Ensure(a) => ensure::run(ctx, a).await,
        WorktreeCommand::Diff(a) => diff::run(ctx, a).await,
        WorktreeCommand::List(a) => list::run(ctx, a).await,
        WorktreeCommand::Remove(a) => remove::run(ctx, a).await,
        WorktreeCommand::Prune(a) => prune::run(ctx, a).await,
    }
}

/// The worktrees of the configured store and root.
async fn worktrees(ctx: &Context) -> Result<Worktrees<'_>> {
    Ok(
        Worktrees::new(ctx.store().await?, ctx.config.worktree_root.clone())
            .with_setup(ctx.config.worktree_setup())
            .reporting_to(ctx.out.reporter()),
    )
}

/// A commit id shortened for people.
fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}

/// `90` -> `1m`, `7200` -> `2h`: the largest whole unit.
fn age(seconds: i64) -> String {
    match seconds {
        s if s >= 86_400 => format!("{}d", s / 86_400),
        s if s >= 3_600 => format!("{}h", s / 3_600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
