//! `session/request_permission` and the client file requests, decided by
//! the turn's permission policy: the ACP tool kind is mapped to the
//! policy's tool names (`execute` -> `bash`, `edit`/`delete`/`move` ->
//! `edit`, `read`/`search` -> `read`, `fetch` -> `webfetch`, others by
//! their kind), a path outside the worktree is first an
//! `external_directory` request, and the answer is picked among the
//! options the agent offered. Every request and decision is reported.

use std::path::Path;

use serde_json::{Value, json};

use crate::agent::AgentEvent;
use crate::agent::transport::Sink;
use crate::agent::turn::TurnRequest;
use crate::config::Action;

/// The policy's tool name for an ACP tool kind.
fn tool_name(kind: &str) -> &str {
    match kind {
        "execute" => "bash",
        "edit" | "delete" | "move" => "edit",
        "read" | "search" => "read",
        "fetch" => "webfetch",
        "" => "other",
        other => other,
    }
}

/// `path` relative to `root` when inside it (lexically), else None.
fn inside(root: &Path, path: &str) -> Option<String> {
    let p = root.join(path);
    let mut parts: Vec<std::path::Component> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            c => parts.push(c),
        }
    }
    let normal: std::path::PathBuf = parts.iter().collect();
    let rel = normal.strip_prefix(root).ok()?;
    Some(rel.to_string_lossy().into_owned()).filter(|r| !r.is_empty())
}

/// Decide one request for `tool` on `patterns` (reported as a
/// `permission` event).
async fn decide(
    req: &TurnRequest,
    sink: Sink<'_>,
    id: &str,
    tool: &str,
    patterns: Vec<String>,
    metadata: Value,
) -> Action {
    let event = AgentEvent::Permission {
        id: id.to_string(),
        permission: tool.to_string(),
        patterns,
        metadata,
    };
    req.permissions
        .answer(req.session.as_str(), &event, sink)
        .await
        .decision
}

/// Decide a permission by the policy, choosing among the options the agent
/// offered; the ACP `outcome` to answer.
pub async fn permission(params: &Value, req: &TurnRequest, root: &Path, sink: Sink<'_>) -> Value {
    let call = &params["toolCall"];
    let options = params["options"].as_array().cloned().unwrap_or_default();
    let id = call["toolCallId"].as_str().unwrap_or_default();
    let title = call["title"].as_str().map(String::from);
    let kind = call["kind"].as_str().unwrap_or_default();
    let tool = tool_name(kind);
    let raw = &call["rawInput"];
    let mut paths: Vec<&str> = call["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["path"].as_str())
        .collect();
    // No locations: the path the tool's input names, if it names one.
    if paths.is_empty() {
        paths.extend(
            ["filepath", "filePath", "file_path", "absolute_path", "path"]
                .iter()
                .find_map(|k| raw[*k].as_str()),
        );
    }
    let command = match &raw["command"] {
        Value::String(c) => Some(c.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    };
    let metadata = json!({"kind": kind, "title": title, "rawInput": raw, "options": options});
    let outside: Vec<String> = paths
        .iter()
        .filter(|p| inside(root, p).is_none())
        .map(|p| p.to_string())
        .collect();
    let patterns: Vec<String> = match tool {
        "bash" => command.or(title.clone()).into_iter().collect(),
        "webfetch" => raw["url"]
            .as_str()
            .map(String::from)
            .or(title.clone())
            .into_iter()
            .collect(),
        _ if !paths.is_empty() => paths
            .iter()
            .map(|p| inside(root, p).unwrap_or_else(|| p.to_string()))
            .collect(),
        _ => title.clone().into_iter().collect(),
    };
    let mut action = Action::Allow;
    if !outside.is_empty() {
        action = decide(
            req,
            sink,
            id,
            "external_directory",
            outside,
            metadata.clone(),
        )
        .await;
    }
    if action == Action::Allow && req.permissions.stopped().is_none() {
        action = decide(req, sink, id, tool, patterns, metadata).await;
    }
    let pick = |kinds: &[&str]| {
        kinds.iter().find_map(|k| {
            options
                .iter()
                .find(|o| o["kind"] == *k)
                .and_then(|o| o["optionId"].as_str())
                .map(String::from)
        })
    };
    // Allow once where offered: an "always" would let the agent skip
    // asking later, past the next turn's policy.
    let chosen = match action {
        Action::Allow => pick(&["allow_once", "allow_always"]),
        _ => pick(&["reject_once", "reject_always"]),
    };
    match chosen {
        Some(option) => json!({"outcome": "selected", "optionId": option}),
        None => json!({"outcome": "cancelled"}),
    }
}

/// Whether the policy lets the agent read (`fs/read_text_file`) or write
/// (`fs/write_text_file`) the file a request names. A path outside the
/// worktree is left to the file handling, which refuses it.
pub async fn file_request(
    method: &str,
    params: &Value,
    req: &TurnRequest,
    root: &Path,
    sink: Sink<'_>,
) -> bool {
    let Some(rel) = params["path"].as_str().and_then(|p| inside(root, p)) else {
        return true;
    };
    let tool = if method == "fs/write_text_file" {
        "edit"
    } else {
        "read"
    };
    let id = format!("{method}:{rel}");
    let metadata = json!({"method": method, "path": params["path"]});
    decide(req, sink, &id, tool, vec![rel], metadata).await == Action::Allow
}
