//! `boocoder server ...`: the recorded opencode server.

mod start;
mod status;
mod stop;

use anyhow::Result;
use boocoder::Exit;
use boocoder::opencode::ServerOptions;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Start a detached opencode server later commands reattach to (idempotent)
    Start(start::StartArgs),
    /// Is the recorded server running? Exit 0 when it is, 1 when not
    Status(status::StatusArgs),
    /// Stop the recorded server (graceful, then kill); exit 0 also when none ran
    Stop(stop::StopArgs),
}

pub async fn run(ctx: &Context, cmd: &ServerCommand) -> Result<Exit> {
    match cmd {
        ServerCommand::Start(a) => start::run(ctx, a).await,
        ServerCommand::Status(a) => status::run(ctx, a).await,
        ServerCommand::Stop(a) => stop::run(ctx, a).await,
    }
}

/// How to start a server under this config (llama-swap's models are asked
/// for only when a server is started).
pub fn server_options(ctx: &Context) -> ServerOptions {
    ServerOptions::from_config(&ctx.config)
}
