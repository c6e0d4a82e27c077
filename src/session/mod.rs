//! Sessions: a name, a repository, an agent, a model, a session-keyed
//! worktree, and the agent session it maps to; turns run on them one at a
//! time (a lease in the database), across processes and machines.

mod engine;
mod one_shot;
mod record;
mod run;

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

pub use crate::agent::turn::{
    ChangesSummary, Endpoint, PermissionCounts, PermissionDecision, PermissionEvent,
    PermissionPolicy, TurnError, TurnEvent, TurnOutcome, TurnRequest,
};

use crate::Exit;
pub use crate::agent::TurnStatus;
pub use crate::agent::opencode::first_line;
use crate::config::Config;
pub(crate) use crate::lease::Lease;
pub use crate::lease::lease_owner;
pub(crate) use crate::lease::owner_gone_here;
use crate::probe::llama_swap;
use crate::session_key::SessionKey;
use crate::store::{AgentSessionRow, SessionRow, Store, TurnRow, WorktreeRow};
use crate::timestamp::now_ms;
use crate::worktree::{
    BranchMode, EnsureOptions, Output, OutputSource, RemoveOptions, Removed, WorktreeError,
    Worktrees,
};
pub use one_shot::{OneShot, OneShotEnd};
pub use run::{TurnPlan, Turns, run_turns};

/// A session failure.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no session named `{0}`")]
    NotFound(String),
    #[error("a session named `{0}` already exists")]
    Exists(String),
    #[error("repository path {} does not exist", .0.display())]
    RepoMissing(PathBuf),
    #[error("no model configured (no --model, no session model, no default_model); {llama_swap}")]
    NoModel {
        /// What llama-swap offers, or why it could not be asked.
        llama_swap: String,
    },
    #[error("model `{model}` is not one of llama-swap's models at {url} ({})", list_models(.models))]
    UnknownModel {
        model: String,
        url: String,
        models: Vec<String>,
    },
}

fn list_models(models: &[String]) -> String {
    if models.is_empty() {
        "it lists none".into()
    } else {
        format!("it serves: {}", models.join(", "))
    }
}

impl SessionError {
    pub fn exit(&self) -> Exit {
        match self {
            SessionError::NotFound(_) | SessionError::Exists(_) => Exit::No,
            SessionError::RepoMissing(_)
            | SessionError::NoModel { .. }
            | SessionError::UnknownModel { .. } => Exit::Usage,
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
            SessionError::NoModel { .. } => Some(
                "set default_model in the config (or BOOCODER_DEFAULT_MODEL), or pass --model"
                    .into(),
            ),
            SessionError::UnknownModel { .. } => {
                Some("pass one of llama-swap's models with --model, or add it to llama-swap".into())
            }
            SessionError::RepoMissing(_) => None,
        }
    }
}

/// The model a turn uses when neither the turn nor the session names one:
/// the configured default; else llama-swap's only model (with a notice to
/// show); else [`SessionError::NoModel`], listing llama-swap's models.
pub async fn default_model(config: &Config) -> crate::Result<(String, Option<String>)> {
    if let Some(m) = config
        .default_model
        .as_ref()
        .filter(|m| !m.trim().is_empty())
    {
        return Ok((m.clone(), None));
    }
    let Some(url) = &config.llama_swap_url else {
        return Err(SessionError::NoModel {
            llama_swap: "LLAMA_SWAP_URL is not set, so no llama-swap model can be chosen".into(),
        }
        .into());
    };
    let (models, warning) =
        llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT).await;
    if let Some(w) = warning {
        return Err(SessionError::NoModel { llama_swap: w }.into());
    }
    match &models[..] {
        [only] => Ok((
            only.clone(),
            Some(format!(
                "no model configured: using {only}, the only model llama-swap at {url} serves"
            )),
        )),
        [] => Err(SessionError::NoModel {
            llama_swap: format!("llama-swap at {url} lists no model"),
        }
        .into()),
        many => Err(SessionError::NoModel {
            llama_swap: format!(
                "llama-swap at {url} serves several, choose one: {}",
                many.join(", ")
            ),
        }
        .into()),
    }
}

/// Check `model` against llama-swap's list when it is a llama-swap model:
/// Err([`SessionError::UnknownModel`]) when llama-swap answers without it;
/// Ok(Some(warning)) when llama-swap cannot be asked (the model is accepted).
pub async fn check_model(config: &Config, model: &str) -> crate::Result<Option<String>> {
    let Some(url) = &config.llama_swap_url else {
        return Ok(None);
    };
    let (models, warning) =
        llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT).await;
    if let Some(w) = warning {
        return Ok(Some(format!("model {model} not checked: {w}")));
    }
    let (provider, id) = crate::agent::opencode::llama_swap_model_id(model, &models);
    if provider != crate::agent::opencode::LLAMA_SWAP_PROVIDER || models.contains(&id) {
        return Ok(None);
    }
    Err(SessionError::UnknownModel {
        model: model.to_string(),
        url: url.clone(),
        models,
    }
    .into())
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

/// A turn's post-create output, queued for the turn's notices.
struct Queued(tokio::sync::mpsc::UnboundedSender<String>);

impl Output for Queued {
    fn output_line(&self, _source: OutputSource, line: &str) {
        let _ = self.0.send(line.to_string());
    }
}

/// Sessions in one store, under one config.
pub struct Sessions<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    /// Where a new worktree's post-create output goes (None: nowhere).
    output: Option<Arc<dyn Output>>,
}

impl<'a> Sessions<'a> {
    pub fn new(store: &'a Store, config: &'a Config) -> Sessions<'a> {
        Sessions {
            store,
            config,
            output: None,
        }
    }

    /// Report the post-create command's output lines (of a worktree made
    /// here) to `output`.
    pub fn reporting_to(mut self, output: Arc<dyn Output>) -> Self {
        self.output = Some(output);
        self
    }

    pub fn worktrees(&self) -> Worktrees<'a> {
        let worktrees = Worktrees::new(self.store, self.config.worktree_root.clone())
            .with_setup(self.config.worktree_setup());
        match &self.output {
            Some(output) => worktrees.reporting_to(output.clone()),
            None => worktrees,
        }
    }

    /// Where a turn of `session` works: its worktree, ensured (recreated
    /// when its directory is gone; refused when another host owns it), and
    /// the canonical directory the agent runs in. Both backends start here.
    /// A post-create command's output reaches `sink` as notices.
    pub(crate) async fn turn_dir(
        &self,
        session: &SessionRow,
        key: &SessionKey,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> crate::Result<(Option<WorktreeRow>, PathBuf)> {
        let worktree = if session.use_worktree {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
            let worktrees = self.worktrees().reporting_to(Arc::new(Queued(tx)));
            let note = |line: String| {
                sink(TurnEvent::Notice {
                    notice: format!("post_create: {line}"),
                })
            };
            let opts = EnsureOptions {
                repo: PathBuf::from(&session.repo),
                base: None,
                branch: None,
                adopt: false,
            };
            let ensure = worktrees.ensure(key, &opts);
            tokio::pin!(ensure);
            let ensured = loop {
                tokio::select! {
                    r = &mut ensure => break r,
                    Some(line) = rx.recv() => note(line),
                }
            };
            // Lines still queued when the command ended.
            while let Ok(line) = rx.try_recv() {
                note(line);
            }
            Some(ensured?.worktree)
        } else {
            None
        };
        let dir = work_dir(session, worktree.as_ref());
        let dir = dir.canonicalize().unwrap_or(dir);
        Ok((worktree, dir))
    }

    /// Record a session and (unless it works in the repository) ensure its
    /// worktree. A failed worktree leaves no session behind.
    pub async fn create(&self, req: &NewSession) -> crate::Result<SessionInfo> {
        crate::agent::Route::resolve(self.config, &req.agent).await?;
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
                        adopt: false,
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

    /// Remove a session: its worktree (as `worktree remove` does, one rule
    /// for the branch: [`crate::worktree::branch_verdict`]), its pending
    /// changes, and its rows. Refused when the worktree is dirty or a turn
    /// holds the lease (its owner not gone from this host), unless `force`;
    /// refused for another host's worktree.
    pub async fn remove(
        &self,
        name: &SessionKey,
        force: bool,
        branch: BranchMode,
    ) -> crate::Result<(SessionInfo, Option<Removed>)> {
        let info = self.get(name.as_str()).await?;
        if !force
            && let Some(lease) = self.store.get_lease(name.as_str()).await?
            && lease.expires_at > now_ms()
            && !owner_gone_here(&lease)
        {
            return Err(WorktreeError::Busy {
                session: name.to_string(),
                owner: lease.owner,
                started: crate::timestamp::format_utc(lease.acquired_at),
            }
            .into());
        }
        let removed = match &info.worktree {
            Some(_) => Some(
                self.worktrees()
                    .remove(name, RemoveOptions { force, branch })
                    .await?,
            ),
            None => None,
        };
        if let Some(r) = &removed {
            // opencode keeps an instance per directory until told.
            crate::agent::opencode::dispose_directory(
                &self.config.state_dir,
                std::path::Path::new(&r.path),
            )
            .await;
        }
        self.store
            .replace_pending_changes(name.as_str(), &info.session.agent, &[], now_ms())
            .await?;
        self.store.delete_session(name.as_str()).await?;
        Ok((info, removed))
    }
}
