//! `boocoder server status`

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::opencode::{ServerState, server_status};
use boocoder::util::now_ms;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit 0 when the recorded server is running and answers, 1 when none is or \
it does not answer (JSON: \"responding\": false, with its pid and \"silent_seconds\", how long \
it has not answered). It never sends a signal: `server stop` does. A record whose server is \
gone (or whose pid now belongs to another program) is cleared. \
`sessions_active` counts busy agent sessions in the directories boocoder knows (its sessions' \
repositories and worktrees)."
)]
pub struct StatusArgs {}

pub async fn run(ctx: &Context, _args: &StatusArgs) -> Result<Exit> {
    match server_status(&ctx.config.state_dir).await? {
        ServerState::NotRunning { cleared } => {
            if ctx.out.is_text() {
                if let Some(rec) = &cleared {
                    ctx.out.info(&format!(
                        "cleared the record of a server that is gone (pid {})",
                        rec.pid
                    ));
                }
                ctx.out.stdout("not running\n")?;
            } else {
                ctx.out.record(
                    "server",
                    &serde_json::json!({
                        "running": false,
                        "responding": false,
                        "stale_record_cleared": cleared.is_some(),
                    }),
                )?;
            }
            Ok(Exit::No)
        }
        ServerState::Unresponsive {
            record,
            last_answered,
        } => {
            let silent = (now_ms() - last_answered).max(0) / 1000;
            if ctx.out.is_text() {
                ctx.out.stdout(&format!(
                    "unresponsive: {}\npid: {}\nnot answered for: {silent} s\n",
                    record.url, record.pid
                ))?;
                ctx.out
                    .info("hint: `boocoder server stop --force` stops it; turns on it may be lost");
            } else {
                ctx.out.record(
                    "server",
                    &serde_json::json!({
                        "running": true,
                        "responding": false,
                        "url": record.url,
                        "pid": record.pid,
                        "port": record.port,
                        "started_at": record.started_at,
                        "last_answered_at": last_answered,
                        "silent_seconds": silent,
                    }),
                )?;
            }
            Ok(Exit::No)
        }
        ServerState::Running { record, health } => {
            let active = super::active_sessions(ctx, &record.url, &record.password).await;
            let uptime = (now_ms() - record.started_at).max(0) / 1000;
            if ctx.out.is_text() {
                let active = active.map_or("unknown".to_string(), |n| n.to_string());
                ctx.out.stdout(&format!(
                    "running: {}\npid: {}\nopencode: {}\nuptime: {uptime} s\nsessions active: {active}\n",
                    record.url, record.pid, health.version
                ))?;
            } else {
                ctx.out.record(
                    "server",
                    &serde_json::json!({
                        "running": true,
                        "responding": true,
                        "url": record.url,
                        "pid": record.pid,
                        "port": record.port,
                        "version": health.version,
                        "started_at": record.started_at,
                        "uptime_seconds": uptime,
                        "sessions_active": active,
                    }),
                )?;
            }
            Ok(Exit::Ok)
        }
    }
}
