//! `boocoder prompt`: one-shot, for scripts and CI.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use boocoder::session::{NewSession, Sessions};
use boocoder::util::now_ms;
use boocoder::{Exit, SessionKey};
use clap::Args;

use super::Context;
use super::session::prompt::{Permissions, TurnOptions, run_turns};

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
    /// The model [default: the configured default_model]
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// The agent's mode (opencode: build, plan, ...)
    #[arg(long, value_name = "MODE")]
    pub agent_mode: Option<String>,
    /// Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m)
    #[arg(long, value_name = "DURATION", value_parser = super::session::prompt::parse_duration)]
    pub timeout: Option<Duration>,
    /// Print the reply once at the end instead of streaming it
    #[arg(long)]
    pub no_stream: bool,
    /// Show the model's reasoning on stderr (dimmed)
    #[arg(long)]
    pub show_reasoning: bool,
    /// What to answer when the agent asks for a permission [default: ask on a terminal, else deny]
    #[arg(long, value_enum, value_name = "POLICY")]
    pub permissions: Option<Permissions>,
    /// Leave a server this command starts running for later commands
    #[arg(long)]
    pub keep_server: bool,
}

pub async fn run(ctx: &Context, args: &PromptArgs) -> Result<Exit> {
    let from_stdin = args.text == "-";
    let text = if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        args.text.clone()
    };
    if text.trim().is_empty() {
        return Err(boocoder::Error::from(boocoder::session::SessionError::EmptyPrompt).into());
    }
    let store = ctx.store().await?;
    let sessions = Sessions::new(store, &ctx.config);
    let name = SessionKey::parse(&format!("prompt-{}-{}", now_ms(), std::process::id()))
        .expect("generated names are valid keys");
    sessions
        .create(&NewSession {
            name: name.clone(),
            repo: std::path::absolute(&args.repo)?,
            agent: "opencode".into(),
            model: None,
            base: args.base.clone(),
            worktree: args.worktree,
        })
        .await?;
    let opts = TurnOptions {
        model: args.model.clone(),
        agent_mode: args.agent_mode.clone(),
        timeout: args.timeout,
        no_stream: args.no_stream,
        show_reasoning: args.show_reasoning,
        permissions: args.permissions,
        wait: false,
        keep_server: args.keep_server,
        text_from_stdin: from_stdin,
    };
    let result = run_turns(ctx, std::slice::from_ref(&name), &text, &opts).await;
    let changed = match &result {
        Ok((_, outcomes)) => outcomes
            .iter()
            .any(|o| o.changes.is_some_and(|c| c.files > 0)),
        Err(_) => false,
    };
    if args.worktree && changed {
        if let Ok(info) = sessions.get(name.as_str()).await
            && let Some(w) = &info.worktree
        {
            ctx.out.info(&format!(
                "changes kept in {} (session {name}: `boocoder session changes {name}`)",
                w.path
            ));
        }
    } else if let Err(e) = sessions.remove(&name, false).await {
        ctx.out
            .info(&format!("note: session {name} left in place: {e}"));
    }
    Ok(result?.0)
}
