//! Landing a session's work: apply it to a checkout as uncommitted changes,
//! commit the worktree's pending work on the session branch, merge the
//! session branch into a branch. All on git2 (no `git` process).
//!
//! Every operation checks everything before it writes anything: a conflict
//! leaves the checkout, its index and every ref exactly as they were.
//! All three hold the session's lease while they run, so a turn cannot
//! start underneath them (and they refuse a session whose turn is running).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use git2::{DiffFindOptions, IndexAddOption, Oid, Repository, Signature};
use serde::Serialize;

use crate::config::Config;
use crate::lease::{Lease, LeaseError};
use crate::session_key::SessionKey;
use crate::store::{Store, WorktreeRow};
use crate::util::names_shown;
use crate::worktree::Output;
use crate::{Exit, Result};
use tokio_util::sync::CancellationToken;

mod apply;
mod commit;
mod hooks;
mod merge;
mod snapshot;

use apply::apply_blocking;
use commit::{CommitPlan, commit_blocking};
use merge::merge_blocking;
pub use snapshot::{snapshot_changes, worktree_snapshot};

/// The author and committer when git's config names nobody
/// (`user.name` / `user.email` unset).
pub const FALLBACK_NAME: &str = "boocoder";

pub const FALLBACK_EMAIL: &str = "boocoder@localhost";

/// How many paths an error message names.
const PATHS_SHOWN: usize = 20;

/// A landing failure; every variant knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum LandError {
    #[error("{what} refused: conflicts in {}: {}", dir.display(), names_shown(paths, PATHS_SHOWN))]
    Conflict {
        what: &'static str,
        dir: PathBuf,
        paths: Vec<String>,
        /// The session branch a merge brings (named in the hint).
        branch: Option<String>,
    },
    #[error("refused: {} holds embedded repositories (gitlinks), which land as no file: {}", dir.display(), names_shown(paths, PATHS_SHOWN))]
    Gitlinks { dir: PathBuf, paths: Vec<String> },
    /// The branch moved while the merge ran (a `git commit` meanwhile):
    /// the checkout was put back.
    #[error("{branch} moved during the merge: nothing was changed ({})", source.message())]
    Moved {
        branch: String,
        #[source]
        source: git2::Error,
    },
    #[error("no session named `{0}`")]
    NoSession(String),
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
    #[error("the {name} hook failed ({}): nothing was committed", match code {
        Some(c) => format!("exit {c}"),
        None => "killed by a signal".to_string(),
    })]
    Hook {
        name: &'static str,
        path: PathBuf,
        code: Option<i32>,
    },
    /// Stopped (a signal, or the lease lost) before anything was written.
    #[error("interrupted before anything was written")]
    Interrupted,
    /// The session's lease was taken over or could not be renewed before
    /// the landing wrote anything.
    #[error(
        "session {session} lost its lease ({why}): the landing stopped before writing anything"
    )]
    LeaseLost { session: String, why: String },
    /// A signal stopped the landing before it wrote anything.
    #[error("interrupted by {} before anything was written (nothing changed)", signal_name(*.0))]
    Signalled(i32),

    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LandError {
    pub fn exit(&self) -> Exit {
        use LandError::*;
        match self {
            Conflict { .. }
            | NothingToCommit(_)
            | NoSession(_)
            | NoWorktree(_)
            | WorktreeGone { .. }
            | Hook { .. }
            | Gitlinks { .. } => Exit::No,
            Interrupted => Exit::Interrupted,
            Signalled(sig) => Exit::of_signal(*sig),
            NoBranch(_) | SameBranch(_) | Detached(_) | ForeignCheckout { .. } => Exit::Usage,
            Git { .. } | Io { .. } | Moved { .. } | LeaseLost { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        use LandError::*;
        Some(match self {
            Conflict {
                what: "merge",
                branch,
                ..
            } => format!(
                "commit or stash your changes to those files, or merge by hand: \
`git merge {}` (nothing was changed)",
                branch.as_deref().unwrap_or("<session branch>")
            ),
            Moved { .. } => "run the merge again".into(),
            NoSession(_) => "`boocoder session list` shows them; `session new` makes one".into(),
            LeaseLost { .. } => "another process runs this session now; raise lease_seconds if \
this process stalls or the database is slow"
                .into(),
            Gitlinks { .. } => "landing brings files only: move the embedded repository out of \
the worktree, or add it as a submodule by hand (nothing was changed)"
                .into(),
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
            Hook { path, .. } => format!(
                "its output is above; fix what it reports, or skip pre-commit and commit-msg \
with --no-verify ({})",
                path.display()
            ),
            Git { .. } | Io { .. } | Interrupted | Signalled(_) => return None,
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

/// Where a landing is: checking (it may stop, nothing is written yet),
/// writing (it finishes whatever arrives), or stopped before writing.
/// Shared by the blocking work and the task watching signals and the lease.
#[derive(Debug, Clone, Default)]
pub struct Gate(Arc<AtomicU8>);

const CHECKING: u8 = 0;
const WRITING: u8 = 1;
const STOPPED: u8 = 2;

impl Gate {
    /// Ask the landing to stop; true when it will (it had not started
    /// writing), false when it is writing and will finish.
    pub fn stop(&self) -> bool {
        match self
            .0
            .compare_exchange(CHECKING, STOPPED, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => true,
            Err(now) => now == STOPPED,
        }
    }

    /// Whether a stop was asked before writing began.
    pub fn stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst) == STOPPED
    }

    /// Enter the write phase; from here on the landing finishes. Fails when
    /// a stop came first.
    fn begin_writes(&self) -> LandResult<()> {
        match self
            .0
            .compare_exchange(CHECKING, WRITING, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => Ok(()),
            Err(WRITING) => Ok(()),
            Err(_) => Err(LandError::Interrupted),
        }
    }

    /// Whether the write phase began.
    pub fn writing(&self) -> bool {
        self.0.load(Ordering::SeqCst) == WRITING
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
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
    /// With `--remove`: whether the session branch was deleted, its tip,
    /// and why it was kept (a squash leaves commits only it has).
    pub branch_deleted: bool,
    pub branch_tip: Option<String>,
    pub branch_kept: Option<String>,
}

/// What `merge` was asked for.
#[derive(Debug, Clone, Default)]
pub struct MergeRequest {
    pub into: Option<String>,
    pub squash: bool,
    pub message: Option<String>,
    pub remove: bool,
    /// Skip the pending-work commit's `pre-commit` and `commit-msg` hooks.
    pub no_verify: bool,
}

/// Land a session's work; every method holds the session's lease, and
/// cancelling (the command layer does on SIGINT, SIGTERM, SIGHUP) stops it
/// only before it writes: once writing began it finishes, and reports its
/// result.
pub struct Landing<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    cancel: CancellationToken,
    /// Where the git hooks' output goes (None: nowhere).
    hook_output: Option<Arc<dyn Output>>,
}

impl<'a> Landing<'a> {
    pub fn new(store: &'a Store, config: &'a Config) -> Landing<'a> {
        Landing {
            store,
            config,
            cancel: CancellationToken::new(),
            hook_output: None,
        }
    }

    /// Report the output of the repository's git hooks (stdout and
    /// stderr) to `output`, a line at a time; without it, the output is
    /// dropped.
    pub fn reporting_to(mut self, output: Arc<dyn Output>) -> Landing<'a> {
        self.hook_output = Some(output);
        self
    }

    /// Stop (before writing) when `cancel` is cancelled: the landing then
    /// fails with [`LandError::Interrupted`].
    pub fn cancelled_by(mut self, cancel: CancellationToken) -> Landing<'a> {
        self.cancel = cancel;
        self
    }

    /// The session's worktree, with the session's lease taken.
    async fn prepare(&self, key: &SessionKey) -> Result<(WorktreeRow, Option<String>, Lease)> {
        let session = self
            .store
            .get_session(key.as_str())
            .await?
            .ok_or_else(|| LandError::NoSession(key.to_string()))?;
        let worktree = match self.store.get_worktree(key.as_str()).await? {
            Some(w) if session.use_worktree => w,
            _ => return Err(LandError::NoWorktree(key.to_string()).into()),
        };
        crate::worktree::git::check_host(&worktree)?;
        if !Path::new(&worktree.path).exists() {
            return Err(LandError::WorktreeGone {
                session: key.to_string(),
                path: worktree.path.clone(),
            }
            .into());
        }
        let lease = self.lease(key.as_str()).await?;
        let prompt = self.store.last_prompt(key.as_str()).await?;
        Ok((worktree, prompt, lease))
    }

    async fn lease(&self, key: &str) -> Result<Lease> {
        Lease::take(
            self.store,
            self.config,
            key,
            &crate::lease::lease_owner(),
            false,
            &CancellationToken::new(),
        )
        .await
    }

    /// Apply the session's changes against its base (committed,
    /// uncommitted, untracked) to `to` (default: the session's repository)
    /// as uncommitted changes, three-way.
    pub async fn apply(&self, key: &SessionKey, to: Option<&Path>) -> Result<Applied> {
        let (wt, _, lease) = self.prepare(key).await?;
        let dir = to
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(&wt.repo));
        let other = match self.other_session_at(key, &dir).await {
            Ok(o) => o,
            Err(e) => {
                lease.release().await;
                return Err(e);
            }
        };
        let session = key.to_string();
        let leases: Vec<Lease> = std::iter::once(lease).chain(other).collect();
        let r = guarded(&leases, &self.cancel, move |gate| {
            apply_blocking(&wt, &dir, session, gate)
        })
        .await;
        release(leases).await;
        r
    }

    /// Commit the worktree's uncommitted work on the session branch.
    pub async fn commit(
        &self,
        key: &SessionKey,
        message: Option<&str>,
        no_verify: bool,
    ) -> Result<Committed> {
        let (wt, prompt, lease) = self.prepare(key).await?;
        let message = message
            .map(String::from)
            .unwrap_or_else(|| default_message(key.as_str(), prompt.as_deref()));
        let session = key.to_string();
        let leases = vec![lease];
        let hook_output = self.hook_output.clone();
        let r = guarded(&leases, &self.cancel, move |gate| {
            let plan = CommitPlan {
                message: &message,
                no_verify,
                gate,
                hook_output: hook_output.as_ref(),
            };
            commit_blocking(&wt, &plan)?.ok_or(LandError::NothingToCommit(session))
        })
        .await;
        release(leases).await;
        r
    }

    /// Commit pending work, then bring the session branch into a branch.
    pub async fn merge(&self, key: &SessionKey, req: &MergeRequest) -> Result<Merged> {
        let (wt, prompt, lease) = self.prepare(key).await?;
        let commit_message = default_message(key.as_str(), prompt.as_deref());
        // Merging into another session's branch: that session's lease too.
        let other = match req
            .into
            .as_deref()
            .and_then(|b| b.strip_prefix("boocoder/"))
        {
            Some(o) if o != key.as_str() => {
                let taken = match self.store.get_session(o).await {
                    Ok(Some(_)) => self.lease(o).await.map(Some),
                    Ok(None) => Ok(None),
                    Err(e) => Err(e.into()),
                };
                match taken {
                    Ok(l) => l,
                    Err(e) => {
                        lease.release().await;
                        return Err(e);
                    }
                }
            }
            _ => None,
        };
        let (req2, wt2, session) = (req.clone(), wt.clone(), key.to_string());
        let leases: Vec<Lease> = std::iter::once(lease).chain(other).collect();
        let hook_output = self.hook_output.clone();
        let merged = guarded(&leases, &self.cancel, move |gate| {
            merge_blocking(
                &wt2,
                &session,
                &commit_message,
                &req2,
                gate,
                hook_output.as_ref(),
            )
        })
        .await;
        let r = match merged {
            Ok(m) if req.remove => self.remove_after_merge(key, m).await,
            r => r,
        };
        release(leases).await;
        r
    }

    /// `merge --remove`: the worktree goes; the branch too unless it holds
    /// commits the target lacks (a squash), which is said. The session's
    /// next worktree is made from the branch merged into.
    async fn remove_after_merge(&self, key: &SessionKey, mut merged: Merged) -> Result<Merged> {
        let removed = crate::worktree::Worktrees::new(self.store, &self.config.worktree_root)
            .remove(
                key,
                crate::worktree::RemoveOptions {
                    force: false,
                    branch: crate::worktree::BranchMode::Safe,
                },
            )
            .await?;
        // The next turn's worktree starts from the branch merged into.
        self.store
            .set_session_next_base(key.as_str(), Some(&merged.branch))
            .await?;
        merged.worktree_removed = true;
        merged.branch_deleted = removed.branch_deleted;
        merged.branch_tip = removed.branch_tip;
        merged.branch_kept = removed.branch_kept;
        Ok(merged)
    }

    /// The lease of the session whose worktree `dir` is (another session's
    /// than `key`), taken: applying into it while its turn runs is busy.
    async fn other_session_at(&self, key: &SessionKey, dir: &Path) -> Result<Option<Lease>> {
        let Ok(dir) = dir.canonicalize() else {
            return Ok(None);
        };
        for w in self.store.list_worktrees(None).await? {
            if w.session != key.as_str()
                && Path::new(&w.path).canonicalize().ok().as_deref() == Some(dir.as_path())
            {
                return Ok(Some(self.lease(&w.session).await?));
            }
        }
        Ok(None)
    }
}

/// Run a landing's blocking `work` holding `leases`, watching `cancel`
/// and the leases: either stops it before it writes (interrupted, or the
/// lost lease), or, once it writes, lets it finish and reports its result.
async fn guarded<T: Send + 'static>(
    leases: &[Lease],
    cancel: &CancellationToken,
    work: impl FnOnce(&Gate) -> LandResult<T> + Send + 'static,
) -> Result<T> {
    let gate = Gate::default();
    let g = gate.clone();
    let task = blocking(move || work(&g));
    tokio::pin!(task);
    let lost = futures_util::future::select_all(
        leases
            .iter()
            .map(|l| Box::pin(l.lost.clone().cancelled_owned())),
    );
    tokio::pin!(lost);
    // Stopped before writing, the work writes nothing more whenever its
    // blocking part notices: there is no need to wait for it.
    let stop: crate::Error = tokio::select! {
        r = &mut task => return r,
        _ = cancel.cancelled() => LandError::Interrupted.into(),
        (_, i, _) = &mut lost => match leases[i].error() {
            LeaseError::Lost { name, why } => LandError::LeaseLost { session: name, why }.into(),
            other => other.into(),
        },
    };
    if gate.stop() {
        return Err(stop);
    }
    // Writing: it finishes, then reports its result.
    task.await
}

async fn release(leases: Vec<Lease>) {
    for l in leases {
        l.release().await;
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

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> LandResult<T> + Send + 'static,
) -> Result<T> {
    crate::worktree::init_git();
    Ok(crate::util::blocking(f).await??)
}

/// Author and committer: git's config, else the documented fallback.
fn signature(repo: &Repository) -> LandResult<Signature<'static>> {
    match repo.signature() {
        Ok(s) => Ok(s.to_owned()),
        Err(_) => Signature::now(FALLBACK_NAME, FALLBACK_EMAIL).map_err(git("make a signature")),
    }
}

/// The worktree's whole state (committed, staged, unstaged, untracked;
/// ignored files left out) as an index in memory and its tree's id, and
/// the embedded repositories left out of it. The index file on disk is
/// not touched.
fn worktree_state(repo: &Repository) -> LandResult<(git2::Index, Oid, Vec<String>)> {
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    let mut embedded = Vec::new();
    let mut idx = repo.index().map_err(git("read the worktree's index"))?;
    let mut skip_repositories = |path: &Path, _: &[u8]| -> i32 {
        let p = path.to_string_lossy();
        if p.ends_with('/') || workdir.join(path).join(".git").exists() {
            embedded.push(p.trim_end_matches('/').to_string());
            1
        } else {
            0
        }
    };
    idx.add_all(["*"], IndexAddOption::DEFAULT, Some(&mut skip_repositories))
        .map_err(git("add the worktree's files"))?;
    idx.update_all(["*"], None)
        .map_err(git("update the worktree's files"))?;
    let tree = idx.write_tree().map_err(git("write the worktree's tree"))?;
    Ok((idx, tree, embedded))
}

/// [`worktree_state`] for a landing: embedded repositories (which land as
/// no file) are refused.
fn worktree_index(repo: &Repository) -> LandResult<(git2::Index, Oid)> {
    let (idx, tree, embedded) = worktree_state(repo)?;
    if !embedded.is_empty() {
        return Err(LandError::Gitlinks {
            dir: repo.workdir().map(Path::to_path_buf).unwrap_or_default(),
            paths: embedded,
        });
    }
    Ok((idx, tree))
}

fn open_worktree(wt: &WorktreeRow) -> LandResult<Repository> {
    Repository::open(&wt.path).map_err(git(format!("open the worktree {}", wt.path)))
}
