//! Removing a worktree (with the branch verdict) and pruning stale ones.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git2::{BranchType, ErrorCode, Oid, Repository, WorktreePruneOptions};

use crate::store::WorktreeRow;

use super::errors::{WorktreeError, git, io};
use super::git::{lock_repo, uncommitted_files};
use super::{BranchMode, PruneAction, Pruned, Removed};

/// Whether a removed worktree's branch may be deleted, and why not: the one
/// rule of `worktree remove`, `worktree prune` and `session rm`.
///
/// A branch boocoder did not create is never deleted. In [`BranchMode::Safe`]
/// it is deleted only when its tip equals the base, or is reachable from the
/// base's branch or from another branch (as `git branch -d`): no commit
/// becomes unreachable. [`BranchMode::Delete`] deletes it anyway.
pub fn branch_verdict(
    repo: &Repository,
    row: &WorktreeRow,
    tip: Oid,
    mode: BranchMode,
) -> std::result::Result<(), String> {
    if !row.branch_created {
        return Err("boocoder did not create it".into());
    }
    match mode {
        BranchMode::Keep => return Err("asked to keep it".into()),
        BranchMode::Delete => return Ok(()),
        BranchMode::Safe => {}
    }
    if tip.to_string() == row.base_commit {
        return Ok(());
    }
    let contains =
        |other: Oid| other == tip || repo.graph_descendant_of(other, tip).unwrap_or(false);
    if let Some(base_ref) = &row.base_ref
        && let Ok(r) = repo.find_reference(base_ref)
        && r.target().is_some_and(contains)
    {
        return Ok(());
    }
    let own = format!("refs/heads/{}", row.branch);
    if let Ok(branches) = repo.branches(None) {
        for (b, _) in branches.flatten() {
            let r = b.get();
            if r.name() != Some(own.as_str()) && r.target().is_some_and(contains) {
                return Ok(());
            }
        }
    }
    Err("it has commits no other branch has".into())
}

pub(super) fn remove_worktree(
    row: &WorktreeRow,
    force: bool,
    mode: BranchMode,
) -> std::result::Result<Removed, WorktreeError> {
    let path = PathBuf::from(&row.path);
    let mut removed = Removed {
        session: row.session.clone(),
        path: row.path.clone(),
        branch: row.branch.clone(),
        directory_removed: false,
        registration_pruned: false,
        branch_deleted: false,
        branch_tip: None,
        branch_kept: None,
        notes: Vec::new(),
    };
    if path.exists() {
        if !force {
            let files = uncommitted_files(&path)?;
            if !files.is_empty() {
                return Err(WorktreeError::Dirty {
                    session: row.session.clone(),
                    files,
                });
            }
        }
        std::fs::remove_dir_all(&path).map_err(io("remove", &path))?;
        removed.directory_removed = true;
    }
    let repo = match Repository::open(&row.repo) {
        Ok(repo) => repo,
        Err(e) => {
            removed.branch_kept = Some(format!(
                "repository {} cannot be opened ({})",
                row.repo,
                e.message()
            ));
            removed.notes.push(format!(
                "repository {} cannot be opened ({}): its registration and branch were left",
                row.repo,
                e.message()
            ));
            return Ok(removed);
        }
    };
    let _lock = lock_repo(&repo)?;
    let names = repo.worktrees().map_err(git("list git's worktrees"))?;
    for name in names.iter().flatten() {
        let wt = repo
            .find_worktree(name)
            .map_err(git(format!("read git's registration `{name}`")))?;
        if wt.path() == path {
            wt.prune(Some(
                WorktreePruneOptions::new()
                    .valid(true)
                    .working_tree(false)
                    .locked(false),
            ))
            .map_err(git(format!("prune git's registration `{name}`")))?;
            removed.registration_pruned = true;
        }
    }
    let mut branch = match repo.find_branch(&row.branch, BranchType::Local) {
        Ok(b) => b,
        Err(e) if e.code() == ErrorCode::NotFound => {
            removed
                .notes
                .push(format!("branch {} was already gone", row.branch));
            return Ok(removed);
        }
        Err(e) => return Err(git(format!("read branch {}", row.branch))(e)),
    };
    let Some(tip) = branch.get().target() else {
        removed.branch_kept = Some("it is a symbolic reference".into());
        return Ok(removed);
    };
    removed.branch_tip = Some(tip.to_string());
    match branch_verdict(&repo, row, tip, mode) {
        Ok(()) => {
            branch
                .delete()
                .map_err(|source| WorktreeError::BranchNotDeleted {
                    what: format!("delete branch {} (at {tip})", row.branch),
                    source,
                })?;
            removed.branch_deleted = true;
        }
        Err(why) => removed.branch_kept = Some(why),
    }
    Ok(removed)
}

/// Prune `repo`'s worktree registrations under `root` whose directory is
/// gone (skipping paths in `handled`).
pub(super) fn prune_stale_registrations(
    repo_dir: &Path,
    root: &Path,
    handled: &BTreeSet<String>,
    dry_run: bool,
) -> std::result::Result<Vec<Pruned>, WorktreeError> {
    let Ok(repo) = Repository::open(repo_dir) else {
        return Ok(Vec::new());
    };
    let _lock = lock_repo(&repo)?;
    let names = repo.worktrees().map_err(git("list worktrees"))?;
    let mut out = Vec::new();
    for name in names.iter().flatten() {
        let Ok(wt) = repo.find_worktree(name) else {
            continue;
        };
        let path = wt.path().to_path_buf();
        let path_str = path.to_string_lossy().into_owned();
        if !path.starts_with(root) || path.exists() || handled.contains(&path_str) {
            continue;
        }
        if !dry_run {
            wt.prune(None)
                .map_err(git(format!("prune git's registration `{name}`")))?;
        }
        out.push(Pruned {
            action: PruneAction::PruneRegistration,
            session: None,
            repo: repo_dir.to_string_lossy().into_owned(),
            path: path_str,
            done: !dry_run,
            detail: Some(format!("git worktree `{name}`")),
            branch_deleted: None,
            branch_tip: None,
            branch_kept: None,
        });
    }
    Ok(out)
}
