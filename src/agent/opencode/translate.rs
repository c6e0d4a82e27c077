//! opencode's events -> boocoder's [`AgentEvent`]s, for one session.
//!
//! Text and reasoning stream as `message.part.delta` (both say field
//! "text"; the part's type comes from its earlier `message.part.updated`),
//! then a final `message.part.updated` repeats the whole text: what was
//! already emitted for a part is never emitted again (the original server's
//! `streamedPartKeys`), and a part that only ever arrives as full updates is
//! emitted once.

use std::collections::HashMap;

use serde_json::Value;

use crate::agent::{AgentEvent, AgentState, TokenUsage, ToolStatus};

/// Per-session translation state.
#[derive(Debug, Default)]
pub struct Translator {
    /// message id -> role.
    roles: HashMap<String, String>,
    /// part id -> part type.
    part_types: HashMap<String, String>,
    /// part id -> text already emitted for it.
    emitted: HashMap<String, String>,
    /// tool call id -> last status emitted.
    tool_status: HashMap<String, ToolStatus>,
    /// The session's directory: a tool's path inside it is shown relative,
    /// as opencode's own title of the finished call shows it.
    dir: Option<String>,
}

/// The session an event belongs to, wherever opencode put it.
pub fn event_session(payload: &Value) -> Option<&str> {
    let p = &payload["properties"];
    p["sessionID"]
        .as_str()
        .or_else(|| p["part"]["sessionID"].as_str())
        .or_else(|| p["info"]["sessionID"].as_str())
}

impl Translator {
    /// A translator for a session working in `dir`.
    pub fn in_dir(dir: &str) -> Translator {
        Translator {
            dir: Some(dir.trim_end_matches('/').to_string()),
            ..Translator::default()
        }
    }

    /// Translate one event payload (`{"type", "properties"}`).
    pub fn translate(&mut self, payload: &Value) -> Vec<AgentEvent> {
        let props = &payload["properties"];
        match payload["type"].as_str().unwrap_or_default() {
            "message.updated" => {
                if let (Some(id), Some(role)) =
                    (props["info"]["id"].as_str(), props["info"]["role"].as_str())
                {
                    self.roles.insert(id.to_string(), role.to_string());
                }
                Vec::new()
            }
            "message.part.delta" => self.delta(props),
            "message.part.updated" => self.part_updated(&props["part"]),
            "session.status" => {
                let status = props["status"]["type"].as_str().unwrap_or_default();
                match status {
                    // `session.idle` is the end signal; a status "idle" repeats it.
                    "idle" | "" => Vec::new(),
                    s => vec![AgentEvent::Status {
                        status: if s == "retry" {
                            AgentState::Retry
                        } else {
                            AgentState::Busy
                        },
                        message: props["status"]["message"].as_str().map(String::from),
                    }],
                }
            }
            "session.idle" => vec![AgentEvent::Idle],
            "session.error" => {
                let e = &props["error"];
                let name = e["name"].as_str().unwrap_or("UnknownError").to_string();
                let message = e["data"]["message"]
                    .as_str()
                    .or_else(|| e["message"].as_str())
                    .map(String::from)
                    .unwrap_or_else(|| e.to_string());
                vec![AgentEvent::Error { name, message }]
            }
            "permission.asked" => vec![AgentEvent::Permission {
                id: props["id"].as_str().unwrap_or_default().to_string(),
                permission: props["permission"].as_str().unwrap_or_default().to_string(),
                patterns: props["patterns"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| p.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                metadata: props["metadata"].clone(),
            }],
            _ => Vec::new(),
        }
    }

    fn delta(&mut self, props: &Value) -> Vec<AgentEvent> {
        let (Some(part_id), Some(delta)) = (props["partID"].as_str(), props["delta"].as_str())
        else {
            return Vec::new();
        };
        if props["field"].as_str().is_some_and(|f| f != "text") || delta.is_empty() {
            return Vec::new();
        }
        if let Some(msg) = props["messageID"].as_str()
            && self.roles.get(msg).is_some_and(|r| r != "assistant")
        {
            return Vec::new();
        }
        self.emitted
            .entry(part_id.to_string())
            .or_default()
            .push_str(delta);
        self.text_event(part_id, delta.to_string())
            .into_iter()
            .collect()
    }

    fn text_event(&self, part_id: &str, delta: String) -> Option<AgentEvent> {
        let part_id = part_id.to_string();
        match self.part_types.get(&part_id).map(String::as_str) {
            Some("reasoning") => Some(AgentEvent::Reasoning { part_id, delta }),
            Some("text") | None => Some(AgentEvent::Text { part_id, delta }),
            Some(_) => None,
        }
    }

    fn part_updated(&mut self, part: &Value) -> Vec<AgentEvent> {
        let (Some(id), Some(ty)) = (part["id"].as_str(), part["type"].as_str()) else {
            return Vec::new();
        };
        self.part_types.insert(id.to_string(), ty.to_string());
        match ty {
            "text" | "reasoning" => {
                // The user's own prompt comes back as a text part: skip parts
                // of non-assistant messages, and parts without timing (only
                // the assistant's parts carry `time`).
                let role = part["messageID"].as_str().and_then(|m| self.roles.get(m));
                if role.is_some_and(|r| r != "assistant")
                    || (role.is_none() && part.get("time").is_none())
                    || part["synthetic"].as_bool() == Some(true)
                {
                    return Vec::new();
                }
                let full = part["text"].as_str().unwrap_or_default();
                let done = self.emitted.entry(id.to_string()).or_default();
                // Emit only what deltas have not already delivered.
                match full.strip_prefix(done.as_str()) {
                    Some(rest) if !rest.is_empty() => {
                        let rest = rest.to_string();
                        done.push_str(&rest);
                        self.text_event(id, rest).into_iter().collect()
                    }
                    _ => Vec::new(),
                }
            }
            "tool" => {
                let state = &part["state"];
                let call_id = part["callID"].as_str().unwrap_or(id).to_string();
                let status = ToolStatus::from_agent(state["status"].as_str().unwrap_or("pending"));
                if self.tool_status.get(&call_id) == Some(&status) {
                    return Vec::new();
                }
                self.tool_status.insert(call_id.clone(), status);
                vec![AgentEvent::Tool {
                    call_id,
                    tool: part["tool"].as_str().unwrap_or_default().to_string(),
                    status,
                    title: state["title"].as_str().map(String::from),
                    input: summarize_input(&state["input"], self.dir.as_deref()),
                    error: state["error"].as_str().map(String::from),
                }]
            }
            "step-finish" => {
                let t = &part["tokens"];
                let n = |v: &Value| v.as_i64().unwrap_or(0);
                vec![AgentEvent::StepFinish {
                    tokens: TokenUsage {
                        input: n(&t["input"]),
                        output: n(&t["output"]),
                        reasoning: n(&t["reasoning"]),
                        cache_read: n(&t["cache"]["read"]),
                        cache_write: n(&t["cache"]["write"]),
                    },
                    reason: part["reason"].as_str().map(String::from),
                }]
            }
            _ => Vec::new(),
        }
    }
}

/// A one-line summary of a tool's input: the path (relative to `dir` when
/// inside it), command, pattern or URL it acts on, else compact JSON, at
/// most 120 characters.
fn summarize_input(input: &Value, dir: Option<&str>) -> Option<String> {
    let obj = input.as_object().filter(|o| !o.is_empty())?;
    let key = [
        "filePath",
        "path",
        "command",
        "pattern",
        "url",
        "query",
        "description",
    ]
    .iter()
    .find_map(|k| Some((*k, obj.get(*k).and_then(Value::as_str)?)));
    let s = match key {
        Some(("filePath" | "path", p)) => dir
            .and_then(|d| p.strip_prefix(d)?.strip_prefix('/'))
            .filter(|r| !r.is_empty())
            .unwrap_or(p)
            .to_string(),
        Some((_, v)) => v.to_string(),
        None => input.to_string(),
    };
    Some(if s.chars().count() > 120 {
        s.chars().take(119).collect::<String>() + "…"
    } else {
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(ty: &str, props: Value) -> Value {
        json!({"type": ty, "properties": props})
    }

    fn texts(events: &[AgentEvent]) -> (String, String) {
        let (mut t, mut r) = (String::new(), String::new());
        for e in events {
            match e {
                AgentEvent::Text { delta, .. } => t.push_str(delta),
                AgentEvent::Reasoning { delta, .. } => r.push_str(delta),
                _ => {}
            }
        }
        (t, r)
    }

    #[test]
    fn deltas_then_full_update_emit_once_and_user_text_is_skipped() {
        let mut tr = Translator::default();
        let mut out = Vec::new();
        let stream = [
            ev(
                "message.updated",
                json!({"info": {"id": "u1", "role": "user"}}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "p0", "messageID": "u1", "type": "text", "text": "prompt"}}),
            ),
            ev(
                "message.updated",
                json!({"info": {"id": "m1", "role": "assistant"}}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "r1", "messageID": "m1", "type": "reasoning", "text": "", "time": {}}}),
            ),
            ev(
                "message.part.delta",
                json!({"messageID": "m1", "partID": "r1", "field": "text", "delta": "Let"}),
            ),
            ev(
                "message.part.delta",
                json!({"messageID": "m1", "partID": "r1", "field": "text", "delta": " me."}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "r1", "messageID": "m1", "type": "reasoning", "text": "Let me.", "time": {}}}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "t1", "messageID": "m1", "type": "text", "text": "", "time": {}}}),
            ),
            ev(
                "message.part.delta",
                json!({"messageID": "m1", "partID": "t1", "field": "text", "delta": "Hi"}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "t1", "messageID": "m1", "type": "text", "text": "Hi", "time": {}}}),
            ),
            // A part that only arrives as a full update is emitted once.
            ev(
                "message.part.updated",
                json!({"part": {"id": "t2", "messageID": "m1", "type": "text", "text": " there", "time": {}}}),
            ),
            ev(
                "message.part.updated",
                json!({"part": {"id": "t2", "messageID": "m1", "type": "text", "text": " there", "time": {}}}),
            ),
            ev("session.idle", json!({})),
        ];
        for e in &stream {
            out.extend(tr.translate(e));
        }
        assert_eq!(texts(&out), ("Hi there".into(), "Let me.".into()));
        assert_eq!(out.last(), Some(&AgentEvent::Idle));
    }

    #[test]
    fn tool_states_are_emitted_on_change_only() {
        let mut tr = Translator::default();
        let tool = |status: &str| {
            ev(
                "message.part.updated",
                json!({"part": {"id": "x", "type": "tool", "tool": "write", "callID": "c1",
                "state": {"status": status, "input": {"filePath": "/a/b.txt", "content": "x"}}}}),
            )
        };
        let mut out = Vec::new();
        for s in ["pending", "running", "running", "completed"] {
            out.extend(tr.translate(&tool(s)));
        }
        let statuses: Vec<_> = out
            .iter()
            .map(|e| match e {
                AgentEvent::Tool { status, input, .. } => {
                    assert_eq!(input.as_deref(), Some("/a/b.txt"));
                    status.as_str()
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(statuses, ["pending", "running", "completed"]);
    }

    #[test]
    fn errors_tokens_and_session_lookup() {
        let mut tr = Translator::default();
        let err = ev(
            "session.error",
            json!({"sessionID": "s", "error": {"name": "APIError", "data": {"message": "bad"}}}),
        );
        assert_eq!(event_session(&err), Some("s"));
        assert_eq!(
            tr.translate(&err),
            vec![AgentEvent::Error {
                name: "APIError".into(),
                message: "bad".into()
            }]
        );
        let step = ev(
            "message.part.updated",
            json!({"part": {"id": "f", "sessionID": "s", "type": "step-finish", "reason": "stop",
            "tokens": {"input": 10, "output": 2, "reasoning": 1, "cache": {"read": 3, "write": 0}}}}),
        );
        assert_eq!(event_session(&step), Some("s"));
        let [AgentEvent::StepFinish { tokens, .. }] = &tr.translate(&step)[..] else {
            panic!()
        };
        assert_eq!(
            (
                tokens.input,
                tokens.output,
                tokens.reasoning,
                tokens.cache_read
            ),
            (10, 2, 1, 3)
        );
    }
}
