//! The state file recording the kept server (`server.json`), the lock
//! commands hold while they decide about it, and the note of its last answer.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::attach::ACTIVE;
use crate::agent::opencode::{Client, Health, OpencodeError};
use crate::timestamp::now_ms;
use crate::util::lock;
use crate::util::process::pid_alive;

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
    /// What [`fingerprint`](fn@super::fingerprint) covers, to say what differs.
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

/// An exclusive lock on the state dir's lock file, held while a command
/// decides about (and maybe starts) the recorded server.
pub(super) struct StateLock(#[allow(dead_code)] File);

impl StateLock {
    pub(super) fn acquire_blocking(state_dir: &Path) -> Result<StateLock, OpencodeError> {
        create_private_dir(state_dir)?;
        let f = lock::lock(&state_dir.join("server.lock"), 0o600).map_err(|e| {
            OpencodeError::State {
                path: e.path,
                source: e.source,
            }
        })?;
        Ok(StateLock(f))
    }

    pub(super) async fn acquire(state_dir: &Path) -> Result<StateLock, OpencodeError> {
        create_private_dir(state_dir)?;
        let f = lock::lock_async(state_dir.join("server.lock"), 0o600)
            .await
            .map_err(|e| OpencodeError::State {
                path: e.path,
                source: e.source,
            })?;
        Ok(StateLock(f))
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<(), OpencodeError> {
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
pub(super) fn write_state(state_dir: &Path, rec: &ServerRecord) -> Result<(), OpencodeError> {
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
pub(super) fn clear_notes(state_dir: &Path) {
    let _ = std::fs::remove_file(state_dir.join(ANSWERED));
    let _ = std::fs::remove_file(state_dir.join(ACTIVE));
    let _ = std::fs::remove_file(state_dir.join(super::lean::DIRECTORIES));
}

pub(super) fn clear_state(state_dir: &Path) -> Result<(), OpencodeError> {
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
pub(super) async fn check(state_dir: &Path, rec: &ServerRecord) -> Option<Health> {
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

/// When the recorded server last answered (or started, if later).
pub(super) fn last_answered(state_dir: &Path, rec: &ServerRecord) -> i64 {
    std::fs::read_to_string(state_dir.join(ANSWERED))
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .max(rec.started_at)
}
