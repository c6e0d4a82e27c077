//! Which opencode is installed: `opencode --version`, cached in the state
//! dir by the binary's path, size and mtime (the call takes over a second).
//! opencode 2 serves only its V2 API (`/api/*`): boocoder runs its turns
//! over `opencode acp` instead of the HTTP server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The cache file in the state dir.
const CACHE: &str = "opencode-version.json";
/// How long `opencode --version` may take (a first run in a fresh HOME is slow).
const TIMEOUT: Duration = Duration::from_secs(30);

/// An installed opencode binary and the version it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpencodeVersion {
    pub path: PathBuf,
    pub version: String,
}

impl OpencodeVersion {
    /// Whether this version serves the HTTP API boocoder's server turns use
    /// (1.x; an unparsable version is taken as 1.x).
    pub fn serves_v1(&self) -> bool {
        serves_v1(&self.version)
    }
}

/// Whether opencode `version` (`1.18.33`, `v2.0.12`, `opencode 2.0.12`)
/// serves the V1 HTTP API: every major version below 2.
pub fn serves_v1(version: &str) -> bool {
    let v = version.rsplit(' ').next().unwrap_or_default();
    let major = v
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    major.is_none_or(|m| m < 2)
}

/// How opencode's turns run with `version` installed and the provider's
/// `turns` setting: `"server"` (1.x, unless `acp` is asked for) or `"acp"`.
pub fn transport(version: Option<&str>, turns: Option<crate::config::TurnsVia>) -> &'static str {
    let v1 = version.is_none_or(serves_v1);
    match turns {
        Some(crate::config::TurnsVia::Acp) => "acp",
        _ if v1 => "server",
        _ => "acp",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    path: PathBuf,
    size: u64,
    mtime_ns: i128,
    version: String,
}

fn stamp(path: &Path) -> Option<(u64, i128)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((
        m.size(),
        i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
    ))
}

/// The binary `bin` names: a path as given, a bare name on PATH.
fn locate(bin: &Path) -> Option<PathBuf> {
    if bin.components().count() > 1 {
        return std::path::absolute(bin).ok();
    }
    which::which(bin).ok()
}

/// The version of the opencode at `bin`: from the cache when the binary
/// (its resolved path, size and mtime) is unchanged, else asked for and
/// cached. None when it is not installed or does not answer.
pub async fn detect_version(bin: &Path, state_dir: &Path) -> Option<OpencodeVersion> {
    let path = locate(bin)?;
    // `opencode upgrade` replaces the file a symlink points to: stamp the target.
    let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    let (size, mtime_ns) = stamp(&target)?;
    let file = state_dir.join(CACHE);
    let mut cache: Vec<Entry> = std::fs::read(&file)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    if let Some(e) = cache
        .iter()
        .find(|e| e.path == path && e.size == size && e.mtime_ns == mtime_ns)
    {
        return Some(OpencodeVersion {
            path,
            version: e.version.clone(),
        });
    }
    let version = crate::probe::availability::version(&path, TIMEOUT).await?;
    cache.retain(|e| e.path != path);
    cache.push(Entry {
        path: path.clone(),
        size,
        mtime_ns,
        version: version.clone(),
    });
    // A cache that cannot be written costs the next command a second.
    if super::server::create_private_dir(state_dir).is_ok() {
        let tmp = state_dir.join(format!("{CACHE}.tmp.{}", std::process::id()));
        let json = serde_json::to_vec_pretty(&cache).expect("cache serializes");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, &file);
        }
    }
    Some(OpencodeVersion { path, version })
}

#[cfg(test)]
mod tests {
    use super::serves_v1;

    #[test]
    fn major_two_and_later_have_no_v1_server() {
        for v in ["1.18.33", "v1.0.0", "0.9", "opencode 1.2.3", "dev"] {
            assert!(serves_v1(v), "{v}");
        }
        for v in ["2.0.12", "v2.1.0", "opencode 3.0.0"] {
            assert!(!serves_v1(v), "{v}");
        }
    }
}
