//! Finding the agent session a turn reuses, or creating a new one and
//! saying why.

use std::path::Path;

use super::TurnRunner;
use crate::agent::TurnStatus;
use crate::agent::opencode::Client;
use crate::store::{AgentSessionRow, SessionRow};
use crate::timestamp::now_ms;

impl TurnRunner<'_> {
    /// Reuse the stored agent session, or make a new one (and say why).
    pub(super) async fn agent_session(
        &self,
        session: &SessionRow,
        client: &Client,
        dir: &Path,
        dir_str: &str,
        fingerprint: &str,
    ) -> crate::Result<(String, Option<String>)> {
        let stored = self
            .store
            .get_agent_session(&session.name, &session.agent)
            .await?;
        let last_crashed = self
            .store
            .list_turns(&session.name)
            .await?
            .iter()
            .rev()
            .find(|t| t.status != TurnStatus::Running)
            .is_some_and(|t| t.status.broke_off());
        let reason = match &stored {
            None => Some(None),
            Some(_) if last_crashed => Some(Some("the last turn crashed")),
            Some(a) if a.config_hash != fingerprint => Some(Some(
                "the configuration changed (agent, model or provider settings)",
            )),
            Some(a) if a.directory.as_deref() != Some(dir_str) => {
                Some(Some("the working directory changed"))
            }
            Some(a) => match client.get_session(&a.agent_session_id, dir).await? {
                Some(_) => None,
                None => Some(Some("the agent session is gone from the server")),
            },
        };
        let now = now_ms();
        match reason {
            None => {
                let mut a = stored.expect("reused means stored");
                a.server_url = Some(self.server.record.url.clone());
                a.status = crate::store::AgentSessionStatus::Active;
                a.updated_at = now;
                self.store.upsert_agent_session(&a).await?;
                Ok((a.agent_session_id, None))
            }
            Some(why) => {
                let id = client.create_session(dir).await?;
                self.store
                    .upsert_agent_session(&AgentSessionRow {
                        session: session.name.clone(),
                        agent: session.agent.clone(),
                        agent_session_id: id.clone(),
                        server_url: Some(self.server.record.url.clone()),
                        directory: Some(dir_str.to_string()),
                        config_hash: fingerprint.to_string(),
                        status: crate::store::AgentSessionStatus::Active,
                        reason: why.map(String::from),
                        created_at: now,
                        updated_at: now,
                    })
                    .await?;
                Ok((id, why.map(String::from)))
            }
        }
    }
}
