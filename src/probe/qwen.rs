//! Models named in qwen's settings file (`~/.qwen/settings.json`).

use std::path::Path;

use super::Model;

/// The models `<home>/.qwen/settings.json` names: `model.name` (or a plain
/// string `model`), plus every entry of a `models` list (strings or objects
/// with `id` / `name` and an optional `label`). A missing or malformed file
/// names none.
pub fn settings_models(home: &Path) -> Vec<Model> {
    let Ok(text) = std::fs::read_to_string(home.join(".qwen/settings.json")) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match v.get("model") {
        Some(serde_json::Value::String(s)) => out.push(Model::plain(s.clone())),
        Some(m) => {
            if let Some(s) = m.get("name").and_then(|n| n.as_str()) {
                out.push(Model::plain(s));
            }
        }
        None => {}
    }
    for m in v
        .get("models")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
    {
        let model = match m {
            serde_json::Value::String(s) => Some(Model::plain(s.clone())),
            serde_json::Value::Object(o) => {
                let id = o
                    .get("id")
                    .or_else(|| o.get("name"))
                    .and_then(|i| i.as_str());
                id.map(|id| {
                    let label = o.get("label").and_then(|l| l.as_str()).unwrap_or(id);
                    Model::labelled(id, label)
                })
            }
            _ => None,
        };
        if let Some(model) = model {
            super::merge_models(&mut out, [model]);
        }
    }
    out.retain(|m| !m.id.trim().is_empty());
    out
}
