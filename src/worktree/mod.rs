//! Session-keyed git worktrees on git2 (no `git` process): ensure, diff,
//! list, remove, prune, and the pending changes a diff becomes.
//!
//! A session's worktree lives at `<worktree root>/<repo-id>/<session>` on a
//! branch `boocoder/<session>` made from a base commit that is recorded in
//! `session_worktrees`, so a diff always has the same reference point and a
//! user can see how far the original branch has moved since (base drift).
//!
//! git2 is blocking: every git step runs on the blocking pool
//! (`util::blocking`); the async methods of [`Worktrees`] combine them with
//! the store.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::Result;
use crate::session_key::SessionKey;
use crate::store::{LeaseRow, PendingChange, Store, WorktreeRow};
use crate::timestamp::{format_utc, now_ms};
use crate::util::{hostname, lock, names_shown};

mod checkout;
mod diff;
pub use diff::{ChangeStatus, DiffFile, DiffRequest, WorktreeDiff, pending_changes};
mod errors;
mod git;
pub mod land;
mod output;
mod remove;
pub mod setup;

pub use checkout::verify_name;
use diff::worktree_diff;
pub use errors::WorktreeError;
use errors::{DIRTY_FILES_SHOWN, io};
pub(crate) use git::init_git;
use git::{
    Plan, base_drift, create_worktree, main_workdir, uncommitted_files, uninitialised_submodules,
};
pub use git::{check_host, repo_id};
pub use output::{Output, OutputSource};
pub use remove::branch_verdict;
use remove::{prune_stale_registrations, remove_worktree};

/// The prefix of the branch a session's worktree is created on.
pub const BRANCH_PREFIX: &str = "boocoder/";

/// What `ensure` was asked for.
#[derive(Debug, Clone, Default)]
pub struct EnsureOptions {
    /// A directory of the repository (any directory inside its checkout).
    pub repo: PathBuf,
    /// The base: a branch, tag or commit (default: the branch the session
    /// was merged into by `merge --remove`, while it exists; else the
    /// repository's HEAD).
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
    setup: crate::worktree::setup::WorktreeSetup,
    /// Where the post-create command's output goes (None: nowhere).
    output: Option<std::sync::Arc<dyn Output>>,
}

impl<'a> Worktrees<'a> {
    /// `root` is the configured worktree root (`Config::worktree_root`).
    pub fn new(store: &'a Store, root: impl Into<PathBuf>) -> Worktrees<'a> {
        Worktrees {
            store,
            root: root.into(),
            setup: Default::default(),
            output: None,
        }
    }

    /// What a new worktree gets: copied set-up files, a post-create command.
    pub fn with_setup(mut self, setup: crate::worktree::setup::WorktreeSetup) -> Self {
        self.setup = setup;
        self
    }

    /// Report the post-create command's output lines to `output`.
    pub fn reporting_to(mut self, output: std::sync::Arc<dyn Output>) -> Self {
        self.output = Some(output);
        self
    }

    /// Create the session's worktree, or return the existing one untouched.
    /// Safe to call from several processes at once: they agree on one.
    pub async fn ensure(&self, key: &SessionKey, opts: &EnsureOptions) -> Result<Ensured> {
        let repo_dir = opts.repo.clone();
        let repo = blocking(move || main_workdir(&repo_dir)).await?;
        let repo_str = repo.to_string_lossy().into_owned();
        if let Some(ready) = self.ready(key, &repo_str, opts.adopt).await? {
            return Ok(ready);
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
            setup::rerun_pending(&self.setup, self.output.as_ref(), &path).await?;
            let uninitialised = blocking(move || uninitialised_submodules(&path)).await?;
            return Ok(Ensured {
                worktree: row.clone(),
                created: false,
                uninitialised_submodules: uninitialised,
                copied: Vec::new(),
            });
        }
        let plan = self
            .plan(key, opts, &repo, &root, existing.as_ref())
            .await?;
        let created = blocking(move || create_worktree(&plan)).await?;
        let row = match existing {
            Some(row) => {
                let mut row = row;
                row.host = hostname();
                row
            }
            None => {
                let row = self
                    .store
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
                    .await?;
                self.store.set_session_next_base(key.as_str(), None).await?;
                row
            }
        };
        let copied = setup::set_up(
            &self.setup,
            self.output.as_ref(),
            &repo,
            Path::new(&row.path),
        )
        .await?;
        Ok(Ensured {
            worktree: row,
            created: true,
            uninitialised_submodules: created.uninitialised_submodules,
            copied,
        })
    }

    /// The session's worktree when it is there and set up (re-homed to
    /// this host with `adopt`): nothing to make.
    async fn ready(
        &self,
        key: &SessionKey,
        repo_str: &str,
        adopt: bool,
    ) -> Result<Option<Ensured>> {
        if let Some(row) = self.existing(key, repo_str).await? {
            if let Err(e) = check_host(&row) {
                if !adopt {
                    return Err(e.into());
                }
                self.store
                    .set_worktree_host(key.as_str(), &hostname())
                    .await?;
            }
            let path = PathBuf::from(&row.path);
            let p = path.clone();
            // A post-create command still to succeed runs under the lock.
            if path.exists() && !blocking(move || Ok(setup::post_create_pending(&p))).await? {
                let uninitialised = blocking(move || uninitialised_submodules(&path)).await?;
                return Ok(Some(Ensured {
                    worktree: row,
                    created: false,
                    uninitialised_submodules: uninitialised,
                    copied: Vec::new(),
                }));
            }
        }

        Ok(None)
    }

    /// What to make: the row's worktree again where it was (it outlived
    /// its directory), or a new one on the session's branch.
    async fn plan(
        &self,
        key: &SessionKey,
        opts: &EnsureOptions,
        repo: &Path,
        root: &Path,
        existing: Option<&WorktreeRow>,
    ) -> Result<Plan> {
        // A new worktree: from the asked base, else from the branch the
        // session was last merged into (`merge --remove`), else HEAD.
        let landed = match (existing, &opts.base) {
            (None, None) => self
                .next_base(key, repo)
                .await?
                .map(|b| format!("refs/heads/{b}")),
            _ => None,
        };
        let plan = match existing {
            // The row outlived its directory: recreate it where it was.
            Some(row) => Plan {
                repo: repo.to_path_buf(),
                path: PathBuf::from(&row.path),
                name: key.to_string(),
                base: Some(row.base_commit.clone()),
                branch: row.branch.clone(),
                branch_created: row.branch_created,
                landed: false,
            },
            None => Plan {
                path: root.join(repo_id(repo)).join(key.as_str()),
                repo: repo.to_path_buf(),
                name: key.to_string(),
                // Only the session's own branch catches up with it.
                landed: landed.is_some() && opts.branch.is_none(),
                base: landed.or_else(|| opts.base.clone()),
                branch: opts
                    .branch
                    .clone()
                    .unwrap_or_else(|| format!("{BRANCH_PREFIX}{key}")),
                branch_created: false,
            },
        };
        Ok(plan)
    }

    /// The branch the session's next worktree is made from: the one
    /// `merge --remove` landed it in, while that branch exists in `repo`;
    /// None: the repository's HEAD.
    pub async fn next_base(&self, key: &SessionKey, repo: &Path) -> Result<Option<String>> {
        let Some(branch) = self.store.session_next_base(key.as_str()).await? else {
            return Ok(None);
        };
        let repo = repo.to_path_buf();
        blocking(move || Ok(git::local_branch_exists(&repo, &branch).then_some(branch))).await
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
    /// holds (a landing that removes its worktree), or one whose owner on
    /// this host is gone, is not "busy".
    async fn live_lease(&self, session: &str) -> Result<Option<LeaseRow>> {
        let Some(lease) = self.store.get_lease(session).await? else {
            return Ok(None);
        };
        if lease.owner == crate::lease::lease_owner() || crate::lease::owner_gone_here(&lease) {
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
        for row in &rows {
            if !row.host.is_empty() && row.host != hostname() {
                handled.insert(row.path.clone());
                done.push(skipped(
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
            done.push(self.prune_one(row, &opts).await?);
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

    /// Prune one worktree (under its session's lock): skipped when a turn
    /// holds its lease or (without `force`) it has work; else removed, or
    /// forgotten when its directory is gone.
    async fn prune_one(&self, row: WorktreeRow, opts: &PruneOptions) -> Result<Pruned> {
        if let Some(lease) = self.live_lease(&row.session).await? {
            return Ok(skipped(
                &row,
                PruneAction::SkipBusy,
                format!(
                    "busy: a turn started {} by {} holds its lease",
                    format_utc(lease.acquired_at),
                    lease.owner
                ),
            ));
        }
        let path = PathBuf::from(&row.path);
        let action = if !path.exists() {
            PruneAction::ForgetMissing
        } else {
            let p = path.clone();
            let files = blocking(move || uncommitted_files(&p)).await?;
            if !files.is_empty() && !opts.force {
                return Ok(skipped(
                    &row,
                    PruneAction::SkipDirty,
                    format!(
                        "uncommitted or untracked work: {}",
                        names_shown(&files, DIRTY_FILES_SHOWN)
                    ),
                ));
            }
            PruneAction::RemoveOld
        };
        let mut entry = skipped(&row, action, String::new());
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
        Ok(entry)
    }
}

/// What prune did not do to `row`, and why.
fn skipped(row: &WorktreeRow, action: PruneAction, detail: String) -> Pruned {
    Pruned {
        action,
        session: Some(row.session.clone()),
        repo: row.repo.clone(),
        path: row.path.clone(),
        done: false,
        detail: Some(detail),
        branch_deleted: None,
        branch_tip: None,
        branch_kept: None,
    }
}

/// Run a git step off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, WorktreeError> + Send + 'static,
) -> Result<T> {
    init_git();
    Ok(crate::util::blocking(f).await??)
}

/// Hold `<root>/.locks/<session>.lock` while creating or removing, so two
/// processes never run `worktree add` on the same path.
async fn lock_session(root: &Path, key: &SessionKey) -> Result<File> {
    let dir = root.join(".locks");
    std::fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    let path = dir.join(format!("{key}.lock"));
    lock::lock_async(path, 0o666)
        .await
        .map_err(|e| io(e.step, &e.path)(e.source).into())
}
