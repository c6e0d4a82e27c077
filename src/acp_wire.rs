//! One JSON-RPC 2.0 connection to an ACP agent over its stdio, shared by the
//! probe (`probe::acp`) and by turns (`agent::acp`): it sits below both, so
//! neither reaches into the other.
//!
//! The agent runs in its own process group (killed as a whole when the
//! [`AgentProcess`] is dropped: on success, error, timeout, and when the
//! caller's future is dropped by Ctrl-C) and gets the parent-death signal,
//! so it does not outlive a SIGKILLed boocoder. Its stderr is read in the
//! background and the last few KiB are kept for error messages.
//!
//! A reader task routes every line the agent prints: answers to the waiting
//! request, notifications and the agent's own requests (permissions, `fs/*`)
//! to [`Connection::next_incoming`], in order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot};

use crate::util::process::stop_with_parent;

/// JSON-RPC error code agents use for "authentication required".
pub const AUTH_REQUIRED: i64 = -32000;

/// How much of the agent's stderr is kept for error messages.
const STDERR_KEEP: usize = 4096;

/// Why an exchange with an ACP agent failed.
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
    #[error("kept agent host: {detail}")]
    Host { detail: String },
    /// The kept agent host refused to stop: commands are attached to it,
    /// or turns run on it.
    #[error("kept agent host: {detail}")]
    HostBusy { detail: String },
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
            AcpError::Host { .. } | AcpError::HostBusy { .. } => "host",
        }
    }

    /// Add the agent's last stderr line to an exit or not-ACP error.
    pub fn with_stderr(mut self, stderr: &str) -> AcpError {
        if let AcpError::Exited { stderr: s, .. } | AcpError::NotAcp { detail: s } = &mut self {
            s.push_str(&stderr_tail(stderr));
        }
        self
    }
}

/// `: <last line the agent wrote to stderr>`, or nothing.
pub fn stderr_tail(stderr: &str) -> String {
    match stderr.lines().map(str::trim).rfind(|l| !l.is_empty()) {
        Some(l) => format!(": {}", l.chars().take(200).collect::<String>()),
        None => String::new(),
    }
}

/// The last `n` non-empty lines of `stderr`, joined by newlines.
pub fn last_lines(stderr: &str, n: usize) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
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

/// A running agent: its process group, its stderr tail, the connection;
/// or a connection to the kept agent host relaying one (its stderr in the
/// host's log of it).
pub struct AgentProcess {
    pub conn: Connection,
    stderr: Arc<Mutex<Vec<u8>>>,
    // Declared after `conn` and before `child`: the group dies first.
    _group: Option<ProcessGroup>,
    child: Option<Child>,
    /// The kept agent's stderr log (a hosted agent).
    log: Option<PathBuf>,
}

impl AgentProcess {
    /// Start `program args` in `cwd` (own process group, parent-death
    /// signal, stdio piped), with `env` added to the environment.
    fn spawn(
        program: &Path,
        args: &[String],
        cwd: &Path,
        env: &[(String, String)],
    ) -> Result<AgentProcess, AcpError> {
        let mut cmd = tokio::process::Command::new(program);
        cmd.args(args)
            .current_dir(cwd)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        stop_with_parent(cmd.as_std_mut());
        let mut child = cmd.spawn().map_err(|source| AcpError::Spawn {
            program: program.to_path_buf(),
            source,
        })?;
        let group = child.id().map(ProcessGroup::new);
        let stderr = collect_stderr(child.stderr.take());
        let conn = Connection::new(&mut child);
        Ok(AgentProcess {
            conn,
            stderr,
            _group: group,
            child: Some(child),
            log: None,
        })
    }

    /// The agent a kept host runs, over `conn` (its socket); `log` is
    /// where the host writes the agent's stderr.
    pub fn hosted(conn: Connection, log: PathBuf) -> AgentProcess {
        AgentProcess {
            conn,
            stderr: Arc::default(),
            _group: None,
            child: None,
            log: Some(log),
        }
    }

    /// What the agent wrote to stderr (its last few KiB), after giving it
    /// `grace` to finish writing (it has exited or closed stdout).
    pub async fn stderr(&mut self, grace: Duration) -> String {
        if let Some(log) = &self.log {
            // The host closes the connection once the agent has exited.
            let _ = tokio::time::timeout(grace, self.conn.link.closed()).await;
            let bytes = std::fs::read(log).unwrap_or_default();
            let tail = &bytes[bytes.len().saturating_sub(STDERR_KEEP)..];
            return String::from_utf8_lossy(tail).into_owned();
        }
        if let Some(child) = &mut self.child {
            let _ = tokio::time::timeout(grace, child.wait()).await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer")).into_owned()
    }

    /// Start the agent (as [`AgentProcess::spawn`]), run `work` with it,
    /// then [`AgentProcess::shutdown`] it whatever `work` returned: no agent
    /// outlives the command that started it (dropping one only signals it).
    pub async fn with<T>(
        program: &Path,
        args: &[String],
        cwd: &Path,
        env: &[(String, String)],
        work: impl AsyncFnOnce(&mut AgentProcess) -> T,
    ) -> Result<T, AcpError> {
        let mut agent = AgentProcess::spawn(program, args, cwd, env)?;
        let out = work(&mut agent).await;
        agent.shutdown().await;
        Ok(out)
    }

    /// Kill the agent's process group and reap the agent (bounded): when
    /// this returns the agent is gone, not just signalled.
    pub async fn shutdown(mut self) {
        if let Some(group) = self._group.take() {
            drop(group);
        }
        if let Some(child) = &mut self.child {
            let _ = child.start_kill();
            let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
        }
    }

    /// Whether the agent process is still running (a hosted one: whether
    /// its host still holds the connection).
    pub fn running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => !self.conn.link.is_closed(),
        }
    }
}

/// Read `stderr` to its end, keeping the last [`STDERR_KEEP`] bytes.
fn collect_stderr(stderr: Option<tokio::process::ChildStderr>) -> Arc<Mutex<Vec<u8>>> {
    let kept = Arc::new(Mutex::new(Vec::new()));
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

/// Something the agent sent that is not an answer to our request.
#[derive(Debug, Clone)]
pub enum Incoming {
    Notification {
        method: String,
        params: Value,
    },
    /// A request from the agent: answer it with [`Connection::respond`].
    Request {
        id: Value,
        method: String,
        params: Value,
    },
}

/// An answer: the result, or the JSON-RPC error (code, message).
type Answer = Result<Value, (i64, String)>;

/// Why the connection ended.
#[derive(Debug, Clone)]
enum Ended {
    /// Output before any JSON-RPC message that was not JSON-RPC.
    NotJson(String),
    /// stdout closed (the agent exited or closed it).
    Closed { spoke: bool },
}

/// Line-delimited JSON-RPC 2.0 over the child's stdio: the [`Link`] to
/// send on (cheap to clone) and what the agent sends unasked.
pub struct Connection {
    pub link: Link,
    incoming: mpsc::UnboundedReceiver<Incoming>,
}

/// The sending half of a [`Connection`].
#[derive(Clone)]
pub struct Link {
    stdin: Arc<tokio::sync::Mutex<Option<Writer>>>,
    pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Answer>>>>,
    ended: Arc<Mutex<Option<Ended>>>,
    /// True once the reader ended.
    closed: tokio::sync::watch::Receiver<bool>,
    next_id: Arc<AtomicU64>,
    spoke: Arc<AtomicBool>,
}

/// Where a connection writes: the agent's stdin, or the kept agent host's socket.
pub type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// A request on its way: await [`Pending::answer`].
pub struct Pending {
    method: &'static str,
    rx: oneshot::Receiver<Answer>,
}

impl Connection {
    fn new(child: &mut Child) -> Connection {
        let stdin = child.stdin.take().map(|w| Box::new(w) as Writer);
        Connection::over(child.stdout.take(), stdin)
    }

    /// A connection reading JSON-RPC lines from `reader` and writing to
    /// `writer` (a child's stdio, or a socket to the kept agent host).
    pub fn over(
        reader: Option<impl AsyncRead + Send + Unpin + 'static>,
        writer: Option<Writer>,
    ) -> Connection {
        let pending: Arc<Mutex<HashMap<u64, oneshot::Sender<Answer>>>> = Arc::default();
        let ended: Arc<Mutex<Option<Ended>>> = Arc::default();
        let spoke = Arc::new(AtomicBool::new(false));
        let (tx, incoming) = mpsc::unbounded_channel();
        let (closed_tx, closed) = tokio::sync::watch::channel(false);
        if let Some(stdout) = reader {
            let (pending, ended, spoke) = (pending.clone(), ended.clone(), spoke.clone());
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                let end = loop {
                    let line = match lines.next_line().await {
                        Ok(Some(l)) => l,
                        Ok(None) | Err(_) => {
                            break Ended::Closed {
                                spoke: spoke.load(Ordering::SeqCst),
                            };
                        }
                    };
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v = match serde_json::from_str::<Value>(&line) {
                        Ok(v) if v.get("jsonrpc").is_some() => v,
                        // Log lines on stdout after the first message are skipped.
                        _ if spoke.load(Ordering::SeqCst) => continue,
                        _ => break Ended::NotJson(line),
                    };
                    spoke.store(true, Ordering::SeqCst);
                    let method = v.get("method").and_then(Value::as_str).map(String::from);
                    match (method, v.get("id").cloned()) {
                        (Some(method), Some(id)) if !id.is_null() => {
                            let params = v.get("params").cloned().unwrap_or(Value::Null);
                            let _ = tx.send(Incoming::Request { id, method, params });
                        }
                        (Some(method), _) => {
                            let params = v.get("params").cloned().unwrap_or(Value::Null);
                            let _ = tx.send(Incoming::Notification { method, params });
                        }
                        (None, Some(id)) => {
                            let Some(id) = id.as_u64() else { continue };
                            let waiter = pending.lock().expect("pending").remove(&id);
                            if let Some(w) = waiter {
                                let answer = match v.get("error") {
                                    Some(err) => Err((
                                        err.get("code").and_then(Value::as_i64).unwrap_or(0),
                                        err.get("message")
                                            .and_then(Value::as_str)
                                            .unwrap_or("no message")
                                            .to_string(),
                                    )),
                                    None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
                                };
                                let _ = w.send(answer);
                            }
                        }
                        (None, None) => {}
                    }
                };
                *ended.lock().expect("ended") = Some(end);
                // Waiters see their sender dropped.
                pending.lock().expect("pending").clear();
                let _ = closed_tx.send(true);
            });
        }
        Connection {
            link: Link {
                stdin: Arc::new(tokio::sync::Mutex::new(writer)),
                pending,
                ended,
                closed,
                next_id: Arc::new(AtomicU64::new(0)),
                spoke,
            },
            incoming,
        }
    }

    /// Send a request and wait for its answer, at most `timeout`; requests
    /// the agent makes meanwhile are refused, notifications kept in `kept`.
    pub async fn request(
        &mut self,
        method: &'static str,
        params: Value,
        timeout: Duration,
        kept: &mut Vec<Incoming>,
    ) -> Result<Value, AcpError> {
        let link = &self.link;
        let incoming = &mut self.incoming;
        let work = async {
            let mut p = link.start(method, params).await?;
            let mut open = true;
            loop {
                tokio::select! {
                    biased;
                    got = incoming.recv(), if open => match got {
                        Some(Incoming::Request { id, method, .. }) => {
                            link.respond_error(&id, -32601, &format!("{method} is not supported here")).await;
                        }
                        Some(n) => kept.push(n),
                        None => open = false,
                    },
                    answer = link.answer(&mut p) => return answer,
                }
            }
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(AcpError::Timeout {
                step: method,
                timeout,
            }),
        }
    }

    /// The next notification or request from the agent; None once the
    /// connection ended.
    pub async fn next_incoming(&mut self) -> Option<Incoming> {
        self.incoming.recv().await
    }

    /// A notification or request already received, without waiting. Every
    /// message the agent sent before an answer is here once the answer is.
    pub fn try_incoming(&mut self) -> Option<Incoming> {
        self.incoming.try_recv().ok()
    }
}

impl Link {
    async fn send(&self, v: &Value) -> std::io::Result<()> {
        let mut stdin = self.stdin.lock().await;
        let stdin = stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("stdin closed"))?;
        let mut line = v.to_string();
        line.push('\n');
        stdin.write_all(line.as_bytes()).await?;
        stdin.flush().await
    }

    /// The error for a connection that ended before `step` was answered.
    fn gone(&self, step: &'static str) -> AcpError {
        match self.ended.lock().expect("ended").clone() {
            Some(Ended::NotJson(line)) => AcpError::NotAcp {
                detail: format!(
                    "it printed `{}`",
                    line.chars().take(120).collect::<String>()
                ),
            },
            Some(Ended::Closed { spoke: false }) => AcpError::NotAcp {
                detail: "it exited without a JSON-RPC answer".into(),
            },
            _ if !self.spoke.load(Ordering::SeqCst) => AcpError::NotAcp {
                detail: "it closed its input".into(),
            },
            _ => AcpError::Exited {
                step,
                stderr: String::new(),
            },
        }
    }

    /// Send a request; the answer comes through the returned [`Pending`].
    pub async fn start(&self, method: &'static str, params: Value) -> Result<Pending, AcpError> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("pending").insert(id, tx);
        if *self.closed.borrow() {
            self.pending.lock().expect("pending").remove(&id);
            return Err(self.gone(method));
        }
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        if self.send(&msg).await.is_err() {
            self.pending.lock().expect("pending").remove(&id);
            return Err(self.gone(method));
        }
        Ok(Pending { method, rx })
    }

    /// The answer to `p` (an auth failure as [`AcpError::AuthRequired`]).
    pub async fn answer(&self, p: &mut Pending) -> Result<Value, AcpError> {
        match (&mut p.rx).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err((code, message))) => {
                let auth = code == AUTH_REQUIRED || message.to_ascii_lowercase().contains("auth");
                Err(if auth {
                    AcpError::AuthRequired { message }
                } else {
                    AcpError::Rpc {
                        step: p.method,
                        code,
                        message,
                    }
                })
            }
            Err(_) => Err(self.gone(p.method)),
        }
    }

    /// Send a notification (no answer).
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), AcpError> {
        let msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send(&msg).await.map_err(|_| self.gone("notify"))
    }

    /// Answer a request from the agent.
    pub async fn respond(&self, id: &Value, result: Value) {
        let _ = self
            .send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
            .await;
    }

    /// Refuse a request from the agent with a JSON-RPC error.
    pub async fn respond_error(&self, id: &Value, code: i64, message: &str) {
        let _ = self
            .send(&json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}))
            .await;
    }

    /// Whether the agent's stdout has closed.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// Wait until the agent's stdout (or the host's socket) has closed.
    pub async fn closed(&self) {
        let mut closed = self.closed.clone();
        let _ = closed.wait_for(|c| *c).await;
    }
}
