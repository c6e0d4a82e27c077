//! The client side of `fs/read_text_file` and `fs/write_text_file`,
//! confined to the session's working directory.
//!
//! The path is walked one component at a time from the working directory
//! with `openat` and `O_NOFOLLOW`, never handing the kernel a path that
//! could follow a link: a symbolic link met on the way is read and its
//! target walked the same way, as long as it stays inside (a target
//! outside, absolute or by `..`, is refused, dangling or not). The file
//! itself is opened with `O_NOFOLLOW | O_NONBLOCK` and must be a regular
//! file (a FIFO, socket or device is refused, so a request never blocks).
//! Writes never touch a path with a `.git` component (git's own files: a
//! worktree's `.git` file, the repository's config and hooks).

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use serde_json::{Value, json};

/// Symbolic links followed for one request, at most (as the kernel's 40).
const MAX_LINKS: usize = 40;

/// A refused or failed file request.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("{0} is outside the session's worktree")]
    Outside(String),
    #[error("{0} is one of git's own files: agents do not write there")]
    GitFile(String),
    #[error("{path} is not a regular file (a {kind})")]
    NotRegular { path: String, kind: &'static str },
    #[error("{0}: the turn ended before the request was served")]
    Deadline(String),
    #[error("invalid parameters: {0}")]
    Params(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl FsError {
    /// The JSON-RPC error code to answer with.
    pub fn code(&self) -> i64 {
        match self {
            FsError::Outside(_)
            | FsError::GitFile(_)
            | FsError::NotRegular { .. }
            | FsError::Params(_) => -32602,
            FsError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => -32002,
            FsError::Io { .. } | FsError::Deadline(_) => -32603,
        }
    }
}

/// Whether a path component names git's directory: `.git` in any case,
/// with trailing dots or spaces too (as git's `verify_path` sees it).
fn is_git_name(name: &OsStr) -> bool {
    let b = name.as_bytes();
    let end = b
        .iter()
        .rposition(|c| *c != b'.' && *c != b' ')
        .map_or(0, |i| i + 1);
    b[..end].eq_ignore_ascii_case(b".git")
}

/// The components of `path` below `root` (lexically: `.` dropped, `..`
/// popped); None when it leaves `root` or is `root` itself.
fn below(root: &Path, path: &Path) -> Option<Vec<OsString>> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let mut out: Vec<OsString> = Vec::new();
    let mut prefix = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => prefix.push(c),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n.to_os_string()),
        }
    }
    let full: PathBuf = prefix.join(out.iter().collect::<PathBuf>());
    let rel = full.strip_prefix(root).ok()?;
    let parts: Vec<OsString> = rel.iter().map(OsStr::to_os_string).collect();
    (!parts.is_empty()).then_some(parts)
}

/// What a file type is called in a refusal.
fn kind_name(t: FileType) -> &'static str {
    match t {
        FileType::Fifo => "FIFO",
        FileType::Socket => "socket",
        FileType::CharacterDevice | FileType::BlockDevice => "device",
        FileType::Directory => "directory",
        FileType::Symlink => "symbolic link",
        _ => "special file",
    }
}

/// The file a request names, found without leaving the root: its parent
/// directory (open) and its name there.
struct Found {
    parent: OwnedFd,
    name: OsString,
}

/// One request's walk from the root.
struct Walk<'a> {
    root: &'a Path,
    raw: &'a str,
    write: bool,
    links: usize,
}

impl Walk<'_> {
    fn io(&self, e: impl Into<std::io::Error>) -> FsError {
        FsError::Io {
            path: self.raw.to_string(),
            source: e.into(),
        }
    }

    fn outside(&self) -> FsError {
        FsError::Outside(self.raw.to_string())
    }

    /// Walk the link's `target` next, in place of the link: a relative
    /// one from the link's directory (the top of `dirs`), an absolute one
    /// from the root (it must lie below it).
    fn follow(
        &mut self,
        target: &Path,
        dirs: &mut Vec<OwnedFd>,
        todo: &mut Vec<OsString>,
    ) -> Result<(), FsError> {
        self.links += 1;
        if self.links > MAX_LINKS {
            return Err(self.io(Errno::LOOP));
        }
        let parts: Vec<OsString> = if target.is_absolute() {
            dirs.truncate(1);
            below(self.root, target).ok_or_else(|| self.outside())?
        } else {
            target
                .components()
                .map(|c| c.as_os_str().to_os_string())
                .collect()
        };
        // `todo` is a stack: the next component last.
        todo.extend(parts.into_iter().rev());
        Ok(())
    }

    /// Walk `parts` from the root. Missing directories are made for a
    /// write; every directory is entered with `O_NOFOLLOW`.
    fn run(&mut self, parts: Vec<OsString>) -> Result<Found, FsError> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let root = rustix::fs::open(self.root, flags, Mode::empty()).map_err(|e| self.io(e))?;
        // The directories entered, the root first: `..` pops one.
        let mut dirs: Vec<OwnedFd> = vec![root];
        let mut todo: Vec<OsString> = parts.into_iter().rev().collect();
        while let Some(name) = todo.pop() {
            if name == "." || name.is_empty() {
                continue;
            }
            if name == ".." {
                if dirs.len() == 1 {
                    return Err(self.outside());
                }
                dirs.pop();
                continue;
            }
            if self.write && is_git_name(&name) {
                return Err(FsError::GitFile(self.raw.to_string()));
            }
            let dir = dirs.last().expect("the root is never popped");
            let stat = match rustix::fs::statat(dir, &*name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => Some(FileType::from_raw_mode(st.st_mode)),
                Err(Errno::NOENT) => None,
                Err(e) => return Err(self.io(e)),
            };
            if stat == Some(FileType::Symlink) {
                let target =
                    rustix::fs::readlinkat(dir, &*name, Vec::new()).map_err(|e| self.io(e))?;
                let target = PathBuf::from(OsStr::from_bytes(target.as_bytes()));
                self.follow(&target, &mut dirs, &mut todo)?;
                continue;
            }
            if todo.iter().all(|n| n == "." || n.is_empty()) {
                let parent = dirs.pop().expect("a directory");
                return Ok(Found { parent, name });
            }
            if stat.is_none() && self.write {
                match rustix::fs::mkdirat(dir, &*name, Mode::from_raw_mode(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(self.io(e)),
                }
            }
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rustix::fs::openat(dir, &*name, flags, Mode::empty()) {
                Ok(fd) => dirs.push(fd),
                // Swapped for a link since it was looked at.
                Err(Errno::LOOP) => return Err(self.outside()),
                Err(e) => return Err(self.io(e)),
            }
        }
        Err(self.outside())
    }
}

/// Find the file `raw` names inside `root` without leaving it.
fn find(root: &Path, raw: &str, write: bool) -> Result<Found, FsError> {
    let root = root.canonicalize().map_err(|source| FsError::Io {
        path: raw.to_string(),
        source,
    })?;
    let parts = below(&root, Path::new(raw)).ok_or_else(|| FsError::Outside(raw.to_string()))?;
    if write && parts.iter().any(|p| is_git_name(p)) {
        return Err(FsError::GitFile(raw.to_string()));
    }
    Walk {
        root: &root,
        raw,
        write,
        links: 0,
    }
    .run(parts)
}

/// Open the found file (never through a link, never blocking) and check
/// it is a regular file.
fn open_regular(found: &Found, raw: &str, flags: OFlags) -> Result<std::fs::File, FsError> {
    let io = |source: std::io::Error| FsError::Io {
        path: raw.to_string(),
        source,
    };
    let not_regular = |t| FsError::NotRegular {
        path: raw.to_string(),
        kind: kind_name(t),
    };
    match rustix::fs::statat(&found.parent, &*found.name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile => {
            return Err(not_regular(FileType::from_raw_mode(st.st_mode)));
        }
        Ok(_) | Err(Errno::NOENT) => {}
        Err(e) => return Err(io(e.into())),
    }
    let flags = flags | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let fd = match rustix::fs::openat(
        &found.parent,
        &*found.name,
        flags,
        Mode::from_raw_mode(0o666),
    ) {
        Ok(fd) => fd,
        Err(Errno::LOOP) => return Err(FsError::Outside(raw.to_string())),
        Err(Errno::NXIO) => return Err(not_regular(FileType::Socket)),
        Err(e) => return Err(io(e.into())),
    };
    let t = FileType::from_raw_mode(rustix::fs::fstat(&fd).map_err(|e| io(e.into()))?.st_mode);
    if t != FileType::RegularFile {
        return Err(not_regular(t));
    }
    Ok(std::fs::File::from(fd))
}

fn read_file(root: &Path, raw: &str) -> Result<String, FsError> {
    let found = find(root, raw, false)?;
    let mut file = open_regular(&found, raw, OFlags::RDONLY)?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|source| FsError::Io {
            path: raw.to_string(),
            source,
        })?;
    Ok(text)
}

fn write_file(root: &Path, raw: &str, content: &str) -> Result<(), FsError> {
    let found = find(root, raw, true)?;
    let mut file = open_regular(&found, raw, OFlags::WRONLY | OFlags::CREATE)?;
    let io = |source| FsError::Io {
        path: raw.to_string(),
        source,
    };
    file.set_len(0).map_err(io)?;
    file.write_all(content.as_bytes()).map_err(io)
}

/// Answer `fs/read_text_file` or `fs/write_text_file` for a turn in `root`.
pub async fn handle(method: &str, params: &Value, root: &Path) -> Result<Value, FsError> {
    let raw = params["path"]
        .as_str()
        .ok_or_else(|| FsError::Params("no path".into()))?
        .to_string();
    let root = root.to_path_buf();
    let interrupted = |raw: &str| FsError::Deadline(raw.to_string());
    if method == "fs/write_text_file" {
        let content = params["content"]
            .as_str()
            .ok_or_else(|| FsError::Params("no content".into()))?
            .to_string();
        let r = raw.clone();
        crate::util::blocking(move || write_file(&root, &r, &content))
            .await
            .map_err(|_| interrupted(&raw))??;
        return Ok(Value::Null);
    }
    let r = raw.clone();
    let text = crate::util::blocking(move || read_file(&root, &r))
        .await
        .map_err(|_| interrupted(&raw))??;
    let line = params["line"].as_u64().map(|l| l.max(1) as usize);
    let limit = params["limit"].as_u64().map(|l| l as usize);
    let content = if line.is_some() || limit.is_some() {
        let skip = line.unwrap_or(1) - 1;
        let lines = text.split_inclusive('\n').skip(skip);
        match limit {
            Some(n) => lines.take(n).collect::<String>(),
            None => lines.collect(),
        }
    } else {
        text
    };
    Ok(json!({"content": content}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn paths_stay_inside() {
        let (_dir, root) = root();
        std::fs::create_dir(root.join("sub")).unwrap();
        write_file(&root, "sub/a.txt", "a").unwrap();
        assert_eq!(read_file(&root, "sub/a.txt").unwrap(), "a");
        let abs = root.join("new/b.txt");
        write_file(&root, abs.to_str().unwrap(), "b").unwrap();
        assert_eq!(std::fs::read_to_string(&abs).unwrap(), "b");
        for bad in ["../x", "/etc/passwd", "sub/../../x", ".", ""] {
            assert!(
                matches!(write_file(&root, bad, "x"), Err(FsError::Outside(_))),
                "{bad}"
            );
        }
        std::os::unix::fs::symlink("/tmp", root.join("out")).unwrap();
        assert!(matches!(
            write_file(&root, "out/x", "x"),
            Err(FsError::Outside(_))
        ));
    }

    #[test]
    fn links_inside_are_followed_links_out_refused() {
        let (dir, root) = root();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        std::fs::create_dir(root.join("d")).unwrap();
        std::fs::write(root.join("d/f"), "f").unwrap();
        let link = |to: &str, at: &str| std::os::unix::fs::symlink(to, root.join(at)).unwrap();
        link("d/f", "rel");
        link(root.join("d").to_str().unwrap(), "abs");
        link("../secret", "up");
        link("d/../../secret", "up2");
        link("loop", "loop");
        assert_eq!(read_file(&root, "rel").unwrap(), "f");
        assert_eq!(read_file(&root, "abs/f").unwrap(), "f");
        for bad in ["up", "up2"] {
            assert!(matches!(read_file(&root, bad), Err(FsError::Outside(_))));
            assert!(matches!(
                write_file(&root, bad, "x"),
                Err(FsError::Outside(_))
            ));
        }
        assert!(matches!(read_file(&root, "loop"), Err(FsError::Io { .. })));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("secret")).unwrap(),
            "s"
        );
    }

    #[test]
    fn git_names() {
        for n in [".git", ".GIT", ".git.", ".git ..", ".Git"] {
            assert!(is_git_name(OsStr::new(n)), "{n}");
        }
        for n in [".gitignore", "git", ".github", "x.git"] {
            assert!(!is_git_name(OsStr::new(n)), "{n}");
        }
    }
}
