//! Committing a worktree's pending work on its session branch.

use std::ffi::OsString;
use std::sync::Arc;

use git2::{Oid, Repository};

use crate::store::WorktreeRow;
use crate::worktree::Output;

use super::apply::tree_changes;
use super::hooks::Hooks;
use super::{Committed, Gate, LandResult, git, io, open_worktree, signature, worktree_index};

/// How a commit is made: its message, whether `pre-commit` and `commit-msg`
/// run, the landing's gate, and where the hooks' output goes.
pub(super) struct CommitPlan<'a> {
    pub(super) message: &'a str,
    pub(super) no_verify: bool,
    pub(super) gate: &'a Gate,
    pub(super) hook_output: Option<&'a Arc<dyn Output>>,
}

/// A commit of the worktree's pending work, made but not yet on the
/// session branch (so a refused merge leaves every ref as it was).
pub(super) struct Pending {
    pub(super) repo: Repository,
    pub(super) index: git2::Index,
    pub(super) head: Oid,
    pub(super) id: Oid,
    pub(super) committed: Committed,
}

pub(super) fn pending_commit(wt: &WorktreeRow, plan: &CommitPlan) -> LandResult<Option<Pending>> {
    let repo = open_worktree(wt)?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(git("read the worktree's HEAD"))?;
    let (mut index, mut tree_id) = worktree_index(&repo)?;
    if tree_id == head.tree_id() {
        return Ok(None);
    }
    let (message, hooked) = run_commit_hooks(&repo, tree_id, plan)?;
    if let Some((hooked_index, hooked_tree)) = hooked {
        // pre-commit changed what is staged (a formatter's `git add`).
        index = hooked_index;
        tree_id = hooked_tree;
    }
    let message = message.as_str();
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
    /// Move the session branch to the commit (the worktree's index then
    /// matches it), then run `post-commit` (its outcome changes nothing).
    pub(super) fn publish(mut self, plan: &CommitPlan) -> LandResult<Committed> {
        let branch = format!("refs/heads/{}", self.committed.branch);
        self.repo
            .reference_matching(&branch, self.id, true, self.head, "boocoder session commit")
            .map_err(git(format!("move {}", self.committed.branch)))?;
        self.index
            .write()
            .map_err(git("write the worktree's index"))?;
        let _ = Hooks::of(&self.repo, plan.hook_output).run("post-commit", &[], &[], plan.gate);
        Ok(self.committed)
    }
}

/// `pre-commit` (unless `no_verify`), `prepare-commit-msg` and `commit-msg`
/// (unless `no_verify`), as `git commit -a -m` runs them: with
/// `GIT_INDEX_FILE` naming an index of what is committed, the message in
/// `COMMIT_EDITMSG`. Returns the message as the hooks left it, and the
/// index and tree when pre-commit changed what is staged.
fn run_commit_hooks(
    repo: &Repository,
    tree_id: Oid,
    plan: &CommitPlan,
) -> LandResult<(String, Option<(git2::Index, Oid)>)> {
    let hooks = Hooks::of(repo, plan.hook_output);
    let index_path = repo.path().join("boocoder-commit.index");
    let msg_path = repo.path().join("COMMIT_EDITMSG");
    let result = (|| {
        let mut staged = git2::Index::open(&index_path).map_err(git("open a commit index"))?;
        let tree = repo.find_tree(tree_id).map_err(git("read the tree"))?;
        staged
            .read_tree(&tree)
            .map_err(git("fill a commit index"))?;
        staged.write().map_err(git("write a commit index"))?;
        let env = [("GIT_INDEX_FILE", index_path.as_path())];
        let mut changed = None;
        if !plan.no_verify {
            hooks.run("pre-commit", &[], &env, plan.gate)?;
            staged.read(true).map_err(git("read the commit index"))?;
            let after = staged
                .write_tree_to(repo)
                .map_err(git("write the staged tree"))?;
            if after != tree_id {
                changed = Some(after);
            }
        }
        std::fs::write(&msg_path, plan.message).map_err(io("write", &msg_path))?;
        let msg_arg = OsString::from(&msg_path);
        hooks.run(
            "prepare-commit-msg",
            &[msg_arg.clone(), "message".into()],
            &env,
            plan.gate,
        )?;
        if !plan.no_verify {
            hooks.run("commit-msg", &[msg_arg], &env, plan.gate)?;
        }
        let message = std::fs::read_to_string(&msg_path).map_err(io("read", &msg_path))?;
        let changed = match changed {
            Some(t) => {
                let mut real = repo.index().map_err(git("read the worktree's index"))?;
                let tree = repo.find_tree(t).map_err(git("read the staged tree"))?;
                real.read_tree(&tree)
                    .map_err(git("update the worktree's index"))?;
                Some((real, t))
            }
            None => None,
        };
        Ok((message, changed))
    })();
    let _ = std::fs::remove_file(&index_path);
    result
}

pub(super) fn commit_blocking(
    wt: &WorktreeRow,
    plan: &CommitPlan,
) -> LandResult<Option<Committed>> {
    let pending = pending_commit(wt, plan)?;
    plan.gate.begin_writes()?;
    pending.map(|p| p.publish(plan)).transpose()
}
