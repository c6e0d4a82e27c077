//! Tier 1: is the launch binary installed, and which version is it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use super::ProbeEnv;

/// How long `<bin> --version` may take.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// The absolute path of `program`: a path (containing `/`) as given when it
/// is an executable file, a bare name looked up on the env's PATH.
pub fn resolve(program: &str, env: &ProbeEnv, cwd: &Path) -> Option<PathBuf> {
    if program.contains('/') {
        let p = cwd.join(program);
        return is_executable(&p).then_some(p);
    }
    which::which_in(program, env.path.as_ref(), cwd).ok()
}

/// Whether `path` is a file this user may execute.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The first line `<bin> --version` prints, or `None` when it fails or takes
/// longer than `timeout` (its process group is killed then).
pub async fn version(bin: &Path, timeout: Duration) -> Option<String> {
    let mut cmd = tokio::process::Command::new(bin);
    cmd.arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true);
    let child = cmd.spawn().ok()?;
    let _group = child.id().map(super::acp::ProcessGroup::new);
    let out = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .ok()?
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(200).collect())
}
