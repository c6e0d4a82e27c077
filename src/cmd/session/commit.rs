//! `boocoder session commit`

use anyhow::Result;
use boocoder::worktree::land::Landing;
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Commits everything uncommitted in the session's worktree (staged, unstaged, \
untracked; ignored files left out) on the session branch. The message defaults to the first \
line of the session's last prompt; the author is git's user.name / user.email, else \
`boocoder <boocoder@localhost>`. json: {\"session\",\"branch\",\"commit\",\"message\",\
\"author\",\"files\":[{\"path\",\"old_path\",\"status\"}]}. Exit 1 when there is nothing to \
commit, the session is busy (a turn is running) or has no worktree. The repository's \
pre-commit, prepare-commit-msg, commit-msg and post-commit hooks run as `git commit -a` runs \
them (core.hooksPath respected); a failing pre-commit or commit-msg stops it: exit 1, nothing \
committed. A signal before the branch moves stops it (exit 128+signal, nothing committed); \
after, it finishes."
)]
pub struct CommitArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// The commit message (default: from the session's last prompt)
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
    /// Skip the pre-commit and commit-msg hooks (as `git commit --no-verify`)
    #[arg(long)]
    pub no_verify: bool,
}

pub async fn run(ctx: &Context, args: &CommitArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let c = Landing::new(store, &ctx.config)
        .cancelled_by(ctx.cancel.clone())
        .reporting_to(ctx.out.reporter())
        .commit(&args.name, args.message.as_deref(), args.no_verify)
        .await?;
    if !ctx.out.is_text() {
        ctx.out.record("committed", &c)?;
        return Ok(Exit::Ok);
    }
    ctx.out.stdout(&format!(
        "{} {} ({})\n",
        c.branch,
        &c.commit[..12],
        boocoder::util::plural(c.files.len(), "file")
    ))?;
    Ok(Exit::Ok)
}
