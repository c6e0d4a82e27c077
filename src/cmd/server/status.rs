//! `boocoder server status`

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use boocoder::opencode::{ServerState, server_status};
use boocoder::util::now_ms;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit 0 when the recorded server is running, 1 when none is. A record \
whose server is gone (or whose pid now belongs to another program) is cleared. \
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
                        "stale_record_cleared": cleared.is_some(),
                    }),
                )?;
            }
            Ok(Exit::No)
        }
        ServerState::Running { record, health } => {
            let active = active_sessions(ctx, &record.url, &record.password).await;
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

/// Busy sessions across the directories boocoder knows; None when the store
/// cannot say.
async fn active_sessions(ctx: &Context, url: &str, password: &str) -> Option<usize> {
    let store = ctx.store().await.ok()?;
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for w in store.list_worktrees(None).await.ok()? {
        dirs.insert(w.path.into());
    }
    for s in store.list_sessions().await.ok()? {
        dirs.insert(s.repo.into());
    }
    let client = boocoder::opencode::Client::new(url, password);
    let mut n = 0;
    for d in dirs.iter().filter(|d| d.is_dir()) {
        n += client.session_status(d).await.ok()?.len();
    }
    Some(n)
}
