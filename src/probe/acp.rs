//! Tier 2: the ACP probe. Spawn the agent in its own process group,
//! `initialize`, `session/new` in the given directory, read the models (the
//! typed model selector and the legacy `models` field some agents send),
//! modes and the `available_commands_update` that follows, then kill the
//! whole process group: on success, error, timeout, and when the caller's
//! future is dropped (Ctrl-C).
//!
//! The messages are the `agent-client-protocol` crate's v1 schema types; the
//! JSON-RPC exchange itself is a few lines over the child's stdio, because a
//! probe needs the raw `session/new` answer (the legacy `models` field is not
//! in the typed schema), a timeout per step and ownership of the process
//! group, which the crate's process transport does not give.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use agent_client_protocol::schema::ProtocolVersion;
use agent_client_protocol::v1::schema::{
    InitializeRequest, NewSessionRequest, NewSessionResponse, SessionConfigKind,
    SessionConfigOptionCategory, SessionConfigSelectOptions, SessionNotification, SessionUpdate,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::{Mode, Model, SlashCommand, merge_models};

/// How long to wait for `available_commands_update` after `session/new`
/// (agents send it 0-200 ms later).
pub const COMMANDS_WAIT: Duration = Duration::from_millis(300);

/// JSON-RPC error code agents use for "authentication required".
pub const AUTH_REQUIRED: i64 = -32000;

/// What an ACP agent offers in a fresh session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcpProbe {
    pub models: Vec<Model>,
    pub current_model: Option<String>,
    pub modes: Vec<Mode>,
    pub current_mode: Option<String>,
    pub commands: Vec<SlashCommand>,
}

/// Why a probe did not get its answers.
#[derive(Debug, thiserror::Error)]
pub enum AcpError {
    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the agent wants a sign-in first ({message})")]
    AuthRequired { message: String },
    #[error("the agent does not speak ACP: {detail}")]
    NotAcp { detail: String },
    #[error("no answer to {step} within {} s", timeout.as_secs())]
    Timeout {
        step: &'static str,
        timeout: Duration,
    },
    #[error("the agent exited during {step}{}", stderr_tail(stderr))]
    Exited { step: &'static str, stderr: String },
    #[error("{step} failed: {message} (code {code})")]
    Rpc {
        step: &'static str,
        code: i64,
        message: String,
    },
    #[error("{step}: unexpected answer: {detail}")]
    Protocol { step: &'static str, detail: String },
}

impl AcpError {
    /// The `error.kind` a snapshot entry reports.
    pub fn kind(&self) -> &'static str {
        match self {
            AcpError::Spawn { .. } => "spawn_failed",
            AcpError::AuthRequired { .. } => "auth_required",
            AcpError::NotAcp { .. } => "not_acp",
            AcpError::Timeout { .. } => "timeout",
            AcpError::Exited { .. } => "crashed",
            AcpError::Rpc { .. } | AcpError::Protocol { .. } => "protocol",
        }
    }
}

/// `: <last line the agent wrote to stderr>`, or nothing.
fn stderr_tail(stderr: &str) -> String {
    match stderr.lines().map(str::trim).rfind(|l| !l.is_empty()) {
        Some(l) => format!(": {}", l.chars().take(200).collect::<String>()),
        None => String::new(),
    }
}

/// How much of the agent's stderr is kept for error messages.
const STDERR_KEEP: usize = 4096;

/// Read `stderr` to its end, keeping the last [`STDERR_KEEP`] bytes.
fn collect_stderr(
    stderr: Option<tokio::process::ChildStderr>,
) -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    use tokio::io::AsyncReadExt;
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    if let Some(mut stderr) = stderr {
        let kept = kept.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut k = kept.lock().expect("stderr buffer");
                k.extend_from_slice(&buf[..n]);
                let excess = k.len().saturating_sub(STDERR_KEEP);
                k.drain(..excess);
            }
        });
    }
    kept
}

/// Kills a process group when dropped.
#[derive(Debug)]
pub struct ProcessGroup(u32);

impl ProcessGroup {
    /// The group led by `pid` (a child spawned with `process_group(0)`).
    pub fn new(pid: u32) -> ProcessGroup {
        ProcessGroup(pid)
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        crate::util::signal_group(self.0, libc::SIGKILL);
    }
}

/// Probe the agent `argv[0] argv[1..]` (argv[0] resolved to `program`) in
/// `cwd`, each step bounded by `timeout`.
pub async fn probe(
    program: &Path,
    args: &[String],
    cwd: &Path,
    timeout: Duration,
) -> Result<AcpProbe, AcpError> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|source| AcpError::Spawn {
        program: program.to_path_buf(),
        source,
    })?;
    // Declared after `child`, so dropped before it: the group dies first.
    let _group = child.id().map(ProcessGroup::new);
    let stderr = collect_stderr(child.stderr.take());
    let mut conn = Connection::new(&mut child);
    let mut result = run(&mut conn, cwd, timeout).await;
    drop(conn);
    if let Err(AcpError::Exited { stderr: s, .. } | AcpError::NotAcp { detail: s }) = &mut result {
        // Let the agent's last words arrive (it has exited or closed stdout).
        let _ = tokio::time::timeout(Duration::from_millis(100), child.wait()).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
        let text = String::from_utf8_lossy(&stderr.lock().expect("stderr buffer")).into_owned();
        s.push_str(&stderr_tail(&text));
    }
    result
}

async fn run(conn: &mut Connection, cwd: &Path, timeout: Duration) -> Result<AcpProbe, AcpError> {
    let init = serde_json::to_value(InitializeRequest::new(ProtocolVersion::V1))
        .expect("initialize request serializes");
    conn.request("initialize", init, timeout).await?;

    let new =
        serde_json::to_value(NewSessionRequest::new(cwd)).expect("session/new request serializes");
    let raw = conn.request("session/new", new, timeout).await?;
    let mut probe = read_session(&raw).map_err(|detail| AcpError::Protocol {
        step: "session/new",
        detail,
    })?;

    // The commands come in a notification shortly after session/new.
    let deadline = tokio::time::Instant::now() + COMMANDS_WAIT.min(timeout);
    let mut commands = commands_in(&conn.notifications);
    while commands.is_none() {
        match tokio::time::timeout_at(deadline, conn.next_message()).await {
            Err(_) | Ok(Err(_)) => break,
            Ok(Ok(msg)) => {
                conn.handle_unsolicited(msg).await;
                commands = commands_in(&conn.notifications);
            }
        }
    }
    probe.commands = commands.unwrap_or_default();
    Ok(probe)
}

/// Models (typed model selector + legacy `models`) and modes of a
/// `session/new` answer.
fn read_session(raw: &Value) -> Result<AcpProbe, String> {
    let typed: NewSessionResponse =
        serde_json::from_value(raw.clone()).map_err(|e| e.to_string())?;
    let mut probe = AcpProbe::default();
    for option in typed.config_options.iter().flatten() {
        if option.category != Some(SessionConfigOptionCategory::Model) {
            continue;
        }
        if let SessionConfigKind::Select(select) = &option.kind {
            let options: Vec<_> = match &select.options {
                SessionConfigSelectOptions::Ungrouped(o) => o.iter().collect(),
                SessionConfigSelectOptions::Grouped(g) => {
                    g.iter().flat_map(|g| g.options.iter()).collect()
                }
                _ => Vec::new(),
            };
            merge_models(
                &mut probe.models,
                options
                    .into_iter()
                    .map(|o| Model::labelled(o.value.to_string(), o.name.clone())),
            );
            probe.current_model = Some(select.current_value.to_string());
        }
    }
    // The legacy field: {"models":{"availableModels":[{"modelId","name"}],"currentModelId"}}.
    if let Some(legacy) = raw.get("models") {
        let listed = legacy
            .get("availableModels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let id = m.get("modelId").or_else(|| m.get("id"))?.as_str()?;
                let label = m.get("name").and_then(Value::as_str).unwrap_or(id);
                Some(Model::labelled(id, label))
            });
        merge_models(&mut probe.models, listed);
        if probe.current_model.is_none() {
            probe.current_model = legacy
                .get("currentModelId")
                .and_then(Value::as_str)
                .map(String::from);
        }
    }
    if let Some(modes) = typed.modes {
        probe.current_mode = Some(modes.current_mode_id.to_string());
        probe.modes = modes
            .available_modes
            .into_iter()
            .map(|m| Mode {
                id: m.id.to_string(),
                name: m.name,
                description: m.description,
            })
            .collect();
    }
    Ok(probe)
}

/// The commands of the last `available_commands_update` among `notes`.
fn commands_in(notes: &[Value]) -> Option<Vec<SlashCommand>> {
    notes.iter().rev().find_map(|n| {
        if n.get("method")?.as_str()? != "session/update" {
            return None;
        }
        let note: SessionNotification = serde_json::from_value(n.get("params")?.clone()).ok()?;
        match note.update {
            SessionUpdate::AvailableCommandsUpdate(u) => Some(
                u.available_commands
                    .into_iter()
                    .map(|c| SlashCommand {
                        name: c.name,
                        description: c.description,
                    })
                    .collect(),
            ),
            _ => None,
        }
    })
}

/// Line-delimited JSON-RPC 2.0 over the child's stdio.
struct Connection {
    stdin: Option<ChildStdin>,
    lines: Option<Lines<BufReader<ChildStdout>>>,
    next_id: u64,
    /// Whether the agent has sent one well-formed JSON-RPC message yet.
    spoke: bool,
    notifications: Vec<Value>,
}

enum Incoming {
    Message(Value),
    NotJson(String),
}

impl Connection {
    fn new(child: &mut Child) -> Connection {
        Connection {
            stdin: child.stdin.take(),
            lines: child.stdout.take().map(|o| BufReader::new(o).lines()),
            next_id: 0,
            spoke: false,
            notifications: Vec::new(),
        }
    }

    async fn next_message(&mut self) -> Result<Incoming, ()> {
        let lines = self.lines.as_mut().ok_or(())?;
        loop {
            match lines.next_line().await {
                Ok(Some(line)) if line.trim().is_empty() => continue,
                Ok(Some(line)) => {
                    return Ok(match serde_json::from_str::<Value>(&line) {
                        Ok(v) if v.get("jsonrpc").is_some() => {
                            self.spoke = true;
                            Incoming::Message(v)
                        }
                        _ => Incoming::NotJson(line),
                    });
                }
                Ok(None) | Err(_) => return Err(()),
            }
        }
    }

    /// A notification is kept; a request from the agent (a probe grants
    /// nothing) is refused so the agent does not wait on it.
    async fn handle_unsolicited(&mut self, msg: Incoming) {
        let Incoming::Message(v) = msg else { return };
        match (v.get("method"), v.get("id")) {
            (Some(_), Some(id)) => {
                let reply = json!({"jsonrpc":"2.0","id":id,"error":{"code":-32601,"message":"not supported by a probe"}});
                let _ = self.send(&reply).await;
            }
            (Some(_), None) => self.notifications.push(v),
            _ => {}
        }
    }

    async fn send(&mut self, v: &Value) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("stdin closed"))?;
        let mut line = v.to_string();
        line.push('\n');
        stdin.write_all(line.as_bytes()).await?;
        stdin.flush().await
    }

    async fn request(
        &mut self,
        method: &'static str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, AcpError> {
        match tokio::time::timeout(timeout, self.exchange(method, params)).await {
            Ok(r) => r,
            Err(_) => Err(AcpError::Timeout {
                step: method,
                timeout,
            }),
        }
    }

    async fn exchange(&mut self, method: &'static str, params: Value) -> Result<Value, AcpError> {
        self.next_id += 1;
        let id = self.next_id;
        let gone = |spoke: bool, detail: String| {
            if spoke {
                AcpError::Exited {
                    step: method,
                    stderr: String::new(),
                }
            } else {
                AcpError::NotAcp { detail }
            }
        };
        if self
            .send(&json!({"jsonrpc":"2.0","id":id,"method":method,"params":params}))
            .await
            .is_err()
        {
            return Err(gone(self.spoke, "it closed its input".into()));
        }
        loop {
            let msg = match self.next_message().await {
                Ok(m) => m,
                Err(()) => {
                    return Err(gone(
                        self.spoke,
                        "it exited without a JSON-RPC answer".into(),
                    ));
                }
            };
            let v = match msg {
                Incoming::NotJson(line) if !self.spoke => {
                    return Err(AcpError::NotAcp {
                        detail: format!(
                            "it printed `{}`",
                            line.chars().take(120).collect::<String>()
                        ),
                    });
                }
                Incoming::NotJson(_) => continue,
                Incoming::Message(v) => v,
            };
            let is_ours =
                v.get("id").and_then(Value::as_u64) == Some(id) && v.get("method").is_none();
            if !is_ours {
                self.handle_unsolicited(Incoming::Message(v)).await;
                continue;
            }
            if let Some(err) = v.get("error") {
                let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
                let message = err
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no message")
                    .to_string();
                let auth = code == AUTH_REQUIRED || message.to_ascii_lowercase().contains("auth");
                return Err(if auth {
                    AcpError::AuthRequired { message }
                } else {
                    AcpError::Rpc {
                        step: method,
                        code,
                        message,
                    }
                });
            }
            return Ok(v.get("result").cloned().unwrap_or(Value::Null));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_models_from_selector_and_legacy_field() {
        let raw = json!({
            "sessionId": "s1",
            "modes": {"currentModeId": "build", "availableModes": [
                {"id": "build", "name": "Build"}, {"id": "plan", "name": "Plan", "description": "read-only"}]},
            "configOptions": [{"id": "model", "name": "Model", "category": "model", "type": "select",
                "currentValue": "a", "options": [{"value": "a", "name": "A"}]}],
            "models": {"currentModelId": "a", "availableModels": [
                {"modelId": "a", "name": "A"}, {"modelId": "b", "name": "B"}]}
        });
        let p = read_session(&raw).unwrap();
        assert_eq!(
            p.models,
            vec![Model::labelled("a", "A"), Model::labelled("b", "B")]
        );
        assert_eq!(p.current_mode.as_deref(), Some("build"));
        assert_eq!(p.modes.len(), 2);
        assert_eq!(p.modes[1].description.as_deref(), Some("read-only"));
    }

    #[test]
    fn commands_from_the_last_update() {
        let note = |names: &[&str]| {
            json!({"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"s",
                "update":{"sessionUpdate":"available_commands_update","availableCommands":
                    names.iter().map(|n| json!({"name":n,"description":"d"})).collect::<Vec<_>>()}}})
        };
        assert_eq!(commands_in(&[]), None);
        let got = commands_in(&[note(&["a"]), note(&["b", "c"])]).unwrap();
        assert_eq!(
            got.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
    }
}
