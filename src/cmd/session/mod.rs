//! `boocoder session ...`: sessions and their turns.

mod apply;
mod changes;
mod commit;
mod list;
mod log;
mod merge;
pub(crate) mod new;
pub mod prompt;
mod render;
mod rm;
mod show;
mod turn_flags;

use anyhow::Result;
use boocoder::Exit;
use boocoder::session::SessionInfo;
use boocoder::timestamp::rfc3339;
use clap::Subcommand;
use serde::Serialize;

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
/// The JSON of a session (`session new`, `list`, `show`).
pub fn session_json(info: &SessionInfo) -> SessionRecord<'_> {
    let s = &info.session;
    let agent = info.agent_session.as_ref();
    SessionRecord {
        name: &s.name,
        repo: &s.repo,
        agent: &s.agent,
        model: s.model.as_deref(),
        worktree: info
            .worktree
            .as_ref()
            .filter(|_| s.use_worktree)
            .map(|w| WorktreeRecord {
                path: &w.path,
                branch: &w.branch,
                base_commit: &w.base_commit,
                host: &w.host,
            }),
        created_at: rfc3339(s.created_at),
        agent_session_id: agent.map(|a| a.agent_session_id.as_str()),
        server_url: agent.and_then(|a| a.server_url.as_deref()),
        agent_session_reason: agent.and_then(|a| a.reason.as_deref()),
        last_turn: info.last_turn.as_ref().map(|t| LastTurnRecord {
            status: t.status.as_str(),
            started_at: rfc3339(t.started_at),
            duration_ms: t.ended_at.map(|e| e - t.started_at),
            model: t.model.as_deref(),
            error: t.error.as_deref(),
        }),
    }
}

/// A session as JSON.
#[derive(Serialize)]
pub struct SessionRecord<'a> {
    name: &'a str,
    repo: &'a str,
    agent: &'a str,
    model: Option<&'a str>,
    worktree: Option<WorktreeRecord<'a>>,
    created_at: String,
    agent_session_id: Option<&'a str>,
    server_url: Option<&'a str>,
    agent_session_reason: Option<&'a str>,
    last_turn: Option<LastTurnRecord<'a>>,
}

/// A session's worktree as JSON.
#[derive(Serialize)]
struct WorktreeRecord<'a> {
    path: &'a str,
    branch: &'a str,
    base_commit: &'a str,
    host: &'a str,
}

/// A session's last turn as JSON.
#[derive(Serialize)]
struct LastTurnRecord<'a> {
    status: &'a str,
    started_at: String,
    duration_ms: Option<i64>,
    model: Option<&'a str>,
    error: Option<&'a str>,
}

/// The store for reading session `name`: without a database, the session
/// does not exist (exit 1 `no session named NAME: no database at PATH`) and
/// nothing is created.
pub(crate) async fn store_with_session<'c>(
    ctx: &'c Context,
    name: &str,
) -> Result<&'c boocoder::store::Store> {
    match ctx.existing_store().await {
        Err(e) if no_database(&e).is_some() => Err(crate::cmd::output::CliError {
            exit: Exit::No,
            message: format!("no session named `{name}`: {}", no_database(&e).unwrap_or_default()),
            hint: Some("`boocoder session new NAME --repo DIR` makes one (or check --db / BOOCODER_DATABASE_URL)".into()),
        }
        .into()),
        other => other,
    }
}

/// `no database at PATH` when that is what `e` says.
pub(crate) fn no_database(e: &anyhow::Error) -> Option<String> {
    e.chain()
        .find_map(|c| match c.downcast_ref::<boocoder::store::StoreError>() {
            Some(e @ boocoder::store::StoreError::NoDatabase { .. }) => Some(e.to_string()),
            _ => None,
        })
}
