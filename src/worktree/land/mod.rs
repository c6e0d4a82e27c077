//! Landing a session's work: apply it to a checkout as uncommitted changes,
//! commit the worktree's pending work on the session branch, merge the
//! session branch into a branch. All on git2 (no `git` process).
//!
//! Every operation checks everything before it writes anything: a conflict
//! leaves the checkout, its index and every ref exactly as they were.
//! All three hold the session's lease while they run, so a turn cannot
//! start underneath them (and they refuse a session whose turn is running).

use std::path::{Path, PathBuf};

use git2::{DiffFindOptions, IndexAddOption, Oid, Repository, Signature};
use serde::Serialize;

use crate::config::Config;
use crate::session::SessionError;
use crate::session_key::SessionKey;
use crate::store::{LeaseAttempt, Store, WorktreeRow};
use crate::timestamp::{format_utc, now_ms};
use crate::util::names_shown;
use crate::{Exit, Result};

mod apply;
mod commit;
mod merge;

use apply::apply_blocking;
use commit::commit_blocking;
use merge::merge_blocking;

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

/// Files, insertions and deletions between two snapshots of a worktree,
/// and the paths changed (a rename's new path).
pub async fn snapshot_changes(
    dir: &Path,
    before: &str,
    after: &str,
) -> Result<(crate::store::ChangeCounts, Vec<String>)> {
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
        let paths = diff
            .deltas()
            .filter_map(|d| d.new_file().path().or(d.old_file().path()))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        Ok((
            crate::store::ChangeCounts {
                files: stats.files_changed() as i64,
                insertions: stats.insertions() as i64,
                deletions: stats.deletions() as i64,
            },
            paths,
        ))
    })
    .await
}
