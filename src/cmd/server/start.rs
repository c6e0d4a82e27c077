//! `boocoder server start`

use anyhow::Result;
use boocoder::Exit;
use boocoder::opencode::{Origin, start_kept_server};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "The server listens on 127.0.0.1 only, behind a fresh random password \
(HTTP Basic auth), in its own process group. Its pid, URL, password and settings are recorded \
in <state dir>/server.json (mode 0600); commands reattach to it while it is alive and the \
settings (opencode binary, llama-swap URL, default model) are unchanged. Running `start` again \
prints the running server; two concurrent starts make one server."
)]
pub struct StartArgs {}

pub async fn run(ctx: &Context, _args: &StartArgs) -> Result<Exit> {
    let opts = super::server_options(ctx);
    let server = start_kept_server(&opts).await?;
    let rec = &server.record;
    let reused = server.origin == Origin::Reattached;
    if ctx.out.is_text() {
        let what = if reused { "already running" } else { "started" };
        ctx.out.stdout(&format!(
            "opencode server {what}: {} (pid {}, opencode {})\n",
            rec.url, rec.pid, rec.version
        ))?;
    } else {
        ctx.out.record(
            "server",
            &serde_json::json!({
                "running": true,
                "reused": reused,
                "url": rec.url,
                "pid": rec.pid,
                "port": rec.port,
                "version": rec.version,
                "started_at": rec.started_at,
                "log": rec.log,
            }),
        )?;
    }
    Ok(Exit::Ok)
}
