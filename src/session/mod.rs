//! Sessions: a name, a repository, an agent, a model, a session-keyed
//! worktree, and the agent session it maps to; turns run on them one at a
//! time (a lease in the database), across processes and machines.

mod turn;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use turn::{
    ChangesSummary, PermissionPolicy, TurnEvent, TurnOutcome, TurnRequest, TurnRunner, TurnStatus,
    lease_owner,
};

use crate::Exit;
use crate::config::Config;
use crate::session_key::SessionKey;
use crate::store::{AgentSessionRow, SessionRow, Store, TurnRow, WorktreeRow};
use crate::util::now_ms;
use crate::worktree::{EnsureOptions, RemoveOptions, Worktrees};

/// A session failure.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no session named `{0}`")]
    NotFound(String),
    #[error("a session named `{0}` already exists")]
    Exists(String),
    #[error("agent `{agent}` {why}")]
    UnsupportedAgent {
        agent: String,
        why: String,
        /// The agents that can run turns.
        known: Vec<String>,
    },
    #[error("session {name} is busy (turn started {started} by {owner})")]
    Busy {
        name: String,
        owner: String,
        started: String,
    },
    #[error("repository path {} does not exist", .0.display())]
    RepoMissing(PathBuf),
    #[error("the prompt is empty")]
    EmptyPrompt,
    #[error("the turn did not start: {0}")]
    NotStarted(String),
    #[error("the opencode server was lost mid-turn: {0}")]
    ServerLost(String),
    #[error("the turn stalled: no event for {seconds} s while the agent stayed busy; aborted")]
    Stalled { seconds: u64 },
}

impl SessionError {
    pub fn exit(&self) -> Exit {
        match self {
            SessionError::NotFound(_) | SessionError::Exists(_) | SessionError::Busy { .. } => {
                Exit::No
            }
            SessionError::UnsupportedAgent { .. }
            | SessionError::RepoMissing(_)
            | SessionError::EmptyPrompt => Exit::Usage,
            SessionError::NotStarted(_)
            | SessionError::ServerLost(_)
            | SessionError::Stalled { .. } => Exit::Runtime,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            SessionError::NotFound(_) => {
                Some("`boocoder session list` shows them; `session new` makes one".into())
            }
            SessionError::Exists(_) => Some(
                "prompt it with `boocoder session prompt`, or remove it with `session rm`".into(),
            ),
            SessionError::Busy { .. } => {
                Some("wait for that turn (or pass --wait to queue behind it)".into())
            }
            SessionError::EmptyPrompt => {
                Some("give the text as an argument, or `-` to read it from stdin".into())
            }
            SessionError::UnsupportedAgent { known, .. } => Some(format!(
                "agents that run turns: {} (custom ones: [providers.<name>] transport = \"acp\" and launch_command)",
                known.join(", ")
            )),
            SessionError::Stalled { .. } => Some(
                "raise the watchdog with --timeout or watchdog_seconds if the model is just slow"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// What `session new` was asked for.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub name: SessionKey,
    pub repo: PathBuf,
    pub agent: String,
    pub model: Option<String>,
    pub base: Option<String>,
    /// Work in a session-keyed worktree (false: in the repository itself).
    pub worktree: bool,
}

/// A session with its worktree, agent session and last turn.
#[derive(Debug, Clone, Serialize)]
pub struct SessionInfo {
    #[serde(flatten)]
    pub session: SessionRow,
    pub worktree: Option<WorktreeRow>,
    pub agent_session: Option<AgentSessionRow>,
    pub last_turn: Option<TurnRow>,
}

/// The directory a session's agent works in.
pub fn work_dir(session: &SessionRow, worktree: Option<&WorktreeRow>) -> PathBuf {
    match worktree {
        Some(w) if session.use_worktree => PathBuf::from(&w.path),
        _ => PathBuf::from(&session.repo),
    }
}

/// Sessions in one store, under one config.
pub struct Sessions<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
}

impl<'a> Sessions<'a> {
    pub fn new(store: &'a Store, config: &'a Config) -> Sessions<'a> {
        Sessions { store, config }
    }

    pub fn worktrees(&self) -> Worktrees<'a> {
        Worktrees::new(self.store, self.config.worktree_root.clone())
    }

    /// Record a session and (unless it works in the repository) ensure its
    /// worktree. A failed worktree leaves no session behind.
    pub async fn create(&self, req: &NewSession) -> crate::Result<SessionInfo> {
        crate::acp::turn_backend(self.config, &req.agent)?;
        if !req.repo.exists() {
            return Err(SessionError::RepoMissing(req.repo.clone()).into());
        }
        let repo = req.repo.canonicalize().unwrap_or_else(|_| req.repo.clone());
        if self.store.get_session(req.name.as_str()).await?.is_some() {
            return Err(SessionError::Exists(req.name.to_string()).into());
        }
        let worktree = if req.worktree {
            let ensured = self
                .worktrees()
                .ensure(
                    &req.name,
                    &EnsureOptions {
                        repo: repo.clone(),
                        base: req.base.clone(),
                        branch: None,
                    },
                )
                .await?;
            Some(ensured.worktree)
        } else {
            None
        };
        let now = now_ms();
        let row = SessionRow {
            name: req.name.to_string(),
            repo: repo.to_string_lossy().into_owned(),
            agent: req.agent.clone(),
            model: req.model.clone().filter(|m| !m.trim().is_empty()),
            use_worktree: req.worktree,
            created_at: now,
            updated_at: now,
        };
        if !self.store.insert_session(&row).await? {
            return Err(SessionError::Exists(req.name.to_string()).into());
        }
        Ok(SessionInfo {
            session: row,
            worktree,
            agent_session: None,
            last_turn: None,
        })
    }

    pub async fn get(&self, name: &str) -> crate::Result<SessionInfo> {
        let session = self
            .store
            .get_session(name)
            .await?
            .ok_or_else(|| SessionError::NotFound(name.to_string()))?;
        let worktree = self.store.get_worktree(name).await?;
        let agent_session = self.store.get_agent_session(name, &session.agent).await?;
        let last_turn = self.store.last_turn(name).await?;
        Ok(SessionInfo {
            session,
            worktree,
            agent_session,
            last_turn,
        })
    }

    pub async fn list(&self) -> crate::Result<Vec<SessionInfo>> {
        let mut out = Vec::new();
        for s in self.store.list_sessions().await? {
            out.push(self.get(&s.name).await?);
        }
        Ok(out)
    }

    /// Remove a session: its worktree (refused when dirty unless `force`),
    /// its pending changes, and its rows.
    pub async fn remove(&self, name: &SessionKey, force: bool) -> crate::Result<SessionInfo> {
        let info = self.get(name.as_str()).await?;
        if info.worktree.is_some() {
            let wt = self.worktrees();
            let gone = info
                .worktree
                .as_ref()
                .is_some_and(|w| !Path::new(&w.path).exists());
            if gone {
                self.store.delete_worktree(name.as_str()).await?;
            } else {
                wt.remove(
                    name,
                    RemoveOptions {
                        force,
                        keep_branch: false,
                    },
                )
                .await?;
            }
        }
        self.store
            .replace_pending_changes(name.as_str(), &info.session.agent, &[], now_ms())
            .await?;
        self.store.delete_session(name.as_str()).await?;
        Ok(info)
    }
}
