//! `boocoder worktree remove`

use anyhow::Result;
use boocoder::worktree::RemoveOptions;
use boocoder::{Exit, SessionKey};
use clap::Args;

use super::short;
use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "\
Removes the worktree directory, git's registration of it, its branch (unless \
--keep-branch) and its record. Refuses when the worktree has uncommitted or untracked \
work (ignored files do not count), unless --force.

Exit codes: 1 when refused (the message lists the files) or when the session has no \
worktree; 3 when git fails.")]
pub struct RemoveArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub session: SessionKey,
    /// Remove even with uncommitted or untracked work (it is lost)
    #[arg(long)]
    pub force: bool,
    /// Keep the branch boocoder/<session>
    #[arg(long)]
    pub keep_branch: bool,
}

pub async fn run(ctx: &Context, args: &RemoveArgs) -> Result<Exit> {
    let opts = RemoveOptions {
        force: args.force,
        keep_branch: args.keep_branch,
    };
    let removed = super::worktrees(ctx)
        .await?
        .remove(&args.session, opts)
        .await?;
    if !ctx.out.is_text() {
        ctx.out.record("removed", &removed)?;
        return Ok(Exit::Ok);
    }
    let mut msg = format!("removed worktree of session {}", removed.session);
    if !removed.directory_removed {
        msg.push_str(" (its directory was already gone)");
    }
    if let Some(tip) = &removed.branch_deleted {
        msg.push_str(&format!(
            "; deleted branch {} (was {})",
            removed.branch,
            short(tip)
        ));
    }
    ctx.out.info(&msg);
    for note in &removed.notes {
        ctx.out.info(&format!("note: {note}"));
    }
    Ok(Exit::Ok)
}
