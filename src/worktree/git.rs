//! Git operations on git2: creating a worktree and its branch (with the
//! libgit2 FFI for `worktree add` without a checkout), the repository lock,
//! and the checks made before removing one.

use std::fs::File;
use std::path::{Path, PathBuf};

use git2::{
    BranchType, ErrorCode, ObjectType, Oid, Repository, StatusOptions, WorktreeAddOptions,
    WorktreePruneOptions,
};

use crate::store::WorktreeRow;
use crate::util::{hostname, lock};

use super::checkout;
use super::checkout::verify_tree;
use super::errors::{WorktreeError, git, io};

/// libgit2 settings, applied once before the first git step of the process.
pub(crate) fn init_git() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // Like git, do not re-hash every object read from the object
        // database (libgit2 does by default, and a checkout of 20,000
        // files spends much of its time there).
        git2::opts::strict_hash_verification(false);
        let _ = GLOBAL_ATTRIBUTE_FILES.set(global_attribute_files());
    });
}

/// A short stable id for a repository: its directory name and the first 12
/// hex digits of the SHA-1 of its canonical path.
pub fn repo_id(workdir: &Path) -> String {
    let name: String = workdir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = Oid::hash_object(ObjectType::Blob, workdir.to_string_lossy().as_bytes())
        .map(|o| o.to_string())
        .unwrap_or_default();
    format!(
        "{}-{}",
        name.trim_start_matches('.'),
        &hash[..12.min(hash.len())]
    )
}

/// The canonical checkout directory of the repository containing `dir`
/// (for a linked worktree: its main repository's).
pub(super) fn main_workdir(dir: &Path) -> std::result::Result<PathBuf, WorktreeError> {
    if !dir.exists() {
        return Err(WorktreeError::RepoMissing {
            path: dir.to_path_buf(),
        });
    }
    let repo = Repository::discover(dir).map_err(|source| match source.code() {
        ErrorCode::NotFound => WorktreeError::NotARepo {
            path: dir.to_path_buf(),
        },
        _ => WorktreeError::Git {
            what: format!("open {}", dir.display()),
            source,
        },
    })?;
    let repo = if repo.is_worktree() {
        Repository::open(repo.commondir()).map_err(git("open the main repository"))?
    } else {
        repo
    };
    let workdir = repo.workdir().ok_or_else(|| WorktreeError::Bare {
        path: dir.to_path_buf(),
    })?;
    workdir.canonicalize().map_err(io("resolve", workdir))
}

pub(super) struct Plan {
    pub(super) repo: PathBuf,
    pub(super) path: PathBuf,
    pub(super) name: String,
    pub(super) base: Option<String>,
    pub(super) branch: String,
    /// Whether boocoder created the branch (a recreated worktree's record).
    pub(super) branch_created: bool,
    /// Whether `base` is the branch the session was merged into (`merge
    /// --remove`): a kept session branch whose work it already holds
    /// catches up with it ([`catch_up`]).
    pub(super) landed: bool,
}

pub(super) struct Created {
    pub(super) path: PathBuf,
    pub(super) branch: String,
    pub(super) branch_created: bool,
    pub(super) base_commit: String,
    pub(super) base_ref: Option<String>,
    pub(super) uninitialised_submodules: Vec<String>,
}

/// The commit `base` names (default HEAD) and, when it is a branch, the
/// branch's full ref name (to measure drift later).
pub(super) fn resolve_base(
    repo: &Repository,
    workdir: &Path,
    base: Option<&str>,
) -> std::result::Result<(Oid, Option<String>), WorktreeError> {
    let spec = base.unwrap_or("HEAD");
    let bad = |source| WorktreeError::BadRef {
        reference: spec.to_string(),
        repo: workdir.to_path_buf(),
        source,
    };
    let commit = repo
        .revparse_single(spec)
        .and_then(|o| o.peel_to_commit())
        .map_err(bad)?;
    let base_ref = repo
        .resolve_reference_from_short_name(spec)
        .and_then(|r| r.resolve())
        .ok()
        .filter(|r| r.is_branch() || r.is_remote())
        .and_then(|r| r.name().map(String::from));
    Ok((commit.id(), base_ref))
}

/// Whether the repository at `repo` has a local branch `name`.
pub(super) fn local_branch_exists(repo: &Path, name: &str) -> bool {
    Repository::open(repo)
        .and_then(|r| r.find_branch(name, BranchType::Local).map(drop))
        .is_ok()
}

pub(super) fn create_worktree(plan: &Plan) -> std::result::Result<Created, WorktreeError> {
    let repo = Repository::open(&plan.repo).map_err(git("open the repository"))?;
    let (base, base_ref) = resolve_base(&repo, &plan.repo, plan.base.as_deref())?;
    if !git2::Branch::name_is_valid(&plan.branch).unwrap_or(false) {
        return Err(WorktreeError::BadBranch(plan.branch.clone()));
    }
    let mut base_commit = base;
    let mut branch_created = plan.branch_created;
    if plan.path.exists() {
        // Left by an earlier run that stopped before recording it: adopt it
        // when it is a worktree of this repository on the expected branch.
        if !adoptable(&repo, plan) {
            return Err(WorktreeError::PathTaken {
                path: plan.path.clone(),
                repo: plan.repo.clone(),
            });
        }
    } else {
        // What will be checked out: a kept branch's tip, or the base. Every
        // name in its tree is checked before anything is created.
        let mut existing = match repo.find_branch(&plan.branch, BranchType::Local) {
            Ok(b) => Some(b.get().target().unwrap_or(base)),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(git(format!("read branch {}", plan.branch))(e)),
        };
        if plan.landed
            && let Some(tip) = existing
            && let Some(merge) = catch_up(&repo, plan, tip, base)?
        {
            existing = Some(merge);
        }
        let tree = repo
            .find_commit(existing.unwrap_or(base))
            .and_then(|c| c.tree())
            .map_err(git("read the tree to check out"))?;
        verify_tree(&repo, &tree)?;
        if let Some(parent) = plan.path.parent() {
            std::fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        let lock = lock_repo(&repo)?;
        let reference = match existing {
            // A kept branch: continue it; its base is where it left the requested base.
            Some(tip) => {
                base_commit = repo.merge_base(tip, base).unwrap_or(base);
                // Kept by an earlier removal of a worktree that made it.
                branch_created |= created_mark(&repo, &plan.branch);
                repo.find_branch(&plan.branch, BranchType::Local)
                    .map_err(git(format!("read branch {}", plan.branch)))?
                    .into_reference()
            }
            None => {
                let commit = repo.find_commit(base).map_err(git("read the base"))?;
                let b = repo
                    .branch(&plan.branch, &commit, false)
                    .map_err(git(format!("create branch {}", plan.branch)))?;
                branch_created = true;
                set_created_mark(&repo, &plan.branch);
                b.into_reference()
            }
        };
        let name = free_worktree_name(&repo, &plan.name, &plan.path);
        if let Err(e) = add_worktree(&repo, plan, &name, &reference, &tree, lock) {
            undo_add(&repo, plan, &name, existing.is_none());
            return Err(e);
        }
    }
    Ok(Created {
        uninitialised_submodules: uninitialised_submodules(&plan.path)?,
        path: plan.path.clone(),
        branch: plan.branch.clone(),
        branch_created,
        base_commit: base_commit.to_string(),
        base_ref,
    })
}

/// A kept session branch (`merge --squash --remove` keeps its commits)
/// whose work the branch it was merged into (`base`) already holds: the
/// session branch takes a merge of that branch, with its tree, as `git merge
/// BRANCH` on the session branch would make. Its next worktree then starts
/// from the branch's tip (nothing landed shows as pending again) and the
/// kept commits stay in its history. None (nothing written) when the
/// session branch has work the base lacks, or one contains the other.
fn catch_up(
    repo: &Repository,
    plan: &Plan,
    tip: Oid,
    base: Oid,
) -> std::result::Result<Option<Oid>, WorktreeError> {
    let contains = |a: Oid, b: Oid| a == b || repo.graph_descendant_of(a, b).unwrap_or(false);
    if contains(base, tip) || contains(tip, base) {
        return Ok(None);
    }
    let read = git("read the branch merged into");
    let ours = repo.find_commit(base).map_err(read)?;
    let theirs = repo
        .find_commit(tip)
        .map_err(git(format!("read branch {}", plan.branch)))?;
    let mut index = repo.merge_commits(&theirs, &ours, None).map_err(git(
        "compare the session branch with the branch merged into",
    ))?;
    if index.has_conflicts() {
        return Ok(None);
    }
    let tree = index.write_tree_to(repo).map_err(git(
        "compare the session branch with the branch merged into",
    ))?;
    if tree != ours.tree_id() {
        return Ok(None);
    }
    let sig = repo
        .signature()
        .or_else(|_| git2::Signature::now(super::land::FALLBACK_NAME, super::land::FALLBACK_EMAIL))
        .map_err(git("make a signature"))?;
    let into = plan.base.as_deref().unwrap_or("HEAD");
    let into = into.strip_prefix("refs/heads/").unwrap_or(into);
    let message = format!("Merge branch '{into}' into {}\n", plan.branch);
    let write = git(format!("catch {} up with {into}", plan.branch));
    let tree = ours.tree().map_err(git("read the tree to check out"))?;
    let merge = repo
        .commit(None, &sig, &sig, &message, &tree, &[&theirs, &ours])
        .map_err(write)?;
    repo.reference_matching(
        &format!("refs/heads/{}", plan.branch),
        merge,
        true,
        tip,
        &format!("boocoder: merge {into}, which the session was merged into"),
    )
    .map_err(git(format!("move branch {}", plan.branch)))?;
    Ok(Some(merge))
}

/// Whether the directory at `plan.path` is a worktree of `repo` on the
/// plan's branch.
fn adoptable(repo: &Repository, plan: &Plan) -> bool {
    Repository::open(&plan.path).ok().is_some_and(|wt| {
        same_dir(wt.commondir(), repo.commondir())
            && wt
                .head()
                .ok()
                .and_then(|h| h.shorthand().map(|s| s == plan.branch))
                .unwrap_or(false)
    })
}

/// Register worktree `name` at `plan.path` on `reference` and check `tree`
/// out: through libgit2 when the tree needs filters, else registered by
/// hand and written by the fast checkout. `lock` (the repository's) is
/// released once the registration is done.
fn add_worktree(
    repo: &Repository,
    plan: &Plan,
    name: &str,
    reference: &git2::Reference<'_>,
    tree: &git2::Tree<'_>,
    lock: File,
) -> std::result::Result<(), WorktreeError> {
    if needs_filters(repo, tree) {
        let mut opts = WorktreeAddOptions::new();
        opts.reference(Some(reference));
        let r = repo
            .worktree(name, &plan.path, Some(&opts))
            .map(drop)
            .map_err(git(format!("add worktree {}", plan.path.display())));
        drop(lock);
        r
    } else {
        let refname = reference.name().unwrap_or_default().to_string();
        add_worktree_without_checkout(repo.commondir(), name, &plan.path, &refname)
            .map_err(git(format!("add worktree {}", plan.path.display())))
            .and_then(|()| {
                drop(lock);
                checkout::write_tree(repo.commondir(), tree, &plan.path)
            })
    }
}

/// After a failed add, leave nothing behind: the directory, git's
/// registration, and the branch when this call created it.
fn undo_add(repo: &Repository, plan: &Plan, name: &str, branch_is_new: bool) {
    let _ = std::fs::remove_dir_all(&plan.path);
    let _lock = lock_repo(repo);
    if let Ok(wt) = repo.find_worktree(name)
        && wt.path() == plan.path
    {
        let _ = wt.prune(Some(
            WorktreePruneOptions::new()
                .valid(true)
                .working_tree(false)
                .locked(false),
        ));
    }
    if branch_is_new && let Ok(mut b) = repo.find_branch(&plan.branch, BranchType::Local) {
        let _ = b.delete();
    }
}

/// The repository's lock (`<git dir>/boocoder.lock`), held around git's
/// worktree registrations and branch deletions: libgit2 reads every
/// registration to know whether a branch is checked out, and fails on one
/// another process is pruning at that moment.
pub(super) fn lock_repo(repo: &Repository) -> std::result::Result<File, WorktreeError> {
    lock::lock(&repo.commondir().join("boocoder.lock"), 0o666)
        .map_err(|e| io(e.step, &e.path)(e.source))
}

/// git's name for a new worktree (`.git/worktrees/<name>`): the session key,
/// after pruning a stale registration of that name; a suffixed one when a
/// live registration holds it.
pub(super) fn free_worktree_name(repo: &Repository, key: &str, path: &Path) -> String {
    match repo.find_worktree(key) {
        Err(_) => key.to_string(),
        Ok(wt) => {
            if wt.validate().is_err() && wt.prune(None).is_ok() {
                return key.to_string();
            }
            let hash = Oid::hash_object(ObjectType::Blob, path.to_string_lossy().as_bytes())
                .map(|o| o.to_string())
                .unwrap_or_default();
            format!("{key}-{}", &hash[..8.min(hash.len())])
        }
    }
}

pub(super) fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub(super) fn uninitialised_submodules(
    path: &Path,
) -> std::result::Result<Vec<String>, WorktreeError> {
    let repo = Repository::open(path).map_err(git("open the worktree"))?;
    let subs = repo.submodules().map_err(git("read submodules"))?;
    Ok(subs
        .iter()
        .filter(|s| s.open().is_err())
        .map(|s| s.name().unwrap_or_else(|| s.path().to_str().unwrap_or("?")))
        .map(String::from)
        .collect())
}

/// Files with uncommitted or untracked work (ignored files excluded).
pub(super) fn uncommitted_files(path: &Path) -> std::result::Result<Vec<String>, WorktreeError> {
    let repo = Repository::open(path).map_err(git(format!("open {}", path.display())))?;
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(false)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(git("read the status"))?;
    Ok(statuses
        .iter()
        .filter(|s| !s.status().is_empty() && !s.status().is_ignored())
        .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
        .collect())
}

/// Commits the base's branch has gained since the recorded base commit.
pub(super) fn base_drift(row: &WorktreeRow) -> Option<usize> {
    let name = row.base_ref.as_deref()?;
    let repo = Repository::open(&row.repo).ok()?;
    let tip = repo.find_reference(name).ok()?.target()?;
    let base = Oid::from_str(&row.base_commit).ok()?;
    repo.graph_ahead_behind(tip, base)
        .ok()
        .map(|(ahead, _)| ahead)
}

/// `branch.<name>.boocoderCreated`: a branch boocoder made says so in the
/// repository's config, so a worktree made later on the kept branch still
/// knows it (git drops the section when the branch is deleted).
fn created_mark_key(branch: &str) -> String {
    format!("branch.{branch}.boocoderCreated")
}

fn set_created_mark(repo: &Repository, branch: &str) {
    if let Ok(mut config) = repo.config() {
        let _ = config.set_bool(&created_mark_key(branch), true);
    }
}

fn created_mark(repo: &Repository, branch: &str) -> bool {
    repo.config()
        .and_then(|c| c.get_bool(&created_mark_key(branch)))
        .unwrap_or(false)
}

/// Refuse a worktree recorded on another host (rows without a host are
/// anybody's).
pub fn check_host(row: &WorktreeRow) -> std::result::Result<(), WorktreeError> {
    let me = hostname();
    if row.host.is_empty() || row.host == me {
        return Ok(());
    }
    Err(WorktreeError::OtherHost {
        session: row.session.clone(),
        host: row.host.clone(),
        me,
        path: row.path.clone(),
    })
}

/// Whether checking `tree` out needs content filters (attributes, line
/// endings): then libgit2's own checkout runs; otherwise boocoder writes the
/// files itself, which is much faster on large trees (libgit2 resolves the
/// real path of every file twice for attribute lookups).
pub(super) fn needs_filters(repo: &Repository, tree: &git2::Tree<'_>) -> bool {
    let mut attributes = false;
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
        if entry.name_bytes() == b".gitattributes" {
            attributes = true;
            return git2::TreeWalkResult::Abort;
        }
        git2::TreeWalkResult::Ok
    });
    if attributes || repo.commondir().join("info/attributes").exists() {
        return true;
    }
    let Ok(config) = repo.config() else {
        return true;
    };
    let set = |key: &str| config.get_entry(key).is_ok();
    config.get_bool("core.autocrlf").unwrap_or(false)
        || config
            .get_string("core.autocrlf")
            .is_ok_and(|v| v == "input")
        || set("core.eol")
        || set("core.attributesfile")
        || GLOBAL_ATTRIBUTE_FILES
            .get()
            .is_none_or(|files| files.iter().any(|f| f.exists()))
}

/// Where libgit2 looks for the user's and the system's attributes files
/// (`$XDG_CONFIG_HOME/git/attributes`, `<sysconfdir>/gitattributes`).
pub(super) static GLOBAL_ATTRIBUTE_FILES: std::sync::OnceLock<Vec<PathBuf>> =
    std::sync::OnceLock::new();

pub(super) fn global_attribute_files() -> Vec<PathBuf> {
    use git2::ConfigLevel;
    let dirs = |level| {
        // SAFETY: called from `init_git`'s `call_once`, before any other
        // git2 call of this crate, so nothing reads libgit2's global state
        // at the same time.
        unsafe { git2::opts::get_search_path(level) }
            .map(|p| {
                p.to_string_lossy()
                    .split(':')
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let mut files: Vec<PathBuf> = dirs(ConfigLevel::XDG)
        .into_iter()
        .map(|d| d.join("attributes"))
        .collect();
    files.extend(
        dirs(ConfigLevel::System)
            .into_iter()
            .map(|d| d.join("gitattributes")),
    );
    files
}

/// `git worktree add --no-checkout`: registers the worktree and points its
/// HEAD at `refname`, writing no files.
pub(super) fn add_worktree_without_checkout(
    commondir: &Path,
    name: &str,
    path: &Path,
    refname: &str,
) -> std::result::Result<(), git2::Error> {
    use libgit2_sys as raw;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::ptr;

    let cstr = |b: &[u8]| {
        CString::new(b).map_err(|_| git2::Error::from_str("a path or name contains a NUL byte"))
    };
    let (c_repo, c_name, c_path, c_ref) = (
        cstr(commondir.as_os_str().as_bytes())?,
        cstr(name.as_bytes())?,
        cstr(path.as_os_str().as_bytes())?,
        cstr(refname.as_bytes())?,
    );
    let check = |code: std::os::raw::c_int| {
        if code < 0 {
            Err(git2::Error::last_error(code))
        } else {
            Ok(())
        }
    };
    raw::init();
    // SAFETY: plain libgit2 calls on pointers it hands out, each freed once
    // on every path; the C strings outlive the calls.
    unsafe {
        let mut repo = ptr::null_mut();
        check(raw::git_repository_open(&mut repo, c_repo.as_ptr()))?;
        let mut reference = ptr::null_mut();
        let result = check(raw::git_reference_lookup(
            &mut reference,
            repo,
            c_ref.as_ptr(),
        ))
        .and_then(|()| {
            let mut opts: raw::git_worktree_add_options = std::mem::zeroed();
            check(raw::git_worktree_add_options_init(
                &mut opts,
                raw::GIT_WORKTREE_ADD_OPTIONS_VERSION,
            ))?;
            opts.reference = reference;
            opts.checkout_options.checkout_strategy = raw::GIT_CHECKOUT_NONE;
            let mut wt = ptr::null_mut();
            check(raw::git_worktree_add(
                &mut wt,
                repo,
                c_name.as_ptr(),
                c_path.as_ptr(),
                &opts,
            ))?;
            raw::git_worktree_free(wt);
            Ok(())
        });
        if !reference.is_null() {
            raw::git_reference_free(reference);
        }
        raw::git_repository_free(repo);
        result
    }
}
