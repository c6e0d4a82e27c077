//! `boocoder prompt`: one-shot, for scripts and CI.

use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use boocoder::session::{OneShot, OneShotEnd, Sessions};
use clap::Args;

use super::Context;
use super::session::prompt::{TurnFlags, TurnOptions, prompt_text, run_turns};

#[derive(Debug, Args)]
#[command(after_help = "\
An ephemeral session in the repository (or, with --worktree, in a throwaway worktree), one \
turn, the reply on stdout; then it cleans up what it created. A worktree left holding \
changes is kept: its path and session name are printed on stderr (`boocoder session \
changes NAME` shows them, `boocoder session rm NAME --force` drops them).

Output and exit codes as `boocoder session prompt`.")]
pub struct PromptArgs {
    /// The prompt, or `-` to read it from stdin
    pub text: String,
    /// The repository to work on
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Work in a throwaway worktree instead of the repository itself
    #[arg(long)]
    pub worktree: bool,
    /// Base of the worktree [default: HEAD]
    #[arg(long, value_name = "REF", requires = "worktree")]
    pub base: Option<String>,
    /// The agent: opencode (its server) or any enabled ACP provider
    #[arg(long, default_value = "opencode")]
    pub agent: String,
    #[command(flatten)]
    pub turn: TurnFlags,
}

pub async fn run(ctx: &Context, args: &PromptArgs) -> Result<Exit> {
    let (text, from_stdin) = prompt_text(&args.text)?;
    if text.trim().is_empty() {
        return Err(boocoder::Error::from(boocoder::session::SessionError::EmptyPrompt).into());
    }
    // The same checks as `session new`, before anything is made or started.
    super::session::new::check_agent_and_model(
        ctx,
        &args.agent,
        args.turn.model.as_deref(),
        &args.repo,
    )
    .await?;
    let store = ctx.store().await?;
    let sessions = Sessions::new(store, &ctx.config);
    let name = sessions
        .create_one_shot(&OneShot {
            repo: std::path::absolute(&args.repo)?,
            agent: args.agent.clone(),
            base: args.base.clone(),
            worktree: args.worktree,
        })
        .await?;
    let opts = TurnOptions {
        flags: args.turn.clone(),
        wait: false,
        text_from_stdin: from_stdin,
    };
    let result = run_turns(ctx, std::slice::from_ref(&name), &text, &opts).await;
    let outcomes = result.as_ref().ok().map(|(_, o)| o.as_slice());
    match sessions.finish_one_shot(&name, outcomes).await {
        OneShotEnd::Removed => {}
        OneShotEnd::Kept { path } => ctx.out.info(&format!(
            "changes kept in {path} (session {name}: `boocoder session changes {name}`)"
        )),
        OneShotEnd::Left(e) => ctx
            .out
            .info(&format!("note: session {name} left in place: {e}")),
    }
    Ok(result?.0)
}
