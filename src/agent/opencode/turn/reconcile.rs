//! Asking the servers what happened: after a lost stream or a stall,
//! whether the turn ended meanwhile (its messages and status); whether the
//! opencode server died; whether llama-swap can still serve the model.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::TurnRunner;
use super::stream::{Progress, StreamEnd};
use crate::agent::AgentEvent;
use crate::agent::opencode::Client;
use crate::agent::turn::TurnEvent;

impl TurnRunner<'_> {
    /// After a stream loss: has the server died? (Its process is gone, or
    /// its port refuses connections.)
    pub(super) async fn server_gone(&self, client: &Client) -> Option<String> {
        let pid = self.server.record.pid;
        if self.server.process_gone() {
            return Some(format!("the server process (pid {pid}) died"));
        }
        match client.health(Duration::from_secs(2)).await {
            Err(crate::agent::opencode::OpencodeError::Request { source, .. })
                if source.is_connect() =>
            {
                if self.server.process_gone() {
                    Some(format!("the server process (pid {pid}) died"))
                } else {
                    Some(format!(
                        "the server at {} refuses connections (pid {pid})",
                        self.server.record.url
                    ))
                }
            }
            _ => None,
        }
    }

    /// While opencode retries a llama-swap model: is llama-swap down, or
    /// does it no longer serve the model? Then retrying cannot help.
    pub(super) async fn llama_swap_fault(&self, p: &Progress) -> Option<String> {
        let model = p.llama_swap_model.as_deref()?;
        let url = self.config.llama_swap_url.as_deref()?;
        use crate::probe::llama_swap;
        let (models, warning) =
            llama_swap::models(&reqwest::Client::new(), url, llama_swap::TIMEOUT).await;
        if let Some(w) = warning {
            return Some(w);
        }
        if !models.iter().any(|m| m == model) {
            return Some(format!(
                "model {model} not found: llama-swap at {url} serves {}",
                if models.is_empty() {
                    "no model".to_string()
                } else {
                    models.join(", ")
                }
            ));
        }
        None
    }

    /// After a stall or a lost stream: did the turn end meanwhile? If so,
    /// deliver the text not yet delivered and say how it ended.
    pub(super) async fn reconcile_finished(
        &self,
        client: &Client,
        asid: &str,
        dir: &Path,
        started_ms: i64,
        p: &mut Progress,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) -> Option<StreamEnd> {
        if let Ok(busy) = client.session_status(dir).await
            && busy.contains_key(asid)
        {
            return None;
        }
        let messages = client.messages(asid, dir, 20).await.ok()?;
        let ours: Vec<&Value> = messages
            .iter()
            .filter(|m| m["info"]["role"] == "assistant")
            .filter(|m| m["info"]["time"]["created"].as_i64().unwrap_or(0) >= started_ms - 2_000)
            .collect();
        let last = ours.last()?;
        let info = &last["info"];
        let completed = info["time"]["completed"].as_i64().is_some()
            && info["finish"].as_str() != Some("tool-calls");
        if !completed {
            return None;
        }
        for m in &ours {
            for part in m["parts"].as_array().into_iter().flatten() {
                if part["type"] != "text" {
                    continue;
                }
                let (Some(id), Some(text)) = (part["id"].as_str(), part["text"].as_str()) else {
                    continue;
                };
                let done = p.printed.entry(id.to_string()).or_default();
                if let Some(rest) = text.strip_prefix(done.as_str())
                    && !rest.is_empty()
                {
                    let rest = rest.to_string();
                    done.push_str(&rest);
                    p.text.push_str(&rest);
                    sink(TurnEvent::Agent(AgentEvent::Text {
                        part_id: id.to_string(),
                        delta: rest,
                    }));
                }
            }
        }
        if let Some(err) = info.get("error").filter(|e| !e.is_null()) {
            let name = err["name"].as_str().unwrap_or("Error");
            let msg = self.readable(err["data"]["message"].as_str().unwrap_or_default());
            p.error = Some(format!("{name}: {msg}"));
            p.error_name = Some(name.to_string());
        }
        Some(self.finished(p))
    }
}
