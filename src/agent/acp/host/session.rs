//! What the kept agent host remembers of each agent session: which command
//! speaks for it, the answer that loaded it, and what was set on it.

use std::collections::HashMap;

use serde_json::Value;

/// An agent session the host has seen.
#[derive(Default)]
pub(super) struct Session {
    /// The command that last spoke for it: its updates and the agent's
    /// requests about it go there.
    pub owner: Option<u64>,
    /// The answer to `session/new|load|resume` once the agent has it loaded.
    pub loaded: Option<Value>,
    /// What the agent accepted: `model`, `mode`, `config:<id>`.
    pub settings: HashMap<String, Value>,
}

/// The setting a `session/set_*` request changes, and its value.
pub(super) fn setting_of(method: &str, params: &Value) -> Option<(String, Value)> {
    match method {
        "session/set_model" => Some(("model".to_string(), params["modelId"].clone())),
        "session/set_mode" => Some(("mode".to_string(), params["modeId"].clone())),
        "session/set_config_option" => Some((
            format!("config:{}", params["configId"].as_str().unwrap_or_default()),
            params["value"].clone(),
        )),
        _ => None,
    }
}

/// Write a setting the agent accepted into a session's cached answer: the
/// model (`models.currentModelId`), mode (`modes.currentModeId`) or config
/// option's `currentValue`.
pub(super) fn note_setting(session: &mut Value, key: &str, value: &Value) {
    match key {
        "model" if session["models"].is_object() => {
            session["models"]["currentModelId"] = value.clone()
        }
        "mode" if session["modes"].is_object() => session["modes"]["currentModeId"] = value.clone(),
        _ => {
            let Some(id) = key.strip_prefix("config:") else {
                return;
            };
            if let Some(options) = session["configOptions"].as_array_mut() {
                for o in options.iter_mut().filter(|o| o["id"] == id) {
                    o["currentValue"] = value.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_accepted_setting_is_written_into_the_cached_answer() {
        let mut s = json!({
            "models": {"currentModelId": "m1"},
            "modes": {"currentModeId": "ask"},
            "configOptions": [{"id": "model", "currentValue": "m1"}, {"id": "x", "currentValue": 1}],
        });
        let (k, v) = setting_of("session/set_model", &json!({"modelId": "m2"})).unwrap();
        note_setting(&mut s, &k, &v);
        let (k, v) = setting_of("session/set_mode", &json!({"modeId": "code"})).unwrap();
        note_setting(&mut s, &k, &v);
        let params = json!({"configId": "model", "value": "m3"});
        let (k, v) = setting_of("session/set_config_option", &params).unwrap();
        note_setting(&mut s, &k, &v);
        assert_eq!(s["models"]["currentModelId"], "m2");
        assert_eq!(s["modes"]["currentModeId"], "code");
        assert_eq!(s["configOptions"][0]["currentValue"], "m3");
        assert_eq!(s["configOptions"][1]["currentValue"], 1);
        assert!(setting_of("session/prompt", &json!({})).is_none());
        // An answer without the field gets none added.
        let mut bare = json!({});
        note_setting(&mut bare, "model", &json!("m2"));
        assert_eq!(bare, json!({}));
    }
}
