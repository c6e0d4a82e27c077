//! The repository's git hooks, run as `git commit` and `git merge` run them:
//! from `core.hooksPath` (relative to the working tree) or the common git
//! directory's `hooks/`, in the working tree's top directory, only when the
//! file is executable. Their output (stdout and stderr, in the order they
//! wrote it) goes a line at a time to the landing's [`Output`]: the library
//! prints nothing, the command decides.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use git2::Repository;

use super::{Gate, LandError, LandResult, io};
use crate::worktree::{Output, OutputSource};

/// How often a running hook is checked for an end or an interruption.
const HOOK_POLL: Duration = Duration::from_millis(20);
/// How long the output of a hook that ended is read on: a background
/// process it left may hold the pipe, and is not waited for.
const OUTPUT_GRACE: Duration = Duration::from_millis(200);

/// Where a repository's hooks live, where they run, and where their
/// output goes (None: nowhere).
pub(super) struct Hooks {
    dir: PathBuf,
    workdir: PathBuf,
    output: Option<Arc<dyn Output>>,
}

impl Hooks {
    pub(super) fn of(repo: &Repository, output: Option<&Arc<dyn Output>>) -> Hooks {
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
        Hooks {
            dir,
            workdir,
            output: output.cloned(),
        }
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
        let mut cmd = Command::new(&path);
        cmd.args(args)
            .current_dir(&self.workdir)
            .env("GIT_EDITOR", ":")
            .stdin(Stdio::null())
            .process_group(0);
        let reader = match &self.output {
            Some(o) => {
                // One pipe for both streams keeps the order they were written in.
                let (read, write) = std::io::pipe().map_err(io("make a pipe for", &path))?;
                let write2 = write.try_clone().map_err(io("make a pipe for", &path))?;
                cmd.stdout(write).stderr(write2);
                Some((read, o.clone()))
            }
            None => {
                cmd.stdout(Stdio::null()).stderr(Stdio::null());
                None
            }
        };
        for (k, v) in env {
            cmd.env(k, v);
        }
        crate::util::process::stop_with_parent(&mut cmd);
        let spawned = cmd.spawn().map_err(io("run the hook", &path));
        // The pipe's writing ends are the hook's alone now: its end is
        // the reader's end of file.
        drop(cmd);
        let mut child = spawned?;
        let read_done = reader.map(|(read, o)| forward_lines(read, o));
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
        if let Some(done) = read_done {
            let _ = done.recv_timeout(OUTPUT_GRACE);
        }
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

/// Send what `read` gives, a line at a time (without its line end), to
/// `output` from a thread of its own; the receiver hears when it ends.
fn forward_lines(
    read: std::io::PipeReader,
    output: Arc<dyn Output>,
) -> std::sync::mpsc::Receiver<()> {
    let (done, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut read = BufReader::new(read);
        let mut line = Vec::new();
        loop {
            line.clear();
            match read.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    output.output_line(OutputSource::GitHook, &String::from_utf8_lossy(&line));
                }
            }
        }
        let _ = done.send(());
    });
    rx
}
