//! `boocoder session ...`: sessions and their turns.

mod apply;
mod changes;
mod commit;
mod list;
mod log;
mod merge;
mod new;
pub mod prompt;
mod render;
mod rm;
mod show;

use anyhow::Result;
use boocoder::Exit;
use boocoder::session::SessionInfo;
use clap::Subcommand;
use serde_json::{Value, json};

use super::Context;

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Record a session and make its worktree
    New(new::NewArgs),
    /// The sessions, with their last turn
    List(list::ListArgs),
    /// One session: worktree, agent session, last turn
    Show(show::ShowArgs),
    /// Remove a session and its clean worktree (dirty: refused without --force)
    Rm(rm::RmArgs),
    /// The pending changes of a session's last turn
    Changes(changes::ChangesArgs),
    /// Run one turn: send a prompt, stream the reply
    Prompt(prompt::PromptArgs),
    /// The session's turns: prompt, reply, tools, tokens, what each changed
    Log(log::LogArgs),
    /// Write the session's changes into the checkout, uncommitted
    Apply(apply::ApplyArgs),
    /// Commit the worktree's pending work on the session branch
    Commit(commit::CommitArgs),
    /// Commit pending work and merge the session branch into a branch
    Merge(merge::MergeArgs),
}

pub async fn run(ctx: &Context, cmd: &SessionCommand) -> Result<Exit> {
    match cmd {
        SessionCommand::New(a) => new::run(ctx, a).await,
        SessionCommand::List(a) => list::run(ctx, a).await,
        SessionCommand::Show(a) => show::run(ctx, a).await,
        SessionCommand::Rm(a) => rm::run(ctx, a).await,
        SessionCommand::Changes(a) => changes::run(ctx, a).await,
        SessionCommand::Prompt(a) => prompt::run(ctx, a).await,
        SessionCommand::Log(a) => log::run(ctx, a).await,
        SessionCommand::Apply(a) => apply::run(ctx, a).await,
        SessionCommand::Commit(a) => commit::run(ctx, a).await,
        SessionCommand::Merge(a) => merge::run(ctx, a).await,
    }
}

/// The JSON shape of a session that scripts rely on.
pub fn session_json(info: &SessionInfo) -> Value {
    let s = &info.session;
    let last_turn = info.last_turn.as_ref().map(|t| {
        json!({
            "status": t.status,
            "started_at": boocoder::util::format_utc(t.started_at),
            "duration_ms": t.ended_at.map(|e| e - t.started_at),
            "model": t.model,
            "error": t.error,
        })
    });
    json!({
        "name": s.name,
        "repo": s.repo,
        "agent": s.agent,
        "model": s.model,
        "worktree": info.worktree.as_ref().filter(|_| s.use_worktree).map(|w| json!({
            "path": w.path,
            "branch": w.branch,
            "base_commit": w.base_commit,
            "host": w.host,
        })),
        "created_at": boocoder::util::format_utc(s.created_at),
        "agent_session_id": info.agent_session.as_ref().map(|a| &a.agent_session_id),
        "server_url": info.agent_session.as_ref().and_then(|a| a.server_url.as_ref()),
        "agent_session_reason": info.agent_session.as_ref().and_then(|a| a.reason.as_ref()),
        "last_turn": last_turn,
    })
}
