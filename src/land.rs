//! Landing a session's work: apply it to a checkout as uncommitted changes,
//! commit the worktree's pending work on the session branch, merge the
//! session branch into a branch. All on git2 (no `git` process).
//!
//! Every operation checks everything before it writes anything: a conflict
//! leaves the checkout, its index and every ref exactly as they were.
//! All three hold the session's lease while they run, so a turn cannot
//! start underneath them (and they refuse a session whose turn is running).

use std::path::{Path, PathBuf};

use git2::{
    BranchType, CheckoutNotificationType, Delta, DiffFindOptions, DiffOptions, IndexAddOption,
    ObjectType, Oid, Repository, Signature,
};
use serde::Serialize;

use crate::config::Config;
use crate::session::SessionError;
use crate::session_key::SessionKey;
use crate::store::{LeaseAttempt, Store, WorktreeRow};
use crate::util::{format_utc, now_ms};
use crate::{Error, Exit, Result};

/// The author and committer when git's config names nobody
/// (`user.name` / `user.email` unset).
pub const FALLBACK_NAME: &str = "boocoder";
pub const FALLBACK_EMAIL: &str = "boocoder@localhost";

/// How many paths an error message names.
const PATHS_SHOWN: usize = 20;

/// A landing failure; every variant knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum LandError {
    #[error("{what} refused: conflicts in {}: {}", dir.display(), list_paths(paths))]
    Conflict {
        what: &'static str,
        dir: PathBuf,
        paths: Vec<String>,
    },
    #[error("nothing to commit in the worktree of session `{0}`")]
    NothingToCommit(String),
    #[error("session `{0}` has no worktree (its agent works in the repository itself)")]
    NoWorktree(String),
    #[error("the worktree of session `{session}` is gone from disk ({path})")]
    WorktreeGone { session: String, path: String },
    #[error("no local branch `{0}`")]
    NoBranch(String),
    #[error("cannot merge `{0}` into itself")]
    SameBranch(String),
    #[error("cannot tell which branch to merge into: {} has a detached HEAD", .0.display())]
    Detached(PathBuf),
    #[error("{} is not a checkout of the session's repository: {}", dir.display(), source.message())]
    ForeignCheckout {
        dir: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("git: {what}: {}", source.message())]
    Git {
        what: String,
        #[source]
        source: git2::Error,
    },
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn list_paths(paths: &[String]) -> String {
    let mut s = paths
        .iter()
        .take(PATHS_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > PATHS_SHOWN {
        s.push_str(&format!(" and {} more", paths.len() - PATHS_SHOWN));
    }
    s
}

impl LandError {
    pub fn exit(&self) -> Exit {
        use LandError::*;
        match self {
            Conflict { .. } | NothingToCommit(_) | NoWorktree(_) | WorktreeGone { .. } => Exit::No,
            NoBranch(_) | SameBranch(_) | Detached(_) | ForeignCheckout { .. } => Exit::Usage,
            Git { .. } | Io { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        use LandError::*;
        Some(match self {
            Conflict { what, .. } if *what == "merge" => {
                "commit or stash your changes to those files, or merge by hand: \
`git merge <session branch>` (nothing was changed)"
                    .into()
            }
            Conflict { .. } => "commit or stash your changes to those files, or resolve by hand \
with `boocoder worktree diff NAME | git apply --3way` (nothing was changed)"
                .into(),
            NothingToCommit(_) => {
                "`boocoder session changes NAME` shows the pending changes".into()
            }
            NoWorktree(_) => "its changes are already in the repository's checkout".into(),
            WorktreeGone { .. } => "`boocoder worktree ensure` recreates it".into(),
            NoBranch(_) => "give an existing local branch with --into".into(),
            SameBranch(_) => "give another branch with --into".into(),
            Detached(_) => "give the branch with --into".into(),
            ForeignCheckout { .. } => {
                "--to takes a checkout (or linked worktree) of the session's repository".into()
            }
            Git { .. } | Io { .. } => return None,
        })
    }

    /// The conflicting paths, for a JSON error record.
    pub fn conflict_paths(&self) -> Option<&[String]> {
        match self {
            LandError::Conflict { paths, .. } => Some(paths),
            _ => None,
        }
    }
}

fn git(what: impl Into<String>) -> impl FnOnce(git2::Error) -> LandError {
    let what = what.into();
    move |source| LandError::Git { what, source }
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> LandError {
    let path = path.to_path_buf();
    move |source| LandError::Io { what, path, source }
}

type LandResult<T> = std::result::Result<T, LandError>;

/// One file a landing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LandedFile {
    pub path: String,
    /// The path before a rename.
    pub old_path: Option<String>,
    /// `added`, `modified`, `deleted`, `renamed`, `typechange`.
    pub status: String,
}

/// What `session apply` did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub session: String,
    /// The checkout the changes were written to.
    pub dir: String,
    /// The files written or deleted there (uncommitted, not staged).
    pub files: Vec<LandedFile>,
}

/// What `session commit` did.
#[derive(Debug, Clone, Serialize)]
pub struct Committed {
    pub session: String,
    pub branch: String,
    pub commit: String,
    pub message: String,
    pub author: String,
    pub files: Vec<LandedFile>,
}

/// How `session merge` brought the branch in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MergeKind {
    /// The target branch already contained the session branch.
    UpToDate,
    FastForward,
    Merge,
    Squash,
}

impl MergeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MergeKind::UpToDate => "up-to-date",
            MergeKind::FastForward => "fast-forward",
            MergeKind::Merge => "merge",
            MergeKind::Squash => "squash",
        }
    }
}

/// What `session merge` did.
#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub session: String,
    /// The branch merged into.
    pub branch: String,
    /// The session branch.
    pub session_branch: String,
    pub kind: MergeKind,
    /// The branch's commit before and after.
    pub old_commit: String,
    pub commit: String,
    /// Whether pending worktree work was committed first.
    pub committed: bool,
    /// That commit (None when there was no pending work).
    pub pending_commit: Option<String>,
    /// The checkout whose working tree and index were updated (None: the
    /// branch is not checked out; only its ref moved).
    pub checkout: Option<String>,
    /// The files the branch changed.
    pub files: Vec<LandedFile>,
    /// Whether the session's worktree was removed (`--remove`).
    pub worktree_removed: bool,
}

/// What `merge` was asked for.
#[derive(Debug, Clone, Default)]
pub struct MergeRequest {
    pub into: Option<String>,
    pub squash: bool,
    pub message: Option<String>,
    pub remove: bool,
}

/// Land a session's work; every method holds the session's lease.
pub struct Landing<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
}

impl<'a> Landing<'a> {
    pub fn new(store: &'a Store, config: &'a Config) -> Landing<'a> {
        Landing { store, config }
    }

    /// The session's worktree, with the session's lease taken.
    async fn prepare(&self, key: &SessionKey) -> Result<(WorktreeRow, Option<String>, Lease)> {
        let session = self
            .store
            .get_session(key.as_str())
            .await?
            .ok_or_else(|| SessionError::NotFound(key.to_string()))?;
        let worktree = match self.store.get_worktree(key.as_str()).await? {
            Some(w) if session.use_worktree => w,
            _ => return Err(LandError::NoWorktree(key.to_string()).into()),
        };
        if !Path::new(&worktree.path).exists() {
            return Err(LandError::WorktreeGone {
                session: key.to_string(),
                path: worktree.path.clone(),
            }
            .into());
        }
        let lease = Lease::take(self.store, self.config, key.as_str()).await?;
        let prompt = self.store.last_prompt(key.as_str()).await?;
        Ok((worktree, prompt, lease))
    }

    /// Apply the session's changes against its base (committed,
    /// uncommitted, untracked) to `to` (default: the session's repository)
    /// as uncommitted changes, three-way.
    pub async fn apply(&self, key: &SessionKey, to: Option<&Path>) -> Result<Applied> {
        let (wt, _, lease) = self.prepare(key).await?;
        let dir = to
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(&wt.repo));
        let session = key.to_string();
        let r = blocking(move || apply_blocking(&wt, &dir, session)).await;
        lease.release().await;
        r
    }

    /// Commit the worktree's uncommitted work on the session branch.
    pub async fn commit(&self, key: &SessionKey, message: Option<&str>) -> Result<Committed> {
        let (wt, prompt, lease) = self.prepare(key).await?;
        let message = message
            .map(String::from)
            .unwrap_or_else(|| default_message(key.as_str(), prompt.as_deref()));
        let session = key.to_string();
        let r = blocking(move || {
            commit_blocking(&wt, &message)?.ok_or(LandError::NothingToCommit(session))
        })
        .await;
        lease.release().await;
        r
    }

    /// Commit pending work, then bring the session branch into a branch.
    pub async fn merge(&self, key: &SessionKey, req: &MergeRequest) -> Result<Merged> {
        let (wt, prompt, lease) = self.prepare(key).await?;
        let commit_message = default_message(key.as_str(), prompt.as_deref());
        let (req2, wt2, session) = (req.clone(), wt.clone(), key.to_string());
        let r = blocking(move || merge_blocking(&wt2, &session, &commit_message, &req2)).await;
        let mut merged = match r {
            Ok(m) => m,
            Err(e) => {
                lease.release().await;
                return Err(e);
            }
        };
        if req.remove {
            let removed = crate::worktree::Worktrees::new(self.store, &self.config.worktree_root)
                .remove(
                    key,
                    crate::worktree::RemoveOptions {
                        force: false,
                        branch: crate::worktree::BranchMode::Safe,
                    },
                )
                .await;
            lease.release().await;
            removed?;
            merged.worktree_removed = true;
        } else {
            lease.release().await;
        }
        Ok(merged)
    }
}

/// A commit message from the session's last prompt (its first line, cut
/// at 72 characters), else `boocoder session NAME`.
pub fn default_message(session: &str, prompt: Option<&str>) -> String {
    let line = prompt
        .and_then(|p| p.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| {
            if l.chars().count() > 72 {
                format!("{}...", l.chars().take(69).collect::<String>())
            } else {
                l.to_string()
            }
        });
    match line {
        Some(l) => format!("{l}\n\nboocoder session {session}\n"),
        None => format!("boocoder session {session}\n"),
    }
}

/// The session's lease, held for one landing (renewed in the background).
struct Lease {
    store: Store,
    session: String,
    owner: String,
    renewer: tokio::task::JoinHandle<()>,
}

impl Lease {
    async fn take(store: &Store, config: &Config, key: &str) -> Result<Lease> {
        let owner = crate::session::lease_owner();
        let ttl = config.lease_ttl;
        match store
            .acquire_lease(key, &owner, ttl.as_millis() as i64)
            .await?
        {
            LeaseAttempt::Acquired(_) => {}
            LeaseAttempt::Busy(held) => {
                return Err(SessionError::Busy {
                    name: key.into(),
                    owner: held.owner,
                    started: format_utc(held.acquired_at),
                }
                .into());
            }
        }
        let (s, session, me) = (store.clone(), key.to_string(), owner.clone());
        let renewer = tokio::spawn(async move {
            loop {
                tokio::time::sleep(ttl / 3).await;
                let _ = s
                    .renew_lease(&session, &me, now_ms() + ttl.as_millis() as i64)
                    .await;
            }
        });
        Ok(Lease {
            store: store.clone(),
            session: key.into(),
            owner,
            renewer,
        })
    }

    async fn release(self) {
        self.renewer.abort();
        if let Err(e) = self.store.release_lease(&self.session, &self.owner).await {
            tracing::warn!("cannot release the lease of {}: {e}", self.session);
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> LandResult<T> + Send + 'static,
) -> Result<T> {
    crate::worktree::init_git();
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => Ok(r.map_err(Error::from)?),
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(Error::Interrupted),
        },
    }
}

/// Author and committer: git's config, else the documented fallback.
fn signature(repo: &Repository) -> LandResult<Signature<'static>> {
    match repo.signature() {
        Ok(s) => Ok(s.to_owned()),
        Err(_) => Signature::now(FALLBACK_NAME, FALLBACK_EMAIL).map_err(git("make a signature")),
    }
}

/// The worktree's whole state (committed, staged, unstaged, untracked;
/// ignored files left out) as an index in memory and its tree's id. The
/// index file on disk is not touched.
fn worktree_index(repo: &Repository) -> LandResult<(git2::Index, Oid)> {
    let mut idx = repo.index().map_err(git("read the worktree's index"))?;
    idx.add_all(["*"], IndexAddOption::DEFAULT, None)
        .map_err(git("add the worktree's files"))?;
    idx.update_all(["*"], None)
        .map_err(git("update the worktree's files"))?;
    let tree = idx.write_tree().map_err(git("write the worktree's tree"))?;
    Ok((idx, tree))
}

fn open_worktree(wt: &WorktreeRow) -> LandResult<Repository> {
    Repository::open(&wt.path).map_err(git(format!("open the worktree {}", wt.path)))
}

/// A commit of the worktree's pending work, made but not yet on the
/// session branch (so a refused merge leaves every ref as it was).
struct Pending {
    repo: Repository,
    index: git2::Index,
    head: Oid,
    id: Oid,
    committed: Committed,
}

fn pending_commit(wt: &WorktreeRow, message: &str) -> LandResult<Option<Pending>> {
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
    fn publish(mut self) -> LandResult<Committed> {
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

fn commit_blocking(wt: &WorktreeRow, message: &str) -> LandResult<Option<Committed>> {
    pending_commit(wt, message)?
        .map(Pending::publish)
        .transpose()
}

/// The files that differ between two trees.
fn tree_changes(
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
fn workdir_blob(path: &Path) -> LandResult<Option<Oid>> {
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

fn apply_blocking(wt: &WorktreeRow, dir: &Path, session: String) -> LandResult<Applied> {
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
fn write_file(path: &Path, content: &[u8], mode: u32) -> LandResult<()> {
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

use std::os::unix::ffi::OsStrExt;

fn index_conflicts(idx: &git2::Index) -> LandResult<Vec<String>> {
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

/// The directory where `branch` (a full ref name) is checked out, among the
/// repository's main checkout and its linked worktrees.
fn checked_out_at(repo: &Repository, branch: &str) -> LandResult<Option<PathBuf>> {
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

fn merge_blocking(
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
fn merge_pending(
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
fn update_checkout(repo: &Repository, dir: &Path, tree: &git2::Tree<'_>) -> LandResult<()> {
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
fn squash_message(repo: &Repository, session: &str, from: Oid, to: Oid) -> String {
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

/// The whole state of a worktree (committed, uncommitted, untracked;
/// ignored files left out) as a tree id, written to the object database
/// only: what a turn changed is the diff of two of these.
pub async fn worktree_snapshot(dir: &Path) -> Result<String> {
    let dir = dir.to_path_buf();
    blocking(move || {
        let repo = Repository::open(&dir).map_err(git(format!("open {}", dir.display())))?;
        Ok(worktree_index(&repo)?.1.to_string())
    })
    .await
}

/// Files, insertions and deletions between two snapshots of a worktree.
pub async fn snapshot_changes(
    dir: &Path,
    before: &str,
    after: &str,
) -> Result<crate::store::ChangeCounts> {
    let (dir, before, after) = (dir.to_path_buf(), before.to_string(), after.to_string());
    blocking(move || {
        let repo = Repository::open(&dir).map_err(git(format!("open {}", dir.display())))?;
        let tree = |id: &str| {
            Oid::from_str(id)
                .and_then(|o| repo.find_tree(o))
                .map_err(git("read a snapshot"))
        };
        let (a, b) = (tree(&before)?, tree(&after)?);
        let mut diff = repo
            .diff_tree_to_tree(Some(&a), Some(&b), None)
            .map_err(git("diff two snapshots"))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(git("find renames"))?;
        let stats = diff.stats().map_err(git("count changes"))?;
        Ok(crate::store::ChangeCounts {
            files: stats.files_changed() as i64,
            insertions: stats.insertions() as i64,
            deletions: stats.deletions() as i64,
        })
    })
    .await
}
