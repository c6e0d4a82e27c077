//! `boocoder config path`: where the config file (and state) lives.

use anyhow::Result;
use boocoder::Exit;
use boocoder::config::mask_url_password;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Text output is the config file's path alone, for `$EDITOR \"$(boocoder \
config path)\"`. The file need not exist; defaults apply until it does."
)]
pub struct PathArgs {}

pub fn run(ctx: &Context, _args: &PathArgs) -> Result<Exit> {
    let cfg = &ctx.config;
    if ctx.out.is_text() {
        ctx.out
            .stdout(&format!("{}\n", cfg.config_file.display()))?;
    } else {
        ctx.out.record(
            "config_path",
            &PathRecord {
                config_file: &cfg.config_file,
                exists: cfg.config_file.is_file(),
                config_dir: &cfg.config_dir,
                data_dir: &cfg.data_dir,
                state_dir: &cfg.state_dir,
                database_url: mask_url_password(&cfg.database_url),
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `config_path` record.
#[derive(serde::Serialize)]
struct PathRecord<'a> {
    config_file: &'a std::path::Path,
    exists: bool,
    config_dir: &'a std::path::Path,
    data_dir: &'a std::path::Path,
    state_dir: &'a std::path::Path,
    database_url: String,
}
