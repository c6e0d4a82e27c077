//! The server's process group: whether a record names a live server of
//! ours, stopping the group, and the status and stop of the recorded server.

use std::path::Path;
use std::time::{Duration, Instant};

use super::state::{
    ServerRecord, StateLock, check, clear_notes, clear_state, last_answered, read_state,
};
use crate::agent::opencode::{Health, OpencodeError};
use crate::util::process::pid_alive;
use crate::util::signal_group;

/// How long a short-lived server gets between TERM and KILL.
pub(super) const SHORT_LIVED_GRACE: Duration = Duration::from_millis(300);
/// How long a recorded server gets between TERM and KILL.
pub(super) const RECORDED_GRACE: Duration = Duration::from_secs(3);

/// TERM the process group, wait up to `grace` for `gone`, then KILL it.
pub(super) fn terminate_group(pid: u32, grace: Duration, mut gone: impl FnMut() -> bool) {
    signal_group(pid, libc::SIGTERM);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && !gone() {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Whatever is left: the leader if it ignored TERM, or its children.
    signal_group(pid, libc::SIGKILL);
}

/// Stop the recorded server's process group (TERM, up to
/// [`RECORDED_GRACE`], KILL) on the blocking pool.
pub(super) async fn stop_recorded_group(pid: u32) {
    // Err only when the runtime is going down, which ends this process too.
    let _ = crate::util::blocking(move || terminate_group(pid, RECORDED_GRACE, || !pid_alive(pid)))
        .await;
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

/// Whether the record names a live `opencode serve` of ours (a dead pid, or
/// one another program reuses, is a stale record).
pub(super) fn is_live_record(rec: &ServerRecord) -> bool {
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
        stop_recorded_group(rec.pid).await;
    }
    clear_state(state_dir)?;
    clear_notes(state_dir);
    Ok(running.then_some(rec))
}

/// Busy agent sessions on the server at `url`, across the directories
/// boocoder knows (its sessions' repositories and worktrees); None when the
/// store or the server cannot say.
pub async fn active_turns(store: &crate::store::Store, url: &str, password: &str) -> Option<usize> {
    use std::collections::BTreeSet;
    let mut dirs: BTreeSet<std::path::PathBuf> = BTreeSet::new();
    for w in store.list_worktrees(None).await.ok()? {
        dirs.insert(w.path.into());
    }
    for s in store.list_sessions().await.ok()? {
        dirs.insert(s.repo.into());
    }
    let client = super::Client::new(url, password);
    let mut n = 0;
    for d in dirs.iter().filter(|d| d.is_dir()) {
        n += client.session_status(d).await.ok()?.len();
    }
    Some(n)
}
