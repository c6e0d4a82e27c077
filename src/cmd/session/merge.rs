//! `boocoder session merge`

use anyhow::Result;
use boocoder::worktree::land::{Landing, MergeKind, MergeRequest};
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "First commits the worktree's pending work on the session branch (as \
`session commit` does), then brings the session branch into BRANCH (default: the branch the \
session's base came from; the repository's current branch when the base was a commit): a \
fast-forward when possible, else a merge commit (or one squashed commit with --squash). When \
BRANCH is checked out (in the repository or a linked worktree), that working tree and index are \
updated, and files the merge changes must not have uncommitted changes there; otherwise only \
the ref moves. On conflict: exit 1, the paths listed (json: {\"type\":\"conflict\",\"session\",\
\"dir\",\"paths\"}), the checkout, the index and every ref left exactly as they were (the \
pending-work commit on the session branch stays). json: {\"session\",\"branch\",\
\"session_branch\",\"kind\":\"fast-forward\"|\"merge\"|\"squash\"|\"up-to-date\",\"old_commit\",\
\"commit\",\"committed\":bool,\"pending_commit\":sha|null,\"checkout\",\"files\":[{\"path\",\"old_path\",\"status\"}],\
\"worktree_removed\",\"branch_deleted\",\"branch_tip\",\"branch_kept\":reason|null}. With --remove \
the session branch is deleted unless it has commits BRANCH lacks (after --squash): then it is kept \
and said; the session's next turn makes its worktree from BRANCH's tip (`session show` says so). Before writing, a file the merge changes must have no staged change, no unstaged change \
and no untracked file in the way (one identical to the merged content is fine), as `git merge` \
refuses. The pending-work commit runs the commit hooks (--no-verify skips pre-commit and \
commit-msg); post-merge runs in the updated checkout. Merges into one repository queue on a lock; \
a branch moved meanwhile by git is not overwritten (exit 3, the checkout put back). A signal \
before writing stops it (exit 128+signal, nothing changed); after, it finishes. Exit 1 also when the session is busy (a turn is running) or has no \
worktree; exit 2 for a BRANCH that does not exist."
)]
pub struct MergeArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// The local branch to merge into
    #[arg(long, value_name = "BRANCH")]
    pub into: Option<String>,
    /// One commit with the session's changes instead of a merge or fast-forward
    #[arg(long)]
    pub squash: bool,
    /// The message of the merge or squashed commit
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
    /// Then remove the session's worktree and branch (the session stays)
    #[arg(long)]
    pub remove: bool,
    /// Skip the pending-work commit's pre-commit and commit-msg hooks
    #[arg(long)]
    pub no_verify: bool,
}

pub async fn run(ctx: &Context, args: &MergeArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let req = MergeRequest {
        into: args.into.clone(),
        squash: args.squash,
        message: args.message.clone(),
        remove: args.remove,
        no_verify: args.no_verify,
    };
    let m = match Landing::new(store, &ctx.config)
        .cancelled_by(ctx.cancel.clone())
        .reporting_to(ctx.out.reporter())
        .merge(&args.name, &req)
        .await
    {
        Ok(m) => m,
        Err(e) => return super::apply::conflict_or(ctx, args.name.as_str(), e),
    };
    if !ctx.out.is_text() {
        ctx.out.record("merged", &m)?;
        return Ok(Exit::Ok);
    }
    if let Some(c) = &m.pending_commit {
        ctx.out.info(&format!(
            "committed pending work on {} ({})",
            m.session_branch,
            &c[..12]
        ));
    }
    if m.kind == MergeKind::UpToDate {
        ctx.out.stdout(&format!(
            "{} already contains {}\n",
            m.branch, m.session_branch
        ))?;
    } else {
        ctx.out.stdout(&super::apply::files_text(&m.files))?;
        ctx.out.stdout(&format!(
            "{} {} -> {} ({}, {}{})\n",
            m.branch,
            &m.old_commit[..12],
            &m.commit[..12],
            m.kind.as_str(),
            boocoder::util::plural(m.files.len(), "file"),
            match &m.checkout {
                Some(d) => format!(", checkout {d} updated"),
                None => String::new(),
            }
        ))?;
    }
    if m.worktree_removed {
        ctx.out
            .info(&format!("removed the worktree of {}", m.session));
    }
    if let (Some(why), Some(tip)) = (&m.branch_kept, &m.branch_tip) {
        ctx.out.info(&format!(
            "kept branch {} (at {}): {why}",
            m.session_branch,
            &tip[..tip.len().min(12)]
        ));
    }
    Ok(Exit::Ok)
}
