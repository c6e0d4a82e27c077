//! Committing a worktree's pending work on its session branch.

use git2::{Oid, Repository};

use crate::store::WorktreeRow;

use super::apply::tree_changes;
use super::{Committed, LandResult, git, open_worktree, signature, worktree_index};

/// A commit of the worktree's pending work, made but not yet on the
/// session branch (so a refused merge leaves every ref as it was).
pub(super) struct Pending {
    pub(super) repo: Repository,
    pub(super) index: git2::Index,
    pub(super) head: Oid,
    pub(super) id: Oid,
    pub(super) committed: Committed,
}

pub(super) fn pending_commit(wt: &WorktreeRow, message: &str) -> LandResult<Option<Pending>> {
    let repo = open_worktree(wt)?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(git("read the worktree's HEAD"))?;
    let (index, tree_id) = worktree_index(&repo)?;
    if tree_id == head.tree_id() {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id).map_err(git("read the tree"))?;
    let sig = signature(&repo)?;
    let files = tree_changes(
        &repo,
        &head.tree().map_err(git("read a tree"))?,
        &tree,
        true,
    )?;
    let id = repo
        .commit(None, &sig, &sig, message, &tree, &[&head])
        .map_err(git("commit on the session branch"))?;
    let committed = Committed {
        session: wt.session.clone(),
        branch: wt.branch.clone(),
        commit: id.to_string(),
        message: message.to_string(),
        author: format!(
            "{} <{}>",
            sig.name().unwrap_or_default(),
            sig.email().unwrap_or_default()
        ),
        files,
    };
    let head_id = head.id();
    drop(tree);
    drop(head);
    Ok(Some(Pending {
        repo,
        index,
        head: head_id,
        id,
        committed,
    }))
}

impl Pending {
    /// Move the session branch to the commit; the worktree's index then
    /// matches it.
    pub(super) fn publish(mut self) -> LandResult<Committed> {
        let branch = format!("refs/heads/{}", self.committed.branch);
        self.repo
            .reference_matching(&branch, self.id, true, self.head, "boocoder session commit")
            .map_err(git(format!("move {}", self.committed.branch)))?;
        self.index
            .write()
            .map_err(git("write the worktree's index"))?;
        Ok(self.committed)
    }
}

pub(super) fn commit_blocking(wt: &WorktreeRow, message: &str) -> LandResult<Option<Committed>> {
    pending_commit(wt, message)?
        .map(Pending::publish)
        .transpose()
}
