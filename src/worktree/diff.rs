//! A worktree's diff against its base commit: what it is (files with their
//! change status and counts) and how it is computed.

use std::collections::HashMap;
use std::path::Path;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository};

use crate::store::WorktreeRow;

use super::errors::{WorktreeError, git};
use super::git::{base_drift, resolve_base};
pub use crate::store::ChangeStatus;
use crate::store::PendingChange;
use serde::Serialize;

/// One changed file of a worktree diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffFile {
    pub path: String,
    pub old_path: Option<String>,
    pub status: ChangeStatus,
    pub insertions: usize,
    pub deletions: usize,
    pub binary: bool,
    /// The unified patch of this file, when asked for.
    #[serde(skip)]
    pub patch: Option<String>,
}

/// A worktree's files (committed on its branch, staged, unstaged and
/// untracked, .gitignore respected) against a base commit.
#[derive(Debug, Clone, Serialize)]
pub struct WorktreeDiff {
    pub session: String,
    /// The commit compared against.
    pub base: String,
    /// How many commits the repository's original branch has gained since
    /// the recorded base (None: the base was not a branch, or it is gone).
    pub base_drift: Option<usize>,
    pub files: Vec<DiffFile>,
    pub insertions: usize,
    pub deletions: usize,
}

/// What `diff` was asked for.
#[derive(Debug, Clone, Default)]
pub struct DiffRequest {
    /// Compare against this ref instead of the recorded base commit.
    pub base: Option<String>,
    /// Include each file's unified patch text.
    pub patches: bool,
}

/// Turn a worktree diff into the rows of a session's pending changes.
pub fn pending_changes(diff: &WorktreeDiff) -> Vec<PendingChange> {
    diff.files
        .iter()
        .map(|f| PendingChange {
            path: f.path.clone(),
            old_path: f.old_path.clone(),
            status: f.status,
            insertions: f.insertions as i64,
            deletions: f.deletions as i64,
            binary: f.binary,
            patch: f.patch.clone(),
        })
        .collect()
}

/// Lines counted (and text kept) for one file of a diff.
#[derive(Default)]
pub(super) struct FileStats {
    pub(super) insertions: usize,
    pub(super) deletions: usize,
    pub(super) binary: bool,
    pub(super) text: Vec<u8>,
}

/// The worktree (index, files and untracked files) against `base`, with
/// renames found.
fn diff_against(repo: &Repository, base: Oid) -> Result<git2::Diff<'_>, WorktreeError> {
    let tree = repo
        .find_commit(base)
        .and_then(|c| c.tree())
        .map_err(git(format!("read base commit {base}")))?;
    let mut opts = DiffOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true)
        .include_typechange(true);
    let mut diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
        .map_err(git("diff the worktree"))?;
    diff.find_similar(Some(
        DiffFindOptions::new().renames(true).for_untracked(true),
    ))
    .map_err(git("detect renames"))?;
    Ok(diff)
}

/// A file of a diff, by its old and new paths.
type DeltaKey = (Option<Vec<u8>>, Option<Vec<u8>>);

fn delta_key(d: &git2::DiffDelta<'_>) -> DeltaKey {
    (
        d.old_file().path_bytes().map(<[u8]>::to_vec),
        d.new_file().path_bytes().map(<[u8]>::to_vec),
    )
}

/// Each file's line counts and, with `patches`, its patch text, in one
/// pass over the whole diff (one attribute session for every file, unlike
/// a Patch per file).
fn line_stats(
    diff: &git2::Diff<'_>,
    patches: bool,
) -> Result<HashMap<DeltaKey, FileStats>, WorktreeError> {
    let mut stats: HashMap<_, FileStats> = HashMap::with_capacity(diff.deltas().len());
    diff.print(git2::DiffFormat::Patch, |delta, _hunk, line| {
        let current = stats.entry(delta_key(&delta)).or_default();
        match line.origin() {
            '+' => current.insertions += 1,
            '-' => current.deletions += 1,
            'B' => current.binary = true,
            _ => {}
        }
        if patches {
            if matches!(line.origin(), '+' | '-' | ' ') {
                current.text.push(line.origin() as u8);
            }
            current.text.extend_from_slice(line.content());
        }
        true
    })
    .map_err(git("render the diff"))?;
    Ok(stats)
}

/// How a file changed, or None for one that did not.
fn change_status(delta: Delta) -> Option<ChangeStatus> {
    Some(match delta {
        Delta::Added | Delta::Untracked => ChangeStatus::Added,
        Delta::Modified | Delta::Conflicted => ChangeStatus::Modified,
        Delta::Deleted => ChangeStatus::Deleted,
        Delta::Renamed => ChangeStatus::Renamed,
        Delta::Copied => ChangeStatus::Copied,
        Delta::Typechange => ChangeStatus::Typechange,
        Delta::Unmodified | Delta::Ignored | Delta::Unreadable => return None,
    })
}

pub(super) fn worktree_diff(
    row: &WorktreeRow,
    req: &DiffRequest,
) -> std::result::Result<WorktreeDiff, WorktreeError> {
    let path = Path::new(&row.path);
    if !path.exists() {
        return Err(WorktreeError::Gone {
            session: row.session.clone(),
            path: path.to_path_buf(),
        });
    }
    let repo = Repository::open(path).map_err(git(format!("open {}", path.display())))?;
    let base = match &req.base {
        Some(spec) => resolve_base(&repo, path, Some(spec))?.0,
        None => Oid::from_str(&row.base_commit).map_err(git("read the recorded base"))?,
    };
    let diff = diff_against(&repo, base)?;
    let mut stats = line_stats(&diff, req.patches)?;
    let mut files = Vec::with_capacity(stats.len());
    for delta in diff.deltas() {
        let stat = stats.remove(&delta_key(&delta)).unwrap_or_default();
        let Some(status) = change_status(delta.status()) else {
            continue;
        };
        let file_path = |f: git2::DiffFile<'_>| {
            f.path_bytes()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default()
        };
        let new_path = file_path(delta.new_file());
        let old_path = file_path(delta.old_file());
        let (path, old_path) = match status {
            ChangeStatus::Deleted => (old_path, None),
            ChangeStatus::Renamed | ChangeStatus::Copied => (new_path, Some(old_path)),
            _ => (new_path, None),
        };
        let binary = stat.binary || delta.flags().is_binary();
        files.push(DiffFile {
            path,
            old_path,
            status,
            insertions: if binary { 0 } else { stat.insertions },
            deletions: if binary { 0 } else { stat.deletions },
            binary,
            patch: req
                .patches
                .then(|| String::from_utf8_lossy(&stat.text).into_owned()),
        });
    }
    Ok(WorktreeDiff {
        session: row.session.clone(),
        base: base.to_string(),
        base_drift: base_drift(row),
        insertions: files.iter().map(|f| f.insertions).sum(),
        deletions: files.iter().map(|f| f.deletions).sum(),
        files,
    })
}
