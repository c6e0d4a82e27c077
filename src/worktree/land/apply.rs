//! Applying a session's work to a checkout as uncommitted changes.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, ObjectType, Oid, Repository};

use crate::store::WorktreeRow;

use super::{
    Applied, Gate, LandError, LandResult, LandedFile, git, io, open_worktree, worktree_index,
};

/// The files that differ between two trees.
pub(super) fn tree_changes(
    repo: &Repository,
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
    renames: bool,
) -> LandResult<Vec<LandedFile>> {
    let mut diff = repo
        .diff_tree_to_tree(Some(old), Some(new), Some(&mut DiffOptions::new()))
        .map_err(git("diff two trees"))?;
    if renames {
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(git("find renames"))?;
    }
    Ok(diff
        .deltas()
        .map(|d| {
            let new_path = d
                .new_file()
                .path()
                .map(|p| p.to_string_lossy().into_owned());
            let old_path = d
                .old_file()
                .path()
                .map(|p| p.to_string_lossy().into_owned());
            let status = match d.status() {
                Delta::Added => "added",
                Delta::Deleted => "deleted",
                Delta::Renamed => "renamed",
                Delta::Typechange => "typechange",
                _ => "modified",
            };
            LandedFile {
                path: new_path.clone().or(old_path.clone()).unwrap_or_default(),
                old_path: (d.status() == Delta::Renamed).then_some(old_path).flatten(),
                status: status.into(),
            }
        })
        .collect())
}

/// The blob id a working-tree path holds (None: absent). A directory where
/// a file is expected counts as a different content.
pub(super) fn workdir_blob(path: &Path) -> LandResult<Option<Oid>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(io("read", path)(e)),
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).map_err(io("read the link", path))?;
        return Oid::hash_object(ObjectType::Blob, target.as_os_str().as_encoded_bytes())
            .map(Some)
            .map_err(git("hash a link"));
    }
    if meta.is_dir() {
        // Cannot equal any blob.
        return Ok(Some(
            Oid::hash_object(ObjectType::Tree, b"").map_err(git("hash"))?,
        ));
    }
    Oid::hash_file(ObjectType::Blob, path)
        .map(Some)
        .map_err(git(format!("hash {}", path.display())))
}

pub(super) fn apply_blocking(
    wt: &WorktreeRow,
    dir: &Path,
    session: String,
    gate: &Gate,
) -> LandResult<Applied> {
    let wrepo = open_worktree(wt)?;
    let (_, session_tree) = worktree_index(&wrepo)?;
    let target = Repository::discover(dir).map_err(|source| LandError::ForeignCheckout {
        dir: dir.to_path_buf(),
        source,
    })?;
    let workdir = target
        .workdir()
        .ok_or_else(|| LandError::Detached(dir.to_path_buf()))?
        .to_path_buf();
    let (ours, result) = merge_into_head(&target, wt, session_tree, dir, &workdir)?;
    // Line endings and filters (`.gitattributes`, core.autocrlf): working
    // files are compared through git's status and written by libgit2.
    let filtered = crate::worktree::git::needs_filters(&target, &ours)
        || crate::worktree::git::needs_filters(&target, &result);
    let writes = checked_writes(&target, &workdir, &ours, &result, filtered, gate)?;
    gate.begin_writes()?;
    let files = write_all(&target, &workdir, &result, writes, filtered)?;
    Ok(Applied {
        session,
        dir: workdir.to_string_lossy().into_owned(),
        files,
    })
}

/// The checkout's HEAD tree and the session's changes (its tree against
/// its base commit) merged into it; a conflict is an error.
fn merge_into_head<'r>(
    target: &'r Repository,
    wt: &WorktreeRow,
    session_tree: Oid,
    dir: &Path,
    workdir: &Path,
) -> LandResult<(git2::Tree<'r>, git2::Tree<'r>)> {
    let foreign = |source| LandError::ForeignCheckout {
        dir: dir.to_path_buf(),
        source,
    };
    let base = Oid::from_str(&wt.base_commit)
        .and_then(|o| target.find_commit(o))
        .and_then(|c| c.tree())
        .map_err(foreign)?;
    let theirs = target.find_tree(session_tree).map_err(foreign)?;
    let ours = target
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(git("read the checkout's HEAD"))?;
    let mut merged = target
        .merge_trees(&base, &ours, &theirs, None)
        .map_err(git("merge the session's changes"))?;
    if merged.has_conflicts() {
        return Err(LandError::Conflict {
            what: "apply",
            dir: workdir.to_path_buf(),
            paths: index_conflicts(&merged)?,
            branch: None,
        });
    }
    let result_id = merged
        .write_tree_to(target)
        .map_err(git("write the merged tree"))?;
    let result = target.find_tree(result_id).map_err(git("read a tree"))?;
    Ok((ours, result))
}

/// Every file that goes from `ours` to `result`, checked before anything
/// is written: one the user changed is a conflict unless it already holds
/// the result; a symlink among its leading directories is a conflict
/// (nothing is written through a link, as `git apply`); a submodule is
/// refused.
fn checked_writes(
    target: &Repository,
    workdir: &Path,
    ours: &git2::Tree<'_>,
    result: &git2::Tree<'_>,
    filtered: bool,
    gate: &Gate,
) -> LandResult<Vec<Write>> {
    let diff = target
        .diff_tree_to_tree(Some(ours), Some(result), None)
        .map_err(git("diff"))?;
    let mut writes = Vec::new();
    let mut conflicts = Vec::new();
    let mut gitlinks = Vec::new();
    let deleted: Vec<PathBuf> = diff
        .deltas()
        .filter(|d| d.new_file().id().is_zero())
        .filter_map(|d| d.old_file().path().map(Path::to_path_buf))
        .collect();
    for d in diff.deltas() {
        if gate.stopped() {
            return Err(LandError::Interrupted);
        }
        let (old, new) = (d.old_file(), d.new_file());
        let rel = new
            .path()
            .or(old.path())
            .expect("a delta has a path")
            .to_path_buf();
        let name = rel.to_string_lossy().into_owned();
        if [old.mode(), new.mode()].contains(&FileMode::Commit) {
            gitlinks.push(name);
            continue;
        }
        if !parents_are_directories(workdir, &rel, &deleted)? {
            conflicts.push(name);
            continue;
        }
        let mut w = workdir_entry(&workdir.join(&rel))?;
        if w.is_some_and(|(_, mode)| mode == 0o040000) && holds_only(workdir, &rel, &deleted)? {
            // A directory the apply empties (a directory replaced by a file).
            w = None;
        }
        let h = (!old.id().is_zero()).then(|| (old.id(), u32::from(old.mode())));
        let m = (!new.id().is_zero()).then(|| (new.id(), u32::from(new.mode())));
        if same_entry(w, m) {
            continue;
        }
        let as_head = same_entry(w, h) || (filtered && h.is_some() && unchanged(target, &rel));
        if !as_head {
            conflicts.push(name);
            continue;
        }
        writes.push((rel, m, d.status()));
    }
    if !gitlinks.is_empty() {
        return Err(LandError::Gitlinks {
            dir: workdir.to_path_buf(),
            paths: gitlinks,
        });
    }
    if !conflicts.is_empty() {
        return Err(LandError::Conflict {
            what: "apply",
            dir: workdir.to_path_buf(),
            paths: conflicts,
            branch: None,
        });
    }
    Ok(writes)
}

/// Write the checked files (deletions first: a file replaced by a
/// directory, and the reverse), through libgit2's checkout when filters
/// apply.
fn write_all(
    target: &Repository,
    workdir: &Path,
    result: &git2::Tree<'_>,
    mut writes: Vec<Write>,
    filtered: bool,
) -> LandResult<Vec<LandedFile>> {
    writes.sort_by_key(|(_, blob, _)| blob.is_some());
    if filtered {
        checkout_paths(target, result, &writes)?;
    }
    let mut files = Vec::new();
    for (rel, blob, status) in writes {
        let path = workdir.join(&rel);
        match blob {
            _ if filtered => {}
            Some((id, mode)) => {
                let blob = target.find_blob(id).map_err(git("read a blob"))?;
                write_file(&path, blob.content(), mode)?;
            }
            None => {
                std::fs::remove_file(&path).map_err(io("delete", &path))?;
                remove_empty_parents(workdir, &rel);
            }
        }
        files.push(LandedFile {
            path: rel.to_string_lossy().into_owned(),
            old_path: None,
            status: match status {
                Delta::Added => "added",
                Delta::Deleted => "deleted",
                Delta::Typechange => "typechange",
                _ => "modified",
            }
            .into(),
        });
    }
    Ok(files)
}

/// One checked write: the path, its new blob and mode (None: deleted), and
/// how it changes.
type Write = (PathBuf, Option<(Oid, u32)>, Delta);

/// Whether a tracked file is as HEAD has it, through git's filters (its
/// index entry and working file both unchanged).
fn unchanged(repo: &Repository, rel: &Path) -> bool {
    repo.status_file(rel)
        .is_ok_and(|s| s.is_empty() || s == git2::Status::CURRENT)
}

/// Write `writes` (checked) from `tree` with libgit2's checkout, which
/// applies the repository's filters; the index is left as it is.
fn checkout_paths(repo: &Repository, tree: &git2::Tree<'_>, writes: &[Write]) -> LandResult<()> {
    if writes.is_empty() {
        return Ok(());
    }
    let mut b = git2::build::CheckoutBuilder::new();
    b.force().update_index(false).disable_pathspec_match(true);
    for (rel, _, _) in writes {
        b.path(rel.as_os_str().as_encoded_bytes());
    }
    repo.checkout_tree(tree.as_object(), Some(&mut b))
        .map_err(git("write the session's changes"))
}

/// What a working-tree path holds: its blob id and git mode (None: absent).
fn workdir_entry(path: &Path) -> LandResult<Option<(Oid, u32)>> {
    use std::os::unix::fs::PermissionsExt;
    let Some(id) = workdir_blob(path)? else {
        return Ok(None);
    };
    let meta = std::fs::symlink_metadata(path).map_err(io("read", path))?;
    let mode = if meta.file_type().is_symlink() {
        0o120000
    } else if meta.is_dir() {
        0o040000
    } else if meta.permissions().mode() & 0o100 != 0 {
        0o100755
    } else {
        0o100644
    };
    Ok(Some((id, mode)))
}

/// Two entries hold the same: the same blob, and (for files) the same
/// executable bit.
fn same_entry(a: Option<(Oid, u32)>, b: Option<(Oid, u32)>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((x, xm)), Some((y, ym))) => x == y && xm == ym,
        _ => false,
    }
}

/// Whether every leading component of `rel` under `workdir` is a real
/// directory or absent (lstat: a symlink is not one); a file there is
/// fine only when the apply deletes it (a file replaced by a directory).
fn parents_are_directories(workdir: &Path, rel: &Path, deleted: &[PathBuf]) -> LandResult<bool> {
    let mut at = PathBuf::new();
    let parents: Vec<_> = rel
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .collect();
    for c in parents {
        at.push(c);
        let full = workdir.join(&at);
        match std::fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_symlink() => return Ok(false),
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(deleted.contains(&at)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(io("read", &full)(e)),
        }
    }
    Ok(true)
}

/// Whether directory `rel` holds nothing but files in `deleted` (tracked
/// files the apply deletes, each checked on its own).
fn holds_only(workdir: &Path, rel: &Path, deleted: &[PathBuf]) -> LandResult<bool> {
    let dir = workdir.join(rel);
    for e in std::fs::read_dir(&dir).map_err(io("read", &dir))? {
        let e = e.map_err(io("read", &dir))?;
        let inner = rel.join(e.file_name());
        let kind = e.file_type().map_err(io("read", &dir))?;
        let fine = if kind.is_dir() {
            holds_only(workdir, &inner, deleted)?
        } else {
            deleted.contains(&inner)
        };
        if !fine {
            return Ok(false);
        }
    }
    Ok(true)
}

/// After a deletion, remove the directories it left empty (as git does).
fn remove_empty_parents(workdir: &Path, rel: &Path) {
    let mut dir = rel.parent();
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::remove_dir(workdir.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Write a file (or a symlink) through a temporary sibling and a rename.
pub(super) fn write_file(path: &Path, content: &[u8], mode: u32) -> LandResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let parent = path.parent().expect("a file has a parent");
    std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    let tmp = parent.join(format!(
        ".{}.boocoder-tmp",
        path.file_name().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_file(&tmp);
    if mode == 0o120000 {
        let target = std::ffi::OsStr::from_bytes(content);
        std::os::unix::fs::symlink(target, &tmp).map_err(io("create the link", &tmp))?;
    } else {
        std::fs::write(&tmp, content).map_err(io("write", &tmp))?;
        let perm = if mode == 0o100755 { 0o755 } else { 0o644 };
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(perm))
            .map_err(io("set the mode of", &tmp))?;
    }
    // A directory in the way was reported as a conflict; a file is replaced.
    std::fs::rename(&tmp, path).map_err(io("write", path))
}

pub(super) fn index_conflicts(idx: &git2::Index) -> LandResult<Vec<String>> {
    let mut paths = Vec::new();
    for c in idx.conflicts().map_err(git("read conflicts"))? {
        let c = c.map_err(git("read a conflict"))?;
        let entry = c.our.or(c.their).or(c.ancestor);
        if let Some(e) = entry {
            let p = String::from_utf8_lossy(&e.path).into_owned();
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    Ok(paths)
}
