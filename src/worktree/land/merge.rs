//! Merging a session branch into a branch (fast-forward, merge or squash).

use std::path::{Path, PathBuf};

use git2::{BranchType, CheckoutNotificationType, Oid, Repository};

use crate::store::WorktreeRow;

use super::apply::{index_conflicts, tree_changes};
use super::commit::{Pending, pending_commit};
use super::{LandError, LandResult, MergeKind, MergeRequest, Merged, git, signature};

/// The directory where `branch` (a full ref name) is checked out, among the
/// repository's main checkout and its linked worktrees.
pub(super) fn checked_out_at(repo: &Repository, branch: &str) -> LandResult<Option<PathBuf>> {
    let head_is = |r: &Repository| {
        r.find_reference("HEAD")
            .ok()
            .and_then(|h| h.symbolic_target().map(|t| t == branch))
            .unwrap_or(false)
    };
    if head_is(repo) {
        return Ok(repo.workdir().map(Path::to_path_buf));
    }
    let names = repo.worktrees().map_err(git("list worktrees"))?;
    for name in names.iter().flatten() {
        if let Ok(wt) = repo.find_worktree(name)
            && let Ok(r) = Repository::open_from_worktree(&wt)
            && head_is(&r)
        {
            return Ok(Some(wt.path().to_path_buf()));
        }
    }
    Ok(None)
}

pub(super) fn merge_blocking(
    wt: &WorktreeRow,
    session: &str,
    commit_message: &str,
    req: &MergeRequest,
) -> LandResult<Merged> {
    let repo =
        Repository::open(&wt.repo).map_err(git(format!("open the repository {}", wt.repo)))?;
    // Decide the target before committing anything.
    let into = match &req.into {
        Some(b) => b.clone(),
        None => match wt
            .base_ref
            .as_deref()
            .and_then(|r| r.strip_prefix("refs/heads/"))
        {
            Some(b) => b.to_string(),
            None => {
                let head = repo.find_reference("HEAD").map_err(git("read HEAD"))?;
                match head
                    .symbolic_target()
                    .and_then(|t| t.strip_prefix("refs/heads/"))
                {
                    Some(b) => b.to_string(),
                    None => return Err(LandError::Detached(PathBuf::from(&wt.repo))),
                }
            }
        },
    };
    if into == wt.branch {
        return Err(LandError::SameBranch(into));
    }
    let target_ref_name = match repo.find_branch(&into, BranchType::Local) {
        Ok(b) => b
            .get()
            .name()
            .map(String::from)
            .ok_or_else(|| LandError::NoBranch(into.clone()))?,
        Err(_) => return Err(LandError::NoBranch(into)),
    };
    let pending = pending_commit(wt, commit_message)?;
    let mut merged = merge_pending(&repo, wt, session, req, &into, &target_ref_name, &pending)?;
    if let Some(p) = pending {
        merged.committed = true;
        merged.pending_commit = Some(p.publish()?.commit);
    }
    Ok(merged)
}

/// Merge the session branch (with the pending commit on top, if any) into
/// `into`; moves only `into`.
pub(super) fn merge_pending(
    repo: &Repository,
    wt: &WorktreeRow,
    session: &str,
    req: &MergeRequest,
    into: &str,
    target_ref_name: &str,
    pending: &Option<Pending>,
) -> LandResult<Merged> {
    let target_tip = repo
        .refname_to_id(target_ref_name)
        .map_err(git(format!("read {into}")))?;
    let session_tip = match pending {
        Some(p) => p.id,
        None => repo
            .refname_to_id(&format!("refs/heads/{}", wt.branch))
            .map_err(git(format!("read {}", wt.branch)))?,
    };
    let mut out = Merged {
        session: session.to_string(),
        branch: into.to_string(),
        session_branch: wt.branch.clone(),
        kind: MergeKind::UpToDate,
        old_commit: target_tip.to_string(),
        commit: target_tip.to_string(),
        committed: false,
        pending_commit: None,
        checkout: None,
        files: Vec::new(),
        worktree_removed: false,
    };
    if session_tip == target_tip
        || repo
            .graph_descendant_of(target_tip, session_tip)
            .map_err(git("compare the branches"))?
    {
        return Ok(out);
    }
    let target_commit = repo.find_commit(target_tip).map_err(git("read a commit"))?;
    let session_commit = repo
        .find_commit(session_tip)
        .map_err(git("read a commit"))?;
    let ff = !req.squash
        && repo
            .graph_descendant_of(session_tip, target_tip)
            .map_err(git("compare the branches"))?;
    let (new_id, kind) = if ff {
        (session_tip, MergeKind::FastForward)
    } else {
        let mut idx = repo
            .merge_commits(&target_commit, &session_commit, None)
            .map_err(git("merge"))?;
        if idx.has_conflicts() {
            return Err(LandError::Conflict {
                what: "merge",
                dir: PathBuf::from(&wt.repo),
                paths: index_conflicts(&idx)?,
            });
        }
        let tree_id = idx
            .write_tree_to(repo)
            .map_err(git("write the merged tree"))?;
        let tree = repo.find_tree(tree_id).map_err(git("read a tree"))?;
        let sig = signature(repo)?;
        let (message, parents, kind) = if req.squash {
            let message = req
                .message
                .clone()
                .unwrap_or_else(|| squash_message(repo, session, target_tip, session_tip));
            (message, vec![&target_commit], MergeKind::Squash)
        } else {
            let message = req
                .message
                .clone()
                .unwrap_or_else(|| format!("Merge branch '{}' into {into}\n", wt.branch));
            (
                message,
                vec![&target_commit, &session_commit],
                MergeKind::Merge,
            )
        };
        // An unreferenced commit object until the ref moves below.
        let id = repo
            .commit(None, &sig, &sig, &message, &tree, &parents)
            .map_err(git("make the merge commit"))?;
        (id, kind)
    };
    let new_commit = repo.find_commit(new_id).map_err(git("read a commit"))?;
    let old_tree = target_commit.tree().map_err(git("read a tree"))?;
    let new_tree = new_commit.tree().map_err(git("read a tree"))?;
    out.files = tree_changes(repo, &old_tree, &new_tree, true)?;
    out.kind = kind;
    out.commit = new_id.to_string();

    let reflog = format!("boocoder session merge {session}: {}", kind.as_str());
    if let Some(dir) = checked_out_at(repo, target_ref_name)? {
        let checkout =
            Repository::open(&dir).map_err(git(format!("open the checkout {}", dir.display())))?;
        let tree = checkout
            .find_tree(new_tree.id())
            .map_err(git("read the merged tree"))?;
        update_checkout(&checkout, &dir, &tree)?;
        out.checkout = Some(dir.to_string_lossy().into_owned());
    }
    // Compare-and-swap: a branch that moved meanwhile is not overwritten.
    repo.reference_matching(target_ref_name, new_id, true, target_tip, &reflog)
        .map_err(git(format!("move {into}")))?;
    Ok(out)
}

/// Update a checkout's working tree and index from its HEAD's tree to
/// `tree`, refusing (before writing anything) when a file to be updated
/// has uncommitted changes or an untracked file is in the way.
pub(super) fn update_checkout(
    repo: &Repository,
    dir: &Path,
    tree: &git2::Tree<'_>,
) -> LandResult<()> {
    // libgit2 finds every conflict before it writes anything, and then
    // writes nothing: one run both checks and updates.
    let conflicts = std::cell::RefCell::new(Vec::<String>::new());
    let mut b = git2::build::CheckoutBuilder::new();
    b.safe();
    b.notify_on(CheckoutNotificationType::CONFLICT);
    b.notify(|_, path, _, _, _| {
        if let Some(p) = path {
            let p = p.to_string_lossy().into_owned();
            if !conflicts.borrow().contains(&p) {
                conflicts.borrow_mut().push(p);
            }
        }
        true
    });
    let r = repo.checkout_tree(tree.as_object(), Some(&mut b));
    drop(b);
    let found = conflicts.into_inner();
    match r {
        Ok(()) => Ok(()),
        Err(_) if !found.is_empty() => Err(LandError::Conflict {
            what: "merge",
            dir: dir.to_path_buf(),
            paths: found,
        }),
        Err(e) => Err(git(format!("update the checkout {}", dir.display()))(e)),
    }
}

/// `Squashed session NAME` and the subjects of the commits it squashes.
pub(super) fn squash_message(repo: &Repository, session: &str, from: Oid, to: Oid) -> String {
    let mut msg = format!("Squashed session {session}\n\n");
    if let Ok(mut walk) = repo.revwalk() {
        let _ = walk.push(to);
        let _ = walk.hide(from);
        let _ = walk.set_sorting(git2::Sort::REVERSE | git2::Sort::TOPOLOGICAL);
        for id in walk.flatten() {
            if let Ok(c) = repo.find_commit(id) {
                msg.push_str(&format!("* {}\n", c.summary().unwrap_or_default()));
            }
        }
    }
    msg
}
