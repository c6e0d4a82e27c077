//! `boocoder worktree remove`

use anyhow::Result;
use boocoder::worktree::{BranchMode, RemoveOptions, Removed};
use boocoder::{Exit, SessionKey};
use clap::Args;

use super::short;
use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "\
Removes the worktree directory, git's registration of it and its record. The branch \
boocoder/<session> is deleted only when no commit would be lost: its tip is the base \
commit, or is reachable from the base's branch or from another branch (as `git branch \
-d`). Otherwise it is kept and the output says so with its tip. --delete-branch deletes \
it anyway and prints the tip (recover with `git branch <name> <tip>`). A branch boocoder \
did not create (ensure --branch on an existing branch) is never deleted.

Refused (exit 1) when the worktree has uncommitted or untracked work (ignored files do \
not count; the message lists the files) or when a turn holds the session's lease (the \
message names the holder), unless --force; refused (exit 1) when the worktree belongs \
to another host (a shared PostgreSQL database): run it there.

json: {\"session\",\"path\",\"branch\",\"directory_removed\",\"registration_pruned\",\
\"branch_deleted\":bool,\"branch_tip\":sha|null,\"branch_kept\":reason|null,\"notes\"}.

Exit codes: 1 when refused or when the session has no worktree; 3 when git fails (also \
when a branch that was to be deleted could not be: run it again).")]
pub struct RemoveArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub session: SessionKey,
    /// Remove even with uncommitted or untracked work (it is lost), or while a turn runs
    #[arg(long)]
    pub force: bool,
    /// Keep the branch boocoder/<session> in any case
    #[arg(long, conflicts_with = "delete_branch")]
    pub keep_branch: bool,
    /// Delete the branch even with commits no other branch has (its tip is printed)
    #[arg(long)]
    pub delete_branch: bool,
}

pub async fn run(ctx: &Context, args: &RemoveArgs) -> Result<Exit> {
    let opts = RemoveOptions {
        force: args.force,
        branch: branch_mode(args.keep_branch, args.delete_branch),
    };
    let removed = super::worktrees(ctx)
        .await?
        .remove(&args.session, opts)
        .await?;
    boocoder::agent::opencode::dispose_directory(
        &ctx.config.state_dir,
        std::path::Path::new(&removed.path),
    )
    .await;
    if !ctx.out.is_text() {
        ctx.out.record("removed", &removed)?;
        return Ok(Exit::Ok);
    }
    let mut msg = format!("removed worktree of session {}", removed.session);
    if !removed.directory_removed {
        msg.push_str(" (its directory was already gone)");
    }
    ctx.out.info(&msg);
    report_branch(ctx, &removed);
    Ok(Exit::Ok)
}

pub fn branch_mode(keep: bool, delete: bool) -> BranchMode {
    match (keep, delete) {
        (true, _) => BranchMode::Keep,
        (_, true) => BranchMode::Delete,
        _ => BranchMode::Safe,
    }
}

/// What became of the branch (and the notes), on stderr.
pub fn report_branch(ctx: &Context, removed: &Removed) {
    match (
        &removed.branch_tip,
        removed.branch_deleted,
        &removed.branch_kept,
    ) {
        (Some(tip), true, _) => ctx
            .out
            .info(&format!("deleted branch {} (was {tip})", removed.branch)),
        (Some(tip), false, Some(why)) => ctx.out.info(&format!(
            "kept branch {} at {} ({tip}): {why}",
            removed.branch,
            short(tip)
        )),
        (None, false, Some(why)) => ctx
            .out
            .info(&format!("kept branch {}: {why}", removed.branch)),
        _ => {}
    }
    for note in &removed.notes {
        ctx.out.info(&format!("note: {note}"));
    }
}
