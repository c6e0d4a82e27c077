//! The command layer: clap definitions, one module per subcommand (groups as
//! folders), the [`Context`] handed to every command, and error rendering.

mod acp_host;
mod completions;
mod config;
mod db;
mod doctor;
mod generate;
mod landing;
mod output;
mod printer;
mod probe;
mod prompt;
mod provider_table;
mod server;
mod session;
mod snapshot;
mod worktree;

use std::path::PathBuf;

use anyhow::Result;
use boocoder::config::{Config, Env, Overrides};
use boocoder::store::{Migrate, Store};
use boocoder::{Error, Exit};
use clap::{Args, CommandFactory, Parser, Subcommand};

pub use output::{ColorChoice, Format};
pub use printer::Printer;

const ABOUT: &str =
    "Drive local coding agents (opencode, ACP agents) from scripts, CI, cron and the terminal";

const LONG_ABOUT: &str = "\
Drive local coding agents (opencode first, then any agent that speaks ACP) from \
shell scripts, CI jobs, cron and the terminal.

State lives in a database: SQLite at <data dir>/boocoder.db by default, PostgreSQL \
when --db / BOOCODER_DATABASE_URL says postgres://. Configuration comes from flags, \
then environment variables, then <config dir>/config.toml, then defaults.

stdout carries data (text, or JSON with --format json|ndjson); stderr carries \
messages, progress and errors. JSON keys are snake_case, times RFC 3339 UTC strings \
(`*_at`), every ndjson line starts with \"type\" and \"ts\", and an error is \
{\"type\":\"error\",\"session\"?,\"kind\",\"message\",\"hint\"?,\"exit_code\"}.";

#[derive(Debug, Parser)]
#[command(
    name = "boocoder",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = exit_codes_help(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    /// [env: BOOCODER_DATABASE_URL] [default: sqlite://<data dir>/boocoder.db]
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,

    /// Config file [env: BOOCODER_CONFIG] [default: <config dir>/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format on stdout
    #[arg(
        long,
        global = true,
        value_enum,
        env = "BOOCODER_FORMAT",
        default_value_t = Format::Text,
        hide_env_values = true
    )]
    pub format: Format,

    /// Short for --format json
    #[arg(long, global = true)]
    pub json: bool,

    /// More messages on stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to color output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One-shot: one turn that edits the checkout (--worktree isolates it), the reply on stdout
    Prompt(prompt::PromptArgs),
    /// Sessions: a repository, an agent, a model and a worktree; prompt them turn by turn
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Session-keyed git worktrees: ensure, diff, list, remove, prune
    #[command(subcommand)]
    Worktree(worktree::WorktreeCommand),
    /// The opencode server: start one that later commands reattach to, status, stop
    #[command(subcommand)]
    Server(server::ServerCommand),
    /// Probe which agents are installed and which models they offer
    Probe(probe::ProbeArgs),
    /// The provider snapshot: cached, fast, for scripts and cron
    Snapshot(snapshot::SnapshotArgs),
    /// Show the effective configuration and where it comes from
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Inspect and migrate the state database
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Check what a turn needs (opencode, llama-swap, database, git, server, agents) and say how to fix it
    Doctor(doctor::DoctorArgs),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(completions::CompletionsArgs),
    /// Generate shell completions and man pages
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
    /// Keep an ACP agent between commands (started by boocoder itself)
    #[command(hide = true)]
    AcpHost(acp_host::AcpHostArgs),
}

fn exit_codes_help() -> String {
    Exit::help_table()
}

/// What every command gets: the merged config, the printer, and the store
/// (opened and migrated on first use).
pub struct Context {
    pub config: Config,
    /// The one writer of stdout and stderr.
    pub out: Printer,
    store: tokio::sync::OnceCell<Store>,
    /// Cancelled on SIGINT (Ctrl-C), SIGTERM or SIGHUP. A command that
    /// cleans up by itself (aborts the turn, releases the lease) sets
    /// `graceful` and gets a few seconds to return; any other command is
    /// dropped at once (its guards kill what it started).
    pub cancel: tokio_util::sync::CancellationToken,
    pub graceful: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// PATH and HOME of this process, read once: where agents' launch
    /// commands and their settings (`~/.qwen`, `~/.claude`) are found.
    pub env: boocoder::probe::ProbeEnv,
}

impl Context {
    /// The store, opened and migrated on first use.
    pub async fn store(&self) -> Result<&Store> {
        Ok(self
            .store
            .get_or_try_init(|| Store::open(&self.config.database_url, Migrate::Auto))
            .await?)
    }

    /// The store for a read-only command: opened (and migrated) when it
    /// exists, never created ([`boocoder::store::StoreError::NoDatabase`]).
    pub async fn existing_store(&self) -> Result<&Store> {
        Ok(self
            .store
            .get_or_try_init(|| Store::open_existing(&self.config.database_url))
            .await?)
    }
}

/// PATH and HOME of this process (HOME, when unset or empty, from the
/// system's record of the user).
fn process_env() -> boocoder::probe::ProbeEnv {
    boocoder::probe::ProbeEnv {
        path: std::env::var_os("PATH"),
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())),
        agent_vars: {
            let mut vars: Vec<(String, String)> = std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| {
                    boocoder::probe::AGENT_VAR_PREFIXES
                        .iter()
                        .any(|p| k.starts_with(p))
                })
                .collect();
            vars.sort();
            vars
        },
    }
}

/// Parse, run, render errors; returns the exit code.
pub fn main() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::clap_error(e),
    };
    let out = Printer::new(&cli.global);
    output::init_tracing(&cli.global, &out);
    let session = session_of(&cli.command);
    // A landing answers SIGINT, SIGTERM and SIGHUP itself: it stops before
    // it writes the checkout, or finishes (cmd/landing.rs).
    let lands = matches!(
        &cli.command,
        Command::Session(
            session::SessionCommand::Apply(_)
                | session::SessionCommand::Commit(_)
                | session::SessionCommand::Merge(_)
        )
    );

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&anyhow::Error::new(e).context("cannot start the async runtime"));
            return Exit::Runtime;
        }
    };
    let cancel = tokio_util::sync::CancellationToken::new();
    let graceful = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The supervisor of a kept server ignores these signals itself.
    let supervise = matches!(
        cli.command,
        Command::Server(server::ServerCommand::Supervise(_))
    );
    let signals = if supervise {
        None
    } else {
        match runtime.block_on(async { boocoder::util::signals::Signals::listen() }) {
            Ok(s) => Some(s),
            Err(e) => {
                out.error(&anyhow::Error::new(e).context("cannot catch signals"));
                return Exit::Runtime;
            }
        }
    };
    let result = runtime.block_on(async {
        let command = run(cli, &out, cancel.clone(), graceful.clone());
        if lands {
            return landing::run_deferring_signals(command, &cancel).await;
        }
        tokio::pin!(command);
        let Some(mut signals) = signals else {
            return command.await;
        };
        tokio::select! {
            r = &mut command => r,
            signal = signals.next() => {
                cancel.cancel();
                if graceful.load(std::sync::atomic::Ordering::SeqCst) {
                    // A moment to clean up (abort the turn, record it,
                    // release the lease, stop a short-lived server); a
                    // second signal ends it at once.
                    tokio::select! {
                        _ = tokio::time::timeout(std::time::Duration::from_secs(5), &mut command) => {}
                        _ = signals.next() => {}
                    }
                }
                Err(match signal {
                    libc::SIGINT => Error::Interrupted,
                    other => Error::Signalled(other),
                }
                .into())
            }
        }
    });
    // Do not wait for blocking tasks (a lock wait, a child's pipe) at exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(exit) => exit,
        Err(e) => out.error_in(session.as_deref(), &e),
    }
}

/// The one session a command is about, named in its error record.
fn session_of(command: &Command) -> Option<String> {
    use session::SessionCommand as S;
    use worktree::WorktreeCommand as W;
    let key = match command {
        Command::Session(c) => match c {
            S::New(a) => &a.name,
            S::Show(a) => &a.name,
            S::Rm(a) => &a.name,
            S::Changes(a) => &a.name,
            S::Log(a) => &a.name,
            S::Apply(a) => &a.name,
            S::Commit(a) => &a.name,
            S::Merge(a) => &a.name,
            S::List(_) | S::Prompt(_) => return None,
        },
        Command::Worktree(c) => match c {
            W::Ensure(a) => &a.session,
            W::Diff(a) => &a.session,
            W::Remove(a) => &a.session,
            W::List(_) | W::Prune(_) => return None,
        },
        _ => return None,
    };
    Some(key.to_string())
}

async fn run(
    cli: Cli,
    out: &Printer,
    cancel: tokio_util::sync::CancellationToken,
    graceful: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Exit> {
    if let Command::Generate(args) = &cli.command {
        // Needs no config: generating completions must work anywhere.
        return generate::run(args, Cli::command(), out);
    }
    if let Command::Completions(args) = &cli.command {
        return completions::run(args, Cli::command(), out);
    }
    if let Command::AcpHost(args) = &cli.command {
        return acp_host::run(args).await;
    }
    if let Command::Server(server::ServerCommand::Supervise(args)) = &cli.command {
        return server::supervise(args).await;
    }
    let overrides = Overrides {
        database_url: cli.global.db.clone(),
        config_file: cli.global.config.clone(),
    };
    let config = Config::load(&overrides, &Env::from_process())?;
    let ctx = Context {
        config,
        out: out.clone(),
        store: tokio::sync::OnceCell::new(),
        cancel,
        graceful,
        env: process_env(),
    };
    let exit = match &cli.command {
        Command::Config(c) => config::run(&ctx, c).await,
        Command::Db(c) => db::run(&ctx, c).await,
        Command::Server(c) => server::run(&ctx, c).await,
        Command::Session(c) => session::run(&ctx, c).await,
        Command::Prompt(a) => prompt::run(&ctx, a).await,
        Command::Worktree(c) => worktree::run(&ctx, c).await,
        Command::Probe(a) => probe::run(&ctx, a).await,
        Command::Snapshot(a) => snapshot::run(&ctx, a).await,
        Command::Doctor(a) => doctor::run(&ctx, a).await,
        Command::Generate(_) | Command::Completions(_) | Command::AcpHost(_) => {
            unreachable!("handled above")
        }
    };
    if let Some(store) = ctx.store.get() {
        store.close().await;
    }
    exit
}
