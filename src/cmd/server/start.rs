//! `boocoder server start`

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::opencode::{Origin, start_kept_server};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "The server listens on 127.0.0.1 only, behind a fresh random password \
(HTTP Basic auth), in its own process group. Its pid, URL, password and settings are recorded \
in <state dir>/server.json (mode 0600); commands reattach to it while it is alive, answers, and \
was started with their settings (opencode binary, llama-swap URL, models fetch switch, HOME and \
opencode's config variables) and llama-swap's current model list. A command whose settings \
differ never stops it: it runs on a short-lived server of its own and says so on stderr. \
Running `start` again prints the running server; two concurrent starts make one server. \
A server a command kept itself (keep = \"auto\") is taken over: kept until `server stop`, \
or restarted with these settings when they differ and no command uses it. \
Exit 1 when a running server does not suit (other settings, a changed model list, or it does \
not answer): --restart replaces it, refused while turns run on it unless --force."
)]
pub struct StartArgs {
    /// Stop the running server first and start a new one (refused while turns run on it)
    #[arg(long)]
    pub restart: bool,
    /// With --restart: stop it even while turns run on it (they fail as server_lost)
    #[arg(long, requires = "restart")]
    pub force: bool,
}

pub async fn run(ctx: &Context, args: &StartArgs) -> Result<Exit> {
    let mut opts = super::server_options(ctx);
    // Started by name: it runs until `server stop`.
    opts.idle_timeout = None;
    if args.restart {
        super::refuse_if_busy(ctx, "restarting", args.force).await?;
    }
    let server = start_kept_server(&opts, args.restart).await?;
    let rec = &server.record;
    let reused = server.origin == Origin::Reattached;
    if let Some(n) = &server.notice {
        ctx.out.info(&format!("note: {n}"));
    }
    if ctx.out.is_text() {
        let what = if reused { "already running" } else { "started" };
        ctx.out.stdout(&format!(
            "opencode server {what}: {} (pid {}, opencode {})\n",
            rec.url, rec.pid, rec.version
        ))?;
    } else {
        ctx.out.record(
            "server",
            &StartRecord {
                running: true,
                reused,
                url: &rec.url,
                pid: rec.pid,
                port: rec.port,
                version: &rec.version,
                started_at: boocoder::timestamp::rfc3339(rec.started_at),
                log: &rec.log,
                models: &rec.models,
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `server` record of `server start`.
#[derive(serde::Serialize)]
struct StartRecord<'a> {
    running: bool,
    reused: bool,
    url: &'a str,
    pid: u32,
    port: u16,
    version: &'a str,
    started_at: String,
    log: &'a std::path::Path,
    models: &'a [String],
}
