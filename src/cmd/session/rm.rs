//! `boocoder session rm`

use anyhow::Result;
use boocoder::session::Sessions;
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;
use crate::cmd::worktree::{branch_mode, report_branch};

#[derive(Debug, Args)]
#[command(
    after_help = "Removes the session's worktree (directory and git registration), its \
pending changes, turns and agent-session record. The branch boocoder/<session> is deleted \
only when no commit would be lost (its tip is the base, or reachable from the base's branch \
or another branch); otherwise it is kept and the output names it with its tip. \
--delete-branch deletes it anyway (the tip is printed); --keep-branch keeps it. A branch \
boocoder did not create is never deleted.

Refused (exit 1) when the worktree has uncommitted or untracked work (the files listed) or \
a turn holds the session's lease (the holder named), unless --force; refused (exit 1) when \
the worktree belongs to another host. Exit 1 when there is no such session; 3 when git fails.

json: {\"name\",\"worktree_removed\":bool,\"worktree\":path|null,\"branch\",\"branch_deleted\":bool,\
\"branch_tip\":sha|null,\"branch_kept\":reason|null,\"notes\"}."
)]
pub struct RmArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// Remove even when the worktree holds uncommitted work (it is lost), or while a turn runs
    #[arg(long)]
    pub force: bool,
    /// Keep the branch boocoder/<session> in any case
    #[arg(long, conflicts_with = "delete_branch")]
    pub keep_branch: bool,
    /// Delete the branch even with commits no other branch has (its tip is printed)
    #[arg(long)]
    pub delete_branch: bool,
}

pub async fn run(ctx: &Context, args: &RmArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let (info, removed) = Sessions::new(store, &ctx.config)
        .remove(
            &args.name,
            args.force,
            branch_mode(args.keep_branch, args.delete_branch),
        )
        .await?;
    if ctx.out.is_text() {
        ctx.out
            .stdout(&format!("removed session {}\n", info.session.name))?;
        if let Some(r) = &removed {
            report_branch(ctx, r);
        }
    } else {
        ctx.out.record(
            "session_removed",
            &RemovedRecord {
                name: &info.session.name,
                worktree_removed: removed.is_some(),
                worktree: removed.as_ref().map(|w| w.path.as_str()),
                branch: removed.as_ref().map(|w| w.branch.as_str()),
                branch_deleted: removed.as_ref().is_some_and(|w| w.branch_deleted),
                branch_tip: removed.as_ref().and_then(|w| w.branch_tip.as_deref()),
                branch_kept: removed.as_ref().and_then(|w| w.branch_kept.as_deref()),
                notes: removed
                    .as_ref()
                    .map(|w| w.notes.as_slice())
                    .unwrap_or_default(),
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `session_removed` record.
#[derive(serde::Serialize)]
struct RemovedRecord<'a> {
    name: &'a str,
    worktree_removed: bool,
    worktree: Option<&'a str>,
    branch: Option<&'a str>,
    branch_deleted: bool,
    branch_tip: Option<&'a str>,
    branch_kept: Option<&'a str>,
    notes: &'a [String],
}
