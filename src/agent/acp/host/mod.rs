//! Kept ACP agents: a host process (`boocoder acp-host`, see [`relay`])
//! keeps one agent between commands, under the same `[server] keep` rules
//! and idle timeout as opencode's kept server. This side is the command's:
//! find the host for an agent launch command and settings fingerprint (or
//! start one), attach over its socket, and list and stop hosts.

mod record;
mod relay;
mod session;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixStream;

pub use record::{HostDir, HostRecord};
pub use relay::{HostArgs, serve};

use crate::acp_wire::{AcpError, AgentProcess, Connection, Writer};
use crate::config::{Config, Keep};
use crate::util::process::pid_alive;
use crate::util::signal_group;

/// How long a started host has to open its socket.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a host has to answer a command's first request.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a command's ACP agent runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKeep {
    /// Started for the turn and stopped with it.
    ShortLived,
    /// On a kept host: stopped after `idle` with no command attached, or
    /// kept until `server stop` (None).
    Kept { idle: Option<Duration> },
}

impl AgentKeep {
    /// The `[server] keep` rules: `auto` keeps outside CI with the idle
    /// timeout, `true` (or `--keep-server`) until `server stop`.
    pub fn of(config: &Config, keep_server: bool) -> AgentKeep {
        let idle = Some(config.server.idle_timeout);
        match config.server.keep {
            _ if keep_server => AgentKeep::Kept { idle: None },
            Keep::Always => AgentKeep::Kept { idle: None },
            Keep::Never => AgentKeep::ShortLived,
            Keep::Auto if config.ci => AgentKeep::ShortLived,
            Keep::Auto => AgentKeep::Kept { idle },
        }
    }
}

/// The agent a command wants kept.
pub struct HostSpec<'a> {
    pub state_dir: &'a Path,
    pub agent: &'a str,
    pub program: &'a Path,
    pub args: &'a [String],
    /// Added to the agent's environment (the host's, inherited).
    pub env: &'a [(String, String)],
    /// Of the launch command and everything the agent reads: a host with
    /// another one is never used.
    pub fingerprint: &'a str,
    pub idle: Option<Duration>,
}

/// The JSON-RPC error code of a host refusing `boocoder/stop` (commands
/// attached, turns running).
pub(super) const HOST_BUSY: i64 = -32010;

fn host_error(detail: impl Into<String>) -> AcpError {
    AcpError::Host {
        detail: detail.into(),
    }
}

/// The kept agent for `spec`: its host attached to (started first when
/// none runs). The decision is made under the host's lock, which the host
/// also takes before it stops for idleness.
pub async fn attach(spec: &HostSpec<'_>) -> Result<AgentProcess, AcpError> {
    let dir = HostDir::of(spec.state_dir, spec.agent, spec.fingerprint);
    dir.create()
        .map_err(|e| host_error(format!("cannot create {}: {e}", dir.0.display())))?;
    let lock = crate::util::lock::lock_async(dir.lock(), 0o600)
        .await
        .map_err(|e| host_error(format!("cannot lock {}: {}", e.path.display(), e.source)))?;
    if let Some(rec) = dir.read() {
        if record::is_live(&dir, &rec) && rec.fingerprint == spec.fingerprint {
            match connect(&dir).await {
                Ok(conn) => {
                    drop(lock);
                    return Ok(AgentProcess::hosted(conn, dir.agent_log()));
                }
                Err(e) => {
                    tracing::warn!(
                        pid = rec.pid,
                        "the kept agent host does not answer ({e}): replacing it"
                    );
                    kill_host(&rec).await;
                }
            }
        }
        dir.clear();
    }
    replace_stale(spec.state_dir, spec.agent, &dir).await;
    let mut child = spawn_host(spec, &dir)?;
    let deadline = tokio::time::Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.host_log()).unwrap_or_default();
            return Err(host_error(format!(
                "the agent host exited at start ({status}){}",
                crate::acp_wire::stderr_tail(&log)
            )));
        }
        if dir.socket().exists()
            && let Ok(conn) = connect(&dir).await
        {
            drop(lock);
            return Ok(AgentProcess::hosted(conn, dir.agent_log()));
        }
        if tokio::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err(host_error(format!(
                "the agent host did not open its socket within {} s",
                START_TIMEOUT.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Start `boocoder acp-host` detached, in its own process group, with the
/// agent's environment.
fn spawn_host(spec: &HostSpec<'_>, dir: &HostDir) -> Result<std::process::Child, AcpError> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().map_err(|source| AcpError::Spawn {
        program: PathBuf::from("/proc/self/exe"),
        source,
    })?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.host_log())
        .map_err(|e| host_error(format!("cannot open {}: {e}", dir.host_log().display())))?;
    let mut cmd = std::process::Command::new(&exe);
    cmd.arg("acp-host")
        .arg("--dir")
        .arg(&dir.0)
        .arg("--agent")
        .arg(spec.agent)
        .arg("--fingerprint")
        .arg(spec.fingerprint);
    if let Some(idle) = spec.idle {
        cmd.arg("--idle-timeout")
            .arg(idle.as_secs().max(1).to_string());
    }
    cmd.arg("--")
        .arg(spec.program)
        .args(spec.args)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&dir.0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .process_group(0);
    cmd.spawn().map_err(|source| AcpError::Spawn {
        program: exe,
        source,
    })
}

/// Connect to the host's socket (this user's only) and say one request;
/// returns its answer and the connection.
async fn request_once(
    dir: &HostDir,
    method: &str,
    params: Value,
) -> Result<(Value, BufReader<tokio::net::unix::OwnedReadHalf>, Writer), AcpError> {
    if !dir.socket_is_ours() {
        return Err(host_error(format!(
            "{} is not a socket of this user's with mode 0600",
            dir.socket().display()
        )));
    }
    let stream = UnixStream::connect(dir.socket())
        .await
        .map_err(|e| host_error(format!("cannot connect to {}: {e}", dir.socket().display())))?;
    let (read, mut write) = stream.into_split();
    let msg = json!({"jsonrpc": "2.0", "id": 0, "method": method, "params": params});
    let mut read = BufReader::new(read);
    let exchange = async {
        write.write_all(format!("{msg}\n").as_bytes()).await?;
        let mut line = String::new();
        read.read_line(&mut line).await?;
        Ok::<_, std::io::Error>(line)
    };
    let line = match tokio::time::timeout(ANSWER_TIMEOUT, exchange).await {
        Ok(Ok(line)) if !line.is_empty() => line,
        Ok(Ok(_)) => return Err(host_error("the agent host closed the connection")),
        Ok(Err(e)) => return Err(host_error(format!("the agent host: {e}"))),
        Err(_) => return Err(host_error("the agent host does not answer")),
    };
    let v: Value = serde_json::from_str(&line)
        .map_err(|e| host_error(format!("the agent host answered no JSON: {e}")))?;
    if let Some(e) = v.get("error") {
        let detail = e["message"].as_str().unwrap_or("refused").to_string();
        if e["code"].as_i64() == Some(HOST_BUSY) {
            return Err(AcpError::HostBusy { detail });
        }
        return Err(host_error(detail));
    }
    Ok((v["result"].clone(), read, Box::new(write)))
}

/// Attach to the host: the connection a turn speaks ACP over.
async fn connect(dir: &HostDir) -> Result<Connection, AcpError> {
    let (_, read, write) = request_once(dir, "boocoder/attach", json!({})).await?;
    // The host sends nothing unasked to a command that owns no session yet:
    // the reader's buffer is empty.
    Ok(Connection::over(Some(read.into_inner()), Some(write)))
}

/// Stop the other idle hosts of `agent` (its settings changed): a host
/// with a command attached stays until it is idle.
async fn replace_stale(state_dir: &Path, agent: &str, keep: &HostDir) {
    for (dir, rec) in record::all(state_dir) {
        if rec.agent != agent || dir.0 == keep.0 {
            continue;
        }
        if !record::is_live(&dir, &rec) {
            dir.clear();
            continue;
        }
        if request_once(&dir, "boocoder/stop", json!({"ifIdle": true}))
            .await
            .is_ok()
        {
            tracing::info!(
                pid = rec.pid,
                "stopped an idle kept agent with other settings"
            );
        }
    }
}

/// KILL a host's process group and its agent's.
async fn kill_host(rec: &HostRecord) {
    signal_group(rec.pid, libc::SIGKILL);
    if let Some(a) = rec.agent_pid {
        signal_group(a, libc::SIGKILL);
    }
    let pid = rec.pid;
    for _ in 0..200 {
        if !pid_alive(pid) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A kept agent as `server status` and `doctor` show it.
#[derive(Debug, Clone, Serialize)]
pub struct KeptAgent {
    pub agent: String,
    pub pid: u32,
    pub agent_pid: Option<u32>,
    pub launch: Vec<String>,
    pub started_at: i64,
    /// Whether the host answered.
    pub answering: bool,
    pub sessions_loaded: Option<u64>,
    /// Commands attached now.
    pub attached: Option<u64>,
    pub turns: Option<u64>,
    pub idle_timeout_seconds: Option<u64>,
    /// When it stops itself (Unix ms): None while a command is attached or
    /// when it is kept until `server stop`.
    pub stops_at: Option<i64>,
}

impl KeptAgent {
    /// `qwen (pid 12, 1 session(s) loaded, stops in 590 s)`
    pub fn describe(&self) -> String {
        let stops = match self.stops_at {
            Some(t) => format!(
                "stops in {} s",
                (t - crate::timestamp::now_ms()).max(0) / 1000
            ),
            None if self.idle_timeout_seconds.is_none() => "kept until `server stop`".into(),
            None => "a command is attached".into(),
        };
        format!(
            "{} (pid {}, {} session(s) loaded, {stops})",
            self.agent,
            self.pid,
            self.sessions_loaded.unwrap_or(0)
        )
    }
}

/// Every live kept agent (records of gone hosts are cleared).
pub async fn kept_agents(state_dir: &Path) -> Vec<KeptAgent> {
    let mut out = Vec::new();
    for (dir, rec) in record::all(state_dir) {
        if !record::is_live(&dir, &rec) {
            dir.clear();
            continue;
        }
        let status = request_once(&dir, "boocoder/status", json!({}))
            .await
            .ok()
            .map(|(v, _, _)| v);
        let n = |k: &str| status.as_ref().and_then(|s| s[k].as_u64());
        out.push(KeptAgent {
            agent: rec.agent.clone(),
            pid: rec.pid,
            agent_pid: status
                .as_ref()
                .map(|s| s["agent_pid"].as_u64().map(|p| p as u32))
                .unwrap_or(rec.agent_pid),
            launch: rec.launch.clone(),
            started_at: rec.started_at,
            answering: status.is_some(),
            sessions_loaded: n("sessions_loaded"),
            attached: n("attached"),
            turns: n("turns"),
            idle_timeout_seconds: rec.idle_timeout_seconds,
            stops_at: status.as_ref().and_then(|s| s["stops_at"].as_i64()),
        });
    }
    out
}

/// What `server stop` did to one kept agent.
#[derive(Debug, Clone, Serialize)]
pub struct StoppedAgent {
    pub agent: String,
    pub pid: u32,
    pub stopped: bool,
    /// Why it was not stopped (turns run on it, without `force`).
    pub refused: Option<String>,
}

/// Stop every kept agent: refused for one running turns unless `force`;
/// one that does not answer is killed with its agent.
pub async fn stop_kept_agents(state_dir: &Path, force: bool) -> Vec<StoppedAgent> {
    let mut out = Vec::new();
    for (dir, rec) in record::all(state_dir) {
        if !record::is_live(&dir, &rec) {
            dir.clear();
            continue;
        }
        let refused = match request_once(&dir, "boocoder/stop", json!({"force": force})).await {
            Ok(_) => None,
            Err(AcpError::HostBusy { detail }) => Some(detail),
            Err(_) => {
                kill_host(&rec).await;
                dir.clear();
                None
            }
        };
        if refused.is_none() {
            for _ in 0..300 {
                if !pid_alive(rec.pid) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            if pid_alive(rec.pid) {
                kill_host(&rec).await;
                dir.clear();
            }
        }
        out.push(StoppedAgent {
            agent: rec.agent,
            pid: rec.pid,
            stopped: refused.is_none(),
            refused,
        });
    }
    out
}
