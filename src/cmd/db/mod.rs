//! `boocoder db ...`

mod migrate;
mod status;

use anyhow::Result;
use boocoder::Exit;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (every command also does this on first use)
    Migrate(migrate::MigrateArgs),
    /// Show the backend, the URL (password masked) and applied / pending migrations
    Status(status::StatusArgs),
}

pub async fn run(ctx: &Context, cmd: &DbCommand) -> Result<Exit> {
    match cmd {
        DbCommand::Migrate(a) => migrate::run(ctx, a).await,
        DbCommand::Status(a) => status::run(ctx, a).await,
    }
}
