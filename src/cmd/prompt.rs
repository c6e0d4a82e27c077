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
One turn on the repository itself, as `opencode run`, `claude -p` and `codex exec` do: the \
agent edits the checkout (your working tree, uncommitted), and the summary on stderr names \
the files it changed there (`changed in the checkout: NOTES.md (+3 -0)`; json: turn_changes \
and turn_paths). The ephemeral session is removed after the turn; the changes stay.

With --worktree the turn works in a throwaway worktree instead and your checkout is \
untouched. A worktree left holding changes is kept: its path and session name are printed \
on stderr (`boocoder session changes NAME` shows them, `boocoder session apply NAME` \
brings them into the checkout, `boocoder session rm NAME --force` drops them).

Output and exit codes as `boocoder session prompt`.")]
pub struct PromptArgs {
    /// The prompt, or `-` to read it from stdin
    pub text: String,
    /// The repository to work on
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Work in a throwaway worktree (your checkout untouched) instead of the repository itself
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
        return Err(boocoder::Error::from(boocoder::session::TurnError::EmptyPrompt).into());
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
