//! The opencode server: started for one command and stopped at its end
//! (short-lived), or started by `boocoder server start`, recorded in a state
//! file, and reattached to by later commands.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Client, Health, OpencodeError};
use crate::config::Config;
use crate::timestamp::now_ms;
use crate::util::process::{pid_alive, stop_with_parent};
use crate::util::{lock, signal_group};

/// The provider id boocoder gives llama-swap inside opencode.
pub const LLAMA_SWAP_PROVIDER: &str = "llama-swap";

/// Everything that decides how a server is started.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The opencode binary (a bare name is looked up on PATH).
    pub bin: PathBuf,
    pub state_dir: PathBuf,
    pub llama_swap_url: Option<String>,
    /// The models llama-swap offers (its `/v1/models`), listed in the
    /// injected provider; None: asked for only when a server is started
    /// (reattaching needs no list).
    pub llama_swap_models: Option<Vec<String>>,
    pub default_model: Option<String>,
    pub disable_models_fetch: bool,
    pub health_timeout: Duration,
    /// Extra environment for the server (the rest is inherited).
    pub env: Vec<(String, String)>,
    /// The inherited environment opencode reads its own configuration from
    /// ([`crate::config::OPENCODE_CONFIG_ENV`]), as the config captured it;
    /// `env` overrides it. Part of the fingerprint.
    pub opencode_env: BTreeMap<String, String>,
    /// A server this command starts and keeps stops itself after this long
    /// with no command attached (`keep = "auto"`); None: it runs until
    /// `server stop`. Not a setting: a command reattaches either way.
    pub idle_timeout: Option<Duration>,
}

impl ServerOptions {
    pub fn from_config(cfg: &Config) -> ServerOptions {
        ServerOptions {
            bin: cfg
                .opencode_bin
                .clone()
                .unwrap_or_else(|| PathBuf::from("opencode")),
            state_dir: cfg.state_dir.clone(),
            llama_swap_url: cfg.llama_swap_url.clone(),
            llama_swap_models: None,
            default_model: cfg.default_model.clone(),
            disable_models_fetch: cfg.server.disable_models_fetch,
            health_timeout: cfg.server.health_timeout,
            env: Vec::new(),
            opencode_env: cfg.opencode_env.clone(),
            idle_timeout: (cfg.server.keep == crate::config::Keep::Auto)
                .then_some(cfg.server.idle_timeout),
        }
    }

    /// The `OPENCODE_CONFIG_CONTENT` injecting llama-swap, if configured.
    pub fn config_content(&self, llama_swap_models: &[String]) -> Option<String> {
        let url = self.llama_swap_url.as_ref()?;
        let models: serde_json::Map<String, serde_json::Value> = llama_swap_models
            .iter()
            .map(|m| (m.clone(), json!({ "name": m })))
            .collect();
        let mut cfg = json!({
            "provider": {
                LLAMA_SWAP_PROVIDER: {
                    "npm": "@ai-sdk/openai-compatible",
                    "name": LLAMA_SWAP_PROVIDER,
                    "options": { "baseURL": format!("{url}/v1") },
                    "models": models,
                }
            },
            "autoupdate": false,
            "share": "disabled",
            "snapshot": false,
        });
        let default = self
            .default_model
            .clone()
            .or_else(|| llama_swap_models.first().cloned());
        if let Some(m) = default {
            let (provider, model) = llama_swap_model_id(&m, llama_swap_models);
            cfg["model"] = json!(format!("{provider}/{model}"));
        }
        Some(cfg.to_string())
    }
}

/// `(providerID, modelID)` for a model name: `llama-swap/x` and bare ids (or
/// ids llama-swap lists, which may contain `/`) belong to llama-swap; other
/// `provider/model` ids pass through.
pub fn llama_swap_model_id(model: &str, llama_swap_models: &[String]) -> (String, String) {
    if let Some(rest) = model.strip_prefix("llama-swap/") {
        return (LLAMA_SWAP_PROVIDER.into(), rest.into());
    }
    if llama_swap_models.iter().any(|m| m == model) {
        return (LLAMA_SWAP_PROVIDER.into(), model.into());
    }
    match model.split_once('/') {
        Some((p, m)) => (p.into(), m.into()),
        None => (LLAMA_SWAP_PROVIDER.into(), model.into()),
    }
}

/// The settings a server is started with that a later command must share
/// to reuse it: the opencode binary, llama-swap's URL, the models fetch
/// switch, and the environment opencode reads its own configuration from.
/// The model is not one of them: every turn names its model.
pub fn settings(opts: &ServerOptions) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "opencode_bin".into(),
        opts.bin.to_string_lossy().into_owned(),
    );
    m.insert(
        "llama_swap_url".into(),
        opts.llama_swap_url.clone().unwrap_or_default(),
    );
    m.insert(
        "disable_models_fetch".into(),
        opts.disable_models_fetch.to_string(),
    );
    for var in crate::config::OPENCODE_CONFIG_ENV {
        let extra = opts.env.iter().find(|(k, _)| k == var).map(|(_, v)| v);
        let value = extra
            .or_else(|| opts.opencode_env.get(var))
            .cloned()
            .unwrap_or_default();
        m.insert(format!("env.{var}"), value);
    }
    m
}

/// A stable fingerprint of [`settings`]: a recorded server with another
/// fingerprint is not reused (nor stopped: the command gets a short-lived
/// server of its own).
pub fn fingerprint(opts: &ServerOptions) -> String {
    let s = settings(opts);
    let parts: Vec<String> = s.iter().map(|(k, v)| format!("{k}={v}")).collect();
    crate::util::fnv1a_hex(&parts.join("\u{1f}"))
}

/// What the state file records about a kept server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRecord {
    pub pid: u32,
    pub url: String,
    pub port: u16,
    pub password: String,
    pub version: String,
    pub fingerprint: String,
    pub started_at: i64,
    pub log: PathBuf,
    /// What [`fingerprint`] covers, to say what differs.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// llama-swap's models when it started (opencode's provider lists them).
    #[serde(default)]
    pub models: Vec<String>,
    /// A self-kept server (`keep = "auto"`) stops after this many seconds
    /// with no command attached; None: it runs until `server stop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_seconds: Option<u64>,
    /// The `boocoder server supervise` process watching a self-kept server
    /// (in the server's process group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor_pid: Option<u32>,
}

/// How this command got its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Started for this command; stopped when it ends.
    ShortLived,
    /// The recorded server, started earlier.
    Reattached,
    /// Started now and recorded: it outlives this command.
    Started,
}

/// A server this command can talk to. A short-lived one is stopped (its
/// whole process group, TERM then KILL) when this is dropped: at the end of
/// the command, on error and on Ctrl-C alike.
#[derive(Debug)]
pub struct Server {
    pub record: ServerRecord,
    pub origin: Origin,
    /// Why this command runs on a short-lived server although a kept one
    /// runs (for one line on stderr).
    pub notice: Option<String>,
    child: Option<Child>,
    /// A shared lock on the state dir's attach file while this command uses
    /// the kept server: its supervisor does not stop it meanwhile.
    attach: Option<Attach>,
}

impl Server {
    pub fn client(&self) -> Client {
        Client::new(&self.record.url, &self.record.password)
    }

    /// Whether the server process has exited (gone, or a zombie not yet
    /// reaped): a turn on it can end at once.
    pub fn process_gone(&self) -> bool {
        let pid = self.record.pid;
        !pid_alive(pid)
            || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                s.rsplit_once(')')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
            })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.attach.take());
        if let Some(mut child) = self.child.take() {
            // Nothing of a short-lived server's is worth waiting for: its
            // sessions are on disk once the turn settled, and opencode
            // takes ~2 s to exit on TERM.
            terminate_group(self.record.pid, SHORT_LIVED_GRACE, || {
                matches!(child.try_wait(), Ok(Some(_)))
            });
            let _ = child.wait();
            let _ = std::fs::remove_file(&self.record.log);
        }
    }
}

/// How long a short-lived server gets between TERM and KILL.
const SHORT_LIVED_GRACE: Duration = Duration::from_millis(300);
/// How long a recorded server gets between TERM and KILL.
const RECORDED_GRACE: Duration = Duration::from_secs(3);

/// TERM the process group, wait up to `grace` for `gone`, then KILL it.
fn terminate_group(pid: u32, grace: Duration, mut gone: impl FnMut() -> bool) {
    signal_group(pid, libc::SIGTERM);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && !gone() {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Whatever is left: the leader if it ignored TERM, or its children.
    signal_group(pid, libc::SIGKILL);
}

/// Whether `pid` is the `opencode serve` on `port` (not a program that
/// reused the pid): its command line says so.
fn is_recorded_server(rec: &ServerRecord) -> bool {
    let Ok(raw) = std::fs::read(format!("/proc/{}/cmdline", rec.pid)) else {
        return false;
    };
    let args: Vec<&[u8]> = raw.split(|b| *b == 0).collect();
    let port = rec.port.to_string();
    args.iter().any(|a| *a == b"serve")
        && args
            .windows(2)
            .any(|w| w[0] == b"--port" && w[1] == port.as_bytes())
}

/// An exclusive lock on the state dir's lock file, held while a command
/// decides about (and maybe starts) the recorded server.
struct StateLock(#[allow(dead_code)] File);

impl StateLock {
    fn acquire_blocking(state_dir: &Path) -> Result<StateLock, OpencodeError> {
        create_private_dir(state_dir)?;
        let f = lock::lock(&state_dir.join("server.lock"), 0o600).map_err(|e| {
            OpencodeError::State {
                path: e.path,
                source: e.source,
            }
        })?;
        Ok(StateLock(f))
    }

    async fn acquire(state_dir: &Path) -> Result<StateLock, OpencodeError> {
        let dir = state_dir.to_path_buf();
        tokio::task::spawn_blocking(move || StateLock::acquire_blocking(&dir))
            .await
            .expect("lock task")
    }
}

fn create_private_dir(dir: &Path) -> Result<(), OpencodeError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| OpencodeError::State {
            path: dir.to_path_buf(),
            source,
        })
}

/// The recorded server, if the state file exists and parses (a corrupt
/// file counts as none).
pub fn read_state(state_dir: &Path) -> Result<Option<ServerRecord>, OpencodeError> {
    let path = state_dir.join("server.json");
    match std::fs::read(&path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(OpencodeError::State { path, source }),
    }
}

/// Write the state file atomically (temp file + rename), mode 0600.
fn write_state(state_dir: &Path, rec: &ServerRecord) -> Result<(), OpencodeError> {
    create_private_dir(state_dir)?;
    let path = state_dir.join("server.json");
    let tmp = state_dir.join(format!("server.json.tmp.{}", std::process::id()));
    let err = |source| OpencodeError::State {
        path: path.clone(),
        source,
    };
    let mut f = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(err)?;
    f.write_all(&serde_json::to_vec_pretty(rec).expect("record serializes"))
        .and_then(|_| f.sync_all())
        .map_err(err)?;
    std::fs::rename(&tmp, &path).map_err(err)
}

/// Forget the notes about the last kept server.
fn clear_notes(state_dir: &Path) {
    let _ = std::fs::remove_file(state_dir.join(ANSWERED));
    let _ = std::fs::remove_file(state_dir.join(ACTIVE));
}

fn clear_state(state_dir: &Path) -> Result<(), OpencodeError> {
    let path = state_dir.join("server.json");
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(OpencodeError::State { path, source: e })
        }
        _ => Ok(()),
    }
}

/// Whether the recorded server is alive and answers with its password; an
/// answer is noted (the state dir's `server.answered`), so a server that
/// stops answering can say since when.
async fn check(state_dir: &Path, rec: &ServerRecord) -> Option<Health> {
    if !pid_alive(rec.pid) {
        return None;
    }
    let h = Client::new(&rec.url, &rec.password)
        .health(Duration::from_secs(2))
        .await
        .ok()
        .filter(|h| h.healthy)?;
    let _ = std::fs::write(state_dir.join(ANSWERED), now_ms().to_string());
    Some(h)
}

/// The state dir's note of the kept server's last answer (Unix ms).
const ANSWERED: &str = "server.answered";
/// The file commands hold a shared lock on while they use the kept server.
const ATTACH: &str = "server.attach";
/// The state dir's note of when a command last used the kept server (Unix ms).
const ACTIVE: &str = "server.active";

/// A command's hold on the kept server: a shared lock on the attach file;
/// letting go notes the time (the idle clock starts then).
#[derive(Debug)]
struct Attach {
    file: File,
    state_dir: PathBuf,
}

impl Attach {
    fn take(state_dir: &Path) -> Result<Attach, OpencodeError> {
        let path = state_dir.join(ATTACH);
        let file = open_attach(&path)?;
        file.lock_shared()
            .map_err(|source| OpencodeError::State { path, source })?;
        Ok(Attach {
            file,
            state_dir: state_dir.to_path_buf(),
        })
    }
}

impl Drop for Attach {
    fn drop(&mut self) {
        note_active(&self.state_dir);
        let _ = self.file.unlock();
    }
}

fn open_attach(path: &Path) -> Result<File, OpencodeError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
        .map_err(|source| OpencodeError::State {
            path: path.to_path_buf(),
            source,
        })
}

fn note_active(state_dir: &Path) {
    let _ = std::fs::write(state_dir.join(ACTIVE), now_ms().to_string());
}

/// Whether a command holds the kept server now (never blocks).
pub fn attached(state_dir: &Path) -> bool {
    let Ok(f) = open_attach(&state_dir.join(ATTACH)) else {
        return false;
    };
    match f.try_lock() {
        Ok(()) => {
            let _ = f.unlock();
            false
        }
        Err(_) => true,
    }
}

/// Since when the kept server has had no command attached (Unix ms): the
/// last command's detach, or its start.
pub fn idle_since(state_dir: &Path, rec: &ServerRecord) -> i64 {
    std::fs::read_to_string(state_dir.join(ACTIVE))
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .max(rec.started_at)
}

/// When a self-kept server will stop itself (Unix ms): None when it is kept
/// until `server stop`, or while a command is attached.
pub fn stops_at(state_dir: &Path, rec: &ServerRecord) -> Option<i64> {
    let idle = rec.idle_timeout_seconds?;
    if attached(state_dir) {
        return None;
    }
    Some(idle_since(state_dir, rec) + idle as i64 * 1000)
}

/// When the recorded server last answered (or started, if later).
fn last_answered(state_dir: &Path, rec: &ServerRecord) -> i64 {
    std::fs::read_to_string(state_dir.join(ANSWERED))
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .max(rec.started_at)
}

/// Whether the record names a live `opencode serve` of ours (a dead pid, or
/// one another program reuses, is a stale record).
fn is_live_record(rec: &ServerRecord) -> bool {
    pid_alive(rec.pid) && is_recorded_server(rec)
}

/// The state of the recorded server.
#[derive(Debug, Clone)]
pub enum ServerState {
    Running {
        record: ServerRecord,
        health: Health,
    },
    /// Its process lives but does not answer (stopped, hung, overloaded).
    Unresponsive {
        record: ServerRecord,
        /// Unix ms of its last answer (or its start).
        last_answered: i64,
    },
    /// None is running; `cleared` says a stale record was removed.
    NotRunning { cleared: Option<ServerRecord> },
}

/// Look at the recorded server; a dead or impostor record is cleared. Never
/// signals anything.
pub async fn server_status(state_dir: &Path) -> Result<ServerState, OpencodeError> {
    let _lock = StateLock::acquire(state_dir).await?;
    let Some(rec) = read_state(state_dir)? else {
        return Ok(ServerState::NotRunning { cleared: None });
    };
    if !is_live_record(&rec) {
        clear_state(state_dir)?;
        return Ok(ServerState::NotRunning { cleared: Some(rec) });
    }
    match check(state_dir, &rec).await {
        Some(health) => Ok(ServerState::Running {
            record: rec,
            health,
        }),
        None => Ok(ServerState::Unresponsive {
            last_answered: last_answered(state_dir, &rec),
            record: rec,
        }),
    }
}

/// Stop the recorded server (graceful, then kill) and clear the record.
/// Ok(None) when none was running. The caller decides whether turns on it
/// may be broken (`server stop` refuses without --force).
pub async fn stop_server(state_dir: &Path) -> Result<Option<ServerRecord>, OpencodeError> {
    let _lock = StateLock::acquire(state_dir).await?;
    let Some(rec) = read_state(state_dir)? else {
        return Ok(None);
    };
    let running = is_live_record(&rec);
    if running {
        let pid = rec.pid;
        tokio::task::spawn_blocking(move || {
            terminate_group(pid, RECORDED_GRACE, || !pid_alive(pid))
        })
        .await
        .expect("stop task");
    }
    clear_state(state_dir)?;
    clear_notes(state_dir);
    Ok(running.then_some(rec))
}

/// llama-swap's models for a server to be started: the given list, else
/// asked for now; None when llama-swap does not answer (a warning says so).
async fn resolve_models(opts: &ServerOptions) -> Option<Vec<String>> {
    match (&opts.llama_swap_models, &opts.llama_swap_url) {
        (Some(m), _) => Some(m.clone()),
        (None, Some(url)) => {
            use crate::probe::llama_swap;
            let (ids, warning) =
                llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT).await;
            match warning {
                Some(w) => {
                    tracing::warn!("{w}; opencode gets no llama-swap models");
                    None
                }
                None => Some(ids),
            }
        }
        (None, None) => Some(Vec::new()),
    }
}

/// Why the live, recorded server does not suit these options (None: it
/// does).
async fn mismatch(
    opts: &ServerOptions,
    rec: &ServerRecord,
    models: Option<&[String]>,
) -> Option<String> {
    if check(&opts.state_dir, rec).await.is_none() {
        let silent = (now_ms() - last_answered(&opts.state_dir, rec)).max(0) / 1000;
        return Some(format!(
            "the kept server (pid {}) has not answered for {silent} s",
            rec.pid
        ));
    }
    if rec.fingerprint != fingerprint(opts) {
        let wanted = settings(opts);
        let differ: Vec<&str> = wanted
            .iter()
            .filter(|(k, v)| rec.settings.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        let what = if differ.is_empty() {
            "settings".to_string()
        } else {
            differ.join(", ")
        };
        return Some(format!(
            "the kept server (pid {}) runs with another {what}",
            rec.pid
        ));
    }
    if let Some(models) = models
        && models != rec.models.as_slice()
    {
        let added: Vec<&str> = models
            .iter()
            .filter(|m| !rec.models.contains(m))
            .map(String::as_str)
            .collect();
        let what = if added.is_empty() {
            String::new()
        } else {
            format!(" (new: {})", added.join(", "))
        };
        return Some(format!(
            "llama-swap's models changed since the kept server (pid {}) started{what}; \
             `boocoder server start --restart` updates it",
            rec.pid
        ));
    }
    None
}

/// The server a command should use: the recorded one when it is alive,
/// answers, and was started with the same settings and llama-swap models.
/// A recorded server that does not suit is never stopped (another process
/// may be running a turn on it): this command gets a short-lived server of
/// its own, and `notice` says why. With no (live) recorded server, a new
/// one: recorded when `keep`, else short-lived.
pub async fn ensure_server(opts: &ServerOptions, keep: bool) -> Result<Server, OpencodeError> {
    let models = resolve_models(opts).await;
    let lock = StateLock::acquire(&opts.state_dir).await?;
    let mut notice = None;
    if let Some(rec) = read_state(&opts.state_dir)? {
        if is_live_record(&rec) {
            match mismatch(opts, &rec, models.as_deref()).await {
                None => {
                    // Attached before the state lock is let go: its
                    // supervisor, which decides under that lock, sees it.
                    let attach = Some(Attach::take(&opts.state_dir)?);
                    return Ok(Server {
                        record: rec,
                        origin: Origin::Reattached,
                        notice: None,
                        child: None,
                        attach,
                    });
                }
                Some(why) => {
                    notice = Some(format!(
                        "{why}: this command uses a short-lived server of its own"
                    ))
                }
            }
        } else {
            tracing::info!(
                pid = rec.pid,
                "the recorded server is gone; clearing its record"
            );
            clear_state(&opts.state_dir)?;
        }
    }
    let models = models.unwrap_or_default();
    if !keep || notice.is_some() {
        drop(lock);
        let mut server = spawn(opts, Origin::ShortLived, &models).await?;
        server.notice = notice;
        return Ok(server);
    }
    let mut server = spawn(opts, Origin::Started, &models).await?;
    if let Some(idle) = opts.idle_timeout {
        server.record.idle_timeout_seconds = Some(idle.as_secs().max(1));
        // Without its watcher a self-kept server would run forever: failing
        // to start one stops the server (dropping it) and fails the command.
        server.record.supervisor_pid = Some(spawn_supervisor(&server.record, &opts.state_dir)?);
    }
    server.attach = Some(Attach::take(&opts.state_dir)?);
    write_state(&opts.state_dir, &server.record)?;
    // Detach: the server outlives this process.
    server.child = None;
    Ok(server)
}

/// Start `boocoder server supervise` detached, in the server's process
/// group (stopping the group stops both).
fn spawn_supervisor(rec: &ServerRecord, state_dir: &Path) -> Result<u32, OpencodeError> {
    let exe = std::env::current_exe().map_err(|source| OpencodeError::State {
        path: PathBuf::from("/proc/self/exe"),
        source,
    })?;
    let child = Command::new(&exe)
        .args(["server", "supervise", "--pid"])
        .arg(rec.pid.to_string())
        .arg("--state-dir")
        .arg(state_dir)
        .arg("--idle-timeout")
        .arg(rec.idle_timeout_seconds.unwrap_or(1).to_string())
        .current_dir(state_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(rec.pid as i32)
        .spawn()
        .map_err(|source| OpencodeError::Spawn { bin: exe, source })?;
    Ok(child.id())
}

/// The supervisor of a self-kept server (`boocoder server supervise`):
/// polls until the server has had no command attached for `idle`, then
/// clears its record and stops its process group, itself included. Returns
/// when the server is gone or no longer the recorded one.
pub fn supervise(state_dir: &Path, pid: u32, idle: Duration) -> Result<(), OpencodeError> {
    // `server stop` TERMs the group: the server goes, this process notices;
    // the KILL that follows takes it.
    // SAFETY: setting a signal's disposition to ignore is always sound.
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_IGN);
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
    // The command that started it writes the record under this lock.
    drop(StateLock::acquire_blocking(state_dir)?);
    let poll = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
    let ours = |rec: &Option<ServerRecord>| rec.as_ref().is_some_and(|r| r.pid == pid);
    loop {
        std::thread::sleep(poll);
        let rec = read_state(state_dir)?;
        if !ours(&rec) {
            return Ok(());
        }
        let rec = rec.expect("checked");
        if !pid_alive(pid) {
            let _lock = StateLock::acquire_blocking(state_dir)?;
            if ours(&read_state(state_dir)?) {
                clear_state(state_dir)?;
                clear_notes(state_dir);
            }
            return Ok(());
        }
        if attached(state_dir) {
            continue;
        }
        if now_ms() - idle_since(state_dir, &rec) < idle.as_millis() as i64 {
            continue;
        }
        // Decide under the state lock: a command reattaching holds it until
        // it is attached.
        let lock = StateLock::acquire_blocking(state_dir)?;
        if !ours(&read_state(state_dir)?) {
            return Ok(());
        }
        if attached(state_dir) || now_ms() - idle_since(state_dir, &rec) < idle.as_millis() as i64 {
            continue;
        }
        tracing::info!(pid, "the kept server has been idle: stopping it");
        clear_state(state_dir)?;
        clear_notes(state_dir);
        drop(lock);
        terminate_group(pid, RECORDED_GRACE, || !pid_alive(pid));
        return Ok(());
    }
}

/// `boocoder server start`: the recorded server, started if none runs. A
/// running one that does not suit these options is an error unless
/// `restart` (the caller checked that no turn runs on it); so is one that
/// does not answer.
pub async fn start_kept_server(
    opts: &ServerOptions,
    restart: bool,
) -> Result<Server, OpencodeError> {
    let models = resolve_models(opts).await;
    let _lock = StateLock::acquire(&opts.state_dir).await?;
    if let Some(rec) = read_state(&opts.state_dir)? {
        if is_live_record(&rec) {
            if !restart {
                return match mismatch(opts, &rec, models.as_deref()).await {
                    None => Ok(Server {
                        record: rec,
                        origin: Origin::Reattached,
                        notice: None,
                        child: None,
                        attach: None,
                    }),
                    Some(why) => Err(OpencodeError::KeptDiffers { why }),
                };
            }
            let pid = rec.pid;
            tokio::task::spawn_blocking(move || {
                terminate_group(pid, RECORDED_GRACE, || !pid_alive(pid))
            })
            .await
            .expect("stop task");
        }
        clear_state(&opts.state_dir)?;
        clear_notes(&opts.state_dir);
    }
    let models = models.unwrap_or_default();
    let mut server = spawn(opts, Origin::Started, &models).await?;
    write_state(&opts.state_dir, &server.record)?;
    server.child = None;
    Ok(server)
}

fn free_port() -> Result<u16, std::io::Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn random_password() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the OS random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Start `opencode serve` on a free loopback port with a fresh password and
/// wait until it is healthy.
async fn spawn(
    opts: &ServerOptions,
    origin: Origin,
    models: &[String],
) -> Result<Server, OpencodeError> {
    let logs = opts.state_dir.join("logs");
    create_private_dir(&logs)?;
    let mut last_err = None;
    // A port picked free can be taken before opencode binds it: retry.
    for _ in 0..3 {
        let port = free_port().map_err(|source| OpencodeError::Spawn {
            bin: opts.bin.clone(),
            source,
        })?;
        match spawn_on(opts, origin, port, &logs, models).await {
            Err(OpencodeError::Exited { status, log_tail })
                if log_tail.contains("EADDRINUSE") || log_tail.contains("in use") =>
            {
                last_err = Some(OpencodeError::Exited { status, log_tail });
            }
            other => return other,
        }
    }
    Err(last_err.expect("a failed attempt"))
}

async fn spawn_on(
    opts: &ServerOptions,
    origin: Origin,
    port: u16,
    logs: &Path,
    llama_swap_models: &[String],
) -> Result<Server, OpencodeError> {
    let password = random_password();
    let log = logs.join(format!("opencode-{port}.log"));
    let log_file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&log)
        .map_err(|source| OpencodeError::State {
            path: log.clone(),
            source,
        })?;
    let mut cmd = Command::new(&opts.bin);
    cmd.args([
        "serve",
        "--hostname",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ])
    .current_dir(&opts.state_dir)
    .env("OPENCODE_SERVER_PASSWORD", &password)
    .env("OPENCODE_SERVER_USERNAME", super::client::USERNAME)
    .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
    .stdin(Stdio::null())
    .stdout(
        log_file
            .try_clone()
            .map_err(|source| OpencodeError::State {
                path: log.clone(),
                source,
            })?,
    )
    .stderr(log_file)
    // Its own process group: stopping it takes its children too, and a
    // Ctrl-C at the terminal does not reach a kept server.
    .process_group(0);
    if opts.disable_models_fetch {
        cmd.env("OPENCODE_DISABLE_MODELS_FETCH", "1");
    }
    if origin == Origin::ShortLived {
        stop_with_parent(&mut cmd);
    }
    cmd.envs(opts.env.iter().map(|(k, v)| (k, v)));
    if let Some(content) = opts.config_content(llama_swap_models) {
        cmd.env("OPENCODE_CONFIG_CONTENT", content);
    }
    let child = cmd.spawn().map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            OpencodeError::NotInstalled {
                bin: opts.bin.clone(),
            }
        } else {
            OpencodeError::Spawn {
                bin: opts.bin.clone(),
                source,
            }
        }
    })?;
    let record = ServerRecord {
        pid: child.id(),
        url: format!("http://127.0.0.1:{port}"),
        port,
        password,
        version: String::new(),
        fingerprint: fingerprint(opts),
        started_at: now_ms(),
        log: log.clone(),
        settings: settings(opts),
        models: llama_swap_models.to_vec(),
        idle_timeout_seconds: None,
        supervisor_pid: None,
    };
    let client = Client::new(&record.url, &record.password);
    // Guarded from here: an error, or this future dropped (Ctrl-C), stops
    // the half-started server with its process group.
    let mut server = Server {
        record,
        origin,
        notice: None,
        child: Some(child),
        attach: None,
    };
    let deadline = Instant::now() + opts.health_timeout;
    loop {
        let exited = server
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        if let Some(status) = exited {
            let tail = log_tail(&log, 20);
            drop(server);
            let _ = std::fs::remove_file(&log);
            return Err(OpencodeError::Exited {
                status: status.to_string(),
                log_tail: tail,
            });
        }
        // Each attempt has its own short timeout: a request sent while the
        // server starts can be accepted and never answered.
        if let Ok(h) = client.health(Duration::from_secs(1)).await
            && h.healthy
        {
            server.record.version = h.version;
            return Ok(server);
        }
        if Instant::now() >= deadline {
            let tail = log_tail(&log, 20);
            drop(server);
            return Err(OpencodeError::Unhealthy {
                seconds: opts.health_timeout.as_secs(),
                log_tail: tail,
            });
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_get_the_llama_swap_prefix_once() {
        let known = vec!["Qwen/Qwen3".to_string()];
        let id = |m| llama_swap_model_id(m, &known);
        assert_eq!(id("qwen"), ("llama-swap".into(), "qwen".into()));
        assert_eq!(id("llama-swap/qwen"), ("llama-swap".into(), "qwen".into()));
        assert_eq!(id("Qwen/Qwen3"), ("llama-swap".into(), "Qwen/Qwen3".into()));
        assert_eq!(
            id("anthropic/claude"),
            ("anthropic".into(), "claude".into())
        );
    }
}
