//! `boocoder session prompt`: one turn on one or several sessions.

use std::sync::Arc;

use anyhow::Result;
use boocoder::session::{TurnOutcome, TurnPlan};
use boocoder::{Exit, SessionKey};
use clap::Args;

use super::render::{Renderer, outcome_exit, worse};
pub use super::turn_flags::{TurnFlags, TurnOptions, prompt_text};
use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "\
Text: the argument, or `-` to read it from stdin. Several sessions at once: \
`session prompt a b c -- TEXT` or `--session a --session b TEXT`; their turns run \
concurrently on one server and one event stream.

Output: text mode streams the reply to stdout (prefixed by session when there are \
several), tool activity and notices to stderr (reasoning too, dimmed, with \
--show-reasoning). --format ndjson prints one object per event: first {\"type\":\"start\",\
\"agent\",\"model\",\"worktree\"}, then {\"type\":\"text\",\"delta\"}, \
{\"type\":\"reasoning\",\"delta\"}, {\"type\":\"tool\",\"tool\",\"status\",\"title\"}, {\"type\":\"permission\",...}, {\"type\":\"notice\",...}, each with \"session\", \
then one final {\"type\":\"done\",\"session\",\"agent_session_id\",\"server_url\",\"model\",\
\"duration_ms\",\"tokens\",\"changes\":{\"files\",\"insertions\",\"deletions\"},\
\"changes_error\",\"turn_changes\":{\"files\",\"insertions\",\"deletions\"},\"turn_paths\"} \
(changes: the session's pending changes against its base, null without a worktree, or with \
changes_error set when they could not be recorded; turn_changes and turn_paths: what this turn \
changed where the agent works, its worktree or else the checkout, before the turn against \
after it, untracked files included) or \
{\"type\":\"error\",\"kind\",\"message\"} per session. ACP agents add {\"type\":\"plan\",\
\"entries\"} and a \"stop_reason\" (end_turn, max_tokens, refusal, cancelled, ...). \
--format json prints the final \
records only, with the full text.

A turn takes the session's lease: a second prompt on a busy session fails at once \
(exit 1) unless --wait. The server is the kept one when it runs with this command's \
settings; else, with [server] keep = \"auto\" (the default) outside CI, one started now and \
kept, which stops itself after idle_timeout_seconds (600) with no command attached; under CI \
(CI=true) or with keep = false, a short-lived one stopped at the end (--keep-server keeps it \
until `server stop`).

The model: --model, else the session's, else default_model (BOOCODER_DEFAULT_MODEL), \
else llama-swap's only model (said on stderr); with none of these and several or no \
llama-swap models the command stops before prompting (exit 2) and lists them. A turn's \
--model becomes the session's model for its later turns (`session show`).

Failures end the turn at once: a model llama-swap does not serve, llama-swap down \
(its retries are cut short when GET <LLAMA_SWAP_URL>/v1/models fails), no provider, \
refused credentials: recorded `failed`, exit 3, the cause in the message. A server \
process that dies mid-turn is seen within seconds: `server_lost`, exit 3. Agent errors \
show their first line; -v shows them whole (with opencode's stack trace).

ACP agents (qwen, gemini, claude, codex, goose, custom ones; opencode with \
[providers.opencode] turns = \"acp\") run in the session's worktree, one process per \
turn, killed when it ends; without a model they use their own default.

Exit codes: 0 done; 1 the turn failed (the agent reported an error, or stopped with \
max_tokens / refusal) or the session is busy or unknown; 2 bad input, an agent that \
cannot run turns, or no model can be chosen; 3 stalled (no event within the watchdog and \
still busy: aborted), the server was lost, the ACP agent crashed or is not installed, the \
model is unknown, or llama-swap or the provider failed, or the turn could not be recorded \
(a full disk: the path is named); 4 the agent needs a sign-in; 130 interrupted by Ctrl-C, 143 \
by SIGTERM, 129 by SIGHUP (the turn is aborted and recorded as interrupted; a second signal \
ends at once). The database keeps at most max_stored_bytes (1 MiB) of the reply and of the \
tool calls; the stream shows everything.")]
pub struct PromptArgs {
    /// SESSION [TEXT | -], or the text when the sessions come from --session
    #[arg(value_name = "ARGS")]
    pub args: Vec<String>,
    /// After `--`: the text, with every positional argument before it a session
    #[arg(last = true, value_name = "TEXT")]
    pub rest: Vec<String>,
    /// A session to prompt (repeatable)
    #[arg(long = "session", short = 's', value_name = "NAME", value_parser = SessionKey::parse)]
    pub sessions: Vec<SessionKey>,
    #[command(flatten)]
    pub turn: TurnFlags,
    /// Wait for a busy session's turn to end instead of failing
    #[arg(long)]
    pub wait: bool,
}

pub async fn run(ctx: &Context, args: &PromptArgs) -> Result<Exit> {
    let (names, text) = split_args(args)?;
    let (text, from_stdin) = prompt_text(&text)?;
    let opts = TurnOptions {
        flags: args.turn.clone(),
        wait: args.wait,
        text_from_stdin: from_stdin,
    };
    let (exit, _) = run_turns(ctx, &names, &text, &opts).await?;
    Ok(exit)
}

fn usage(message: &str) -> anyhow::Error {
    boocoder::Error::Usage {
        message: message.into(),
        hint: Some(
            "boocoder session prompt NAME \"TEXT\" (or `-` for stdin); several: NAME... -- TEXT"
                .into(),
        ),
    }
    .into()
}

/// Sessions and text from the three accepted shapes.
fn split_args(args: &PromptArgs) -> Result<(Vec<SessionKey>, String)> {
    let parse = |s: &String| {
        SessionKey::parse(s).map_err(|e| {
            anyhow::Error::from(boocoder::Error::from(
                boocoder::worktree::WorktreeError::from(e),
            ))
        })
    };
    let (names, text) = if !args.rest.is_empty() {
        let mut names: Vec<SessionKey> = args.args.iter().map(parse).collect::<Result<_>>()?;
        names.extend(args.sessions.iter().cloned());
        (names, args.rest.join(" "))
    } else if !args.sessions.is_empty() {
        (args.sessions.clone(), args.args.join(" "))
    } else {
        let Some((first, rest)) = args.args.split_first() else {
            return Err(usage("name a session and give the prompt text"));
        };
        (vec![parse(first)?], rest.join(" "))
    };
    if names.is_empty() {
        return Err(usage("name at least one session"));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = names.iter().find(|n| !seen.insert(n.as_str().to_string())) {
        return Err(usage(&format!("session {dup} is named twice")));
    }
    if text.trim().is_empty() {
        return Err(boocoder::Error::from(boocoder::session::TurnError::EmptyPrompt).into());
    }
    Ok((names, text))
}

/// Run one turn on each session concurrently (one library call), render as
/// the output format says; returns the exit code and outcomes.
pub async fn run_turns(
    ctx: &Context,
    names: &[SessionKey],
    text: &str,
    opts: &TurnOptions,
) -> Result<(Exit, Vec<TurnOutcome>)> {
    let store = ctx.store().await?;
    // On a terminal: a spinner until the first event (server start included).
    let waiting = Arc::new(ctx.out.waiting("waiting for the agent"));
    let plan = TurnPlan {
        sessions: names.to_vec(),
        text: text.to_string(),
        model: opts.flags.model.clone(),
        agent_mode: opts.flags.agent_mode.clone(),
        watchdog: opts.flags.timeout,
        permissions: opts.flags.permissions.clone(),
        wait: opts.wait,
        keep_server: opts.flags.keep_server,
        env: ctx.env.clone(),
        verbose: ctx.out.verbose > 0,
    };
    let render = Arc::new(Renderer::new(ctx, names.len() > 1, opts, waiting.clone()));
    let reporter = ctx
        .out
        .reporting()
        // Once ready, a signal (Ctrl-C, SIGTERM, SIGHUP) aborts the turns
        // and records them before exiting.
        .graceful_when_ready(ctx.graceful.clone())
        .showing_turns(render.clone())
        // The permission question, on a terminal (stdin not the text).
        .asking(ctx.out.can_ask(opts.text_from_stdin), waiting)
        .shared();
    let mut turns =
        boocoder::session::run_turns(store, &ctx.config, &ctx.cancel, &plan, reporter).await?;
    let mut exit = Exit::Ok;
    let mut outcomes = Vec::new();
    for (name, r) in names.iter().zip(std::mem::take(&mut turns.results)) {
        match r {
            Ok(o) => {
                render.finish(&o)?;
                exit = worse(exit, outcome_exit(&o));
                outcomes.push(o);
            }
            Err(e) => {
                let err = anyhow::Error::from(e);
                if names.len() == 1 {
                    return Err(err);
                }
                let (code, _) = crate::cmd::output::classify(&err);
                render.failed(name.as_str(), &err, code)?;
                exit = worse(exit, code);
            }
        }
    }
    if ctx.cancel.is_cancelled() {
        exit = Exit::Interrupted;
    }
    // A short-lived server stops here.
    drop(turns);
    render.check_written()?;
    Ok((exit, outcomes))
}
