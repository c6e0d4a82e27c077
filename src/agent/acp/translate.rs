//! ACP `session/update` notifications -> boocoder's [`AgentEvent`]s, the
//! same events (and so the same ndjson) as opencode turns.
//!
//! Read from the raw JSON rather than the crate's typed `SessionUpdate`:
//! its enums are non-exhaustive and some fields real agents send (token
//! usage at the end of a prompt) sit behind unstable features; a missing or
//! unknown field must never drop a chunk of text.

use std::collections::HashMap;

use serde_json::Value;

use crate::agent::{AgentEvent, TokenUsage, ToolStatus};

/// Per-turn translation state.
#[derive(Debug, Default)]
pub struct Translator {
    /// tool call id -> (tool, title, last status emitted).
    tools: HashMap<String, (String, Option<String>, ToolStatus)>,
    /// Chunks seen, for part ids when the agent sends no message id.
    chunks: u64,
}

/// ACP tool status -> the statuses opencode turns report.
/// The text of a content block (`{"type":"text","text"}`), if any.
fn text_of(content: &Value) -> Option<&str> {
    match content.get("type").and_then(Value::as_str) {
        Some("text") => content.get("text").and_then(Value::as_str),
        _ => None,
    }
}

impl Translator {
    /// Translate one `session/update` notification's `update` object.
    pub fn translate(&mut self, update: &Value) -> Vec<AgentEvent> {
        let kind = update
            .get("sessionUpdate")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let str_field = |k: &str| update.get(k).and_then(Value::as_str);
        match kind {
            "agent_message_chunk" | "agent_thought_chunk" => {
                let Some(delta) = update.get("content").and_then(text_of) else {
                    return Vec::new();
                };
                if delta.is_empty() {
                    return Vec::new();
                }
                self.chunks += 1;
                let part_id = str_field("messageId")
                    .map(String::from)
                    .unwrap_or_else(|| format!("acp-{kind}"));
                let delta = delta.to_string();
                vec![if kind == "agent_message_chunk" {
                    AgentEvent::Text { part_id, delta }
                } else {
                    AgentEvent::Reasoning { part_id, delta }
                }]
            }
            "tool_call" | "tool_call_update" => {
                let Some(id) = str_field("toolCallId") else {
                    return Vec::new();
                };
                let known = self.tools.get(id).cloned();
                let tool = str_field("kind")
                    .map(String::from)
                    .or_else(|| known.as_ref().map(|k| k.0.clone()))
                    .unwrap_or_else(|| "other".into());
                let title = str_field("title")
                    .map(String::from)
                    .or_else(|| known.as_ref().and_then(|k| k.1.clone()));
                let status = match (str_field("status"), &known) {
                    (Some(s), _) => ToolStatus::from_agent(s),
                    (None, Some(k)) => k.2,
                    (None, None) => ToolStatus::Pending,
                };
                let changed = known.as_ref().is_none_or(|k| k.2 != status);
                self.tools
                    .insert(id.to_string(), (tool.clone(), title.clone(), status));
                if !changed {
                    return Vec::new();
                }
                let input =
                    update
                        .get("rawInput")
                        .filter(|v| !v.is_null())
                        .map(|v| match v.as_str() {
                            Some(s) => s.to_string(),
                            None => v.to_string(),
                        });
                let error = (status == ToolStatus::Error).then(|| tool_error(update));
                vec![AgentEvent::Tool {
                    call_id: id.to_string(),
                    tool,
                    status,
                    title,
                    input,
                    error,
                }]
            }
            "plan" => vec![AgentEvent::Plan {
                entries: update.get("entries").cloned().unwrap_or(Value::Null),
            }],
            _ => Vec::new(),
        }
    }
}

/// What a failed tool call says about its failure.
fn tool_error(update: &Value) -> String {
    let from_content = update
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("content").and_then(text_of))
        .collect::<Vec<_>>()
        .join(" ");
    if !from_content.is_empty() {
        return from_content;
    }
    match update.get("rawOutput") {
        Some(Value::String(s)) => s.clone(),
        Some(v) if !v.is_null() => v.to_string(),
        _ => "failed".into(),
    }
}

/// Token usage of a `session/prompt` answer (`usage`, when the agent sends it).
pub fn prompt_usage(result: &Value) -> Option<TokenUsage> {
    let u = result.get("usage")?;
    let n = |k: &str| u.get(k).and_then(Value::as_i64).unwrap_or(0);
    Some(TokenUsage {
        input: n("inputTokens"),
        output: n("outputTokens"),
        reasoning: n("thoughtTokens"),
        cache_read: n("cachedReadTokens"),
        cache_write: n("cachedWriteTokens"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chunks_tools_and_plans() {
        let mut t = Translator::default();
        let text = t.translate(&json!({"sessionUpdate":"agent_message_chunk",
            "content":{"type":"text","text":"Hi"}}));
        assert_eq!(
            text,
            vec![AgentEvent::Text {
                part_id: "acp-agent_message_chunk".into(),
                delta: "Hi".into()
            }]
        );
        let call = t.translate(&json!({"sessionUpdate":"tool_call","toolCallId":"c1",
            "title":"Write a.txt","kind":"edit","status":"pending","rawInput":{"path":"a.txt"}}));
        assert!(
            matches!(&call[..], [AgentEvent::Tool { status, tool, .. }] if *status == ToolStatus::Pending && tool == "edit")
        );
        // Same status again: nothing; a new status: the remembered tool and title.
        assert!(
            t.translate(&json!({"sessionUpdate":"tool_call_update","toolCallId":"c1"}))
                .is_empty()
        );
        let done = t.translate(&json!({"sessionUpdate":"tool_call_update","toolCallId":"c1",
            "status":"failed","content":[{"type":"content","content":{"type":"text","text":"denied"}}]}));
        assert_eq!(
            done,
            vec![AgentEvent::Tool {
                call_id: "c1".into(),
                tool: "edit".into(),
                status: ToolStatus::Error,
                title: Some("Write a.txt".into()),
                input: None,
                error: Some("denied".into()),
            }]
        );
        let plan = t.translate(&json!({"sessionUpdate":"plan","entries":[
            {"content":"a","status":"pending","priority":"high"}]}));
        assert!(
            matches!(&plan[..], [AgentEvent::Plan { entries }] if entries[0]["content"] == "a")
        );
        assert_eq!(
            prompt_usage(
                &json!({"stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":5,"totalTokens":8}})
            ),
            Some(TokenUsage {
                input: 3,
                output: 5,
                ..Default::default()
            })
        );
    }
}
