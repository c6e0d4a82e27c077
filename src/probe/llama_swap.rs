//! llama-swap's model list: `GET <url>/v1/models`.

use std::time::Duration;

/// How long the model list may take.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// The prefix opencode-style ids carry.
pub const PREFIX: &str = "llama-swap/";

/// The model ids llama-swap serves at `base_url` (no `/v1`). A server that is
/// down, answers non-200 or sends malformed JSON gives an empty list and a
/// warning: never a failure.
pub async fn models(
    client: &reqwest::Client,
    base_url: &str,
    timeout: Duration,
) -> (Vec<String>, Option<String>) {
    let url = format!("{}/v1/models", base_url.trim_end_matches('/'));
    let warn = |why: String| (Vec::new(), Some(format!("llama-swap at {url}: {why}")));
    let response = match tokio::time::timeout(timeout, client.get(&url).send()).await {
        Err(_) => return warn(format!("no answer within {} s", timeout.as_secs())),
        Ok(Err(e)) => return warn(format!("unreachable ({e})")),
        Ok(Ok(r)) => r,
    };
    if !response.status().is_success() {
        return warn(format!("HTTP {}", response.status()));
    }
    let body = match tokio::time::timeout(timeout, response.bytes()).await {
        Err(_) => return warn(format!("no answer within {} s", timeout.as_secs())),
        Ok(Err(e)) => return warn(format!("cannot read the answer ({e})")),
        Ok(Ok(b)) => b,
    };
    match parse(&body) {
        Some(ids) => (ids, None),
        None => warn("malformed model list (expected {\"data\":[{\"id\":...}]})".into()),
    }
}

/// `{"data":[{"id":"m"},...]}` -> the ids.
fn parse(body: &[u8]) -> Option<Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("data")?
        .as_array()?
        .iter()
        .map(|m| m.get("id")?.as_str().map(String::from))
        .collect()
}

/// `m` -> `llama-swap/m`; an id that already has the prefix keeps it once.
pub fn prefixed(id: &str) -> String {
    if id.starts_with(PREFIX) {
        id.to_string()
    } else {
        format!("{PREFIX}{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_exactly_once() {
        assert_eq!(prefixed("qwen"), "llama-swap/qwen");
        assert_eq!(prefixed("llama-swap/qwen"), "llama-swap/qwen");
    }

    #[test]
    fn parse_accepts_only_the_openai_shape() {
        assert_eq!(
            parse(br#"{"data":[{"id":"a"},{"id":"b","owned_by":"x"}]}"#),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(parse(b"not json"), None);
        assert_eq!(parse(br#"{"data":[{"name":"a"}]}"#), None);
        assert_eq!(parse(br#"{"models":[]}"#), None);
    }
}
