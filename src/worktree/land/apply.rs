//! Applying a session's work to a checkout as uncommitted changes.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, Repository};

use crate::store::WorktreeRow;

use super::{Applied, LandError, LandResult, LandedFile, git, io, open_worktree, worktree_index};

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
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
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

pub(super) fn apply_blocking(wt: &WorktreeRow, dir: &Path, session: String) -> LandResult<Applied> {
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
            dir: workdir,
            paths: index_conflicts(&merged)?,
        });
    }
    let result_id = merged
        .write_tree_to(&target)
        .map_err(git("write the merged tree"))?;
    let result = target.find_tree(result_id).map_err(git("read a tree"))?;
    let diff = target
        .diff_tree_to_tree(Some(&ours), Some(&result), None)
        .map_err(git("diff"))?;
    // Check every file first: one the user changed is a conflict unless it
    // already holds the result.
    let mut writes = Vec::new();
    let mut conflicts = Vec::new();
    for d in diff.deltas() {
        let (old, new) = (d.old_file(), d.new_file());
        let rel = new
            .path()
            .or(old.path())
            .expect("a delta has a path")
            .to_path_buf();
        let w = workdir_blob(&workdir.join(&rel))?;
        let h = (!old.id().is_zero()).then(|| old.id());
        let m = (!new.id().is_zero()).then(|| new.id());
        if w == m {
            continue;
        }
        if w != h {
            conflicts.push(rel.to_string_lossy().into_owned());
            continue;
        }
        writes.push((rel, m, u32::from(new.mode()), d.status()));
    }
    if !conflicts.is_empty() {
        return Err(LandError::Conflict {
            what: "apply",
            dir: workdir,
            paths: conflicts,
        });
    }
    let mut files = Vec::new();
    for (rel, blob, mode, status) in writes {
        let path = workdir.join(&rel);
        match blob {
            Some(id) => {
                let blob = target.find_blob(id).map_err(git("read a blob"))?;
                write_file(&path, blob.content(), mode)?;
            }
            None => std::fs::remove_file(&path).map_err(io("delete", &path))?,
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
    Ok(Applied {
        session,
        dir: workdir.to_string_lossy().into_owned(),
        files,
    })
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
