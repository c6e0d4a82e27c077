//! `boocoder session prompt`: one turn on one or several sessions.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use boocoder::agent::acp::{AcpTurns, TurnBackend, turn_backend};
use boocoder::agent::opencode::{Client, EventHub, Origin, Server, ensure_server, read_state};
use boocoder::agent::{AgentEvent, PermissionReply};
use boocoder::probe::ProbeEnv;
use boocoder::session::{
    PermissionPolicy, SessionError, TurnEvent, TurnOutcome, TurnRequest, TurnRunner, TurnStatus,
    default_model,
};
use boocoder::{Exit, SessionKey};
use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use boocoder::util::plural;

use crate::cmd::spinner::Waiting;
use crate::cmd::{Context, Format};

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
\"changes_error\",\"turn_changes\":{\"files\",\"insertions\",\"deletions\"}} (changes: the \
session's pending changes against its base, null with changes_error set when they could not be \
recorded; turn_changes: what this turn changed, the worktree before the turn against after it, \
untracked files included; both null without a worktree) or \
{\"type\":\"error\",\"kind\",\"message\"} per session. ACP agents add {\"type\":\"plan\",\
\"entries\"} and a \"stop_reason\" (end_turn, max_tokens, refusal, cancelled, ...). \
--format json prints the final \
records only, with the full text.

A turn takes the session's lease: a second prompt on a busy session fails at once \
(exit 1) unless --wait. The server is the one `boocoder server start` left running, \
else a short-lived one stopped at the end (--keep-server leaves it running).

The model: --model, else the session's, else default_model (BOOCODER_DEFAULT_MODEL), \
else llama-swap's only model (said on stderr); with none of these and several or no \
llama-swap models the command stops before prompting (exit 2) and lists them.

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
model is unknown, or llama-swap or the provider failed; 4 the agent needs a sign-in; 130 \
interrupted (the turn is aborted and recorded as interrupted).")]
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

/// The flags of a turn, shared by `session prompt` and `prompt`.
#[derive(Debug, Clone, Args)]
pub struct TurnFlags {
    /// The model for this turn [default: the session's, else default_model]
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// The agent's mode (opencode: build, plan, ...)
    #[arg(long, value_name = "MODE")]
    pub agent_mode: Option<String>,
    /// Watchdog: no event for this long -> reconcile, abort if still busy (e.g. 90s, 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Permissions {
    Ask,
    Allow,
    Deny,
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = boocoder::worktree::parse_age(s)?;
    if d.is_zero() {
        return Err("the timeout must be at least 1 second".into());
    }
    Ok(d)
}

/// What a turn invocation needs beyond the sessions and the text.
pub struct TurnOptions {
    pub flags: TurnFlags,
    pub wait: bool,
    /// The prompt came from stdin: permissions cannot be asked there.
    pub text_from_stdin: bool,
}

/// The prompt text: the argument, or stdin for `-` (then says so).
pub fn prompt_text(arg: &str) -> Result<(String, bool)> {
    if arg != "-" {
        return Ok((arg.to_string(), false));
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok((s, true))
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
        return Err(boocoder::Error::from(SessionError::EmptyPrompt).into());
    }
    Ok((names, text))
}

/// Run one turn on each session concurrently (one server, one stream),
/// render as the output format says; returns the exit code and outcomes.
pub async fn run_turns(
    ctx: &Context,
    names: &[SessionKey],
    text: &str,
    opts: &TurnOptions,
) -> Result<(Exit, Vec<TurnOutcome>)> {
    let store = ctx.store().await?;
    // Fail fast on unknown sessions, agents and an undecidable model, before
    // any server starts: a turn never falls back to opencode's own default model.
    let mut backends = Vec::new();
    let mut models: HashMap<String, Option<String>> = HashMap::new();
    let mut default: Option<String> = None;
    for n in names {
        let Some(session) = store.get_session(n.as_str()).await? else {
            return Err(boocoder::Error::from(SessionError::NotFound(n.to_string())).into());
        };
        let backend = turn_backend(&ctx.config, &session.agent)?;
        let named = opts
            .flags
            .model
            .clone()
            .or(session.model)
            .filter(|m| !m.trim().is_empty());
        let model = match (named, &backend) {
            (Some(m), _) => Some(m),
            // An ACP agent without a model keeps its own default.
            (None, TurnBackend::Acp(_)) => None,
            (None, TurnBackend::OpencodeServer) => match &default {
                Some(m) => Some(m.clone()),
                None => {
                    let (m, notice) = default_model(&ctx.config).await?;
                    if let Some(notice) = notice {
                        ctx.out.info(&format!("note: {notice}"));
                    }
                    default = Some(m.clone());
                    Some(m)
                }
            },
        };
        models.insert(n.to_string(), model);
        backends.push(backend);
    }
    // On a terminal: a spinner until the first event (server start included).
    let waiting = Arc::new(Waiting::start(ctx, "waiting for the agent"));
    let acp = AcpTurns {
        store,
        config: &ctx.config,
        env: probe_env(),
        cancel: ctx.cancel.clone(),
    };
    let opencode = if backends.contains(&TurnBackend::OpencodeServer) {
        Some(start_opencode(ctx, opts).await?)
    } else {
        None
    };
    let runner = opencode.as_ref().map(|(server, hub)| TurnRunner {
        store,
        config: &ctx.config,
        server,
        hub,
        llama_swap_models: tokio::sync::OnceCell::new(),
        cancel: ctx.cancel.clone(),
        verbose: ctx.out.verbose > 0,
    });
    let policy = permission_policy(opts, waiting.clone());
    // From here a Ctrl-C aborts the turns and records them before exiting.
    ctx.graceful
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let render = Arc::new(Renderer::new(ctx, names.len() > 1, opts, waiting));
    let turns = names.iter().zip(&backends).map(|(name, backend)| {
        let req = TurnRequest {
            session: name.clone(),
            text: text.to_string(),
            model: models.get(name.as_str()).cloned().flatten(),
            agent_mode: opts.flags.agent_mode.clone(),
            watchdog: opts.flags.timeout.unwrap_or(ctx.config.watchdog),
            permissions: policy.clone(),
            wait: opts.wait,
        };
        let render = render.clone();
        let (runner, acp) = (runner.as_ref(), &acp);
        async move {
            let session = req.session.to_string();
            let sink = move |e: TurnEvent| render.event(&session, e);
            match (backend, runner) {
                (TurnBackend::Acp(b), _) => acp.run(&req, b, &sink).await,
                (TurnBackend::OpencodeServer, Some(runner)) => runner.run(&req, &sink).await,
                (TurnBackend::OpencodeServer, None) => {
                    unreachable!("the server starts for opencode sessions")
                }
            }
        }
    });
    let results = futures_util::future::join_all(turns).await;
    drop(runner);
    let server = opencode.map(|(server, hub)| {
        drop(hub);
        server
    });
    let mut exit = Exit::Ok;
    let mut outcomes = Vec::new();
    for (name, r) in names.iter().zip(results) {
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
    drop(server);
    render.check_written()?;
    Ok((exit, outcomes))
}

/// PATH as this process has it, to find ACP agents' launch commands.
pub fn probe_env() -> ProbeEnv {
    ProbeEnv {
        path: std::env::var_os("PATH"),
        home: std::env::var_os("HOME").map(std::path::PathBuf::from),
    }
}

/// The opencode server (recorded, else short-lived) and its event stream.
async fn start_opencode(ctx: &Context, opts: &TurnOptions) -> Result<(Server, EventHub)> {
    let server_opts = crate::cmd::server::server_options(ctx);
    let keep = opts.flags.keep_server || ctx.config.server.keep;
    let stream_timeout = ctx.config.server.stream_timeout;
    // Connect the event stream of the recorded server while its health is
    // checked: when it is reused, the stream is ready.
    let recorded = read_state(&ctx.config.state_dir).ok().flatten();
    let early_hub = async {
        match &recorded {
            Some(r) => EventHub::connect(Client::new(&r.url, &r.password), stream_timeout)
                .await
                .ok(),
            None => None,
        }
    };
    let (server, early_hub) = tokio::join!(ensure_server(&server_opts, keep), early_hub);
    let server = server?;
    tracing::info!(url = %server.record.url, origin = ?server.origin, "opencode server");
    if let Some(n) = &server.notice {
        ctx.out.info(&format!("note: {n}"));
    }
    let hub = match early_hub {
        Some(hub)
            if server.origin == Origin::Reattached
                && recorded
                    .as_ref()
                    .is_some_and(|r| r.url == server.record.url) =>
        {
            hub
        }
        _ => EventHub::connect(server.client(), stream_timeout).await?,
    };
    Ok((server, hub))
}

fn outcome_exit(o: &TurnOutcome) -> Exit {
    match o.status {
        TurnStatus::Done => Exit::Ok,
        TurnStatus::Failed if o.setup_error => Exit::Runtime,
        TurnStatus::Failed => Exit::No,
        TurnStatus::Stalled | TurnStatus::ServerLost | TurnStatus::Crashed => Exit::Runtime,
        TurnStatus::Interrupted => Exit::Interrupted,
    }
}

fn worse(a: Exit, b: Exit) -> Exit {
    let rank = |e: Exit| match e {
        Exit::Ok => 0,
        Exit::No => 1,
        Exit::Usage => 2,
        Exit::Runtime => 3,
        Exit::Auth => 4,
        Exit::Interrupted => 5,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn permission_policy(opts: &TurnOptions, waiting: Arc<Waiting>) -> PermissionPolicy {
    let ask = Arc::new(move |session: &str, e: &AgentEvent| {
        waiting.stop();
        ask(session, e)
    });
    let interactive =
        !opts.text_from_stdin && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    match opts.flags.permissions {
        Some(Permissions::Allow) => PermissionPolicy::Allow,
        Some(Permissions::Deny) => PermissionPolicy::Deny,
        Some(Permissions::Ask) if interactive => PermissionPolicy::Ask(ask),
        None if interactive => PermissionPolicy::Ask(ask),
        _ => PermissionPolicy::Deny,
    }
}

/// Ask on the terminal (stderr + stdin).
fn ask(session: &str, e: &AgentEvent) -> PermissionReply {
    let AgentEvent::Permission {
        permission,
        patterns,
        ..
    } = e
    else {
        return PermissionReply::Reject;
    };
    eprint!(
        "[{session}] the agent asks for `{permission}` on {}: allow? [y]es once / [a]lways / [N]o: ",
        patterns.join(", ")
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return PermissionReply::Reject;
    }
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => PermissionReply::Once,
        "a" | "always" => PermissionReply::Always,
        _ => PermissionReply::Reject,
    }
}

/// Whether stdout and stderr are the same file or pipe (`2>&1`): a reader
/// sees them interleaved, as on a terminal.
fn stdout_is_stderr() -> bool {
    let id = |fd: i32| {
        // SAFETY: fstat fills the zeroed struct or fails.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        (unsafe { libc::fstat(fd, &mut st) } == 0).then_some((st.st_dev, st.st_ino))
    };
    matches!((id(1), id(2)), (Some(a), Some(b)) if a == b)
}

/// Renders turn events as they come, for one or several sessions.
struct Renderer {
    format: Format,
    quiet: bool,
    multi: bool,
    no_stream: bool,
    show_reasoning: bool,
    dim: bool,
    /// Partial lines per session (text mode with several sessions).
    lines: Mutex<HashMap<String, String>>,
    /// Whether the last text written to stdout ended a line (single session).
    open_line: Mutex<bool>,
    /// Reasoning was written to stderr without a line end yet.
    open_reasoning: Mutex<bool>,
    /// The first failed write to stdout (the exit is then not 0).
    write_error: Mutex<Option<std::io::Error>>,
    /// stdout is a terminal (or the same pipe as stderr): a line of text is
    /// ended before a stderr line so that the two never run into each other.
    stdout_tty: bool,
    /// The spinner shown until the first event.
    waiting: Arc<Waiting>,
}

impl Renderer {
    fn new(ctx: &Context, multi: bool, opts: &TurnOptions, waiting: Arc<Waiting>) -> Renderer {
        Renderer {
            format: ctx.out.format,
            quiet: ctx.out.quiet,
            multi,
            no_stream: opts.flags.no_stream,
            show_reasoning: opts.flags.show_reasoning,
            dim: ctx.out.color_stderr,
            lines: Mutex::new(HashMap::new()),
            open_line: Mutex::new(false),
            open_reasoning: Mutex::new(false),
            write_error: Mutex::new(None),
            stdout_tty: std::io::stdout().is_terminal() || stdout_is_stderr(),
            waiting,
        }
    }

    /// Before a line on stderr: end the text line open on a terminal.
    fn break_text_line(&self) {
        if !self.multi
            && self.stdout_tty
            && std::mem::take(&mut *self.open_line.lock().expect("line"))
        {
            self.out("\n");
        }
    }

    fn out(&self, s: &str) {
        self.waiting.stop();
        let mut failed = self.write_error.lock().expect("write error");
        if failed.is_some() {
            return;
        }
        if let Err(e) = crate::cmd::output::write_stdout(s) {
            *failed = Some(e);
        }
    }

    /// Err when a write to stdout failed.
    fn check_written(&self) -> Result<()> {
        match self.write_error.lock().expect("write error").take() {
            Some(e) => Err(crate::cmd::output::stdout_error(&e).into()),
            None => Ok(()),
        }
    }

    fn err(&self, session: &str, s: &str) {
        if self.quiet {
            return;
        }
        self.waiting.stop();
        self.break_text_line();
        let prefix = if self.multi {
            format!("[{session}] ")
        } else {
            String::new()
        };
        eprintln!("{prefix}{s}");
    }

    fn event(&self, session: &str, e: TurnEvent) {
        if self.format == Format::Ndjson {
            let mut v = serde_json::to_value(&e).unwrap_or(Value::Null);
            match e {
                TurnEvent::Notice { .. } => v["type"] = json!("notice"),
                TurnEvent::Start { .. } => v["type"] = json!("start"),
                TurnEvent::Agent(_) => {}
            }
            if let Some(obj) = v.as_object_mut() {
                obj.remove("part_id");
                obj.insert("session".into(), json!(session));
            }
            // Idle and step ends are internal to the turn.
            if !matches!(v["type"].as_str(), Some("idle" | "step_finish" | "status")) {
                self.out(&format!("{v}\n"));
            }
            return;
        }
        if !matches!(e, TurnEvent::Agent(AgentEvent::Reasoning { .. }))
            && std::mem::take(&mut *self.open_reasoning.lock().expect("reasoning"))
        {
            eprintln!();
        }
        if self.format == Format::Json {
            // Only the final document goes to stdout; notices are talk.
            if let TurnEvent::Notice { notice } = e {
                self.err(session, &format!("note: {notice}"));
            }
            return;
        }
        match e {
            TurnEvent::Agent(AgentEvent::Text { delta, .. }) => {
                if self.no_stream {
                    return;
                }
                if self.multi {
                    let mut lines = self.lines.lock().expect("lines");
                    let buf = lines.entry(session.to_string()).or_default();
                    buf.push_str(&delta);
                    while let Some(i) = buf.find('\n') {
                        let line: String = buf.drain(..=i).collect();
                        self.out(&format!("[{session}] {line}"));
                    }
                } else {
                    *self.open_line.lock().expect("line") = !delta.ends_with('\n');
                    self.out(&delta);
                }
            }
            TurnEvent::Agent(AgentEvent::Reasoning { delta, .. })
                if self.show_reasoning && !self.quiet =>
            {
                self.waiting.stop();
                self.break_text_line();
                let (a, b) = if self.dim {
                    ("\x1b[2m", "\x1b[0m")
                } else {
                    ("", "")
                };
                eprint!("{a}{delta}{b}");
                *self.open_reasoning.lock().expect("reasoning") = !delta.ends_with('\n');
            }
            TurnEvent::Agent(AgentEvent::Tool {
                tool,
                status,
                title,
                input,
                error,
                ..
            }) => {
                if status == "pending" {
                    return;
                }
                let what = title.or(input).unwrap_or_default();
                let err = error.map(|e| format!(": {e}")).unwrap_or_default();
                self.err(session, &format!("· {tool} {what} [{status}]{err}"));
            }
            TurnEvent::Agent(AgentEvent::Status { status, message }) if status == "retry" => {
                self.err(
                    session,
                    &format!("· retrying: {}", message.unwrap_or_default()),
                );
            }
            TurnEvent::Agent(AgentEvent::Error { name, message }) => {
                self.err(session, &format!("agent error: {name}: {message}"));
            }
            TurnEvent::Agent(AgentEvent::Permission {
                permission,
                patterns,
                ..
            }) => {
                self.err(
                    session,
                    &format!("permission asked: {permission} {}", patterns.join(", ")),
                );
            }
            TurnEvent::Agent(AgentEvent::Plan { entries }) => {
                let steps: Vec<String> = entries
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        let mark = match e["status"].as_str() {
                            Some("completed") => "x",
                            Some("in_progress") => "~",
                            _ => " ",
                        };
                        format!("[{mark}] {}", e["content"].as_str().unwrap_or_default())
                    })
                    .collect();
                self.err(session, &format!("· plan: {}", steps.join("; ")));
            }
            TurnEvent::Notice { notice } => self.err(session, &format!("note: {notice}")),
            _ => {}
        }
    }

    fn done_record(o: &TurnOutcome) -> Value {
        json!({
            "type": "done",
            "session": o.session,
            "agent_session_id": o.agent_session_id,
            "server_url": o.server_url,
            "model": o.model,
            "duration_ms": o.duration_ms,
            "tokens": o.tokens,
            "changes": o.changes,
            "changes_error": o.changes_error,
            "turn_changes": o.turn_changes,
        })
    }

    fn finish(&self, o: &TurnOutcome) -> Result<()> {
        self.waiting.stop();
        let mut record = match o.status {
            TurnStatus::Done => Self::done_record(o),
            status => json!({
                "type": "error",
                "session": o.session,
                "kind": status.as_str(),
                "message": o.error.clone().unwrap_or_else(|| status.as_str().to_string()),
                "agent_session_id": o.agent_session_id,
                "duration_ms": o.duration_ms,
            }),
        };
        // ACP turns say why the agent stopped.
        if let (Some(reason), Some(obj)) = (&o.stop_reason, record.as_object_mut()) {
            obj.insert("stop_reason".into(), json!(reason));
        }
        match self.format {
            Format::Ndjson => self.out(&format!("{record}\n")),
            Format::Json => {
                let mut r = record;
                r["text"] = json!(o.text);
                if o.status != TurnStatus::Done {
                    r["changes"] = json!(o.changes);
                }
                self.out(&format!("{}\n", serde_json::to_string_pretty(&r)?));
            }
            Format::Text => {
                if self.no_stream {
                    if self.multi {
                        for line in o.text.lines() {
                            self.out(&format!("[{}] {line}\n", o.session));
                        }
                    } else {
                        self.out(&o.text);
                        if !o.text.ends_with('\n') {
                            self.out("\n");
                        }
                    }
                } else if self.multi {
                    let rest = self
                        .lines
                        .lock()
                        .expect("lines")
                        .remove(&o.session)
                        .unwrap_or_default();
                    if !rest.is_empty() {
                        self.out(&format!("[{}] {rest}\n", o.session));
                    }
                } else if std::mem::take(&mut *self.open_line.lock().expect("line")) {
                    self.out("\n");
                }
                let changes = o
                    .changes
                    .map(|c| {
                        format!(
                            ", {} changed (+{} -{})",
                            plural(c.files, "file"),
                            c.insertions,
                            c.deletions
                        )
                    })
                    .or_else(|| {
                        o.changes_error
                            .as_ref()
                            .map(|_| ", changes not recorded".to_string())
                    })
                    .unwrap_or_default();
                let this_turn = o
                    .turn_changes
                    .map(|c| {
                        format!(
                            ", this turn {} (+{} -{})",
                            plural(c.files as usize, "file"),
                            c.insertions,
                            c.deletions
                        )
                    })
                    .unwrap_or_default();
                let summary = format!(
                    "{} in {:.1} s, {} out{changes}{this_turn}",
                    o.status.as_str(),
                    o.duration_ms as f64 / 1000.0,
                    plural(o.tokens.output as usize, "token")
                );
                match (&o.status, &o.error) {
                    (TurnStatus::Done, _) => self.err(&o.session, &summary),
                    (_, Some(e)) => self.err(&o.session, &format!("{summary}: {e}")),
                    _ => self.err(&o.session, &summary),
                }
            }
        }
        Ok(())
    }

    fn failed(&self, session: &str, err: &anyhow::Error, code: Exit) -> Result<()> {
        self.waiting.stop();
        let message = format!("{err:#}");
        match self.format {
            Format::Text => self.err(session, &format!("error: {message}")),
            _ => self.out(&format!(
                "{}\n",
                json!({"type": "error", "session": session, "kind": code.kind(), "message": message})
            )),
        }
        Ok(())
    }
}
