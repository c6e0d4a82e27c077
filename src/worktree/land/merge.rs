//! Merging a session branch into a branch (fast-forward, merge or squash).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{BranchType, CheckoutNotificationType, Oid, Repository};

use crate::store::WorktreeRow;
use crate::worktree::Output;

use super::apply::{index_conflicts, tree_changes, workdir_blob};
use super::commit::{CommitPlan, Pending, pending_commit};
use super::hooks::Hooks;
use super::{Gate, LandError, LandResult, MergeKind, MergeRequest, Merged, git, signature};

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
    gate: &Gate,
    hook_output: Option<&Arc<dyn Output>>,
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
    let plan = CommitPlan {
        message: commit_message,
        no_verify: req.no_verify,
        gate,
        hook_output,
    };
    let pending = pending_commit(wt, &plan)?;
    // One landing per repository from reading the branch's tip to moving
    // it: two merges into one branch queue instead of racing.
    let lock_path = repo.commondir().join("boocoder-land.lock");
    let _lock = crate::util::lock::lock(&lock_path, 0o600).map_err(|e| LandError::Io {
        what: "lock",
        path: e.path,
        source: e.source,
    })?;
    let mut merged = merge_pending(
        &repo,
        wt,
        session,
        req,
        &into,
        &target_ref_name,
        &pending,
        gate,
        hook_output,
    )?;
    gate.begin_writes()?;
    if let Some(p) = pending {
        merged.committed = true;
        merged.pending_commit = Some(p.publish(&plan)?.commit);
    }
    Ok(merged)
}

/// Merge the session branch (with the pending commit on top, if any) into
/// `into`; moves only `into`. Everything is checked before the gate opens
/// the write phase.
#[allow(clippy::too_many_arguments)]
pub(super) fn merge_pending(
    repo: &Repository,
    wt: &WorktreeRow,
    session: &str,
    req: &MergeRequest,
    into: &str,
    target_ref_name: &str,
    pending: &Option<Pending>,
    gate: &Gate,
    hook_output: Option<&Arc<dyn Output>>,
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
    let mut out = up_to_date(session, wt, into, target_tip);
    if session_tip == target_tip
        || repo
            .graph_descendant_of(target_tip, session_tip)
            .map_err(git("compare the branches"))?
    {
        return Ok(out);
    }
    let conflict = |dir: &Path, paths| LandError::Conflict {
        what: "merge",
        dir: dir.to_path_buf(),
        paths,
        branch: Some(wt.branch.clone()),
    };
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
        let commits = (&target_commit, &session_commit);
        match merge_commit(repo, wt, session, req, into, commits)? {
            Ok(made) => made,
            Err(paths) => return Err(conflict(Path::new(&wt.repo), paths)),
        }
    };
    let new_commit = repo.find_commit(new_id).map_err(git("read a commit"))?;
    let old_tree = target_commit.tree().map_err(git("read a tree"))?;
    let new_tree = new_commit.tree().map_err(git("read a tree"))?;
    out.files = tree_changes(repo, &old_tree, &new_tree, true)?;
    out.kind = kind;
    out.commit = new_id.to_string();

    let reflog = format!("boocoder session merge {session}: {}", kind.as_str());
    let move_ref = || {
        repo.reference_matching(target_ref_name, new_id, true, target_tip, &reflog)
            .map_err(|source| LandError::Moved {
                branch: into.to_string(),
                source,
            })
    };
    let Some(dir) = checked_out_at(repo, target_ref_name)? else {
        gate.begin_writes()?;
        move_ref()?;
        return Ok(out);
    };
    let checkout =
        Repository::open(&dir).map_err(git(format!("open the checkout {}", dir.display())))?;
    let old_tree = checkout
        .find_tree(old_tree.id())
        .map_err(git("read a tree"))?;
    let new_tree = checkout
        .find_tree(new_tree.id())
        .map_err(git("read the merged tree"))?;
    let plan = check_checkout(&checkout, &old_tree, &new_tree)
        .map_err(|paths| paths.map_or_else(|e| e, |p| conflict(&dir, p)))?;
    gate.begin_writes()?;
    update_checkout(&checkout, &dir, &new_tree, &plan)?;
    // Compare-and-swap: a branch that moved meanwhile (a `git commit`
    // during the merge) is not overwritten, and the checkout goes back.
    if let Err(e) = move_ref() {
        let back = restore_checkout(&checkout, &old_tree, &plan);
        return Err(match back {
            Ok(()) => e,
            Err(b) => b,
        });
    }
    out.checkout = Some(dir.to_string_lossy().into_owned());
    let squash = if req.squash { "1" } else { "0" };
    let _ = Hooks::of(&checkout, hook_output).run("post-merge", &[squash.into()], &[], gate);
    Ok(out)
}

/// The result of a merge that has nothing to do: `into` stays at `tip`.
fn up_to_date(session: &str, wt: &WorktreeRow, into: &str, tip: Oid) -> Merged {
    Merged {
        session: session.to_string(),
        branch: into.to_string(),
        session_branch: wt.branch.clone(),
        kind: MergeKind::UpToDate,
        old_commit: tip.to_string(),
        commit: tip.to_string(),
        committed: false,
        pending_commit: None,
        checkout: None,
        files: Vec::new(),
        worktree_removed: false,
        branch_deleted: false,
        branch_tip: None,
        branch_kept: None,
    }
}

/// The merge (or, with `req.squash`, squash) commit of the session's tip
/// into `into`'s, as an unreferenced commit object until the ref moves;
/// or the conflicting paths.
fn merge_commit(
    repo: &Repository,
    wt: &WorktreeRow,
    session: &str,
    req: &MergeRequest,
    into: &str,
    (target, theirs): (&git2::Commit<'_>, &git2::Commit<'_>),
) -> LandResult<Result<(Oid, MergeKind), Vec<String>>> {
    let mut idx = repo
        .merge_commits(target, theirs, None)
        .map_err(git("merge"))?;
    if idx.has_conflicts() {
        return Ok(Err(index_conflicts(&idx)?));
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
            .unwrap_or_else(|| squash_message(repo, session, target.id(), theirs.id()));
        (message, vec![target], MergeKind::Squash)
    } else {
        let message = req
            .message
            .clone()
            .unwrap_or_else(|| format!("Merge branch '{}' into {into}\n", wt.branch));
        (message, vec![target, theirs], MergeKind::Merge)
    };
    let id = repo
        .commit(None, &sig, &sig, &message, &tree, &parents)
        .map_err(git("make the merge commit"))?;
    Ok(Ok((id, kind)))
}

/// What a checkout's update writes: the paths libgit2 updates, and the
/// untracked files already identical to what the merge brings (only
/// their index entries are added).
pub(super) struct CheckoutPlan {
    paths: Vec<String>,
    already_there: Vec<(String, git2::IndexEntry)>,
    /// Paths that held nothing before (a rollback deletes them).
    absent_before: Vec<String>,
}

/// Check, before anything is written, that updating the checkout from
/// `old` to `new` loses nothing, as `git merge` refuses: a path the merge
/// changes must have no staged change (index differs from HEAD), no
/// unstaged change (working file differs from the index), and no
/// untracked file in the way unless it already holds the merged content.
/// `Err(Ok(paths))` is a conflict.
fn check_checkout(
    repo: &Repository,
    old: &git2::Tree<'_>,
    new: &git2::Tree<'_>,
) -> Result<CheckoutPlan, LandResult<Vec<String>>> {
    let workdir = repo.workdir().expect("a checkout has a working tree");
    let index = repo.index().map_err(|e| Err(git("read the index")(e)))?;
    let diff = repo
        .diff_tree_to_tree(Some(old), Some(new), None)
        .map_err(|e| Err(git("diff")(e)))?;
    let mut plan = CheckoutPlan {
        paths: Vec::new(),
        already_there: Vec::new(),
        absent_before: Vec::new(),
    };
    let mut conflicts = Vec::new();
    let entry_of =
        |t: &git2::Tree<'_>, p: &Path| t.get_path(p).ok().map(|e| (e.id(), e.filemode() as u32));
    for d in diff.deltas() {
        let rel = d
            .new_file()
            .path()
            .or(d.old_file().path())
            .expect("a delta has a path")
            .to_path_buf();
        let name = rel.to_string_lossy().into_owned();
        let (before, after) = (entry_of(old, &rel), entry_of(new, &rel));
        let staged = index.get_path(&rel, 0).map(|e| (e.id, e.mode));
        let unmerged = (1..=3).any(|stage| index.get_path(&rel, stage).is_some());
        if unmerged || (staged != before && staged != after) {
            conflicts.push(name);
            continue;
        }
        if staged.is_none() && before.is_none() {
            // Untracked: in the way unless absent or already the result.
            let here = workdir_blob(&workdir.join(&rel)).map_err(Err)?;
            match (here, after) {
                (None, _) => plan.absent_before.push(name.clone()),
                (Some(h), Some((id, mode)))
                    if h == id && mode_matches(&workdir.join(&rel), mode) =>
                {
                    let mut entry = index_entry(&rel, id, mode);
                    entry.file_size = std::fs::metadata(workdir.join(&rel))
                        .map(|m| m.len() as u32)
                        .unwrap_or(0);
                    plan.already_there.push((name, entry));
                    continue;
                }
                _ => {
                    conflicts.push(name);
                    continue;
                }
            }
        }
        plan.paths.push(name);
    }
    if !conflicts.is_empty() {
        return Err(Ok(conflicts));
    }
    // What libgit2 finds (a working file that differs from the index, a
    // directory in the way) among the paths it is to write.
    if !plan.paths.is_empty() {
        let found = checkout_conflicts(repo, new, &plan.paths, true).map_err(Err)?;
        if !found.is_empty() {
            return Err(Ok(found));
        }
    }
    Ok(plan)
}

fn mode_matches(path: &Path, mode: u32) -> bool {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => mode == 0o120000,
        Ok(m) => (m.permissions().mode() & 0o100 != 0) == (mode == 0o100755),
        Err(_) => false,
    }
}

fn index_entry(path: &Path, id: Oid, mode: u32) -> git2::IndexEntry {
    use std::os::unix::ffi::OsStrExt;
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_os_str().as_bytes().to_vec(),
    }
}

/// Run a safe checkout of `tree` on `paths` (a dry run, or for real) and
/// return the paths it refuses.
fn checkout_conflicts(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    paths: &[String],
    dry_run: bool,
) -> LandResult<Vec<String>> {
    let conflicts = std::cell::RefCell::new(Vec::<String>::new());
    let mut b = git2::build::CheckoutBuilder::new();
    b.safe();
    if dry_run {
        b.dry_run();
    }
    for p in paths {
        b.path(p.as_str());
    }
    b.disable_pathspec_match(true);
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
        Ok(()) => Ok(found),
        Err(_) if !found.is_empty() => Ok(found),
        Err(e) => Err(git("update the checkout")(e)),
    }
}

/// Update a checkout's working tree and index from its HEAD's tree to
/// `tree`, as checked by [`check_checkout`].
pub(super) fn update_checkout(
    repo: &Repository,
    dir: &Path,
    tree: &git2::Tree<'_>,
    plan: &CheckoutPlan,
) -> LandResult<()> {
    if !plan.paths.is_empty() {
        let found = checkout_conflicts(repo, tree, &plan.paths, false)?;
        if !found.is_empty() {
            // Changed between the check and now: libgit2 wrote nothing.
            return Err(LandError::Conflict {
                what: "merge",
                dir: dir.to_path_buf(),
                paths: found,
                branch: None,
            });
        }
    }
    if !plan.already_there.is_empty() {
        let mut index = repo.index().map_err(git("read the index"))?;
        for (_, entry) in &plan.already_there {
            index.add(entry).map_err(git("add an index entry"))?;
        }
        index.write().map_err(git("write the index"))?;
    }
    Ok(())
}

/// Put a checkout back as it was before [`update_checkout`].
fn restore_checkout(
    repo: &Repository,
    old: &git2::Tree<'_>,
    plan: &CheckoutPlan,
) -> LandResult<()> {
    let workdir = repo.workdir().expect("a checkout has a working tree");
    let mut b = git2::build::CheckoutBuilder::new();
    b.force();
    b.disable_pathspec_match(true);
    let mut any = false;
    for p in &plan.paths {
        if !plan.absent_before.contains(p) {
            b.path(p.as_str());
            any = true;
        }
    }
    if any {
        repo.checkout_tree(old.as_object(), Some(&mut b))
            .map_err(git("restore the checkout"))?;
    }
    let mut index = repo.index().map_err(git("read the index"))?;
    for p in plan
        .absent_before
        .iter()
        .chain(plan.already_there.iter().map(|(p, _)| p))
    {
        if plan.absent_before.contains(p) {
            let _ = std::fs::remove_file(workdir.join(p));
        }
        let _ = index.remove_path(Path::new(p));
    }
    index.write().map_err(git("write the index"))
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
