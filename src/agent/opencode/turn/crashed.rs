//! Stopping the agent turn a crashed owner left running, before the next
//! turn of its session starts.

use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

use super::TurnRunner;
use crate::agent::opencode::Client;
use crate::agent::transport::Sink;
use crate::agent::turn::TurnError;
use crate::store::SessionRow;

/// How long an aborted agent turn gets to stop being busy.
const ABORT_SETTLE: Duration = Duration::from_secs(5);

impl TurnRunner<'_> {
    /// Abort the agent turn a crashed owner left running, when its server
    /// is one this process can reach (its own, or the kept server); a
    /// short-lived server ended with its owner. A failed abort is an error:
    /// two agents must not edit one worktree.
    pub(super) async fn abort_crashed(
        &self,
        session: &SessionRow,
        last: &crate::store::TurnRow,
        sink: Sink<'_>,
    ) -> crate::Result<()> {
        let Some(asid) = last.agent_session_id.as_deref() else {
            return Ok(());
        };
        let stored = self
            .store
            .get_agent_session(&session.name, &session.agent)
            .await?
            .filter(|a| a.agent_session_id == asid);
        let Some(stored) = stored else {
            return Ok(());
        };
        let (Some(url), Some(dir)) = (stored.server_url.as_deref(), stored.directory.as_deref())
        else {
            return Ok(());
        };
        let client = if url == self.server.record.url {
            self.server.client()
        } else {
            match crate::agent::opencode::read_state(&self.config.state_dir)
                .ok()
                .flatten()
                .filter(|r| r.url == url)
            {
                Some(rec) => Client::new(&rec.url, &rec.password),
                None => {
                    sink(crate::agent::turn::TurnEvent::Notice {
                        notice: format!(
                            "the crashed turn's agent session {asid} ran on a server of its own ({url}) that ended with it"
                        ),
                    });
                    return Ok(());
                }
            }
        };
        let dir = Path::new(dir);
        let busy = match client.session_status(dir).await {
            Ok(busy) => busy.contains_key(asid),
            Err(e) => {
                sink(crate::agent::turn::TurnEvent::Notice {
                    notice: format!(
                        "cannot tell whether the crashed turn's agent session {asid} still runs on {url}: {e}"
                    ),
                });
                return Ok(());
            }
        };
        if !busy {
            return Ok(());
        }
        let failed = |error: String| -> crate::Error {
            TurnError::AbortFailed {
                agent_session: asid.to_string(),
                error,
            }
            .into()
        };
        client
            .abort(asid, dir)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let deadline = Instant::now() + ABORT_SETTLE;
        loop {
            match client.session_status(dir).await {
                Ok(busy) if !busy.contains_key(asid) => break,
                Ok(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Ok(_) => {
                    return Err(failed(format!(
                        "still busy {} s after the abort",
                        ABORT_SETTLE.as_secs()
                    )));
                }
                Err(e) => return Err(failed(e.to_string())),
            }
        }
        sink(crate::agent::turn::TurnEvent::Notice {
            notice: format!(
                "aborted the crashed turn's agent session {asid}, still running on {url}"
            ),
        });
        Ok(())
    }
}
