//! Making a new worktree ready to run: copy the git-ignored set-up files a
//! project needs (`.env`, local config) from the main checkout, listed in
//! `.worktreeinclude` (gitignore syntax) and `[worktree] include`; then run
//! `[worktree] post_create` in it.

use git2::{Repository, StatusOptions};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Output, OutputSource};

/// The file at the repository root that lists what to copy.
pub const INCLUDE_FILE: &str = ".worktreeinclude";
/// How many of the post-create command's last output lines an error shows.
const TAIL_LINES: usize = 20;

/// What a new worktree gets.
#[derive(Debug, Clone, Default)]
pub struct WorktreeSetup {
    /// Globs (gitignore syntax) of ignored files to copy, besides `.worktreeinclude`.
    pub include: Vec<String>,
    /// A shell command run in the new worktree.
    pub post_create: Option<String>,
    pub post_create_timeout: Duration,
}

/// A set-up failure.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "the post-create command `{command}` {how} in {} (the worktree is kept){}",
        dir.display(),
        tail_text(tail)
    )]
    PostCreate {
        command: String,
        how: String,
        dir: PathBuf,
        tail: Vec<String>,
    },
    #[error("cannot copy {} into the new worktree: {source}", path.display())]
    Copy {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git: {what}: {}", source.message())]
    Git {
        what: &'static str,
        #[source]
        source: git2::Error,
    },
}

fn tail_text(tail: &[String]) -> String {
    if tail.is_empty() {
        return String::new();
    }
    format!("; its last lines:\n  {}", tail.join("\n  "))
}

impl SetupError {
    pub fn hint(&self) -> Option<String> {
        match self {
            SetupError::PostCreate { .. } => Some(
                "fix the command (`[worktree] post_create` in the config file): it runs again on the \
next `session new` / `worktree ensure` of this worktree; or remove the worktree with \
`boocoder worktree remove NAME --force`"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// One gitignore-syntax pattern.
#[derive(Debug, Clone)]
struct Pattern {
    glob: String,
    negated: bool,
    dir_only: bool,
    /// Matched against the whole path (it had a `/`), else the last name.
    anchored: bool,
}

fn parse_patterns(text: &str) -> Vec<Pattern> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let (negated, rest) = match line.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, line.strip_prefix('\\').unwrap_or(line)),
            };
            let (dir_only, rest) = match rest.strip_suffix('/') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let anchored = rest.contains('/');
            let glob = rest.strip_prefix('/').unwrap_or(rest).to_string();
            (!glob.is_empty()).then_some(Pattern {
                glob,
                negated,
                dir_only,
                anchored,
            })
        })
        .collect()
}

/// fnmatch with gitignore's rules: `*` and `?` stay within one name, `**`
/// spans directories (`**/` may match nothing), `[...]` a class.
fn glob(p: &[u8], s: &[u8]) -> bool {
    if p.is_empty() {
        return s.is_empty();
    }
    if p.starts_with(b"**") {
        let rest = &p[2..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        if rest.is_empty() {
            return true;
        }
        // `**/x`: x here, or after any `/`.
        if glob(rest, s) {
            return true;
        }
        return s
            .iter()
            .enumerate()
            .any(|(i, c)| *c == b'/' && glob(rest, &s[i + 1..]));
    }
    match p[0] {
        b'*' => (0..=s.len())
            .take_while(|&i| i == 0 || s[i - 1] != b'/')
            .any(|i| glob(&p[1..], &s[i..])),
        b'?' => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
        b'[' => {
            let Some(end) = p.iter().skip(1).position(|c| *c == b']').map(|e| e + 1) else {
                return !s.is_empty() && s[0] == b'[' && glob(&p[1..], &s[1..]);
            };
            if s.is_empty() || s[0] == b'/' {
                return false;
            }
            let class = &p[1..end];
            let (neg, class) = match class.first() {
                Some(b'!') | Some(b'^') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= s[0] && s[0] <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == s[0];
                    i += 1;
                }
            }
            hit != neg && glob(&p[end + 1..], &s[1..])
        }
        b'\\' if p.len() > 1 => !s.is_empty() && s[0] == p[1] && glob(&p[2..], &s[1..]),
        c => !s.is_empty() && s[0] == c && glob(&p[1..], &s[1..]),
    }
}

/// Whether `rel` (a file path, `/`-separated) is included: the last
/// pattern matching it or one of its directories decides.
fn included(patterns: &[Pattern], rel: &str) -> bool {
    let mut verdict = false;
    for pat in patterns {
        let mut candidates: Vec<(&str, bool)> = rel
            .match_indices('/')
            .map(|(i, _)| (&rel[..i], true))
            .collect();
        candidates.push((rel, false));
        let hit = candidates.iter().any(|(path, is_dir)| {
            if pat.dir_only && !is_dir {
                return false;
            }
            if pat.anchored {
                glob(pat.glob.as_bytes(), path.as_bytes())
            } else {
                let name = path.rsplit('/').next().unwrap_or(path);
                glob(pat.glob.as_bytes(), name.as_bytes())
            }
        });
        if hit {
            verdict = !pat.negated;
        }
    }
    verdict
}

/// Copy the included git-ignored files of the main checkout `repo` into
/// the new worktree `dest`; returns their relative paths. `.git` is never
/// copied (git never lists it); a symlink is copied only when it points
/// inside the repository; a file already in the worktree is left alone.
pub fn copy_included(
    repo: &Path,
    dest: &Path,
    config_globs: &[String],
) -> Result<Vec<String>, SetupError> {
    let mut patterns = match std::fs::read_to_string(repo.join(INCLUDE_FILE)) {
        Ok(text) => parse_patterns(&text),
        Err(_) => Vec::new(),
    };
    patterns.extend(parse_patterns(&config_globs.join("\n")));
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let git_repo = Repository::open(repo).map_err(|source| SetupError::Git {
        what: "open the repository",
        source,
    })?;
    let mut opts = StatusOptions::new();
    opts.include_ignored(true)
        .recurse_ignored_dirs(true)
        // Ignored files inside untracked directories are found only when
        // those are walked too.
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .exclude_submodules(true);
    let statuses = git_repo
        .statuses(Some(&mut opts))
        .map_err(|source| SetupError::Git {
            what: "list ignored files",
            source,
        })?;
    let root = repo.canonicalize().unwrap_or_else(|_| repo.to_path_buf());
    let mut copied = Vec::new();
    for entry in statuses.iter() {
        if !entry.status().is_ignored() {
            continue;
        }
        let Some(rel) = entry.path() else { continue };
        let rel = rel.trim_end_matches('/').to_string();
        if rel.split('/').any(|c| c == ".git") || !included(&patterns, &rel) {
            continue;
        }
        let src = repo.join(&rel);
        let to = dest.join(&rel);
        let Ok(meta) = std::fs::symlink_metadata(&src) else {
            continue;
        };
        if std::fs::symlink_metadata(&to).is_ok() {
            continue;
        }
        // The new worktree's tree may hold a link where the main checkout
        // has a directory: never copy through it.
        if let Some(link) = linked_parent(dest, &rel) {
            tracing::warn!(
                "not copied into the worktree: {rel} ({link} in the worktree is a symlink or a file, not a directory)"
            );
            continue;
        }
        let fail = |source| SetupError::Copy {
            path: src.clone(),
            source,
        };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        if meta.file_type().is_symlink() {
            let inside = src
                .canonicalize()
                .map(|t| t.starts_with(&root))
                .unwrap_or(false);
            if !inside {
                tracing::warn!(
                    "not copied into the worktree: {rel} is a symlink out of the repository"
                );
                continue;
            }
            let target = std::fs::read_link(&src).map_err(fail)?;
            std::os::unix::fs::symlink(&target, &to).map_err(fail)?;
        } else if meta.is_file() {
            std::fs::copy(&src, &to).map_err(fail)?;
        } else {
            continue;
        }
        tracing::info!("copied {rel} into the worktree");
        copied.push(rel);
    }
    Ok(copied)
}

/// The first leading directory of `rel` in `dest` that is a symbolic link
/// (or not a directory), as `dir/sub`; None when every existing one is a
/// real directory.
fn linked_parent(dest: &Path, rel: &str) -> Option<String> {
    let mut path = dest.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts[..parts.len().saturating_sub(1)].iter().enumerate() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Some(parts[..=i].join("/")),
            Err(_) => return None,
        }
    }
    None
}

/// Run the post-create command in `dir` with `sh -c`, each output line to
/// `output` (without one, only its last lines are kept, for the error when
/// it fails). It runs in a process group of its own, killed when `sh`
/// exits (its background children with it) or at `timeout`; the output is
/// read until then at most (a process that left the group may hold the
/// pipes: it is not waited for).
pub fn run_post_create(
    command: &str,
    dir: &Path,
    timeout: Duration,
    output: Option<&Arc<dyn Output>>,
) -> Result<(), SetupError> {
    use std::os::unix::process::CommandExt;
    let fail = |how: String, tail: Vec<String>| SetupError::PostCreate {
        command: command.to_string(),
        how,
        dir: dir.to_path_buf(),
        tail,
    };
    let deadline = Instant::now() + timeout;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| fail(format!("could not start ({e})"), Vec::new()))?;
    let tail = Arc::new(Mutex::new(VecDeque::<String>::new()));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let streams: Vec<Box<dyn std::io::Read + Send>> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    let readers = streams.len();
    for stream in streams {
        let tail = tail.clone();
        let output = output.cloned();
        let done = done_tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Some(o) = &output {
                    o.output_line(OutputSource::PostCreate, &line);
                }
                let mut t = tail.lock().expect("tail");
                t.push_back(line);
                if t.len() > TAIL_LINES {
                    t.pop_front();
                }
            }
            let _ = done.send(());
        });
    }
    drop(done_tx);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    // Whatever `sh` left running in its group goes with it.
    crate::util::signal_group(child.id(), libc::SIGKILL);
    let _ = child.wait();
    for _ in 0..readers {
        let left = deadline.saturating_duration_since(Instant::now());
        // A reader still blocked at the deadline is left behind (it ends
        // when the last holder of the pipe does).
        if done_rx
            .recv_timeout(left.max(Duration::from_millis(100)))
            .is_err()
        {
            break;
        }
    }
    let tail: Vec<String> = tail.lock().expect("tail").iter().cloned().collect();
    match status {
        Some(s) if s.success() => Ok(()),
        Some(s) => Err(fail(
            match s.code() {
                Some(c) => format!("failed with exit code {c}"),
                None => "was killed by a signal".into(),
            },
            tail,
        )),
        None => Err(fail(
            format!("timed out after {} s", timeout.as_secs()),
            tail,
        )),
    }
}

/// The file in a worktree's git directory (`.git/worktrees/<name>/`) that
/// says its post-create command has not succeeded yet.
const PENDING: &str = "boocoder-post-create-pending";

fn pending_marker(worktree: &Path) -> Option<PathBuf> {
    Repository::open(worktree)
        .ok()
        .map(|r| r.path().join(PENDING))
}

/// Whether the worktree's post-create command failed (or never finished)
/// and is to run again.
pub fn post_create_pending(worktree: &Path) -> bool {
    pending_marker(worktree).is_some_and(|m| m.exists())
}

/// Run the post-create command, marked pending until it succeeds.
fn post_create_marked(
    setup: &WorktreeSetup,
    output: Option<&Arc<dyn Output>>,
    worktree: &Path,
) -> Result<(), SetupError> {
    let marker = pending_marker(worktree);
    let Some(cmd) = &setup.post_create else {
        if let Some(m) = &marker {
            let _ = std::fs::remove_file(m);
        }
        return Ok(());
    };
    if let Some(m) = &marker {
        let _ = std::fs::write(m, cmd);
    }
    run_post_create(cmd, worktree, setup.post_create_timeout, output)?;
    if let Some(m) = &marker {
        let _ = std::fs::remove_file(m);
    }
    Ok(())
}

/// Copy the set-up files into a new worktree, then run the post-create
/// command there (off the async threads), its output to `output`. Returns
/// the copied paths.
pub async fn set_up(
    setup: &WorktreeSetup,
    output: Option<&Arc<dyn Output>>,
    repo: &Path,
    worktree: &Path,
) -> crate::Result<Vec<String>> {
    let (setup, repo, worktree) = (setup.clone(), repo.to_path_buf(), worktree.to_path_buf());
    let output = output.cloned();
    let copied = crate::util::blocking(move || {
        let copied = copy_included(&repo, &worktree, &setup.include)?;
        post_create_marked(&setup, output.as_ref(), &worktree)?;
        Ok::<_, SetupError>(copied)
    })
    .await??;
    Ok(copied)
}

/// Run the post-create command of an existing worktree again when it has
/// not succeeded yet (a failure or timeout the last time).
pub async fn rerun_pending(
    setup: &WorktreeSetup,
    output: Option<&Arc<dyn Output>>,
    worktree: &Path,
) -> crate::Result<()> {
    let (setup, worktree, output) = (setup.clone(), worktree.to_path_buf(), output.cloned());
    crate::util::blocking(move || {
        if post_create_pending(&worktree) {
            post_create_marked(&setup, output.as_ref(), &worktree)?;
        }
        Ok::<_, SetupError>(())
    })
    .await??;
    Ok(())
}

impl crate::config::Config {
    /// The `[worktree]` settings as a [`WorktreeSetup`].
    pub fn worktree_setup(&self) -> WorktreeSetup {
        WorktreeSetup {
            include: self.worktree.include.clone(),
            post_create: self.worktree.post_create.clone(),
            post_create_timeout: self.worktree.post_create_timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_patterns() {
        let p = parse_patterns(
            "# c\n.env\n/config/*.local\n!keep.env\nsecrets/\n**/deep.txt\n*.en[v]x\n*.env\n!keep.env\n",
        );
        assert!(included(&p, ".env"));
        assert!(included(&p, "a/b/.env"));
        assert!(included(&p, "config/app.local"));
        assert!(!included(&p, "x/config/app.local"));
        assert!(!included(&p, "config/sub/app.local"));
        assert!(!included(&p, "keep.env"));
        assert!(included(&p, "a.env"));
        assert!(included(&p, "secrets/a/b.txt"));
        assert!(!included(&p, "secrets"));
        assert!(included(&p, "deep.txt"));
        assert!(included(&p, "a/b/deep.txt"));
        assert!(included(&p, "x.envx"));
        assert!(!included(&p, "README.md"));
    }
}
