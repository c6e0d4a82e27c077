//! `boocoder config ...`

mod path;
mod show;

use anyhow::Result;
use boocoder::Exit;
use clap::Subcommand;

use super::Context;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (secrets masked) and where each value came from
    Show(show::ShowArgs),
    /// Print the path of the config file (and, with --format json, every directory)
    Path(path::PathArgs),
}

pub async fn run(ctx: &Context, cmd: &ConfigCommand) -> Result<Exit> {
    match cmd {
        ConfigCommand::Show(a) => show::run(ctx, a),
        ConfigCommand::Path(a) => path::run(ctx, a),
    }
}
