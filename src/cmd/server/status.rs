//! `boocoder server status`

use anyhow::Result;
use boocoder::Exit;
use boocoder::agent::acp::host::{KeptAgent, kept_agents};
use boocoder::agent::opencode::{
    Health, ServerRecord, ServerState, attached, server_status, stops_at, supervisor_running,
};
use boocoder::timestamp::now_ms;
use boocoder::timestamp::rfc3339;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit 0 when the recorded server is running and answers, 1 when none is or \
it does not answer (JSON: \"responding\": false, with its pid and \"silent_seconds\", how long \
it has not answered). It never sends a signal: `server stop` does. A record whose server is \
gone (or whose pid now belongs to another program) is cleared. \
`sessions_active` counts busy agent sessions in the directories boocoder knows (its sessions' \
repositories and worktrees). A server a command started under keep = \"auto\" stops itself \
after `idle_timeout_seconds` with no boocoder command attached: `idle_timeout_seconds`, \
`attached` (a command uses it now), `stops_at` (RFC 3339 UTC; null while attached or for a server \
kept until `server stop`) and `stops_in_seconds` say when; `supervisor_running` false (text: \
\"stops: not by itself\") means its idle supervisor is gone and nothing stops it until a command \
uses it again (which starts a new one) or `server stop`. Kept ACP agents follow (JSON `agents`: \
`agent`, `pid`, `agent_pid`, `sessions_loaded`, `attached`, `turns`, `idle_timeout_seconds`, \
`stops_at`, `stops_in_seconds`)."
)]
pub struct StatusArgs {}

pub async fn run(ctx: &Context, _args: &StatusArgs) -> Result<Exit> {
    let agents: Vec<AgentView> = kept_agents(&ctx.config.state_dir)
        .await
        .into_iter()
        .map(AgentView::from)
        .collect();
    let text: String = agents.iter().map(AgentView::line).collect();
    let exit = server(ctx, agents).await?;
    if ctx.out.is_text() {
        ctx.out.stdout(&text)?;
    }
    Ok(exit)
}

async fn server(ctx: &Context, agents: Vec<AgentView>) -> Result<Exit> {
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
                    &StatusRecord {
                        running: false,
                        responding: false,
                        stale_record_cleared: Some(cleared.is_some()),
                        agents: agents.clone(),
                        ..StatusRecord::default()
                    },
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
                    &StatusRecord {
                        running: true,
                        responding: false,
                        url: Some(record.url),
                        pid: Some(record.pid),
                        port: Some(record.port),
                        started_at: Some(rfc3339(record.started_at)),
                        last_answered_at: Some(rfc3339(last_answered)),
                        silent_seconds: Some(silent),
                        agents: agents.clone(),
                        ..StatusRecord::default()
                    },
                )?;
            }
            Ok(Exit::No)
        }
        ServerState::Running { record, health } => running(ctx, record, health, agents).await,
    }
}

/// A running server that answers: its URL, version, uptime, active
/// sessions and when it stops.
async fn running(
    ctx: &Context,
    record: ServerRecord,
    health: Health,
    agents: Vec<AgentView>,
) -> Result<Exit> {
    let active = super::active_sessions(ctx, &record.url, &record.password).await;
    let uptime = (now_ms() - record.started_at).max(0) / 1000;
    let state_dir = &ctx.config.state_dir;
    let attached = attached(state_dir);
    let supervised = supervisor_running(&record);
    // A dead supervisor stops nothing: no idle stop is scheduled.
    let stops_at = stops_at(state_dir, &record).filter(|_| supervised != Some(false));
    let stops_in = stops_at.map(|t| (t - now_ms()).max(0) / 1000);
    if ctx.out.is_text() {
        let active = active.map_or("unknown".to_string(), |n| n.to_string());
        let stops = match (record.idle_timeout_seconds, stops_in) {
            (None, _) => "on `boocoder server stop`".to_string(),
            (Some(_), _) if supervised == Some(false) => {
                "not by itself: its idle supervisor is gone (the next command that uses it \
                 starts a new one; `boocoder server stop` stops it)"
                    .to_string()
            }
            (Some(idle), None) => {
                format!("{idle} s after the last attached command ends (one is attached)")
            }
            (Some(idle), Some(s)) => {
                format!("in {s} s ({idle} s with no command attached)")
            }
        };
        ctx.out.stdout(&format!(
            "running: {}\npid: {}\nopencode: {}\nuptime: {uptime} s\nsessions active: {active}\n\
             idle timeout: {}\nstops: {stops}\n",
            record.url,
            record.pid,
            health.version,
            record
                .idle_timeout_seconds
                .map_or("none (kept until stopped)".to_string(), |s| format!(
                    "{s} s"
                )),
        ))?;
    } else {
        ctx.out.record(
            "server",
            &StatusRecord {
                running: true,
                responding: true,
                url: Some(record.url),
                pid: Some(record.pid),
                port: Some(record.port),
                version: Some(health.version),
                started_at: Some(rfc3339(record.started_at)),
                uptime_seconds: Some(uptime),
                sessions_active: Some(active),
                idle_timeout_seconds: record.idle_timeout_seconds,
                attached: Some(attached),
                supervisor_running: supervised,
                stops_at: Some(stops_at.map(rfc3339)),
                stops_in_seconds: Some(stops_in),
                agents: agents.clone(),
                ..StatusRecord::default()
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `server` record of `server status`: the fields of the state it is in
/// (the others are left out).
#[derive(Default, serde::Serialize)]
struct StatusRecord {
    running: bool,
    responding: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_record_cleared: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_answered_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    silent_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uptime_seconds: Option<i64>,
    /// `null` when the server could not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    sessions_active: Option<Option<usize>>,
    /// Stops after this long with no command attached (`null`: kept until
    /// `server stop`).
    #[serde(skip_serializing_if = "Option::is_none")]
    idle_timeout_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attached: Option<bool>,
    /// Whether the idle supervisor of a server with an idle timeout runs
    /// (false: nothing stops it by itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    supervisor_running: Option<bool>,
    /// When the idle timeout stops it (`null`: not scheduled).
    #[serde(skip_serializing_if = "Option::is_none")]
    stops_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stops_in_seconds: Option<Option<i64>>,
    /// Kept ACP agents (`boocoder acp-host`).
    agents: Vec<AgentView>,
}

/// A kept ACP agent in `server status`.
#[derive(Debug, Clone, serde::Serialize)]
struct AgentView {
    agent: String,
    pid: u32,
    agent_pid: Option<u32>,
    launch: Vec<String>,
    started_at: String,
    responding: bool,
    sessions_loaded: Option<u64>,
    attached: Option<u64>,
    turns: Option<u64>,
    idle_timeout_seconds: Option<u64>,
    stops_at: Option<String>,
    stops_in_seconds: Option<i64>,
}

impl From<KeptAgent> for AgentView {
    fn from(a: KeptAgent) -> AgentView {
        AgentView {
            agent: a.agent,
            pid: a.pid,
            agent_pid: a.agent_pid,
            launch: a.launch,
            started_at: rfc3339(a.started_at),
            responding: a.answering,
            sessions_loaded: a.sessions_loaded,
            attached: a.attached,
            turns: a.turns,
            idle_timeout_seconds: a.idle_timeout_seconds,
            stops_at: a.stops_at.map(rfc3339),
            stops_in_seconds: a.stops_at.map(|t| (t - now_ms()).max(0) / 1000),
        }
    }
}

impl AgentView {
    /// `kept agent qwen: pid 12, agent pid 13, 2 sessions loaded, stops in 590 s`
    fn line(&self) -> String {
        let n = |v: Option<u64>| v.map_or("?".to_string(), |n| n.to_string());
        let stops = match (self.idle_timeout_seconds, self.stops_in_seconds) {
            (None, _) => "kept until `server stop`".to_string(),
            (Some(_), None) if !self.responding => "not answering".to_string(),
            (Some(idle), None) => format!("stops {idle} s after the last attached command ends"),
            (Some(_), Some(s)) => format!("stops in {s} s"),
        };
        format!(
            "kept agent {}: pid {}, agent pid {}, sessions loaded {}, commands attached {}, {stops}\n",
            self.agent,
            self.pid,
            self.agent_pid.map_or("none".to_string(), |p| p.to_string()),
            n(self.sessions_loaded),
            n(self.attached),
        )
    }
}
