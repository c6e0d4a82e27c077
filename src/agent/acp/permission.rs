//! `session/request_permission`: the same policy as opencode turns (ask on
//! a terminal, deny off one, or `--permissions`), choosing among the options
//! the agent offered; the request and the decision are reported.

use serde_json::{Value, json};

use super::turn::Sink;
use crate::agent::{AgentEvent, PermissionReply};
use crate::session::{TurnEvent, TurnRequest};

/// Decide a permission by the policy, choosing among the options the agent
/// offered; the ACP `outcome` to answer.
pub async fn permission(params: &Value, req: &TurnRequest, sink: Sink<'_>) -> Value {
    let call = &params["toolCall"];
    let options = params["options"].as_array().cloned().unwrap_or_default();
    let permission = call["kind"]
        .as_str()
        .or_else(|| call["title"].as_str())
        .unwrap_or("tool")
        .to_string();
    let mut patterns: Vec<String> = call["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["path"].as_str().map(String::from))
        .collect();
    if patterns.is_empty()
        && let Some(t) = call["title"].as_str()
    {
        patterns.push(t.to_string());
    }
    let event = AgentEvent::Permission {
        id: call["toolCallId"].as_str().unwrap_or_default().to_string(),
        permission: permission.clone(),
        patterns,
        metadata: json!({"options": options}),
    };
    let reply = req.permissions.reply(req.session.as_str(), &event).await;
    sink(TurnEvent::Agent(event));
    let pick = |kinds: &[&str]| {
        kinds.iter().find_map(|k| {
            options
                .iter()
                .find(|o| o["kind"] == *k)
                .and_then(|o| o["optionId"].as_str())
                .map(String::from)
        })
    };
    let reject = ["reject_once", "reject_always"];
    let (chosen, word) = match reply {
        PermissionReply::Reject => (pick(&reject), "denied"),
        PermissionReply::Always => match pick(&["allow_always", "allow_once"]) {
            Some(o) => (Some(o), "allowed always"),
            None => (pick(&reject), "denied (no option allows it)"),
        },
        PermissionReply::Once => match pick(&["allow_once", "allow_always"]) {
            Some(o) => (Some(o), "allowed once"),
            None => (pick(&reject), "denied (no option allows it)"),
        },
    };
    sink(TurnEvent::Notice {
        notice: format!("permission {permission} {word}"),
    });
    match chosen {
        Some(option) => json!({"outcome": "selected", "optionId": option}),
        None => json!({"outcome": "cancelled"}),
    }
}
