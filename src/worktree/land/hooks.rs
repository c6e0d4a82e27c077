//! The repository's git hooks, run as `git commit` and `git merge` run them:
//! from `core.hooksPath` (relative to the working tree) or the common git
//! directory's `hooks/`, in the working tree's top directory, their stdout
//! sent to stderr (stdout is data), only when the file is executable.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use git2::Repository;

use super::{Gate, LandError, LandResult, io};

/// How often a running hook is checked for an end or an interruption.
const HOOK_POLL: Duration = Duration::from_millis(20);

/// Where a repository's hooks live and where they run.
pub(super) struct Hooks {
    dir: PathBuf,
    workdir: PathBuf,
}

impl Hooks {
    pub(super) fn of(repo: &Repository) -> Hooks {
        let workdir = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
        let configured = repo
            .config()
            .and_then(|c| c.get_path("core.hooksPath"))
            .ok();
        let dir = match configured {
            Some(p) if p.is_absolute() => p,
            Some(p) => workdir.join(p),
            None => repo.commondir().join("hooks"),
        };
        Hooks { dir, workdir }
    }

    /// Run hook `name` with `args` and `env`; a missing or non-executable
    /// hook succeeds. A failing hook is [`LandError::Hook`]; an
    /// interruption (the gate stopped) kills it.
    pub(super) fn run(
        &self,
        name: &'static str,
        args: &[OsString],
        env: &[(&str, &Path)],
        gate: &Gate,
    ) -> LandResult<()> {
        let path = self.dir.join(name);
        let executable = std::fs::metadata(&path)
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false);
        if !executable {
            return Ok(());
        }
        let stderr = std::io::stderr();
        let to_stderr = std::os::fd::AsFd::as_fd(&stderr)
            .try_clone_to_owned()
            .map_err(io("duplicate stderr for", &path))?;
        let mut cmd = Command::new(&path);
        cmd.args(args)
            .current_dir(&self.workdir)
            .env("GIT_EDITOR", ":")
            .stdin(Stdio::null())
            .stdout(Stdio::from(to_stderr))
            .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        crate::util::process::stop_with_parent(&mut cmd);
        let mut child = cmd.spawn().map_err(io("run the hook", &path))?;
        let status = loop {
            if let Some(s) = child.try_wait().map_err(io("wait for the hook", &path))? {
                break s;
            }
            if gate.stopped() {
                crate::util::signal_group(child.id(), libc::SIGKILL);
                let _ = child.wait();
                return Err(LandError::Interrupted);
            }
            std::thread::sleep(HOOK_POLL);
        };
        if status.success() {
            Ok(())
        } else {
            Err(LandError::Hook {
                name,
                path,
                code: status.code(),
            })
        }
    }
}
