//! `boocoder session new`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::agent::TurnBackend;
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
[worktree] post_create.

json: {\"name\",\"repo\",\"agent\",\"model\",\"worktree\":{\"path\",\"branch\",\"base_commit\"}|null, ...}

--agent: opencode (its server) or any enabled provider with transport acp (qwen, gemini, \
claude, codex, goose, custom [providers.<name>] ones; `boocoder probe` lists them).

--model, for opencode's server, is checked against llama-swap's model list \
(LLAMA_SWAP_URL): a model it does not serve is refused; when llama-swap cannot be \
reached the model is accepted with a warning. An ACP agent's model is its own id, \
passed to the agent at each turn.

Exit codes: 1 when the name is taken; 2 for an invalid name, a missing repository, an \
unknown or disabled agent, base or model; 3 when --repo is not a git repository or the \
agent is not installed.")]
pub struct NewArgs {
    /// Session name: letters, digits, `.`, `_`, `-`; no leading `.` or `-`; 1-64 characters
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
}

pub async fn run(ctx: &Context, args: &NewArgs) -> Result<Exit> {
    match TurnBackend::resolve(&ctx.config, &args.agent).await?.0 {
        // An ACP agent must be installed (the probe's rule: its launch program on PATH).
        TurnBackend::Acp(b) => {
            b.program(&ctx.env, &std::path::absolute(&args.repo)?)
                .map_err(boocoder::Error::from)?;
        }
        // An unknown llama-swap model is refused before anything is made.
        TurnBackend::OpencodeServer => {
            if let Some(m) = args.model.as_deref().filter(|m| !m.trim().is_empty())
                && let Some(warning) = check_model(&ctx.config, m).await?
            {
                ctx.out.info(&format!("warning: {warning}; accepted"));
            }
        }
    }
    let store = ctx.store().await?;
    let info = Sessions::new(store, &ctx.config)
        .with_setup_output(ctx.out.lines())
        .create(&NewSession {
            name: args.name.clone(),
            repo: std::path::absolute(&args.repo)?,
            agent: args.agent.clone(),
            model: args.model.clone(),
            base: args.base.clone(),
            worktree: !args.no_worktree,
        })
        .await?;
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
