//! `boocoder session new`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::agent::Route;
use boocoder::config::{Policy, preset};
use boocoder::session::{NewSession, Sessions, check_model};
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "\
Records the session and makes its worktree: <worktree root>/<repo-id>/<name> on a new \
branch boocoder/<name> from --base (default: the repository's HEAD), base commit recorded. \
With --no-worktree the agent works in the repository itself. The new worktree gets the \
git-ignored set-up files (.worktreeinclude, [worktree] include; -v names them) and runs \
[worktree] post_create (run again by the next session new of the same name when it failed).

json: {\"name\",\"repo\",\"agent\",\"model\",\"worktree\":{\"path\",\"branch\",\"base_commit\"}|null, ...}

--agent: opencode (its server) or any enabled provider with transport acp (qwen, gemini, \
claude, codex, goose, custom [providers.<name>] ones; `boocoder probe` lists them).

--model, for opencode's server, is checked against llama-swap's model list \
(LLAMA_SWAP_URL): a model it does not serve is refused; when llama-swap cannot be \
reached the model is accepted with a warning. An ACP agent's model is its own id, \
passed to the agent at each turn.

--permissions is stored with the session: its turns use it unless a turn's own \
--permissions overrides it (a policy file is read at each turn).

Exit codes: 1 when the name is taken; 2 for an invalid name, a missing repository, an \
unknown or disabled agent, base or model, a policy that is neither a preset nor a valid file; 3 when --repo is not a git repository or the \
agent is not installed.")]
pub struct NewArgs {
    /// Session name: letters, digits, `.`, `_`, `-`; no leading `.` or `-`, no trailing `.` or `.lock`, no `..`; 1-64 characters
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// The repository the session works on
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// The agent that runs its turns
    #[arg(long, default_value = "opencode")]
    pub agent: String,
    /// The session's model (default: default_model, else llama-swap's only model)
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// Base branch, tag or commit of the worktree [default: HEAD]
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Work in the repository itself instead of a worktree
    #[arg(long)]
    pub no_worktree: bool,
    /// The permission policy of the session's turns (a turn's --permissions overrides it): read-only, workspace, full, ask, allow, deny, or a policy file [default: workspace]
    #[arg(long, value_name = "POLICY")]
    pub permissions: Option<String>,
}

pub async fn run(ctx: &Context, args: &NewArgs) -> Result<Exit> {
    // A policy file is stored by its absolute path, checked now (and read
    // again at every turn).
    let permissions = match args.permissions.as_deref() {
        Some(p) if preset(p).is_none() => Some(std::path::absolute(p)?.display().to_string()),
        other => other.map(String::from),
    };
    Policy::resolve(&ctx.config, permissions.as_deref(), "--permissions")?;
    check_agent_and_model(ctx, &args.agent, args.model.as_deref(), &args.repo).await?;
    let store = ctx.store().await?;
    let info = Sessions::new(store, &ctx.config)
        .reporting_to(ctx.out.reporter())
        .create(&NewSession {
            name: args.name.clone(),
            repo: std::path::absolute(&args.repo)?,
            agent: args.agent.clone(),
            model: args.model.clone(),
            base: args.base.clone(),
            worktree: !args.no_worktree,
        })
        .await?;
    if permissions.is_some() {
        store
            .set_session_permissions(args.name.as_str(), permissions.as_deref())
            .await?;
    }
    if !ctx.out.is_text() {
        ctx.out.record("session", &super::session_json(&info))?;
        return Ok(Exit::Ok);
    }
    match &info.worktree {
        Some(w) => ctx.out.stdout(&format!(
            "session {} works in {} (branch {}, base {})\n",
            info.session.name,
            w.path,
            w.branch,
            &w.base_commit[..w.base_commit.len().min(10)]
        ))?,
        None => ctx.out.stdout(&format!(
            "session {} works in {}\n",
            info.session.name, info.session.repo
        ))?,
    }
    Ok(Exit::Ok)
}

/// What `session new` and the one-shot `prompt` check before anything is
/// made or started: the agent can run turns, an ACP agent is installed (the
/// probe's rule: its launch program on PATH), and llama-swap serves the
/// model (exit 2 when it answers without it; accepted with a warning when
/// it cannot be asked).
pub(crate) async fn check_agent_and_model(
    ctx: &Context,
    agent: &str,
    model: Option<&str>,
    repo: &std::path::Path,
) -> Result<()> {
    let route = Route::resolve(&ctx.config, agent).await?;
    match route.acp(&ctx.config) {
        Some(b) => {
            b.program(&ctx.env, &std::path::absolute(repo)?)
                .map_err(boocoder::Error::from)?;
        }
        None => {
            if let Some(m) = model.filter(|m| !m.trim().is_empty())
                && let Some(warning) = check_model(&ctx.config, m).await?
            {
                ctx.out.info(&format!("warning: {warning}; accepted"));
            }
        }
    }
    Ok(())
}
