//! The fast checkout: a tree without content filters written by a few
//! threads, then the index with their stat data; and the entry-name
//! validation that runs before any file is written.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use git2::{FileMode, IndexEntry, IndexTime, ObjectType, Oid, Repository, Tree, TreeWalkMode};

use super::errors::{WorktreeError, git, io};

struct Entry {
    path: Vec<u8>,
    id: Oid,
    mode: i32,
}

pub fn write_tree(
    commondir: &Path,
    tree: &Tree<'_>,
    dest: &Path,
) -> std::result::Result<(), WorktreeError> {
    use std::os::unix::ffi::OsStrExt;

    let mut entries = Vec::new();
    let mut dirs = Vec::new();
    tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
        let mut path = parent.as_bytes().to_vec();
        path.extend_from_slice(entry.name_bytes());
        match entry.kind() {
            Some(git2::ObjectType::Tree) => dirs.push(path),
            _ => entries.push(Entry {
                path,
                id: entry.id(),
                mode: entry.filemode(),
            }),
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(git("read the tree"))?;
    let full = |p: &[u8]| dest.join(std::ffi::OsStr::from_bytes(p));
    for d in &dirs {
        let d = full(d);
        std::fs::create_dir_all(&d).map_err(io("create", &d))?;
    }

    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let chunk = entries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = entries
            .chunks(chunk)
            .map(|part| scope.spawn(move || write_files(commondir, dest, part)))
            .collect();
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })?;

    let repo = Repository::open(dest).map_err(git("open the new worktree"))?;
    let mut index = repo.index().map_err(git("read the new worktree's index"))?;
    index.clear().map_err(git("clear the index"))?;
    for e in &entries {
        let path = full(&e.path);
        let meta = std::fs::symlink_metadata(&path).map_err(io("read", &path))?;
        let time = |secs: i64, nanos: i64| IndexTime::new(secs as i32, nanos as u32);
        index
            .add(&IndexEntry {
                ctime: time(meta.ctime(), meta.ctime_nsec()),
                mtime: time(meta.mtime(), meta.mtime_nsec()),
                dev: meta.dev() as u32,
                ino: meta.ino() as u32,
                mode: e.mode as u32,
                uid: meta.uid(),
                gid: meta.gid(),
                file_size: meta.len() as u32,
                id: e.id,
                flags: e.path.len().min(0xfff) as u16,
                flags_extended: 0,
                path: e.path.clone(),
            })
            .map_err(git("fill the index"))?;
    }
    index.write().map_err(git("write the index"))
}

fn write_files(
    commondir: &Path,
    dest: &Path,
    part: &[Entry],
) -> std::result::Result<(), WorktreeError> {
    use std::os::unix::ffi::OsStrExt;

    let repo = Repository::open(commondir).map_err(git("open the repository"))?;
    let odb = repo.odb().map_err(git("open the object database"))?;
    for e in part {
        let path: PathBuf = dest.join(std::ffi::OsStr::from_bytes(&e.path));
        let mode = e.mode;
        if mode == i32::from(FileMode::Commit) {
            // A submodule: an empty directory, like git leaves it.
            std::fs::create_dir_all(&path).map_err(io("create", &path))?;
            continue;
        }
        let object = odb
            .read(e.id)
            .map_err(git(format!("read {}", String::from_utf8_lossy(&e.path))))?;
        if mode == i32::from(FileMode::Link) {
            let target = std::ffi::OsStr::from_bytes(object.data());
            std::os::unix::fs::symlink(target, &path).map_err(io("create", &path))?;
            continue;
        }
        let perm = if mode == i32::from(FileMode::BlobExecutable) {
            0o777
        } else {
            0o666
        };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(perm)
            .open(&path)
            .map_err(io("create", &path))?;
        file.write_all(object.data()).map_err(io("write", &path))?;
    }
    Ok(())
}

/// Refuse a tree with an entry name git itself would not check out
/// (`verify_path` with core.protectNTFS and core.protectHFS): it could
/// write outside the worktree or into its `.git`.
pub(super) fn verify_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
) -> std::result::Result<(), WorktreeError> {
    let mut bad = None;
    let mut stack = vec![(Vec::new(), tree.id())];
    while let Some((prefix, id)) = stack.pop() {
        let t = repo.find_tree(id).map_err(git(format!("read tree {id}")))?;
        for entry in t.iter() {
            let name = entry.name_bytes();
            let mut path = prefix.clone();
            path.extend_from_slice(name);
            let link = entry.filemode() == i32::from(git2::FileMode::Link);
            if let Err(reason) = verify_name(name, link) {
                bad = Some((path, reason));
                break;
            }
            if entry.kind() == Some(ObjectType::Tree) {
                path.push(b'/');
                stack.push((path, entry.id()));
            }
        }
        if bad.is_some() {
            break;
        }
    }
    match bad {
        None => Ok(()),
        Some((path, reason)) => Err(WorktreeError::BadTreeEntry {
            path: String::from_utf8_lossy(&path).escape_debug().to_string(),
            reason,
        }),
    }
}

/// One tree entry name as git's `verify_path_component` judges it.
pub fn verify_name(name: &[u8], symlink: bool) -> std::result::Result<(), &'static str> {
    match name {
        b"" => return Err("an empty name"),
        b"." | b".." => return Err("a `.` or `..` name leaves its directory"),
        _ => {}
    }
    if name.contains(&0) {
        return Err("a NUL byte");
    }
    if name.contains(&b'/') || name.contains(&b'\\') {
        return Err("a path separator in a name");
    }
    let lower = String::from_utf8_lossy(name).to_lowercase();
    // HFS+ ignores these code points when it compares names.
    let hfs: String = lower
        .chars()
        .filter(|c| {
            !matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
        })
        .collect();
    // NTFS drops trailing spaces and dots, and has `git~1` and streams.
    let ntfs = lower.trim_end_matches([' ', '.']);
    let ntfs = ntfs.split("::").next().unwrap_or(ntfs);
    let is = |n: &str| hfs == n || ntfs == n;
    if is(".git") || ntfs == "git~1" {
        return Err("a name git reserves for its own directory");
    }
    if symlink
        && [".gitmodules", ".gitattributes", ".gitignore"]
            .iter()
            .any(|n| is(n))
    {
        return Err("a symbolic link where git reads its own settings");
    }
    Ok(())
}
