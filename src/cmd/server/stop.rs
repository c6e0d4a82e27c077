//! `boocoder server stop`

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::acp::host::{StoppedAgent, kept_agents, stop_kept_agents};
use boocoder::agent::opencode::stop_server;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Sends TERM to the server's process group, waits up to 3 s, then KILL; \
clears the record. Exit 0 also when no server was running. Refused (exit 1) while agent turns \
run on it, or when it does not answer and so cannot say: --force stops it anyway. Kept ACP \
agents (`boocoder acp-host`) are stopped too, with their agents; refused while one runs a turn \
unless --force."
)]
pub struct StopArgs {
    /// Stop it even while turns run on it (they end as server_lost)
    #[arg(long)]
    pub force: bool,
}

pub async fn run(ctx: &Context, args: &StopArgs) -> Result<Exit> {
    let state_dir = &ctx.config.state_dir;
    if !args.force {
        let busy: Vec<String> = kept_agents(state_dir)
            .await
            .iter()
            .filter(|a| a.turns.unwrap_or(0) > 0)
            .map(|a| format!("{} (pid {})", a.agent, a.pid))
            .collect();
        if !busy.is_empty() {
            return Err(crate::cmd::output::CliError {
                exit: Exit::No,
                message: format!(
                    "not stopping: turns run on the kept agent {}",
                    busy.join(", ")
                ),
                hint: Some("wait for the turns to end, or pass --force to break them".into()),
            }
            .into());
        }
    }
    super::refuse_if_busy(ctx, "stopping", args.force).await?;
    let stopped = stop_server(state_dir).await?;
    let agents = stop_kept_agents(state_dir, args.force).await;
    if ctx.out.is_text() {
        for a in &agents {
            match &a.refused {
                None => ctx
                    .out
                    .stdout(&format!("stopped kept agent {} (pid {})\n", a.agent, a.pid))?,
                Some(why) => ctx.out.info(&format!(
                    "not stopped: kept agent {} (pid {}): {why}",
                    a.agent, a.pid
                )),
            }
        }
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
                agents,
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
    /// Kept ACP agents: `agent`, `pid`, `stopped`, `refused`.
    agents: Vec<StoppedAgent>,
}
