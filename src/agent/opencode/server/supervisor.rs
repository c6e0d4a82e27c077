//! The supervisor of a self-kept server (`keep = "auto"`): started detached
//! in the server's process group, it stops the server once no command has
//! been attached for the idle timeout.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::attach::{attached, idle_since};
use super::control::{RECORDED_GRACE, terminate_group};
use super::state::{ServerRecord, StateLock, clear_notes, clear_state, read_state};
use crate::agent::opencode::OpencodeError;
use crate::timestamp::now_ms;
use crate::util::process::pid_alive;

/// Start `boocoder server supervise` detached, in the server's process
/// group (stopping the group stops both).
pub(super) fn spawn_supervisor(rec: &ServerRecord, state_dir: &Path) -> Result<u32, OpencodeError> {
    let exe = std::env::current_exe().map_err(|source| OpencodeError::State {
        path: PathBuf::from("/proc/self/exe"),
        source,
    })?;
    let child = Command::new(&exe)
        .args(supervise_args(rec, state_dir))
        .current_dir(state_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(rec.pid as i32)
        .spawn()
        // Joining the server's group needs the session that started it; a
        // command from another session watches from a group of its own (it
        // still ends when the server does).
        .or_else(|_| {
            Command::new(&exe)
                .args(supervise_args(rec, state_dir))
                .current_dir(state_dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
        })
        .map_err(|source| OpencodeError::Spawn { bin: exe, source })?;
    Ok(child.id())
}

fn supervise_args(rec: &ServerRecord, state_dir: &Path) -> Vec<std::ffi::OsString> {
    let mut a: Vec<std::ffi::OsString> = ["server", "supervise", "--pid"]
        .iter()
        .map(Into::into)
        .collect();
    a.push(rec.pid.to_string().into());
    a.push("--state-dir".into());
    a.push(state_dir.into());
    a.push("--idle-timeout".into());
    a.push(rec.idle_timeout_seconds.unwrap_or(1).to_string().into());
    a
}

/// Whether the record's supervisor runs: its pid is alive and is a
/// `server supervise` of this server (not a program that reused the pid).
pub(super) fn supervisor_alive(rec: &ServerRecord) -> bool {
    let Some(pid) = rec.supervisor_pid else {
        return false;
    };
    let Ok(raw) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = raw.split(|b| *b == 0).collect();
    let server = rec.pid.to_string();
    pid_alive(pid)
        && args.iter().any(|a| *a == b"supervise")
        && args
            .windows(2)
            .any(|w| w[0] == b"--pid" && w[1] == server.as_bytes())
}

/// Whether the idle supervisor of a self-kept server runs (None: the
/// server has no idle timeout, it is kept until `server stop`). A dead one
/// stops nothing: the server stays until a command that uses it starts a
/// new supervisor, or `server stop`.
pub fn supervisor_running(rec: &ServerRecord) -> Option<bool> {
    rec.idle_timeout_seconds.map(|_| supervisor_alive(rec))
}

/// Stop the record's supervisor (it ignores TERM): the server is kept
/// until `server stop` from now on.
pub(super) fn stop_supervisor(rec: &ServerRecord) {
    if let Some(pid) = rec.supervisor_pid.filter(|_| supervisor_alive(rec)) {
        // SAFETY: signalling one pid, checked above to be our supervisor.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
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
