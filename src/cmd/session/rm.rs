//! `boocoder session rm`

use anyhow::Result;
use boocoder::session::Sessions;
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Removes the session's worktree (directory, git registration and branch), \
its pending changes, turns and agent-session record. A worktree with uncommitted or untracked \
work is refused (exit 1, the files listed) unless --force. Exit 1 when there is no such session."
)]
pub struct RmArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// Remove even when the worktree holds uncommitted work (it is lost)
    #[arg(long)]
    pub force: bool,
}

pub async fn run(ctx: &Context, args: &RmArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let info = Sessions::new(store, &ctx.config)
        .remove(&args.name, args.force)
        .await?;
    if ctx.out.is_text() {
        ctx.out
            .stdout(&format!("removed session {}\n", info.session.name))?;
    } else {
        ctx.out.record(
            "session_removed",
            &serde_json::json!({
                "name": info.session.name,
                "worktree_removed": info.worktree.as_ref().map(|w| &w.path),
            }),
        )?;
    }
    Ok(Exit::Ok)
}
