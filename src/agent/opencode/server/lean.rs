//! Keeping a kept server lean: opencode keeps an instance per directory and
//! does not give its memory back, so boocoder disposes of a directory's
//! instance when it removes that worktree, notes the directories the server
//! has served, and recycles an idle self-kept server that grew past
//! `[server] max_rss_mb` or served `[server] max_directories`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use super::ServerOptions;
use super::state::{ServerRecord, read_state};
use crate::agent::opencode::Client;

/// The state dir's note of the directories the kept server has served.
pub(super) const DIRECTORIES: &str = "server.directories";

/// Note that the kept server at `url` serves `dir` (once per directory).
pub(crate) fn note_directory(state_dir: &Path, url: &str, dir: &Path) {
    let Ok(Some(rec)) = read_state(state_dir) else {
        return;
    };
    if rec.url != url {
        return;
    }
    let line = dir.to_string_lossy().replace('\n', " ");
    if served(state_dir).contains(&line) {
        return;
    }
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(state_dir.join(DIRECTORIES))
    {
        let _ = writeln!(f, "{line}");
    }
}

fn served(state_dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(state_dir.join(DIRECTORIES))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// The resident memory of the server's process group (server, its
/// children), in MiB.
pub fn group_rss_mb(pgid: u32) -> u64 {
    let mut kb = 0u64;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for pid in dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()) {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let in_group = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(2)?.parse::<u32>().ok())
            == Some(pgid);
        if !in_group {
            continue;
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        kb += status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
    }
    kb / 1024
}

/// Why the recorded server should be recycled (None: it is lean enough).
pub(super) fn worn(opts: &ServerOptions, rec: &ServerRecord) -> Option<String> {
    if opts.max_rss_mb > 0 {
        let rss = group_rss_mb(rec.pid);
        if rss > opts.max_rss_mb {
            return Some(format!(
                "the kept server (pid {}) uses {rss} MiB (max_rss_mb {})",
                rec.pid, opts.max_rss_mb
            ));
        }
    }
    if let Some(max) = opts.max_directories {
        let n = served(&opts.state_dir).len() as u64;
        if n >= max {
            return Some(format!(
                "the kept server (pid {}) has served {n} directories (max_directories {max})",
                rec.pid
            ));
        }
    }
    None
}

/// Tell the kept server, if one runs, to drop its instance for `dir` (a
/// worktree boocoder removed). Best effort: a server that does not answer
/// within a short time is left alone.
pub async fn dispose_directory(state_dir: &Path, dir: &Path) {
    let Ok(Some(rec)) = read_state(state_dir) else {
        return;
    };
    if !super::control::is_live_record(&rec) {
        return;
    }
    if let Err(e) = Client::new(&rec.url, &rec.password)
        .dispose_instance(dir)
        .await
    {
        tracing::info!("the kept server did not dispose of {}: {e}", dir.display());
    }
}
