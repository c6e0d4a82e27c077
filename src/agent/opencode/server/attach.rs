//! A command's hold on the kept server (a shared lock on the attach file)
//! and the idle clock a self-kept server stops by.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::state::ServerRecord;
use crate::agent::opencode::OpencodeError;
use crate::timestamp::now_ms;

/// The file commands hold a shared lock on while they use the kept server.
const ATTACH: &str = "server.attach";
/// The state dir's note of when a command last used the kept server (Unix ms).
pub(super) const ACTIVE: &str = "server.active";

/// A command's hold on the kept server: a shared lock on the attach file;
/// letting go notes the time (the idle clock starts then).
#[derive(Debug)]
pub(super) struct Attach {
    file: File,
    state_dir: PathBuf,
}

impl Attach {
    pub(super) fn take(state_dir: &Path) -> Result<Attach, OpencodeError> {
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
