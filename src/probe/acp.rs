//! Tier 2: the ACP probe. Spawn the agent in its own process group,
//! `initialize`, `session/new` in the given directory, read the models (the
//! typed model selector and the legacy `models` field some agents send),
//! modes and the `available_commands_update` that follows, then kill the
//! whole process group: on success, error, timeout, and when the caller's
//! future is dropped (Ctrl-C).
//!
//! The messages are the `agent-client-protocol-schema` crate's v1 types; the
//! JSON-RPC exchange is boocoder's own connection ([`crate::acp_wire`],
//! shared with turns), because a probe needs the raw `session/new` answer
//! (the legacy `models` field is not in the typed schema), a timeout per step
//! and ownership of the process group, which the crate's process transport
//! does not give.

use std::path::Path;
use std::time::Duration;

use agent_client_protocol_schema::ProtocolVersion;
use agent_client_protocol_schema::v1::{
    InitializeRequest, NewSessionRequest, NewSessionResponse, SessionConfigKind,
    SessionConfigOptionCategory, SessionConfigSelectOptions, SessionNotification, SessionUpdate,
};
use serde_json::Value;

use super::{Mode, Model, SlashCommand, merge_models};

/// How long to wait for `available_commands_update` after `session/new`
/// (agents send it 0-200 ms later).
pub const COMMANDS_WAIT: Duration = Duration::from_millis(300);

pub use crate::acp_wire::{AUTH_REQUIRED, AcpError, ProcessGroup};
use crate::acp_wire::{AgentProcess, Connection, Incoming};

/// What an ACP agent offers in a fresh session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AcpProbe {
    pub models: Vec<Model>,
    pub current_model: Option<String>,
    pub modes: Vec<Mode>,
    pub current_mode: Option<String>,
    pub commands: Vec<SlashCommand>,
}

/// Probe the agent `argv[0] argv[1..]` (argv[0] resolved to `program`) in
/// `cwd`, each step bounded by `timeout`.
pub async fn probe(
    program: &Path,
    args: &[String],
    cwd: &Path,
    timeout: Duration,
) -> Result<AcpProbe, AcpError> {
    AgentProcess::with(program, args, cwd, &[], async |agent| {
        match run(&mut agent.conn, cwd, timeout).await {
            Err(e @ (AcpError::Exited { .. } | AcpError::NotAcp { .. })) => {
                // Let the agent's last words arrive (it has exited or closed stdout).
                let stderr = agent.stderr(Duration::from_millis(100)).await;
                Err(e.with_stderr(&stderr))
            }
            other => other,
        }
    })
    .await?
}

async fn run(conn: &mut Connection, cwd: &Path, timeout: Duration) -> Result<AcpProbe, AcpError> {
    let mut notes = Vec::new();
    let init = serde_json::to_value(InitializeRequest::new(ProtocolVersion::V1))
        .expect("initialize request serializes");
    conn.request("initialize", init, timeout, &mut notes)
        .await?;

    let new =
        serde_json::to_value(NewSessionRequest::new(cwd)).expect("session/new request serializes");
    let raw = conn
        .request("session/new", new, timeout, &mut notes)
        .await?;
    let mut probe = read_session(&raw).map_err(|detail| AcpError::Protocol {
        step: "session/new",
        detail,
    })?;

    // The commands come in a notification shortly after session/new.
    let deadline = tokio::time::Instant::now() + COMMANDS_WAIT.min(timeout);
    let mut commands = commands_in(&notes);
    while commands.is_none() {
        match tokio::time::timeout_at(deadline, conn.next_incoming()).await {
            Err(_) | Ok(None) => break,
            Ok(Some(Incoming::Request { id, method, .. })) => {
                conn.link
                    .respond_error(
                        &id,
                        -32601,
                        &format!("{method} is not supported by a probe"),
                    )
                    .await;
            }
            Ok(Some(n)) => {
                notes.push(n);
                commands = commands_in(&notes);
            }
        }
    }
    probe.commands = commands.unwrap_or_default();
    Ok(probe)
}

/// Models (typed model selector + legacy `models`) and modes of a
/// `session/new` answer.
fn read_session(raw: &Value) -> Result<AcpProbe, String> {
    let typed: NewSessionResponse =
        serde_json::from_value(raw.clone()).map_err(|e| e.to_string())?;
    let mut probe = AcpProbe::default();
    for option in typed.config_options.iter().flatten() {
        if option.category != Some(SessionConfigOptionCategory::Model) {
            continue;
        }
        if let SessionConfigKind::Select(select) = &option.kind {
            let options: Vec<_> = match &select.options {
                SessionConfigSelectOptions::Ungrouped(o) => o.iter().collect(),
                SessionConfigSelectOptions::Grouped(g) => {
                    g.iter().flat_map(|g| g.options.iter()).collect()
                }
                _ => Vec::new(),
            };
            merge_models(
                &mut probe.models,
                options
                    .into_iter()
                    .map(|o| Model::labelled(o.value.to_string(), o.name.clone())),
            );
            probe.current_model = Some(select.current_value.to_string());
        }
    }
    // The legacy field: {"models":{"availableModels":[{"modelId","name"}],"currentModelId"}}.
    if let Some(legacy) = raw.get("models") {
        let listed = legacy
            .get("availableModels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let id = m.get("modelId").or_else(|| m.get("id"))?.as_str()?;
                let label = m.get("name").and_then(Value::as_str).unwrap_or(id);
                Some(Model::labelled(id, label))
            });
        merge_models(&mut probe.models, listed);
        if probe.current_model.is_none() {
            probe.current_model = legacy
                .get("currentModelId")
                .and_then(Value::as_str)
                .map(String::from);
        }
    }
    if let Some(modes) = typed.modes {
        probe.current_mode = Some(modes.current_mode_id.to_string());
        probe.modes = modes
            .available_modes
            .into_iter()
            .map(|m| Mode {
                id: m.id.to_string(),
                name: m.name,
                description: m.description,
            })
            .collect();
    }
    Ok(probe)
}

/// The commands of the last `available_commands_update` among `notes`.
fn commands_in(notes: &[Incoming]) -> Option<Vec<SlashCommand>> {
    notes.iter().rev().find_map(|n| {
        let Incoming::Notification { method, params } = n else {
            return None;
        };
        if method != "session/update" {
            return None;
        }
        let note: SessionNotification = serde_json::from_value(params.clone()).ok()?;
        match note.update {
            SessionUpdate::AvailableCommandsUpdate(u) => Some(
                u.available_commands
                    .into_iter()
                    .map(|c| SlashCommand {
                        name: c.name,
                        description: c.description,
                    })
                    .collect(),
            ),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn session_models_from_selector_and_legacy_field() {
        let raw = json!({
            "sessionId": "s1",
            "modes": {"currentModeId": "build", "availableModes": [
                {"id": "build", "name": "Build"}, {"id": "plan", "name": "Plan", "description": "read-only"}]},
            "configOptions": [{"id": "model", "name": "Model", "category": "model", "type": "select",
                "currentValue": "a", "options": [{"value": "a", "name": "A"}]}],
            "models": {"currentModelId": "a", "availableModels": [
                {"modelId": "a", "name": "A"}, {"modelId": "b", "name": "B"}]}
        });
        let p = read_session(&raw).unwrap();
        assert_eq!(
            p.models,
            vec![Model::labelled("a", "A"), Model::labelled("b", "B")]
        );
        assert_eq!(p.current_mode.as_deref(), Some("build"));
        assert_eq!(p.modes.len(), 2);
        assert_eq!(p.modes[1].description.as_deref(), Some("read-only"));
    }

    #[test]
    fn commands_from_the_last_update() {
        let note = |names: &[&str]| Incoming::Notification {
            method: "session/update".into(),
            params: json!({"sessionId":"s",
                "update":{"sessionUpdate":"available_commands_update","availableCommands":
                    names.iter().map(|n| json!({"name":n,"description":"d"})).collect::<Vec<_>>()}}),
        };
        assert_eq!(commands_in(&[]), None);
        let got = commands_in(&[note(&["a"]), note(&["b", "c"])]).unwrap();
        assert_eq!(
            got.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["b", "c"]
        );
    }
}
