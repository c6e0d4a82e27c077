//! The one-shot prompt (`boocoder prompt`): an ephemeral session made for
//! one turn, removed after it unless its worktree holds changes.

use std::path::PathBuf;

use super::{NewSession, Sessions, TurnOutcome};
use crate::session_key::SessionKey;
use crate::timestamp::now_ms;
use crate::worktree::BranchMode;

/// What a one-shot turn works on.
#[derive(Debug, Clone)]
pub struct OneShot {
    /// The repository (absolute).
    pub repo: PathBuf,
    pub agent: String,
    /// Base of the throwaway worktree (None: HEAD).
    pub base: Option<String>,
    /// Work in a throwaway worktree (false: in the repository itself).
    pub worktree: bool,
}

/// What became of a one-shot session after its turn.
#[derive(Debug)]
pub enum OneShotEnd {
    /// Removed, with the worktree and branch it made.
    Removed,
    /// Its worktree holds changes (or their recording failed): kept, at
    /// this path, for `session changes` / `session merge`.
    Kept { path: String },
    /// It could not be removed (why); it is left in place.
    Left(crate::Error),
}

impl Sessions<'_> {
    /// Create the ephemeral session of a one-shot prompt, named
    /// `prompt-<ms>-<pid>`.
    pub async fn create_one_shot(&self, o: &OneShot) -> crate::Result<SessionKey> {
        let name = SessionKey::parse(&format!("prompt-{}-{}", now_ms(), std::process::id()))
            .expect("generated names are valid keys");
        self.create(&NewSession {
            name: name.clone(),
            repo: o.repo.clone(),
            agent: o.agent.clone(),
            model: None,
            base: o.base.clone(),
            worktree: o.worktree,
        })
        .await?;
        Ok(name)
    }

    /// After the turn (its outcomes; None when it did not run): keep a
    /// worktree that holds changes, remove everything else.
    pub async fn finish_one_shot(
        &self,
        name: &SessionKey,
        outcomes: Option<&[TurnOutcome]>,
    ) -> OneShotEnd {
        let changed = outcomes.is_some_and(|os| {
            os.iter()
                .any(|o| o.changes_error.is_some() || o.changes.is_some_and(|c| c.files > 0))
        });
        if changed
            && let Ok(info) = self.get(name.as_str()).await
            && info.session.use_worktree
            && let Some(w) = info.worktree
        {
            return OneShotEnd::Kept { path: w.path };
        }
        match self.remove(name, false, BranchMode::Safe).await {
            Ok(_) => OneShotEnd::Removed,
            Err(e) => OneShotEnd::Left(e),
        }
    }
}
