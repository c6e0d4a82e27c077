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

/// How to start a server under this config: llama-swap's models are asked
/// for now (an unreachable llama-swap is a warning, not an error).
pub async fn server_options(ctx: &Context) -> ServerOptions {
    let mut models = Vec::new();
    if let Some(url) = &ctx.config.llama_swap_url {
        match boocoder::llama_swap::list_models(url, boocoder::llama_swap::MODELS_TIMEOUT).await {
            Ok(m) => models = m,
            Err(e) => tracing::warn!("{e}; opencode gets no llama-swap models"),
        }
    }
    ServerOptions::from_config(&ctx.config, models)
}
