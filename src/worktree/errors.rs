//! The worktree error type: every variant knows its exit code and hint.

use std::path::{Path, PathBuf};

use crate::Exit;
use crate::session_key::SessionKeyError;
use crate::util::names_shown;

/// How many uncommitted files a "refused: dirty" message names.
pub(super) const DIRTY_FILES_SHOWN: usize = 20;

/// A worktree failure; every variant knows its exit code.
#[derive(Debug, thiserror::Error)]
pub enum WorktreeError {
    #[error(transparent)]
    InvalidKey(#[from] SessionKeyError),
    #[error("repository path {} does not exist", path.display())]
    RepoMissing { path: PathBuf },
    // libgit2's own words (`class=Repository (6); code=NotFound (-3)`)
    // say nothing more to a user.
    #[error("{} is not a git repository (nor inside one)", path.display())]
    NotARepo { path: PathBuf },
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
        names_shown(files, DIRTY_FILES_SHOWN)
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

pub(super) fn git(what: impl Into<String>) -> impl FnOnce(git2::Error) -> WorktreeError {
    let what = what.into();
    move |source| WorktreeError::Git { what, source }
}

pub(super) fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> WorktreeError {
    let path = path.to_path_buf();
    move |source| WorktreeError::Io { what, path, source }
}
