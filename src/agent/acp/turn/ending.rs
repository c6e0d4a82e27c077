//! How a turn ends and what it leaves: agent faults, the stop reason,
//! cancelling, the model an agent session runs on, the transport note.

use super::*;

pub(super) fn fault(backend: &Backend, source: AcpError) -> crate::Error {
    AcpTurnError::Agent {
        agent: backend.name.clone(),
        login: backend.login_hint(),
        source,
    }
    .into()
}

/// The model an agent session says it uses: its `model` config option's
/// value, else the legacy `models.currentModelId`.
pub(super) fn current_model(session: &Value) -> Option<String> {
    let option = session["configOptions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["category"] == "model");
    match option {
        Some(o) => o["currentValue"].as_str(),
        None => session["models"]["currentModelId"].as_str(),
    }
    .filter(|m| !m.is_empty())
    .map(String::from)
}

/// Select the session's model: the `model` config option when the agent
/// offers one (`session/set_config_option`), else `session/set_model` (the
/// legacy `models` field, e.g. opencode and qwen).
pub(super) async fn set_model(
    conn: &mut Connection,
    asid: &str,
    session: &Value,
    model: &str,
) -> Result<(), AcpError> {
    let option = session["configOptions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["category"] == "model");
    let current = match option {
        Some(o) => o["currentValue"].as_str(),
        None => session["models"]["currentModelId"].as_str(),
    };
    if current == Some(model) {
        return Ok(());
    }
    let mut notes = Vec::new();
    match option.and_then(|o| o["id"].as_str()) {
        Some(config_id) => {
            let params = json!({"sessionId": asid, "configId": config_id, "value": model});
            conn.request(
                "session/set_config_option",
                params,
                SETUP_TIMEOUT,
                &mut notes,
            )
            .await?;
        }
        None => {
            let params = json!({"sessionId": asid, "modelId": model});
            conn.request("session/set_model", params, SETUP_TIMEOUT, &mut notes)
                .await?;
        }
    }
    Ok(())
}

/// `session/cancel`, then up to [`CANCEL_GRACE`] for the prompt's answer,
/// answering what the agent still asks (permissions cancelled, the rest
/// refused). The caller kills the agent after.
pub(super) async fn cancel(conn: &mut Connection, link: &Link, pending: &mut Pending, asid: &str) {
    let _ = link
        .notify("session/cancel", json!({"sessionId": asid}))
        .await;
    let drain = async {
        let mut open = true;
        loop {
            tokio::select! {
                _ = link.answer(pending) => return,
                got = conn.next_incoming(), if open => match got {
                    None => open = false,
                    Some(Incoming::Request { id, method, .. }) => {
                        if method == "session/request_permission" {
                            link.respond(&id, json!({"outcome": {"outcome": "cancelled"}})).await;
                        } else {
                            link.respond_error(&id, -32800, "the turn was cancelled").await;
                        }
                    }
                    Some(_) => {}
                },
            }
        }
    };
    let _ = tokio::time::timeout(CANCEL_GRACE, drain).await;
}

/// The end of a turn for the prompt's stop reason (the schema's
/// `StopReason`; one the schema does not know ends the turn early, naming it).
pub(super) fn stop_end(reason: &str) -> LoopEnd {
    use agent_client_protocol_schema::v1::StopReason;
    let known: Option<StopReason> = serde_json::from_value(Value::String(reason.into())).ok();
    let (status, error) = match known {
        Some(StopReason::EndTurn) => (TurnStatus::Done, None),
        Some(StopReason::Cancelled) => (
            TurnStatus::Interrupted,
            Some("the agent cancelled the turn".to_string()),
        ),
        Some(StopReason::Refusal) => (
            TurnStatus::Failed,
            Some("the agent refused to continue (stop reason refusal)".into()),
        ),
        // max_tokens, max_turn_requests, and what a later schema adds.
        _ => (
            TurnStatus::Failed,
            Some(format!("the agent stopped early (stop reason {reason})")),
        ),
    };
    LoopEnd {
        status,
        error,
        stop_reason: Some(reason.to_string()),
        sign_in: false,
    }
}

pub(super) fn crashed_or_failed(e: AcpError) -> LoopEnd {
    let sign_in = matches!(e, AcpError::AuthRequired { .. });
    let (status, error) = match &e {
        AcpError::Exited { .. } | AcpError::NotAcp { .. } => {
            (TurnStatus::Crashed, "the agent exited mid-turn".to_string())
        }
        e => (TurnStatus::Failed, e.to_string()),
    };
    LoopEnd {
        status,
        error: Some(error),
        stop_reason: None,
        sign_in,
    }
}

/// Keep why the agent runs over ACP (opencode 2) in its agent session's
/// record, where `session show` reads it as the session's server.
pub(super) async fn note_transport(store: &crate::store::Store, session: &SessionRow, note: &str) {
    let Ok(Some(mut row)) = store.get_agent_session(&session.name, &session.agent).await else {
        return;
    };
    if row.server_url.as_deref() == Some(note) {
        return;
    }
    row.server_url = Some(note.to_string());
    if let Err(e) = store.upsert_agent_session(&row).await {
        tracing::warn!("cannot record the agent session of {}: {e}", session.name);
    }
}
