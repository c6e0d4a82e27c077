//! `boocoder server ...`: the recorded opencode server.

mod start;
mod status;
mod stop;

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::opencode::ServerOptions;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Start a detached opencode server later commands reattach to (idempotent)
    Start(start::StartArgs),
    /// Is the recorded server running and answering (and which ACP agents are kept)? Exit 0 when it is, 1 when not
    Status(status::StatusArgs),
    /// Stop the recorded server and kept ACP agents (refused while turns run on them, unless --force)
    Stop(stop::StopArgs),
    /// Watch a self-kept server and stop it once idle (started by boocoder itself)
    #[command(hide = true)]
    Supervise(SuperviseArgs),
}

#[derive(Debug, clap::Args)]
pub struct SuperviseArgs {
    /// The server's pid (and process group)
    #[arg(long)]
    pub pid: u32,
    /// The state dir holding its record
    #[arg(long)]
    pub state_dir: std::path::PathBuf,
    /// Seconds with no command attached before it stops
    #[arg(long)]
    pub idle_timeout: u64,
}

pub async fn run(ctx: &Context, cmd: &ServerCommand) -> Result<Exit> {
    match cmd {
        ServerCommand::Start(a) => start::run(ctx, a).await,
        ServerCommand::Status(a) => status::run(ctx, a).await,
        ServerCommand::Stop(a) => stop::run(ctx, a).await,
        ServerCommand::Supervise(a) => supervise(a).await,
    }
}

/// `boocoder server supervise`: needs no config (one edited since the
/// server started must not leave it unwatched).
pub async fn supervise(a: &SuperviseArgs) -> Result<Exit> {
    let (dir, pid) = (a.state_dir.clone(), a.pid);
    let idle = std::time::Duration::from_secs(a.idle_timeout.max(1));
    boocoder::util::blocking(move || boocoder::agent::opencode::supervise(&dir, pid, idle))
        .await??;
    Ok(Exit::Ok)
}

/// How to start a server under this config (llama-swap's models are asked
/// for only when a server is started).
pub fn server_options(ctx: &Context) -> ServerOptions {
    ServerOptions::from_config(&ctx.config)
}

/// Busy agent sessions on a server (None when the store or the server
/// cannot say).
pub async fn active_sessions(ctx: &Context, url: &str, password: &str) -> Option<usize> {
    let store = ctx.store().await.ok()?;
    boocoder::agent::opencode::active_turns(store, url, password).await
}

/// Refuse to stop the recorded server while turns run on it (or when it
/// cannot say), unless `force`.
pub async fn refuse_if_busy(ctx: &Context, what: &str, force: bool) -> Result<()> {
    use boocoder::agent::opencode::ServerState;
    if force {
        return Ok(());
    }
    let busy = match boocoder::agent::opencode::server_status(&ctx.config.state_dir).await? {
        ServerState::NotRunning { .. } => return Ok(()),
        ServerState::Running { record, .. } => {
            match active_sessions(ctx, &record.url, &record.password).await {
                Some(0) => return Ok(()),
                Some(n) => format!(
                    "{n} agent turn{} running on the kept server (pid {})",
                    if n == 1 { " is" } else { "s are" },
                    record.pid
                ),
                None => format!(
                    "cannot tell whether turns run on the kept server (pid {})",
                    record.pid
                ),
            }
        }
        ServerState::Unresponsive { record, .. } => format!(
            "the kept server (pid {}) does not answer, so it cannot say whether turns run on it",
            record.pid
        ),
    };
    Err(crate::cmd::output::CliError {
        exit: Exit::No,
        message: format!("not {what}: {busy}"),
        hint: Some("wait for the turns to end, or pass --force to break them".into()),
    }
    .into())
}
