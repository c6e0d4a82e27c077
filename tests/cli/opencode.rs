//! A harness for the real opencode (the pinned version that
//! `scripts/install-opencode` puts under `.tools/opencode`): spawn a hermetic
//! `opencode serve` against a model server, and a minimal test-side HTTP
//! client (sessions, the global event stream, prompts, turns).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The provider id the llama-swap provider gets in opencode's config.
pub const PROVIDER_ID: &str = "llama-swap";
/// Basic-auth user name opencode expects.
pub const USERNAME: &str = "opencode";
/// How long `spawn` waits for `/global/health`.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// Default bound on one turn.
pub const TURN_TIMEOUT: Duration = Duration::from_secs(60);

/// The opencode binary to test against: `BOOCODER_OPENCODE_BIN` if set, else
/// the project-local install (the platform's native binary when present).
pub fn opencode_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("BOOCODER_OPENCODE_BIN") {
        return PathBuf::from(bin);
    }
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/opencode/node_modules");
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    let native = modules.join(format!("opencode-{os}-{arch}/bin/opencode"));
    if native.is_file() {
        return native;
    }
    let wrapper = modules.join(".bin/opencode");
    if wrapper.exists() {
        return wrapper;
    }
    panic!(
        "opencode not installed: run scripts/install-opencode (the README test command does it); looked for {}",
        native.display()
    );
}

/// The `OPENCODE_CONFIG_CONTENT` for a llama-swap provider at `llama_swap_url`
/// (no `/v1`) offering `models`, the first one the default, with everything
/// that would reach the network or the user's machine turned off.
pub fn config_content(llama_swap_url: &str, models: &[&str]) -> String {
    assert!(
        !models.is_empty(),
        "config_content needs at least one model"
    );
    let model_entries: serde_json::Map<String, Value> = models
        .iter()
        .map(|m| (m.to_string(), json!({"name": m})))
        .collect();
    json!({
        "$schema": "https://opencode.ai/config.json",
        "provider": {
            PROVIDER_ID: {
                "npm": "@ai-sdk/openai-compatible",
                "name": PROVIDER_ID,
                "options": {"baseURL": format!("{}/v1", llama_swap_url.trim_end_matches('/'))},
                "models": model_entries,
            }
        },
        "model": format!("{PROVIDER_ID}/{}", models[0]),
        "small_model": format!("{PROVIDER_ID}/{}", models[0]),
        "autoupdate": false,
        "share": "disabled",
        "lsp": false,
        "formatter": false,
    })
    .to_string()
}

/// The hermetic environment for an opencode process living in `home`
/// (apply after `env_clear()`): only PATH survives from the caller.
pub fn hermetic_env(home: &Path) -> Vec<(String, String)> {
    let home = home.display().to_string();
    let pairs = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("HOME", home.clone()),
        ("XDG_CONFIG_HOME", format!("{home}/.config")),
        ("XDG_DATA_HOME", format!("{home}/.local/share")),
        ("XDG_STATE_HOME", format!("{home}/.local/state")),
        ("XDG_CACHE_HOME", format!("{home}/.cache")),
        // opencode keeps scratch files under $TMPDIR/opencode.
        ("TMPDIR", format!("{home}/tmp")),
        ("GIT_CONFIG_GLOBAL", "/dev/null".to_string()),
        ("GIT_CONFIG_NOSYSTEM", "1".to_string()),
        // At instance bootstrap opencode npm-installs @opencode-ai/plugin
        // into every config dir (~/.config/opencode, any .opencode) in the
        // background: point npm at nothing so that fails at once offline.
        ("npm_config_offline", "true".to_string()),
        ("npm_config_registry", "http://127.0.0.1:9/".to_string()),
    ];
    let mut env: Vec<(String, String)> =
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    for flag in [
        "OPENCODE_DISABLE_MODELS_FETCH",
        "OPENCODE_DISABLE_AUTOUPDATE",
        "OPENCODE_DISABLE_SHARE",
        "OPENCODE_DISABLE_LSP_DOWNLOAD",
        "OPENCODE_DISABLE_DEFAULT_PLUGINS",
        "OPENCODE_DISABLE_EXTERNAL_SKILLS",
        "OPENCODE_DISABLE_CLAUDE_CODE",
    ] {
        env.push((flag.to_string(), "1".to_string()));
    }
    env
}

/// A random hex string (no RNG crate: std's randomly keyed hasher).
pub fn random_hex(bytes: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    let mut i = 0u64;
    while out.len() < bytes * 2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        out.push_str(&format!("{:016x}", h.finish()));
        i += 1;
    }
    out.truncate(bytes * 2);
    out
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("find a free port")
        .port()
}

/// A running `opencode serve`; dropping it kills its whole process group.
pub struct OpencodeServer {
    pub url: String,
    pub password: String,
    /// Where its stderr (with `--print-logs`) goes.
    pub stderr_path: PathBuf,
    /// How long it took to answer `/global/health`.
    pub startup: Duration,
    child: Child,
}

impl OpencodeServer {
    /// Spawns `opencode serve` with HOME and the XDG dirs under `home`, the
    /// model server at `llama_swap_url` as provider `llama-swap`, and waits
    /// until it is healthy (panics with its last stderr lines if it never is).
    pub fn spawn(home: &Path, llama_swap_url: &str, models: &[&str]) -> OpencodeServer {
        let bin = opencode_bin();
        let port = free_port();
        let password = random_hex(16);
        let stderr_path = home.join("opencode-serve.stderr");
        let stdout_path = home.join("opencode-serve.stdout");
        std::fs::create_dir_all(home.join("tmp")).expect("create TMPDIR");
        let stderr = std::fs::File::create(&stderr_path).expect("create stderr file");
        let stdout = std::fs::File::create(&stdout_path).expect("create stdout file");
        let mut cmd = Command::new(&bin);
        cmd.args(["serve", "--hostname", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg("--print-logs")
            .current_dir(home)
            .env_clear()
            .envs(hermetic_env(home))
            .env("OPENCODE_SERVER_PASSWORD", &password)
            .env(
                "OPENCODE_CONFIG_CONTENT",
                config_content(llama_swap_url, models),
            )
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let started = Instant::now();
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
        let mut server = OpencodeServer {
            url: format!("http://127.0.0.1:{port}"),
            password,
            stderr_path,
            startup: Duration::ZERO,
            child,
        };
        let deadline = started + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = server.child.try_wait().expect("try_wait opencode") {
                panic!(
                    "opencode serve exited with {status} before it was healthy; stderr:\n{}",
                    server.stderr_tail(40)
                );
            }
            if server.health_once(Duration::from_secs(1)) {
                server.startup = started.elapsed();
                return server;
            }
            if Instant::now() >= deadline {
                panic!(
                    "opencode serve was not healthy after {STARTUP_TIMEOUT:?}; stderr:\n{}",
                    server.stderr_tail(40)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `Authorization` header value.
    pub fn auth_header(&self) -> String {
        format!(
            "Basic {}",
            base64(format!("{USERNAME}:{}", self.password).as_bytes())
        )
    }

    /// One `GET /global/health` bounded by `timeout` (plain std TCP, so it
    /// works from sync and async callers alike).
    pub fn health_once(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let addr = self.url.trim_start_matches("http://").to_string();
        let Ok(sock_addr) = addr.parse::<std::net::SocketAddr>() else {
            return false;
        };
        let Ok(mut stream) = TcpStream::connect_timeout(&sock_addr, timeout) else {
            return false;
        };
        let request = format!(
            "GET /global/health HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
            self.auth_header()
        );
        let _ = stream.set_write_timeout(Some(timeout));
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            let _ = stream.set_read_timeout(Some(left));
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&response);
                    if text.starts_with("HTTP/1.1 200") && text.contains("\"healthy\":true") {
                        return true;
                    }
                }
                Err(_) => return false,
            }
        }
        let text = String::from_utf8_lossy(&response);
        text.starts_with("HTTP/1.1 200") && text.contains("\"healthy\":true")
    }

    /// The last `n` lines of its stderr.
    pub fn stderr_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A client for this server.
    pub fn client(&self) -> OpencodeClient {
        OpencodeClient::new(&self.url, &self.password)
    }
}

impl Drop for OpencodeServer {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| {
            let _ = Command::new("kill")
                .args([sig, "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (the leader or its children).
        signal("-KILL");
        let _ = self.child.wait();
    }
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A minimal test-side opencode HTTP client.
#[derive(Clone)]
pub struct OpencodeClient {
    pub url: String,
    password: String,
    http: reqwest::Client,
}

/// What one turn of one session produced.
#[derive(Debug, Default)]
pub struct Turn {
    /// The text parts' deltas, joined.
    pub text: String,
    /// The reasoning parts' deltas, joined.
    pub reasoning: String,
    /// Every event of the session (payloads), in order.
    pub events: Vec<Value>,
    /// `session.error` payload properties.
    pub errors: Vec<Value>,
    /// `permission.asked` payload properties (each was answered).
    pub permissions: Vec<Value>,
    /// Final states of tool parts, by part id order of appearance.
    pub tools: Vec<Value>,
    /// How long from prompt to `session.idle`.
    pub elapsed: Duration,
}

impl OpencodeClient {
    pub fn new(url: &str, password: &str) -> OpencodeClient {
        OpencodeClient {
            url: url.trim_end_matches('/').to_string(),
            password: password.to_string(),
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .expect("reqwest client"),
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        dir: Option<&Path>,
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .basic_auth(USERNAME, Some(&self.password));
        if let Some(dir) = dir {
            req = req.query(&[("directory", dir.display().to_string())]);
        }
        req
    }

    async fn send_json(&self, req: reqwest::RequestBuilder, what: &str) -> (u16, Value) {
        let resp = req
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// `POST /session?directory=D {}` -> the session id.
    pub async fn create_session(&self, dir: &Path) -> String {
        let (status, body) = self
            .send_json(
                self.request(reqwest::Method::POST, "/session", Some(dir))
                    .json(&json!({})),
                "create session",
            )
            .await;
        assert_eq!(status, 200, "create session: {body}");
        body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("create session: no id in {body}"))
            .to_string()
    }

    /// `GET /global/event`: subscribe (do it BEFORE prompting: no replay).
    /// Returns once the stream is open and its first event arrived.
    pub async fn subscribe(&self) -> EventStream {
        let resp = self
            .request(reqwest::Method::GET, "/global/event", None)
            .header("Accept", "text/event-stream")
            .send();
        let resp = tokio::time::timeout(Duration::from_secs(10), resp)
            .await
            .expect("subscribe: no response headers within 10 s")
            .expect("subscribe");
        assert_eq!(resp.status().as_u16(), 200, "subscribe: {}", resp.status());
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(read_sse(resp, tx));
        let mut stream = EventStream {
            rx,
            task,
            first: Vec::new(),
        };
        // The server greets with server.connected: from then on nothing is missed.
        if let Some(ev) = stream.next(Duration::from_secs(10)).await {
            stream.first.push(ev);
        }
        stream
    }

    /// `POST /session/<id>/prompt_async` (expects 204).
    pub async fn prompt(&self, session: &str, dir: &Path, text: &str, model: &str) {
        let body = json!({
            "parts": [{"type": "text", "text": text}],
            "model": {"providerID": PROVIDER_ID, "modelID": model},
        });
        let (status, resp) = self
            .send_json(
                self.request(
                    reqwest::Method::POST,
                    &format!("/session/{session}/prompt_async"),
                    Some(dir),
                )
                .json(&body),
                "prompt_async",
            )
            .await;
        assert_eq!(status, 204, "prompt_async: {resp}");
    }

    /// `POST /permission/<id>/reply {"reply": ...}`.
    pub async fn reply_permission(&self, id: &str, dir: &Path, reply: &str) {
        let (status, body) = self
            .send_json(
                self.request(
                    reqwest::Method::POST,
                    &format!("/permission/{id}/reply"),
                    Some(dir),
                )
                .json(&json!({"reply": reply})),
                "permission reply",
            )
            .await;
        assert!(
            (200..300).contains(&status),
            "permission reply: {status} {body}"
        );
    }

    /// Prompt, then collect the session's events until `session.idle`.
    pub async fn run_turn(
        &self,
        events: &mut EventStream,
        session: &str,
        dir: &Path,
        text: &str,
        model: &str,
    ) -> Turn {
        let started = Instant::now();
        self.prompt(session, dir, text, model).await;
        let mut turn = self.collect_turn(events, session, dir, TURN_TIMEOUT).await;
        turn.elapsed = started.elapsed();
        turn
    }

    /// Collects the events of `session` until `session.idle` (then settles a
    /// moment for stragglers), answering permission requests with "once".
    /// Panics after `timeout`.
    pub async fn collect_turn(
        &self,
        events: &mut EventStream,
        session: &str,
        dir: &Path,
        timeout: Duration,
    ) -> Turn {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut turn = Turn::default();
        let mut part_types: HashMap<String, String> = HashMap::new();
        let mut deltas: Vec<(String, String)> = Vec::new();
        let mut tool_order: Vec<String> = Vec::new();
        let mut tool_states: HashMap<String, Value> = HashMap::new();
        let mut idle_at: Option<Instant> = None;
        loop {
            let now = Instant::now();
            let wait = match idle_at {
                Some(t) => (t + Duration::from_millis(300)).saturating_duration_since(now),
                None => deadline.saturating_duration_since(now),
            };
            if wait.is_zero() && idle_at.is_some() {
                break;
            }
            if wait.is_zero() {
                panic!(
                    "turn of {session} did not end within {timeout:?}; events so far:\n{}",
                    summarize(&turn.events)
                );
            }
            let Some(event) = events.next(wait).await else {
                if idle_at.is_some() {
                    break;
                }
                if events.is_closed() {
                    panic!(
                        "event stream closed during turn of {session}; events so far:\n{}",
                        summarize(&turn.events)
                    );
                }
                continue;
            };
            let payload = &event["payload"];
            if event_session(payload) != Some(session) {
                continue;
            }
            turn.events.push(payload.clone());
            let props = &payload["properties"];
            match payload["type"].as_str().unwrap_or("") {
                "message.part.updated" => {
                    let part = &props["part"];
                    if let (Some(id), Some(ty)) = (part["id"].as_str(), part["type"].as_str()) {
                        part_types.insert(id.to_string(), ty.to_string());
                        if ty == "tool" {
                            if !tool_states.contains_key(id) {
                                tool_order.push(id.to_string());
                            }
                            tool_states.insert(id.to_string(), part.clone());
                        }
                    }
                }
                "message.part.delta" => {
                    if props["field"].as_str() == Some("text")
                        && let (Some(id), Some(delta)) =
                            (props["partID"].as_str(), props["delta"].as_str())
                    {
                        deltas.push((id.to_string(), delta.to_string()));
                    }
                }
                "permission.asked" => {
                    turn.permissions.push(props.clone());
                    if let Some(id) = props["id"].as_str() {
                        self.reply_permission(id, dir, "once").await;
                    }
                }
                "session.error" => turn.errors.push(props.clone()),
                "session.idle" => {
                    idle_at.get_or_insert_with(Instant::now);
                }
                _ => {}
            }
        }
        for (id, delta) in deltas {
            match part_types.get(&id).map(String::as_str) {
                Some("reasoning") => turn.reasoning.push_str(&delta),
                Some("text") => turn.text.push_str(&delta),
                other => panic!("delta for part {id} of unknown type {other:?}: {delta:?}"),
            }
        }
        turn.tools = tool_order
            .iter()
            .filter_map(|id| tool_states.get(id).cloned())
            .collect();
        turn.elapsed = started.elapsed();
        turn
    }
}

/// The session an event payload belongs to, if any.
pub fn event_session(payload: &Value) -> Option<&str> {
    let props = &payload["properties"];
    props["sessionID"]
        .as_str()
        .or_else(|| props["part"]["sessionID"].as_str())
        .or_else(|| props["info"]["sessionID"].as_str())
}

/// One line per event, for failure messages.
pub fn summarize(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| {
            let s = e.to_string();
            if s.len() > 300 {
                let mut end = 300;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}…", &s[..end])
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `GET /global/event` stream, read by a background task; `sync`
/// payloads are already skipped. Dropping it closes the connection.
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<Value>,
    task: tokio::task::JoinHandle<()>,
    /// Events read while subscribing (normally `server.connected`).
    pub first: Vec<Value>,
}

impl EventStream {
    /// The next event (`{"directory", "payload"}`), or None after `timeout`
    /// or when the stream ended.
    pub async fn next(&mut self, timeout: Duration) -> Option<Value> {
        tokio::time::timeout(timeout, self.rx.recv())
            .await
            .ok()
            .flatten()
    }

    pub fn is_closed(&self) -> bool {
        self.task.is_finished() && self.rx.is_empty()
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_sse(mut resp: reqwest::Response, tx: mpsc::UnboundedSender<Value>) {
    let mut buf: Vec<u8> = Vec::new();
    let mut data = String::new();
    loop {
        // Heartbeats come every 10 s: 30 s of silence means the stream is dead.
        let chunk = match tokio::time::timeout(Duration::from_secs(30), resp.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            _ => return,
        };
        buf.extend_from_slice(&chunk);
        while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !data.is_empty() {
                    let event = std::mem::take(&mut data);
                    if let Ok(value) = serde_json::from_str::<Value>(&event) {
                        if value["payload"]["type"].as_str() == Some("sync") {
                            continue;
                        }
                        if tx.send(value).is_err() {
                            return;
                        }
                    }
                }
            } else if let Some(rest) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            }
        }
    }
}
