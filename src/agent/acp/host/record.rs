//! Where a kept agent host lives: its directory under `<state dir>/acp/`
//! (one per agent launch command and settings fingerprint), the record
//! `host.json` (mode 0600) its host writes, the socket, the lock commands
//! hold while they decide about it, and the agent's stderr log.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::util::process::pid_alive;

/// What `host.json` records about a kept agent host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostRecord {
    /// The host (`boocoder acp-host`), leader of its own process group.
    pub pid: u32,
    pub agent: String,
    /// The agent's launch command (program as resolved, arguments).
    pub launch: Vec<String>,
    pub fingerprint: String,
    pub started_at: i64,
    /// Stops after this many seconds with no command attached; None: kept
    /// until `server stop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_seconds: Option<u64>,
    /// The agent process (leader of its own group), while one runs.
    #[serde(default)]
    pub agent_pid: Option<u32>,
}

/// The files of one host.
#[derive(Debug, Clone)]
pub struct HostDir(pub PathBuf);

impl HostDir {
    /// The directory of the host for `agent` with `fingerprint`.
    pub fn of(state_dir: &Path, agent: &str, fingerprint: &str) -> HostDir {
        let safe: String = agent
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        HostDir(hosts_dir(state_dir).join(format!("{safe}-{fingerprint}")))
    }

    pub fn record(&self) -> PathBuf {
        self.0.join("host.json")
    }
    pub fn socket(&self) -> PathBuf {
        self.0.join("host.sock")
    }
    pub fn lock(&self) -> PathBuf {
        self.0.join("host.lock")
    }
    /// The agent's stderr (truncated at each agent start).
    pub fn agent_log(&self) -> PathBuf {
        self.0.join("agent.log")
    }
    /// The host's own log.
    pub fn host_log(&self) -> PathBuf {
        self.0.join("host.log")
    }

    pub fn create(&self) -> std::io::Result<()> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.0)
    }

    /// The record, if it exists and parses (a corrupt one counts as none).
    pub fn read(&self) -> Option<HostRecord> {
        let bytes = std::fs::read(self.record()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Write the record atomically (temp file + rename), mode 0600.
    pub fn write(&self, rec: &HostRecord) -> std::io::Result<()> {
        let tmp = self.0.join(format!("host.json.tmp.{}", std::process::id()));
        let mut f = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(rec).expect("record serializes"))?;
        f.sync_all()?;
        std::fs::rename(&tmp, self.record())
    }

    /// Remove the record and the socket (the host's last act).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(self.record());
        let _ = std::fs::remove_file(self.socket());
    }

    /// Whether the socket is this user's and nobody else's (mode 0600): a
    /// command talks to no other user's host.
    pub fn socket_is_ours(&self) -> bool {
        std::fs::symlink_metadata(self.socket()).is_ok_and(|m| {
            // SAFETY: geteuid has no preconditions.
            m.uid() == unsafe { libc::geteuid() } && m.mode() & 0o077 == 0
        })
    }
}

/// `<state dir>/acp`: every kept agent host's directory.
pub fn hosts_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("acp")
}

/// Every host directory holding a record.
pub fn all(state_dir: &Path) -> Vec<(HostDir, HostRecord)> {
    let mut out: Vec<(HostDir, HostRecord)> = std::fs::read_dir(hosts_dir(state_dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let dir = HostDir(e.path());
            dir.read().map(|r| (dir, r))
        })
        .collect();
    out.sort_by(|a, b| a.1.agent.cmp(&b.1.agent).then(a.1.pid.cmp(&b.1.pid)));
    out
}

/// Whether the record names a live host of ours: the pid runs
/// `boocoder acp-host` for this directory (not a program that reused it).
pub fn is_live(dir: &HostDir, rec: &HostRecord) -> bool {
    if !pid_alive(rec.pid) {
        return false;
    }
    let Ok(raw) = std::fs::read(format!("/proc/{}/cmdline", rec.pid)) else {
        return false;
    };
    let args: Vec<&[u8]> = raw.split(|b| *b == 0).collect();
    let d = dir.0.as_os_str().as_encoded_bytes();
    args.contains(&b"acp-host".as_slice()) && args.contains(&d)
}
