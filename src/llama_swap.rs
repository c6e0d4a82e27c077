//! llama-swap's model list (`GET <url>/v1/models`, OpenAI style).

use std::time::Duration;

/// How long to wait for llama-swap's model list.
pub const MODELS_TIMEOUT: Duration = Duration::from_secs(3);

/// The model ids llama-swap serves. Errors are plain messages: callers treat
/// an unreachable llama-swap as "no models" plus a warning.
pub async fn list_models(url: &str, timeout: Duration) -> Result<Vec<String>, String> {
    let endpoint = format!("{}/v1/models", url.trim_end_matches('/'));
    let resp = reqwest::Client::new()
        .get(&endpoint)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| format!("llama-swap at {url} is unreachable: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("llama-swap {endpoint} answered {}", resp.status()));
    }
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| format!("llama-swap {endpoint} sent malformed JSON: {e}"))?;
    let data = body["data"]
        .as_array()
        .ok_or_else(|| format!("llama-swap {endpoint}: no `data` list in the answer"))?;
    Ok(data
        .iter()
        .filter_map(|m| m["id"].as_str().map(String::from))
        .collect())
}
