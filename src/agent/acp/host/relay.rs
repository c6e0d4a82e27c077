//! The kept agent host (`boocoder acp-host`, hidden): one ACP agent
//! process kept between commands, and a Unix socket commands attach to.
//!
//! The host relays JSON-RPC between the agent's stdio and the attached
//! commands: their requests get host-wide ids (answers go back under the
//! command's own id); `session/update` and the agent's requests (`fs/*`,
//! `session/request_permission`) go to the command that last spoke for
//! that `sessionId`, so confinement and permission decisions stay in the
//! command running the turn. What it keeps: the `initialize` answer, the
//! sessions the agent has loaded (a later `session/load` of one is answered
//! at once) and each session's model, mode and config options (setting the
//! same again is answered at once): turn 2 sends the agent only
//! `session/prompt`.
//!
//! The agent is started for the first `initialize` and again after it
//! exits; when it exits every attached command's connection is closed (a
//! turn on it ends at once as crashed). A command that goes away mid-turn
//! has its turn cancelled (`session/cancel`). With an idle timeout the host
//! stops (agent, record, socket) once no command has been attached that
//! long; on SIGTERM at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::process::Child;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::record::{HostDir, HostRecord};
use super::session::{Session, note_setting, setting_of};
use crate::timestamp::now_ms;
use crate::util::process::stop_with_parent;
use crate::util::signal_group;

/// What `boocoder acp-host` is started with.
#[derive(Debug, Clone)]
pub struct HostArgs {
    pub dir: PathBuf,
    pub agent: String,
    pub fingerprint: String,
    pub idle_timeout: Option<Duration>,
    pub program: PathBuf,
    pub args: Vec<String>,
}

enum Event {
    Line(u64, Value),
    /// A command's connection closed.
    Gone(u64),
    /// A line from the agent of generation `.0`; None: its stdout closed.
    Agent(u64, Option<Value>),
}

struct Client {
    tx: mpsc::UnboundedSender<String>,
    /// Said `boocoder/attach`: counts for the idle clock (status and stop
    /// requests do not).
    attached: bool,
}

struct Agent {
    tx: mpsc::UnboundedSender<String>,
    child: Child,
    pid: u32,
}

/// A request of a command, forwarded to the agent.
struct Forwarded {
    client: u64,
    id: Value,
    method: String,
    session: Option<String>,
    /// The setting a `session/set_*` changes, and its value.
    setting: Option<(String, Value)>,
}

enum Init {
    None,
    /// Forwarded; these commands wait for the same answer.
    Pending(Vec<(u64, Value)>),
    Done(Value),
}

struct Host {
    args: HostArgs,
    dir: HostDir,
    record: HostRecord,
    events: mpsc::UnboundedSender<Event>,
    clients: HashMap<u64, Client>,
    next_client: u64,
    agent: Option<Agent>,
    generation: u64,
    init: Init,
    next_id: u64,
    pending: HashMap<u64, Forwarded>,
    /// The agent's requests waiting for a command's answer: id -> command.
    asked: HashMap<String, u64>,
    sessions: HashMap<String, Session>,
    idle_since: Instant,
}

/// Run the host until it is idle for its timeout or gets SIGTERM.
pub async fn serve(args: HostArgs) -> std::io::Result<()> {
    // Its own process group: a terminal's Ctrl-C and hang-up are not for it.
    // SAFETY: setting a signal's disposition to ignore is always sound.
    unsafe {
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let dir = HostDir(args.dir.clone());
    dir.create()?;
    let record = HostRecord {
        pid: std::process::id(),
        agent: args.agent.clone(),
        launch: std::iter::once(args.program.to_string_lossy().into_owned())
            .chain(args.args.iter().cloned())
            .collect(),
        fingerprint: args.fingerprint.clone(),
        started_at: now_ms(),
        idle_timeout_seconds: args.idle_timeout.map(|d| d.as_secs().max(1)),
        agent_pid: None,
    };
    dir.write(&record)?;
    let _ = std::fs::remove_file(dir.socket());
    // Private from its first moment (umask), then 0600 for certain.
    // SAFETY: umask has no preconditions.
    let old = unsafe { libc::umask(0o177) };
    let listener = UnixListener::bind(dir.socket());
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    let listener = listener?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.socket(), std::fs::Permissions::from_mode(0o600))?;
    let (events, mut rx) = mpsc::unbounded_channel();
    let mut host = Host {
        args,
        dir,
        record,
        events,
        clients: HashMap::new(),
        next_client: 0,
        agent: None,
        generation: 0,
        init: Init::None,
        next_id: 0,
        pending: HashMap::new(),
        asked: HashMap::new(),
        sessions: HashMap::new(),
        idle_since: Instant::now(),
    };
    loop {
        let idle = host.idle_deadline();
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    host.accept(stream);
                }
            }
            Some(event) = rx.recv() => {
                if host.handle(event).await {
                    break;
                }
            }
            _ = term.recv() => {
                host.dir.clear();
                break;
            }
            _ = tokio::time::sleep_until(idle.unwrap_or_else(far_future)), if idle.is_some() => {
                if host.stop_if_idle(&listener) {
                    break;
                }
            }
        }
    }
    host.stop_agent().await;
    Ok(())
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}

impl Host {
    fn idle_deadline(&self) -> Option<Instant> {
        let idle = self.args.idle_timeout?;
        if self.clients.values().any(|c| c.attached) {
            return None;
        }
        Some(self.idle_since + idle)
    }

    /// Idle long enough: stop, deciding under the lock commands take to
    /// attach (one holding it is attaching: not idle). True: stop now.
    fn stop_if_idle(&mut self, listener: &UnixListener) -> bool {
        let Ok(lock) = std::fs::OpenOptions::new()
            .write(true)
            .open(self.dir.lock())
        else {
            return self.clear_and_stop();
        };
        if lock.try_lock().is_err() {
            // Look again in a moment.
            let now = Instant::now();
            self.idle_since = now
                .checked_sub(self.args.idle_timeout.unwrap_or_default())
                .unwrap_or(now)
                + Duration::from_millis(200);
            return false;
        }
        // A command that connected before the lock was free is served.
        while let Some(Ok((stream, _))) = listener.accept().now_or_never() {
            self.accept(stream);
        }
        if !self.clients.is_empty() {
            self.idle_since = Instant::now();
            return false;
        }
        self.clear_and_stop()
    }

    fn clear_and_stop(&mut self) -> bool {
        tracing::info!("the kept agent host has been idle: stopping it");
        self.dir.clear();
        true
    }

    fn accept(&mut self, stream: UnixStream) {
        // SAFETY: getuid has no preconditions.
        let me = unsafe { libc::getuid() };
        if stream.peer_cred().map(|c| c.uid()).ok() != Some(me) {
            return;
        }
        self.next_client += 1;
        let id = self.next_client;
        let (read, mut write) = stream.into_split();
        let (tx, mut out) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(line) = out.recv().await {
                if write.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = write.shutdown().await;
        });
        let events = self.events.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    let _ = events.send(Event::Line(id, v));
                }
            }
            let _ = events.send(Event::Gone(id));
        });
        self.clients.insert(
            id,
            Client {
                tx,
                attached: false,
            },
        );
    }

    fn to_client(&self, client: u64, msg: &Value) {
        if let Some(c) = self.clients.get(&client) {
            let _ = c.tx.send(format!("{msg}\n"));
        }
    }

    fn reply(&self, client: u64, id: &Value, result: Value) {
        self.to_client(
            client,
            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
        );
    }

    fn reply_error(&self, client: u64, id: &Value, code: i64, message: &str) {
        let msg = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
        self.to_client(client, &msg);
    }

    fn to_agent(&self, msg: &Value) {
        if let Some(a) = &self.agent {
            let _ = a.tx.send(format!("{msg}\n"));
        }
    }

    /// One event; true: stop the host.
    async fn handle(&mut self, event: Event) -> bool {
        match event {
            Event::Line(client, v) => return self.on_client(client, v).await,
            Event::Gone(client) => self.client_gone(client),
            Event::Agent(generation, msg) if generation == self.generation => match msg {
                Some(v) => self.on_agent(v),
                None => self.agent_gone().await,
            },
            Event::Agent(..) => {}
        }
        false
    }

    fn client_gone(&mut self, client: u64) {
        let Some(c) = self.clients.remove(&client) else {
            return;
        };
        if c.attached {
            self.idle_since = Instant::now();
        }
        // Its turns are abandoned: cancelled, so the agent is free for the next.
        let prompts: Vec<String> = self
            .pending
            .values()
            .filter(|f| f.client == client && f.method == "session/prompt")
            .filter_map(|f| f.session.clone())
            .collect();
        for s in prompts {
            self.to_agent(
                &json!({"jsonrpc": "2.0", "method": "session/cancel", "params": {"sessionId": s}}),
            );
        }
        for s in self.sessions.values_mut() {
            if s.owner == Some(client) {
                s.owner = None;
            }
        }
        let asked: Vec<String> = self
            .asked
            .iter()
            .filter(|(_, c)| **c == client)
            .map(|(id, _)| id.clone())
            .collect();
        for id in asked {
            self.asked.remove(&id);
            if let Ok(id) = serde_json::from_str::<Value>(&id) {
                self.refuse_agent(&id, "the command running this session's turn went away");
            }
        }
    }

    /// Answer a request of the agent that no command can: a permission is
    /// cancelled, anything else refused.
    fn refuse_agent(&self, id: &Value, why: &str) {
        self.to_agent(
            &json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": why}}),
        );
    }

    async fn on_client(&mut self, client: u64, v: Value) -> bool {
        let method = v.get("method").and_then(Value::as_str).map(String::from);
        let id = v.get("id").cloned().filter(|i| !i.is_null());
        match (method, id) {
            (Some(method), Some(id)) => return self.client_request(client, id, &method, v).await,
            // A notification (`session/cancel`): the agent's.
            (Some(_), None) => self.to_agent(&v),
            // An answer to a request of the agent's that this command got.
            (None, Some(id)) => {
                if self.asked.get(&id.to_string()) == Some(&client) {
                    self.asked.remove(&id.to_string());
                    self.to_agent(&v);
                }
            }
            (None, None) => {}
        }
        false
    }

    async fn client_request(&mut self, client: u64, id: Value, method: &str, v: Value) -> bool {
        let params = v.get("params").cloned().unwrap_or(Value::Null);
        let session = params["sessionId"].as_str().map(String::from);
        match method {
            "boocoder/attach" => {
                if let Some(c) = self.clients.get_mut(&client) {
                    c.attached = true;
                }
                self.reply(client, &id, json!({"pid": std::process::id()}));
                return false;
            }
            "boocoder/status" => {
                self.reply(client, &id, self.status());
                return false;
            }
            "boocoder/stop" => {
                let attached = self.clients.values().filter(|c| c.attached).count();
                let turns = self.turns();
                if params["ifIdle"] == true && attached > 0 {
                    self.reply_error(client, &id, super::HOST_BUSY, "commands are attached");
                    return false;
                }
                if params["force"] != true && turns > 0 {
                    let msg = format!("{turns} turn(s) running");
                    self.reply_error(client, &id, super::HOST_BUSY, &msg);
                    return false;
                }
                self.dir.clear();
                self.reply(client, &id, json!({"stopped": true}));
                // Let the answer out before the host goes.
                tokio::time::sleep(Duration::from_millis(20)).await;
                return true;
            }
            "initialize" => {
                match &mut self.init {
                    Init::Done(r) => {
                        let r = r.clone();
                        self.reply(client, &id, r);
                    }
                    Init::Pending(waiting) => waiting.push((client, id)),
                    Init::None => {
                        if self.agent.is_none()
                            && let Err(e) = self.start_agent()
                        {
                            let msg = format!("cannot start {}: {e}", self.args.program.display());
                            self.reply_error(client, &id, super::HOST_BUSY, &msg);
                            return false;
                        }
                        self.init = Init::Pending(Vec::new());
                        self.forward(client, id, method, params, None, None);
                    }
                }
                return false;
            }
            _ => {}
        }
        if self.agent.is_none() {
            self.reply_error(
                client,
                &id,
                -32603,
                "the agent is not running: initialize first",
            );
            return false;
        }
        if let Some(s) = &session {
            self.sessions.entry(s.clone()).or_default().owner = Some(client);
        }
        let setting = setting_of(method, &params);
        if let Some(s) = session.as_ref().and_then(|s| self.sessions.get(s)) {
            if matches!(method, "session/load" | "session/resume")
                && let Some(r) = &s.loaded
            {
                self.reply(client, &id, r.clone());
                return false;
            }
            if let Some((key, value)) = &setting
                && s.loaded.is_some()
                && s.settings.get(key) == Some(value)
            {
                self.reply(client, &id, json!({}));
                return false;
            }
        }
        self.forward(client, id, method, params, session, setting);
        false
    }

    fn forward(
        &mut self,
        client: u64,
        id: Value,
        method: &str,
        params: Value,
        session: Option<String>,
        setting: Option<(String, Value)>,
    ) {
        self.next_id += 1;
        let host_id = self.next_id;
        self.pending.insert(
            host_id,
            Forwarded {
                client,
                id,
                method: method.to_string(),
                session,
                setting,
            },
        );
        self.to_agent(
            &json!({"jsonrpc": "2.0", "id": host_id, "method": method, "params": params}),
        );
    }

    fn on_agent(&mut self, mut v: Value) {
        let method = v.get("method").and_then(Value::as_str).map(String::from);
        let id = v.get("id").cloned().filter(|i| !i.is_null());
        let owner = |host: &Host, v: &Value| {
            v["params"]["sessionId"]
                .as_str()
                .and_then(|s| host.sessions.get(s))
                .and_then(|s| s.owner)
                .filter(|c| host.clients.contains_key(c))
        };
        match (method, id) {
            (Some(method), Some(id)) => match owner(self, &v) {
                Some(client) => {
                    self.asked.insert(id.to_string(), client);
                    self.to_client(client, &v);
                }
                None if method == "session/request_permission" => self.to_agent(
                    &json!({"jsonrpc": "2.0", "id": id, "result": {"outcome": {"outcome": "cancelled"}}}),
                ),
                None => self.refuse_agent(&id, "no boocoder command runs a turn of this session"),
            },
            (Some(_), None) => {
                if let Some(client) = owner(self, &v) {
                    self.to_client(client, &v);
                }
            }
            (None, Some(id)) => {
                let Some(f) = id.as_u64().and_then(|i| self.pending.remove(&i)) else {
                    return;
                };
                let ok = v.get("error").is_none();
                let result = v.get("result").cloned().unwrap_or(Value::Null);
                self.settle(&f, ok, &result);
                if f.method == "initialize" {
                    let waiting = match std::mem::replace(&mut self.init, Init::None) {
                        Init::Pending(w) => w,
                        _ => Vec::new(),
                    };
                    if ok {
                        self.init = Init::Done(result.clone());
                    }
                    for (client, wid) in waiting {
                        let mut v = v.clone();
                        v["id"] = wid;
                        self.to_client(client, &v);
                    }
                }
                v["id"] = f.id.clone();
                self.to_client(f.client, &v);
            }
            (None, None) => {}
        }
    }

    /// What an answer teaches the host about the agent's sessions.
    fn settle(&mut self, f: &Forwarded, ok: bool, result: &Value) {
        if !ok {
            return;
        }
        match f.method.as_str() {
            "session/new" => {
                if let Some(s) = result["sessionId"].as_str() {
                    let s = self.sessions.entry(s.to_string()).or_default();
                    s.owner = Some(f.client);
                    s.loaded = Some(result.clone());
                }
            }
            "session/load" | "session/resume" => {
                if let Some(s) = f.session.as_ref().and_then(|s| self.sessions.get_mut(s)) {
                    s.loaded = Some(result.clone());
                    s.settings.clear();
                }
            }
            _ => {
                if let (Some((key, value)), Some(s)) = (
                    &f.setting,
                    f.session.as_ref().and_then(|s| self.sessions.get_mut(s)),
                ) {
                    s.settings.insert(key.clone(), value.clone());
                    // A later load answered from the cache says what is set now.
                    if let Some(loaded) = &mut s.loaded {
                        note_setting(loaded, key, value);
                    }
                }
            }
        }
    }

    fn start_agent(&mut self) -> std::io::Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(self.dir.agent_log())?;
        let mut cmd = tokio::process::Command::new(&self.args.program);
        cmd.args(&self.args.args)
            .current_dir(&self.dir.0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .process_group(0)
            .kill_on_drop(true);
        stop_with_parent(cmd.as_std_mut());
        let mut child = cmd.spawn()?;
        let pid = child.id().unwrap_or_default();
        self.generation += 1;
        let generation = self.generation;
        let (tx, mut out) = mpsc::unbounded_channel::<String>();
        if let Some(mut stdin) = child.stdin.take() {
            tokio::spawn(async move {
                while let Some(line) = out.recv().await {
                    if stdin.write_all(line.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
        let events = self.events.clone();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    // Log lines between messages are skipped.
                    if let Ok(v) = serde_json::from_str::<Value>(&line)
                        && v.get("jsonrpc").is_some()
                    {
                        let _ = events.send(Event::Agent(generation, Some(v)));
                    }
                }
                let _ = events.send(Event::Agent(generation, None));
            });
        }
        self.agent = Some(Agent { tx, child, pid });
        self.record.agent_pid = Some(pid);
        let _ = self.dir.write(&self.record);
        Ok(())
    }

    /// The agent exited: every command's connection closes (a turn on it
    /// ends as crashed); the next `initialize` starts a new agent, and
    /// sessions are loaded again as commands ask for them.
    async fn agent_gone(&mut self) {
        tracing::warn!("the kept agent exited");
        self.stop_agent().await;
        self.init = Init::None;
        self.pending.clear();
        self.asked.clear();
        self.sessions.clear();
        // Dropping a command's sender shuts its socket down.
        self.clients.clear();
        self.idle_since = Instant::now();
        self.record.agent_pid = None;
        let _ = self.dir.write(&self.record);
    }

    /// Kill the agent's process group and reap it.
    async fn stop_agent(&mut self) {
        if let Some(mut a) = self.agent.take() {
            signal_group(a.pid, libc::SIGKILL);
            let _ = tokio::time::timeout(Duration::from_secs(2), a.child.wait()).await;
        }
    }

    fn turns(&self) -> usize {
        self.pending
            .values()
            .filter(|f| f.method == "session/prompt")
            .count()
    }

    fn status(&self) -> Value {
        let attached = self.clients.values().filter(|c| c.attached).count();
        let idle_ms = self.idle_since.elapsed().as_millis() as i64;
        json!({
            "pid": std::process::id(),
            "agent": self.args.agent,
            "agent_pid": self.agent.as_ref().map(|a| a.pid),
            "sessions_loaded": self.sessions.values().filter(|s| s.loaded.is_some()).count(),
            "attached": attached,
            "turns": self.turns(),
            "idle_timeout_seconds": self.record.idle_timeout_seconds,
            "stops_at": (attached == 0)
                .then_some(self.record.idle_timeout_seconds)
                .flatten()
                .map(|s| now_ms() - idle_ms + s as i64 * 1000),
        })
    }
}
