//! `boocoder acp-host` (hidden): the kept ACP agent host, started by the
//! first command that needs the agent (see `agent::acp::host`).

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::acp::host::{HostArgs, serve};

#[derive(Debug, clap::Args)]
pub struct AcpHostArgs {
    /// The host's directory (record, socket, logs)
    #[arg(long)]
    pub dir: std::path::PathBuf,
    /// The agent's provider name
    #[arg(long)]
    pub agent: String,
    /// The settings fingerprint it was started for
    #[arg(long)]
    pub fingerprint: String,
    /// Seconds with no command attached before it stops (none: until `server stop`)
    #[arg(long)]
    pub idle_timeout: Option<u64>,
    /// The agent's launch command
    #[arg(last = true, required = true)]
    pub launch: Vec<String>,
}

/// Needs no config: the command that started it decided everything.
pub async fn run(a: &AcpHostArgs) -> Result<Exit> {
    let (program, args) = a.launch.split_first().expect("required");
    serve(HostArgs {
        dir: a.dir.clone(),
        agent: a.agent.clone(),
        fingerprint: a.fingerprint.clone(),
        idle_timeout: a
            .idle_timeout
            .map(|s| std::time::Duration::from_secs(s.max(1))),
        program: program.into(),
        args: args.to_vec(),
    })
    .await?;
    Ok(Exit::Ok)
}
