//! `boocoder server stop`

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::opencode::stop_server;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Sends TERM to the server's process group, waits up to 3 s, then KILL; \
clears the record. Exit 0 also when no server was running. Refused (exit 1) while agent turns \
run on it, or when it does not answer and so cannot say: --force stops it anyway."
)]
pub struct StopArgs {
    /// Stop it even while turns run on it (they end as server_lost)
    #[arg(long)]
    pub force: bool,
}

pub async fn run(ctx: &Context, args: &StopArgs) -> Result<Exit> {
    super::refuse_if_busy(ctx, "stopping", args.force).await?;
    let stopped = stop_server(&ctx.config.state_dir).await?;
    if ctx.out.is_text() {
        match &stopped {
            Some(rec) => ctx
                .out
                .stdout(&format!("stopped {} (pid {})\n", rec.url, rec.pid))?,
            None => ctx.out.stdout("no server was running\n")?,
        }
    } else {
        ctx.out.record(
            "server_stop",
            &StopRecord {
                stopped: stopped.is_some(),
                pid: stopped.as_ref().map(|r| r.pid),
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `server_stop` record.
#[derive(serde::Serialize)]
struct StopRecord {
    stopped: bool,
    pid: Option<u32>,
}
