//! Session-keyed git worktrees on git2 (no `git` process): ensure, diff,
//! list, remove, prune, and the pending changes a diff becomes.
//!
//! A session's worktree lives at `<worktree root>/<repo-id>/<session>` on a
//! branch `boocoder/<session>` made from a base commit that is recorded in
//! `session_worktrees`, so a diff always has the same reference point and a
//! user can see how far the original branch has moved since (base drift).
//!
//! git2 is blocking: every git step runs in `spawn_blocking`; the async
//! methods of [`Worktrees`] combine them with the store.

use std::collections::{BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{
    BranchType, Delta, DiffFindOptions, DiffOptions, ErrorCode, ObjectType, Oid, Repository,
    StatusOptions, WorktreeAddOptions, WorktreePruneOptions,
};
use serde::Serialize;

use crate::session_key::{SessionKey, SessionKeyError};
use crate::store::{LeaseRow, PendingChange, Store, WorktreeRow};
use crate::util::{format_utc, hostname, now_ms};
use crate::{Error, Exit, Result};

/// The prefix of the branch a session's worktree is created on.
pub const BRANCH_PREFIX: &str = "boocoder/";

/// How many uncommitted files a "refused: dirty" message names.
const DIRTY_FILES_SHOWN: usize = 20;

/// A worktree failure; every variant knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum WorktreeError {
    #[error(transparent)]
    InvalidKey(#[from] SessionKeyError),
    #[error("repository path {} does not exist", path.display())]
    RepoMissing { path: PathBuf },
    #[error("{} is not a git repository", path.display())]
    NotARepo {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("{} is a bare repository: a worktree needs a repository with a checkout", path.display())]
    Bare { path: PathBuf },
    #[error("cannot resolve `{reference}` in {}: {}", repo.display(), source.message())]
    BadRef {
        reference: String,
        repo: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("invalid branch name `{0}`")]
    BadBranch(String),
    #[error("no worktree for session `{0}`")]
    NotFound(String),
    #[error("the worktree of session `{session}` is gone from disk ({})", path.display())]
    Gone { session: String, path: PathBuf },
    #[error("session `{session}` already has a worktree for {existing}, not {requested}")]
    OtherRepo {
        session: String,
        existing: String,
        requested: String,
    },
    #[error("the worktree root {} is inside the repository {}", root.display(), repo.display())]
    RootInsideRepo { root: PathBuf, repo: PathBuf },
    #[error("{} already exists and is not a worktree of {}", path.display(), repo.display())]
    PathTaken { path: PathBuf, repo: PathBuf },
    #[error(
        "refused: the worktree of session `{session}` has uncommitted or untracked work: {}",
        list_files(files)
    )]
    Dirty { session: String, files: Vec<String> },
    #[error("git: {what}: {}", source.message())]
    Git {
        what: String,
        #[source]
        source: git2::Error,
    },
    #[error(
        "refused: the base commit's tree has an entry git would not check out: `{path}` ({reason})"
    )]
    BadTreeEntry { path: String, reason: &'static str },
    #[error("session `{session}` is busy: a turn started {started} by {owner} holds its lease")]
    Busy {
        session: String,
        owner: String,
        started: String,
    },
    #[error(
        "the worktree of session `{session}` belongs to host `{host}` ({path}), not this one (`{me}`)"
    )]
    OtherHost {
        session: String,
        host: String,
        me: String,
        path: String,
    },
    #[error("git: {what}: {}", source.message())]
    BranchNotDeleted {
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

fn list_files(files: &[String]) -> String {
    let mut s = files
        .iter()
        .take(DIRTY_FILES_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if files.len() > DIRTY_FILES_SHOWN {
        s.push_str(&format!(" and {} more", files.len() - DIRTY_FILES_SHOWN));
    }
    s
}

impl WorktreeError {
    pub fn exit(&self) -> Exit {
        use WorktreeError::*;
        match self {
            InvalidKey(_)
            | RepoMissing { .. }
            | BadRef { .. }
            | BadBranch(_)
            | OtherRepo { .. }
            | RootInsideRepo { .. } => Exit::Usage,
            NotFound(_) | Gone { .. } | Dirty { .. } | Busy { .. } | OtherHost { .. } => Exit::No,
            NotARepo { .. }
            | Bare { .. }
            | PathTaken { .. }
            | Git { .. }
            | BranchNotDeleted { .. }
            | BadTreeEntry { .. }
            | Io { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        use WorktreeError::*;
        Some(match self {
            InvalidKey(_) => "for example `fix-login`, `issue.42` or `run_7`".into(),
            RepoMissing { .. } => "pass --repo with the path of an existing git checkout".into(),
            NotARepo { .. } => "point --repo at a git checkout (or run `git init` there)".into(),
            BadRef { .. } => "give a branch, tag or commit id the repository has".into(),
            BadBranch(_) => "see `git check-ref-format --branch`".into(),
            NotFound(_) => "`boocoder worktree list` shows the sessions that have one".into(),
            Gone { .. } => "`boocoder worktree prune` forgets worktrees whose directory is gone; \
`boocoder worktree ensure` recreates it"
                .into(),
            OtherRepo { .. } => {
                "use another session key, or remove the existing worktree first".into()
            }
            RootInsideRepo { .. } => {
                "set `worktree_root` in the config file to a directory outside the checkout".into()
            }
            PathTaken { .. } => "move that directory away, or set `worktree_root`".into(),
            Dirty { .. } => "commit or discard the changes, or pass --force to delete them".into(),
            Busy { .. } => "wait for the turn to end, or pass --force to remove it anyway \
(the running agent loses its directory)"
                .into(),
            OtherHost { session, host, .. } => format!(
                "run the command on `{host}`, or take the worktree over here with \
`boocoder worktree ensure {session} --repo <repo> --adopt` (recreated from its branch)"
            ),
            BadTreeEntry { .. } => "the commit was crafted or comes from a broken tool; \
base the worktree on another commit (--base)"
                .into(),
            BranchNotDeleted { .. } => {
                "run the command again: the worktree is gone, the branch and record remain".into()
            }
            Bare { .. } | Git { .. } | Io { .. } => return None,
        })
    }
}

fn git(what: impl Into<String>) -> impl FnOnce(git2::Error) -> WorktreeError {
    let what = what.into();
    move |source| WorktreeError::Git { what, source }
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WorktreeError {
    let path = path.to_path_buf();
    move |source| WorktreeError::Io { what, path, source }
}

/// What `ensure` was asked for.
#[derive(Debug, Clone, Default)]
pub struct EnsureOptions {
    /// A directory of the repository (any directory inside its checkout).
    pub repo: PathBuf,
    /// The base: a branch, tag or commit (default: the repository's HEAD).
    pub base: Option<String>,
    /// The branch to create (default `boocoder/<session>`).
    pub branch: Option<String>,
    /// Take over a worktree recorded on another host: record this host as
    /// its owner and recreate the directory here from its branch.
    pub adopt: bool,
}

/// A session's worktree as `ensure` left it.
#[derive(Debug, Clone, Serialize)]
pub struct Ensured {
    #[serde(flatten)]
    pub worktree: WorktreeRow,
    /// Whether this call created the worktree (false: it existed).
    pub created: bool,
    /// Submodules of the repository that are not initialised in the worktree.
    pub uninitialised_submodules: Vec<String>,
    /// Git-ignored set-up files copied in when it was created
    /// (`.worktreeinclude`, `[worktree] include`).
    pub copied: Vec<String>,
}

/// How a file changed against the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
    Typechange,
}

impl ChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Added => "added",
            ChangeStatus::Modified => "modified",
            ChangeStatus::Deleted => "deleted",
            ChangeStatus::Renamed => "renamed",
            ChangeStatus::Copied => "copied",
            ChangeStatus::Typechange => "typechange",
        }
    }
}

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

/// One worktree as `list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct WorktreeStatus {
    #[serde(flatten)]
    pub worktree: WorktreeRow,
    /// Whether the directory is on disk (None: it belongs to another host,
    /// whose disk this one cannot see).
    pub exists: Option<bool>,
    /// Uncommitted or untracked work (None when the directory is gone or unreadable).
    pub dirty: Option<bool>,
    pub base_drift: Option<usize>,
    pub age_seconds: i64,
}

/// What happens to a removed worktree's branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BranchMode {
    /// Keep it.
    Keep,
    /// Delete it only when no work would be lost: its tip is the base, or is
    /// reachable from the base's branch or another branch ([`branch_verdict`]).
    #[default]
    Safe,
    /// Delete it even with commits no other branch has (the tip is reported).
    Delete,
}

/// What `remove` was asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct RemoveOptions {
    /// Remove even with uncommitted or untracked work, or a live lease.
    pub force: bool,
    pub branch: BranchMode,
}

/// What `remove` did.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub session: String,
    pub path: String,
    pub branch: String,
    pub directory_removed: bool,
    pub registration_pruned: bool,
    /// Whether the branch was deleted.
    pub branch_deleted: bool,
    /// The commit the branch points (or pointed) at; None when it is gone.
    pub branch_tip: Option<String>,
    /// Why the branch was kept (None when it was deleted or already gone).
    pub branch_kept: Option<String>,
    /// Things worth knowing that did not stop the removal.
    pub notes: Vec<String>,
}

/// What `prune` was asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct PruneOptions {
    /// Also remove clean worktrees created longer ago than this.
    pub older_than: Option<Duration>,
    /// List what would be done without doing it.
    pub dry_run: bool,
    /// Remove old worktrees even with uncommitted work.
    pub force: bool,
}

/// One thing `prune` did (or would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PruneAction {
    /// The directory is gone: the row (and git's registration) are forgotten.
    ForgetMissing,
    /// A git registration under the worktree root whose directory is gone.
    PruneRegistration,
    /// An old, clean worktree removed (`--older-than`).
    RemoveOld,
    /// An old worktree kept because it has uncommitted work.
    SkipDirty,
    /// Left alone: a turn holds the session's lease.
    SkipBusy,
    /// Left alone: the worktree belongs to another host.
    SkipOtherHost,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pruned {
    pub action: PruneAction,
    pub session: Option<String>,
    pub repo: String,
    pub path: String,
    /// Whether it was done (false in a dry run, and for `skip_dirty`).
    pub done: bool,
    pub detail: Option<String>,
    /// For a removed worktree: whether its branch was deleted, its tip, and
    /// why it was kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_tip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_kept: Option<String>,
}

/// The worktrees of one store under one root.
pub struct Worktrees<'a> {
    store: &'a Store,
    root: PathBuf,
    setup: crate::worktree_setup::WorktreeSetup,
}

impl<'a> Worktrees<'a> {
    /// `root` is the configured worktree root (`Config::worktree_root`).
    pub fn new(store: &'a Store, root: impl Into<PathBuf>) -> Worktrees<'a> {
        Worktrees {
            store,
            root: root.into(),
            setup: Default::default(),
        }
    }

    /// What a new worktree gets: copied set-up files, a post-create command.
    pub fn with_setup(mut self, setup: crate::worktree_setup::WorktreeSetup) -> Self {
        self.setup = setup;
        self
    }

    /// Create the session's worktree, or return the existing one untouched.
    /// Safe to call from several processes at once: they agree on one.
    pub async fn ensure(&self, key: &SessionKey, opts: &EnsureOptions) -> Result<Ensured> {
        let repo_dir = opts.repo.clone();
        let repo = blocking(move || main_workdir(&repo_dir)).await?;
        let repo_str = repo.to_string_lossy().into_owned();
        if let Some(row) = self.existing(key, &repo_str).await? {
            if let Err(e) = check_host(&row) {
                if !opts.adopt {
                    return Err(e.into());
                }
                self.store
                    .set_worktree_host(key.as_str(), &hostname())
                    .await?;
            }
            let path = PathBuf::from(&row.path);
            if path.exists() {
                let uninitialised = blocking(move || uninitialised_submodules(&path)).await?;
                return Ok(Ensured {
                    worktree: row,
                    created: false,
                    uninitialised_submodules: uninitialised,
                    copied: Vec::new(),
                });
            }
        }

        let root = self.prepared_root()?;
        if root.starts_with(&repo) {
            return Err(WorktreeError::RootInsideRepo { root, repo }.into());
        }
        let _lock = lock_session(&root, key).await?;
        // Another process may have finished while this one waited.
        let existing = self.existing(key, &repo_str).await?;
        if let Some(row) = &existing {
            check_host(row)?;
        }
        if let Some(row) = &existing
            && Path::new(&row.path).exists()
        {
            let path = PathBuf::from(&row.path);
            let uninitialised = blocking(move || uninitialised_submodules(&path)).await?;
            return Ok(Ensured {
                worktree: row.clone(),
                created: false,
                uninitialised_submodules: uninitialised,
                copied: Vec::new(),
            });
        }
        let plan = match &existing {
            // The row outlived its directory: recreate it where it was.
            Some(row) => Plan {
                repo: repo.clone(),
                path: PathBuf::from(&row.path),
                name: key.to_string(),
                base: Some(row.base_commit.clone()),
                branch: row.branch.clone(),
                branch_created: row.branch_created,
            },
            None => Plan {
                path: root.join(repo_id(&repo)).join(key.as_str()),
                repo: repo.clone(),
                name: key.to_string(),
                base: opts.base.clone(),
                branch: opts
                    .branch
                    .clone()
                    .unwrap_or_else(|| format!("{BRANCH_PREFIX}{key}")),
                branch_created: false,
            },
        };
        let created = blocking(move || create_worktree(&plan)).await?;
        let row = match existing {
            Some(row) => {
                let mut row = row;
                row.host = hostname();
                row
            }
            None => {
                self.store
                    .insert_worktree(&WorktreeRow {
                        session: key.to_string(),
                        repo: repo_str,
                        path: created.path.to_string_lossy().into_owned(),
                        branch: created.branch,
                        base_commit: created.base_commit,
                        base_ref: created.base_ref,
                        created_at: now_ms(),
                        branch_created: created.branch_created,
                        host: hostname(),
                    })
                    .await?
            }
        };
        let copied =
            crate::worktree_setup::set_up(&self.setup, &repo, Path::new(&row.path)).await?;
        Ok(Ensured {
            worktree: row,
            created: true,
            uninitialised_submodules: created.uninitialised_submodules,
            copied,
        })
    }

    async fn existing(&self, key: &SessionKey, repo: &str) -> Result<Option<WorktreeRow>> {
        match self.store.get_worktree(key.as_str()).await? {
            Some(row) if row.repo != repo => Err(WorktreeError::OtherRepo {
                session: key.to_string(),
                existing: row.repo,
                requested: repo.to_string(),
            }
            .into()),
            row => Ok(row),
        }
    }

    fn prepared_root(&self) -> Result<PathBuf> {
        std::fs::create_dir_all(&self.root).map_err(io("create", &self.root))?;
        Ok(self
            .root
            .canonicalize()
            .map_err(io("resolve", &self.root))?)
    }

    /// The session's recorded worktree.
    pub async fn get(&self, key: &SessionKey) -> Result<WorktreeRow> {
        self.store
            .get_worktree(key.as_str())
            .await?
            .ok_or_else(|| WorktreeError::NotFound(key.to_string()).into())
    }

    /// The worktree's files against the recorded base (or `req.base`).
    pub async fn diff(&self, key: &SessionKey, req: &DiffRequest) -> Result<WorktreeDiff> {
        let row = self.get(key).await?;
        let req = req.clone();
        blocking(move || worktree_diff(&row, &req)).await
    }

    /// Diff the worktree against its base and make that the session's
    /// pending changes, stamped with `agent`, in one transaction. When the
    /// diff fails, the previous pending changes are cleared (they no longer
    /// describe the worktree) and the error is returned.
    pub async fn record_pending_changes(
        &self,
        key: &SessionKey,
        agent: &str,
    ) -> Result<Vec<PendingChange>> {
        let diff = match self
            .diff(
                key,
                &DiffRequest {
                    base: None,
                    patches: true,
                },
            )
            .await
        {
            Ok(diff) => diff,
            Err(e) => {
                self.store
                    .replace_pending_changes(key.as_str(), agent, &[], now_ms())
                    .await?;
                return Err(e);
            }
        };
        let changes = pending_changes(&diff);
        self.store
            .replace_pending_changes(key.as_str(), agent, &changes, now_ms())
            .await?;
        Ok(changes)
    }

    /// Every recorded worktree (or those of one repository) with its state;
    /// another host's worktrees are listed without looking at this disk.
    pub async fn list(&self, repo: Option<&Path>) -> Result<Vec<WorktreeStatus>> {
        let repo = match repo {
            Some(dir) => {
                let dir = dir.to_path_buf();
                Some(
                    blocking(move || main_workdir(&dir))
                        .await?
                        .to_string_lossy()
                        .into_owned(),
                )
            }
            None => None,
        };
        let rows = self.store.list_worktrees(repo.as_deref()).await?;
        let now = now_ms();
        blocking(move || {
            Ok(rows
                .into_iter()
                .map(|row| {
                    let local = check_host(&row).is_ok();
                    let path = Path::new(&row.path);
                    let exists = local.then(|| path.exists());
                    let dirty = (exists == Some(true))
                        .then(|| uncommitted_files(path).ok().map(|f| !f.is_empty()))
                        .flatten();
                    WorktreeStatus {
                        base_drift: if local { base_drift(&row) } else { None },
                        age_seconds: (now - row.created_at).max(0) / 1000,
                        exists,
                        dirty,
                        worktree: row,
                    }
                })
                .collect())
        })
        .await
    }

    /// The session's lease when another process's turn holds it (unexpired
    /// by the database's clock, as leases are taken). A lease this process
    /// holds (a landing that removes its worktree) is not "busy".
    async fn live_lease(&self, session: &str) -> Result<Option<LeaseRow>> {
        let Some(lease) = self.store.get_lease(session).await? else {
            return Ok(None);
        };
        if lease.owner == crate::session::lease_owner() {
            return Ok(None);
        }
        let now = self.store.db_now_ms().await?;
        Ok((lease.expires_at > now).then_some(lease))
    }

    /// Refuse when a turn holds the session's lease.
    async fn check_lease(&self, session: &str) -> Result<()> {
        match self.live_lease(session).await? {
            Some(lease) => Err(WorktreeError::Busy {
                session: session.to_string(),
                owner: lease.owner,
                started: format_utc(lease.acquired_at),
            }
            .into()),
            None => Ok(()),
        }
    }

    /// Remove the session's worktree directory, git's registration of it,
    /// its branch (as [`branch_verdict`] allows) and its row. Refuses when
    /// the worktree has uncommitted or untracked work or a turn holds the
    /// session's lease, unless forced; refuses another host's worktree.
    pub async fn remove(&self, key: &SessionKey, opts: RemoveOptions) -> Result<Removed> {
        let row = self.get(key).await?;
        check_host(&row)?;
        let root = self.prepared_root()?;
        let _lock = lock_session(&root, key).await?;
        let row = self.get(key).await?;
        if !opts.force {
            self.check_lease(key.as_str()).await?;
        }
        let r = row.clone();
        let removed = blocking(move || remove_worktree(&r, opts.force, opts.branch)).await?;
        self.store.delete_worktree(key.as_str()).await?;
        Ok(removed)
    }

    /// Forget worktrees whose directory is gone, prune stale git
    /// registrations under the root and, with `older_than`, remove clean
    /// worktrees older than that. Branches go by [`branch_verdict`]
    /// ([`BranchMode::Safe`]); busy sessions and other hosts' worktrees are
    /// left alone.
    pub async fn prune(&self, opts: PruneOptions) -> Result<Vec<Pruned>> {
        let rows = self.store.list_worktrees(None).await?;
        let root = self.prepared_root()?;
        let now = now_ms();
        let mut done = Vec::new();
        let mut handled = BTreeSet::new();
        let skip = |row: &WorktreeRow, action, detail: String| Pruned {
            action,
            session: Some(row.session.clone()),
            repo: row.repo.clone(),
            path: row.path.clone(),
            done: false,
            detail: Some(detail),
            branch_deleted: None,
            branch_tip: None,
            branch_kept: None,
        };
        for row in &rows {
            if !row.host.is_empty() && row.host != hostname() {
                handled.insert(row.path.clone());
                done.push(skip(
                    row,
                    PruneAction::SkipOtherHost,
                    format!("belongs to host `{}`", row.host),
                ));
                continue;
            }
            let path = PathBuf::from(&row.path);
            let age = Duration::from_millis((now - row.created_at).max(0) as u64);
            let old = opts.older_than.is_some_and(|limit| age > limit);
            if path.exists() && !old {
                continue;
            }
            let Ok(key) = SessionKey::parse(&row.session) else {
                continue;
            };
            let _lock = lock_session(&root, &key).await?;
            // Re-read under the lock: another process may have changed it.
            let Some(row) = self.store.get_worktree(&row.session).await? else {
                continue;
            };
            handled.insert(row.path.clone());
            if let Some(lease) = self.live_lease(&row.session).await? {
                done.push(skip(
                    &row,
                    PruneAction::SkipBusy,
                    format!(
                        "busy: a turn started {} by {} holds its lease",
                        format_utc(lease.acquired_at),
                        lease.owner
                    ),
                ));
                continue;
            }
            let path = PathBuf::from(&row.path);
            let action = if !path.exists() {
                PruneAction::ForgetMissing
            } else {
                let p = path.clone();
                let files = blocking(move || uncommitted_files(&p)).await?;
                if !files.is_empty() && !opts.force {
                    done.push(skip(
                        &row,
                        PruneAction::SkipDirty,
                        format!("uncommitted or untracked work: {}", list_files(&files)),
                    ));
                    continue;
                }
                PruneAction::RemoveOld
            };
            let mut entry = skip(&row, action, String::new());
            entry.detail = None;
            if !opts.dry_run {
                let r = row.clone();
                let removed = blocking(move || remove_worktree(&r, true, BranchMode::Safe)).await?;
                self.store.delete_worktree(&row.session).await?;
                entry.done = true;
                entry.detail = (!removed.notes.is_empty()).then(|| removed.notes.join("; "));
                entry.branch_deleted = Some(removed.branch_deleted);
                entry.branch_tip = removed.branch_tip;
                entry.branch_kept = removed.branch_kept;
            }
            done.push(entry);
        }

        let repos: BTreeSet<String> = rows
            .iter()
            .filter(|r| r.host.is_empty() || r.host == hostname())
            .map(|r| r.repo.clone())
            .collect();
        let dry_run = opts.dry_run;
        let stale = blocking(move || {
            let mut out = Vec::new();
            for repo in repos {
                out.extend(prune_stale_registrations(
                    Path::new(&repo),
                    &root,
                    &handled,
                    dry_run,
                )?);
            }
            Ok(out)
        })
        .await?;
        done.extend(stale);
        Ok(done)
    }
}

/// Turn a worktree diff into the rows of a session's pending changes.
pub fn pending_changes(diff: &WorktreeDiff) -> Vec<PendingChange> {
    diff.files
        .iter()
        .map(|f| PendingChange {
            path: f.path.clone(),
            old_path: f.old_path.clone(),
            status: f.status.as_str().to_string(),
            insertions: f.insertions as i64,
            deletions: f.deletions as i64,
            binary: f.binary,
            patch: f.patch.clone(),
        })
        .collect()
}

/// Parse an age like `30s`, `15m`, `12h`, `7d` or `2w` (a bare number is seconds).
pub fn parse_age(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not an age like 30m, 12h, 7d or 2w"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{s}`: use s, m, h, d or w"
            ));
        }
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

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

/// Run a git step off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, WorktreeError> + Send + 'static,
) -> Result<T> {
    init_git();
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => Ok(r?),
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(Error::Interrupted),
        },
    }
}

/// Hold `<root>/.locks/<session>.lock` while creating or removing, so two
/// processes never run `worktree add` on the same path.
async fn lock_session(root: &Path, key: &SessionKey) -> Result<File> {
    let dir = root.join(".locks");
    std::fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    let path = dir.join(format!("{key}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("open", &path))?;
    blocking(move || {
        file.lock().map_err(io("lock", &path))?;
        Ok(file)
    })
    .await
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
fn main_workdir(dir: &Path) -> std::result::Result<PathBuf, WorktreeError> {
    if !dir.exists() {
        return Err(WorktreeError::RepoMissing {
            path: dir.to_path_buf(),
        });
    }
    let repo = Repository::discover(dir).map_err(|source| match source.code() {
        ErrorCode::NotFound => WorktreeError::NotARepo {
            path: dir.to_path_buf(),
            source,
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

struct Plan {
    repo: PathBuf,
    path: PathBuf,
    name: String,
    base: Option<String>,
    branch: String,
    /// Whether boocoder created the branch (a recreated worktree's record).
    branch_created: bool,
}

struct Created {
    path: PathBuf,
    branch: String,
    branch_created: bool,
    base_commit: String,
    base_ref: Option<String>,
    uninitialised_submodules: Vec<String>,
}

/// The commit `base` names (default HEAD) and, when it is a branch, the
/// branch's full ref name (to measure drift later).
fn resolve_base(
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

fn create_worktree(plan: &Plan) -> std::result::Result<Created, WorktreeError> {
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
        let adoptable = Repository::open(&plan.path).ok().is_some_and(|wt| {
            same_dir(wt.commondir(), repo.commondir())
                && wt
                    .head()
                    .ok()
                    .and_then(|h| h.shorthand().map(|s| s == plan.branch))
                    .unwrap_or(false)
        });
        if !adoptable {
            return Err(WorktreeError::PathTaken {
                path: plan.path.clone(),
                repo: plan.repo.clone(),
            });
        }
    } else {
        // What will be checked out: a kept branch's tip, or the base. Every
        // name in its tree is checked before anything is created.
        let existing = match repo.find_branch(&plan.branch, BranchType::Local) {
            Ok(b) => Some(b.get().target().unwrap_or(base)),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(git(format!("read branch {}", plan.branch))(e)),
        };
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
                b.into_reference()
            }
        };
        let name = free_worktree_name(&repo, &plan.name, &plan.path);
        let added = if needs_filters(&repo, &tree) {
            let mut opts = WorktreeAddOptions::new();
            opts.reference(Some(&reference));
            let r = repo
                .worktree(&name, &plan.path, Some(&opts))
                .map(drop)
                .map_err(git(format!("add worktree {}", plan.path.display())));
            drop(lock);
            r
        } else {
            let refname = reference.name().unwrap_or_default().to_string();
            add_worktree_without_checkout(repo.commondir(), &name, &plan.path, &refname)
                .map_err(git(format!("add worktree {}", plan.path.display())))
                .and_then(|()| {
                    drop(lock);
                    checkout::write_tree(repo.commondir(), &tree, &plan.path)
                })
        };
        if let Err(e) = added {
            // Leave nothing behind: the directory, git's registration, and
            // the branch when this call created it.
            let _ = std::fs::remove_dir_all(&plan.path);
            let _lock = lock_repo(&repo);
            if let Ok(wt) = repo.find_worktree(&name)
                && wt.path() == plan.path
            {
                let _ = wt.prune(Some(
                    WorktreePruneOptions::new()
                        .valid(true)
                        .working_tree(false)
                        .locked(false),
                ));
            }
            if existing.is_none()
                && let Ok(mut b) = repo.find_branch(&plan.branch, BranchType::Local)
            {
                let _ = b.delete();
            }
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

/// The repository's lock (`<git dir>/boocoder.lock`), held around git's
/// worktree registrations and branch deletions: libgit2 reads every
/// registration to know whether a branch is checked out, and fails on one
/// another process is pruning at that moment.
fn lock_repo(repo: &Repository) -> std::result::Result<File, WorktreeError> {
    let path = repo.commondir().join("boocoder.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("open", &path))?;
    file.lock().map_err(io("lock", &path))?;
    Ok(file)
}

/// Refuse a tree with an entry name git itself would not check out
/// (`verify_path` with core.protectNTFS and core.protectHFS): it could
/// write outside the worktree or into its `.git`.
fn verify_tree(repo: &Repository, tree: &git2::Tree<'_>) -> std::result::Result<(), WorktreeError> {
    let mut bad = None;
    let mut stack = vec![(Vec::new(), tree.id())];
    while let Some((prefix, id)) = stack.pop() {
        let t = repo.find_tree(id).map_err(git(format!("read tree {id}")))?;
        for entry in t.iter() {
            let name = entry.name_bytes();
            let mut path = prefix.clone();
            path.extend_from_slice(name);
            let link = entry.filemode() == i32::from(git2::FileMode::Link);
            if let Err(reason) = verify_name(name, link) {
                bad = Some((path, reason));
                break;
            }
            if entry.kind() == Some(ObjectType::Tree) {
                path.push(b'/');
                stack.push((path, entry.id()));
            }
        }
        if bad.is_some() {
            break;
        }
    }
    match bad {
        None => Ok(()),
        Some((path, reason)) => Err(WorktreeError::BadTreeEntry {
            path: String::from_utf8_lossy(&path).escape_debug().to_string(),
            reason,
        }),
    }
}

/// One tree entry name as git's `verify_path_component` judges it.
pub fn verify_name(name: &[u8], symlink: bool) -> std::result::Result<(), &'static str> {
    match name {
        b"" => return Err("an empty name"),
        b"." | b".." => return Err("a `.` or `..` name leaves its directory"),
        _ => {}
    }
    if name.contains(&0) {
        return Err("a NUL byte");
    }
    if name.contains(&b'/') || name.contains(&b'\\') {
        return Err("a path separator in a name");
    }
    let lower = String::from_utf8_lossy(name).to_lowercase();
    // HFS+ ignores these code points when it compares names.
    let hfs: String = lower
        .chars()
        .filter(|c| {
            !matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
        })
        .collect();
    // NTFS drops trailing spaces and dots, and has `git~1` and streams.
    let ntfs = lower.trim_end_matches([' ', '.']);
    let ntfs = ntfs.split("::").next().unwrap_or(ntfs);
    let is = |n: &str| hfs == n || ntfs == n;
    if is(".git") || ntfs == "git~1" {
        return Err("a name git reserves for its own directory");
    }
    if symlink
        && [".gitmodules", ".gitattributes", ".gitignore"]
            .iter()
            .any(|n| is(n))
    {
        return Err("a symbolic link where git reads its own settings");
    }
    Ok(())
}

/// git's name for a new worktree (`.git/worktrees/<name>`): the session key,
/// after pruning a stale registration of that name; a suffixed one when a
/// live registration holds it.
fn free_worktree_name(repo: &Repository, key: &str, path: &Path) -> String {
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

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn uninitialised_submodules(path: &Path) -> std::result::Result<Vec<String>, WorktreeError> {
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
fn uncommitted_files(path: &Path) -> std::result::Result<Vec<String>, WorktreeError> {
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
fn base_drift(row: &WorktreeRow) -> Option<usize> {
    let name = row.base_ref.as_deref()?;
    let repo = Repository::open(&row.repo).ok()?;
    let tip = repo.find_reference(name).ok()?.target()?;
    let base = Oid::from_str(&row.base_commit).ok()?;
    repo.graph_ahead_behind(tip, base)
        .ok()
        .map(|(ahead, _)| ahead)
}

/// Lines counted (and text kept) for one file of a diff.
#[derive(Default)]
struct FileStats {
    insertions: usize,
    deletions: usize,
    binary: bool,
    text: Vec<u8>,
}

fn worktree_diff(
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

    // One pass over the whole diff (one attribute session for every file,
    // unlike a Patch per file): count lines and, when asked, keep the text.
    let key = |d: &git2::DiffDelta<'_>| {
        (
            d.old_file().path_bytes().map(<[u8]>::to_vec),
            d.new_file().path_bytes().map(<[u8]>::to_vec),
        )
    };
    let mut stats: HashMap<_, FileStats> = HashMap::with_capacity(diff.deltas().len());
    diff.print(git2::DiffFormat::Patch, |delta, _hunk, line| {
        let current = stats.entry(key(&delta)).or_default();
        match line.origin() {
            '+' => current.insertions += 1,
            '-' => current.deletions += 1,
            'B' => current.binary = true,
            _ => {}
        }
        if req.patches {
            if matches!(line.origin(), '+' | '-' | ' ') {
                current.text.push(line.origin() as u8);
            }
            current.text.extend_from_slice(line.content());
        }
        true
    })
    .map_err(git("render the diff"))?;

    let mut files = Vec::with_capacity(stats.len());
    for delta in diff.deltas() {
        let stat = stats.remove(&key(&delta)).unwrap_or_default();
        let status = match delta.status() {
            Delta::Added | Delta::Untracked => ChangeStatus::Added,
            Delta::Modified | Delta::Conflicted => ChangeStatus::Modified,
            Delta::Deleted => ChangeStatus::Deleted,
            Delta::Renamed => ChangeStatus::Renamed,
            Delta::Copied => ChangeStatus::Copied,
            Delta::Typechange => ChangeStatus::Typechange,
            Delta::Unmodified | Delta::Ignored | Delta::Unreadable => continue,
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

/// Refuse a worktree recorded on another host (rows without a host are
/// anybody's).
fn check_host(row: &WorktreeRow) -> std::result::Result<(), WorktreeError> {
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

fn remove_worktree(
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
fn prune_stale_registrations(
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

/// Whether checking `tree` out needs content filters (attributes, line
/// endings): then libgit2's own checkout runs; otherwise boocoder writes the
/// files itself, which is much faster on large trees (libgit2 resolves the
/// real path of every file twice for attribute lookups).
fn needs_filters(repo: &Repository, tree: &git2::Tree<'_>) -> bool {
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
static GLOBAL_ATTRIBUTE_FILES: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();

fn global_attribute_files() -> Vec<PathBuf> {
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
fn add_worktree_without_checkout(
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

/// A checkout without content filters: the files of a tree written by a few
/// threads, then the index with their stat data.
mod checkout {
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    use std::path::{Path, PathBuf};

    use git2::{FileMode, IndexEntry, IndexTime, Oid, Repository, Tree, TreeWalkMode};

    use super::{WorktreeError, git, io};

    struct Entry {
        path: Vec<u8>,
        id: Oid,
        mode: i32,
    }

    pub fn write_tree(
        commondir: &Path,
        tree: &Tree<'_>,
        dest: &Path,
    ) -> std::result::Result<(), WorktreeError> {
        use std::os::unix::ffi::OsStrExt;

        let mut entries = Vec::new();
        let mut dirs = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
            let mut path = parent.as_bytes().to_vec();
            path.extend_from_slice(entry.name_bytes());
            match entry.kind() {
                Some(git2::ObjectType::Tree) => dirs.push(path),
                _ => entries.push(Entry {
                    path,
                    id: entry.id(),
                    mode: entry.filemode(),
                }),
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(git("read the tree"))?;
        let full = |p: &[u8]| dest.join(std::ffi::OsStr::from_bytes(p));
        for d in &dirs {
            let d = full(d);
            std::fs::create_dir_all(&d).map_err(io("create", &d))?;
        }

        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let chunk = entries.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = entries
                .chunks(chunk)
                .map(|part| scope.spawn(move || write_files(commondir, dest, part)))
                .collect();
            workers
                .into_iter()
                .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;

        let repo = Repository::open(dest).map_err(git("open the new worktree"))?;
        let mut index = repo.index().map_err(git("read the new worktree's index"))?;
        index.clear().map_err(git("clear the index"))?;
        for e in &entries {
            let path = full(&e.path);
            let meta = std::fs::symlink_metadata(&path).map_err(io("read", &path))?;
            let time = |secs: i64, nanos: i64| IndexTime::new(secs as i32, nanos as u32);
            index
                .add(&IndexEntry {
                    ctime: time(meta.ctime(), meta.ctime_nsec()),
                    mtime: time(meta.mtime(), meta.mtime_nsec()),
                    dev: meta.dev() as u32,
                    ino: meta.ino() as u32,
                    mode: e.mode as u32,
                    uid: meta.uid(),
                    gid: meta.gid(),
                    file_size: meta.len() as u32,
                    id: e.id,
                    flags: e.path.len().min(0xfff) as u16,
                    flags_extended: 0,
                    path: e.path.clone(),
                })
                .map_err(git("fill the index"))?;
        }
        index.write().map_err(git("write the index"))
    }

    fn write_files(
        commondir: &Path,
        dest: &Path,
        part: &[Entry],
    ) -> std::result::Result<(), WorktreeError> {
        use std::os::unix::ffi::OsStrExt;

        let repo = Repository::open(commondir).map_err(git("open the repository"))?;
        let odb = repo.odb().map_err(git("open the object database"))?;
        for e in part {
            let path: PathBuf = dest.join(std::ffi::OsStr::from_bytes(&e.path));
            let mode = e.mode;
            if mode == i32::from(FileMode::Commit) {
                // A submodule: an empty directory, like git leaves it.
                std::fs::create_dir_all(&path).map_err(io("create", &path))?;
                continue;
            }
            let object = odb
                .read(e.id)
                .map_err(git(format!("read {}", String::from_utf8_lossy(&e.path))))?;
            if mode == i32::from(FileMode::Link) {
                let target = std::ffi::OsStr::from_bytes(object.data());
                std::os::unix::fs::symlink(target, &path).map_err(io("create", &path))?;
                continue;
            }
            let perm = if mode == i32::from(FileMode::BlobExecutable) {
                0o777
            } else {
                0o666
            };
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(perm)
                .open(&path)
                .map_err(io("create", &path))?;
            file.write_all(object.data()).map_err(io("write", &path))?;
        }
        Ok(())
    }
}
