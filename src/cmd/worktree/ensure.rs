//! `boocoder worktree ensure`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::worktree::EnsureOptions;
use boocoder::{Exit, SessionKey};
use clap::Args;

use super::{short, worktrees};
use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "\
Creates <worktree root>/<repo-id>/<session> (default root: <data dir>/worktrees) on a \
new branch boocoder/<session> made from --base (default: the branch the session was \
merged into by `session merge --remove`, while it exists; else the repository's HEAD, \
detached or not), and records the session, repository, path, branch and base commit. \
When the session already has a worktree, returns it and touches nothing (but runs its \
post_create again when that failed or timed out before). Concurrent \
calls with the same session agree on one worktree. Submodules are not initialised in \
the worktree (a note says which). A new worktree gets the git-ignored files listed in \
.worktreeinclude (gitignore syntax) and [worktree] include (json: copied; -v names each), then \
runs [worktree] post_create in it, in its own process group, killed when sh exits or after \
post_create_timeout_seconds (exit 3 with its last lines when it fails; the worktree is kept). \
A file is never copied through a directory of the new worktree that is a symlink (a warning says so).

stdout: the worktree's path (text), or the record (json/ndjson).

An existing branch given with --branch is used, never deleted by boocoder later. Every \
name in the tree to check out is checked first (as git's verify_path): a tree with \
`..`, `.git` or the like is refused (exit 3) and nothing is created.

A worktree recorded by another host (a shared PostgreSQL database) is refused (exit 1, \
naming the host) unless --adopt: then this host becomes its owner and the directory is \
recreated here from its branch.

Exit codes: 1 for another host's worktree; 2 for an invalid session key, a repository path that does not exist, an \
unknown --base; 3 when --repo is not a git repository or git fails.")]
pub struct EnsureArgs {
    /// Session key: letters, digits, `.`, `_`, `-`; no leading `.` or `-`, no trailing `.` or `.lock`, no `..`; 1-64 characters
    #[arg(value_parser = SessionKey::parse)]
    pub session: SessionKey,
    /// A directory of the git repository
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Base branch, tag or commit [default: the branch `session merge --remove` merged the session into, else HEAD of the repository]
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Branch to create [default: boocoder/<session>]
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Take over a worktree another host recorded (shared database): recreate it here
    #[arg(long)]
    pub adopt: bool,
}

pub async fn run(ctx: &Context, args: &EnsureArgs) -> Result<Exit> {
    let opts = EnsureOptions {
        repo: std::path::absolute(&args.repo)?,
        base: args.base.clone(),
        branch: args.branch.clone(),
        adopt: args.adopt,
    };
    let ensured = worktrees(ctx).await?.ensure(&args.session, &opts).await?;
    if !ctx.out.is_text() {
        ctx.out.record("worktree", &ensured)?;
        return Ok(Exit::Ok);
    }
    let w = &ensured.worktree;
    ctx.out.info(&format!(
        "{} worktree of session {} on branch {} (base {})",
        if ensured.created {
            "created"
        } else {
            "existing"
        },
        w.session,
        w.branch,
        short(&w.base_commit)
    ));
    if !ensured.uninitialised_submodules.is_empty() {
        ctx.out.info(&format!(
            "note: submodules not initialised in the worktree: {}",
            ensured.uninitialised_submodules.join(", ")
        ));
    }
    ctx.out.stdout(&format!("{}\n", w.path))?;
    Ok(Exit::Ok)
}
