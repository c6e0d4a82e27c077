//! The opencode server: started for one command and stopped at its end
//! (short-lived), or started by `boocoder server start`, recorded in a state
//! file, and reattached to by later commands.
//!
//! This module holds the options a server is started with and the entry
//! points that decide which server a command gets; the parts live in
//! submodules: the state file and its lock (`state`), the attach lock and
//! idle clock (`attach`), the settings fingerprint (`fingerprint`),
//! starting `opencode serve` (`spawn`), looking at and stopping the
//! recorded server (`control`), and the idle supervisor (`supervisor`).

mod attach;
mod control;
mod fingerprint;
mod lean;
mod spawn;
mod state;
mod supervisor;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Child;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::agent::opencode::{Client, OpencodeError};
use crate::config::Config;
use crate::util::process::pid_alive;

use attach::Attach;
use control::{SHORT_LIVED_GRACE, is_live_record, stop_recorded_group, terminate_group};
use fingerprint::mismatch;
use spawn::spawn;
use state::{StateLock, clear_notes, clear_state, write_state};
use supervisor::{spawn_supervisor, stop_supervisor, supervisor_alive};

pub use attach::{attached, idle_since, stops_at};
pub use control::{ServerState, active_turns, server_status, stop_server};
pub use fingerprint::{fingerprint, settings};
pub(crate) use lean::note_directory;
pub use lean::{dispose_directory, group_rss_mb};
pub(crate) use state::create_private_dir;
pub use state::{ServerRecord, read_state};
pub use supervisor::{supervise, supervisor_running};

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
    /// An idle self-kept server is recycled past this RSS (MiB; 0: never)
    /// or after serving `max_directories` directories. Not settings.
    pub max_rss_mb: u64,
    pub max_directories: Option<u64>,
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
            max_rss_mb: cfg.server.max_rss_mb,
            max_directories: cfg.server.max_directories,
        }
    }

    /// The `OPENCODE_CONFIG_CONTENT`: opencode asks for every tool call
    /// (boocoder answers each by the turn's permission policy), plus the
    /// llama-swap provider when configured.
    pub fn config_content(&self, llama_swap_models: &[String]) -> String {
        let permission = json!({ "*": "ask" });
        // A repository's own opencode.json can set an agent's permissions,
        // which outrank the top-level ones: the default agent and the
        // general subagent ask too (plan and explore keep their denials).
        let agent = json!({
            "build": { "permission": permission },
            "general": { "permission": permission },
        });
        let Some(url) = self.llama_swap_url.as_ref() else {
            return json!({ "permission": permission, "agent": agent }).to_string();
        };
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
            "permission": permission,
            "agent": agent,
        });
        let default = self
            .default_model
            .clone()
            .or_else(|| llama_swap_models.first().cloned());
        if let Some(m) = default {
            let (provider, model) = llama_swap_model_id(&m, llama_swap_models);
            cfg["model"] = json!(format!("{provider}/{model}"));
        }
        cfg.to_string()
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

/// The server a command should use: the recorded one when it is alive,
/// answers, and was started with the same settings and llama-swap models
/// (a self-kept one whose supervisor is gone gets a new one). A recorded
/// server that does not suit is stopped and replaced only when this command
/// keeps servers, it is self-kept (`keep = "auto"`) and no command is
/// attached to it; otherwise (another process may be running a turn on it,
/// or `server start` kept it) this command gets a short-lived server of its
/// own, and `notice` says why. With no (live) recorded server, a new one:
/// recorded when `keep`, else short-lived.
pub async fn ensure_server(opts: &ServerOptions, keep: bool) -> Result<Server, OpencodeError> {
    let models = resolve_models(opts).await;
    let lock = StateLock::acquire(&opts.state_dir).await?;
    let mut notice = None;
    if let Some(mut rec) = read_state(&opts.state_dir)? {
        if is_live_record(&rec) {
            // A self-kept server no command uses may be replaced: when it
            // does not suit, or has grown too big to keep.
            let replaceable =
                keep && rec.idle_timeout_seconds.is_some() && !attached(&opts.state_dir);
            let why = match mismatch(opts, &rec, models.as_deref()).await {
                None if replaceable => lean::worn(opts, &rec)
                    .map(|w| format!("{w}: starting a fresh one"))
                    .map(|w| (w, true)),
                None => None,
                Some(w) if replaceable => Some((format!("{w}: replacing it"), true)),
                Some(w) => Some((w, false)),
            };
            match why {
                None => {
                    if rec.idle_timeout_seconds.is_some() && !supervisor_alive(&rec) {
                        // Its supervisor was killed: without a new one it
                        // would never stop.
                        rec.supervisor_pid = Some(spawn_supervisor(&rec, &opts.state_dir)?);
                        write_state(&opts.state_dir, &rec)?;
                    }
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
                Some((why, true)) => {
                    notice = Some(why);
                    stop_recorded_group(rec.pid).await;
                    clear_state(&opts.state_dir)?;
                    clear_notes(&opts.state_dir);
                }
                Some((why, false)) => {
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
    let bypass = notice.is_some() && read_state(&opts.state_dir)?.is_some();
    if !keep || bypass {
        drop(lock);
        let mut server = spawn(opts, Origin::ShortLived, &models).await?;
        server.notice = notice;
        return Ok(server);
    }
    let mut server = spawn(opts, Origin::Started, &models).await?;
    server.notice = notice;
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
    let mut notice = None;
    if let Some(mut rec) = read_state(&opts.state_dir)? {
        if is_live_record(&rec) {
            let self_kept = rec.idle_timeout_seconds.is_some();
            if !restart {
                match mismatch(opts, &rec, models.as_deref()).await {
                    None if self_kept => {
                        // Taken over: kept until `server stop` from now on.
                        stop_supervisor(&rec);
                        rec.idle_timeout_seconds = None;
                        rec.supervisor_pid = None;
                        write_state(&opts.state_dir, &rec)?;
                        return Ok(Server {
                            record: rec,
                            origin: Origin::Reattached,
                            notice: Some(
                                "the self-kept server is now kept until `server stop`".into(),
                            ),
                            child: None,
                            attach: None,
                        });
                    }
                    None => {
                        return Ok(Server {
                            record: rec,
                            origin: Origin::Reattached,
                            notice: None,
                            child: None,
                            attach: None,
                        });
                    }
                    // A self-kept server no command uses is brought up to date.
                    Some(why) if self_kept && !attached(&opts.state_dir) => {
                        notice = Some(format!("{why}: restarting it"));
                    }
                    Some(why) => return Err(OpencodeError::KeptDiffers { why }),
                }
            }
            stop_recorded_group(rec.pid).await;
        }
        clear_state(&opts.state_dir)?;
        clear_notes(&opts.state_dir);
    }
    let models = models.unwrap_or_default();
    let mut server = spawn(opts, Origin::Started, &models).await?;
    server.notice = notice;
    write_state(&opts.state_dir, &server.record)?;
    server.child = None;
    Ok(server)
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
