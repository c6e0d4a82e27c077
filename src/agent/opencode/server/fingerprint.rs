//! The settings a kept server must share with a command that reuses it:
//! what they are, their fingerprint, and why a recorded server does not suit.

use std::collections::BTreeMap;

use super::ServerOptions;
use super::state::{ServerRecord, check, last_answered};
use crate::timestamp::now_ms;

/// The settings a server is started with that a later command must share
/// to reuse it: the opencode binary, llama-swap's URL, the models fetch
/// switch, and the environment opencode reads its own configuration from.
/// The model is not one of them: every turn names its model.
pub fn settings(opts: &ServerOptions) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "opencode_bin".into(),
        opts.bin.to_string_lossy().into_owned(),
    );
    m.insert(
        "llama_swap_url".into(),
        opts.llama_swap_url.clone().unwrap_or_default(),
    );
    // Servers started before every tool call asked for a permission do
    // not serve turns under a policy.
    m.insert("permission".into(), "ask".into());
    m.insert(
        "disable_models_fetch".into(),
        opts.disable_models_fetch.to_string(),
    );
    for var in crate::config::OPENCODE_CONFIG_ENV {
        let extra = opts.env.iter().find(|(k, _)| k == var).map(|(_, v)| v);
        let value = extra
            .or_else(|| opts.opencode_env.get(var))
            .cloned()
            .unwrap_or_default();
        m.insert(format!("env.{var}"), value);
    }
    m
}

/// A stable fingerprint of [`settings`]: a recorded server with another
/// fingerprint is not reused (nor stopped: the command gets a short-lived
/// server of its own).
pub fn fingerprint(opts: &ServerOptions) -> String {
    let s = settings(opts);
    let parts: Vec<String> = s.iter().map(|(k, v)| format!("{k}={v}")).collect();
    crate::util::fnv1a_hex(&parts.join("\u{1f}"))
}

/// Why the live, recorded server does not suit these options (None: it
/// does).
pub(super) async fn mismatch(
    opts: &ServerOptions,
    rec: &ServerRecord,
    models: Option<&[String]>,
) -> Option<String> {
    if check(&opts.state_dir, rec).await.is_none() {
        let silent = (now_ms() - last_answered(&opts.state_dir, rec)).max(0) / 1000;
        return Some(format!(
            "the kept server (pid {}) has not answered for {silent} s",
            rec.pid
        ));
    }
    if rec.fingerprint != fingerprint(opts) {
        let wanted = settings(opts);
        let differ: Vec<&str> = wanted
            .iter()
            .filter(|(k, v)| rec.settings.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        let what = if differ.is_empty() {
            "settings".to_string()
        } else {
            differ.join(", ")
        };
        return Some(format!(
            "the kept server (pid {}) runs with another {what}",
            rec.pid
        ));
    }
    if let Some(models) = models
        && models != rec.models.as_slice()
    {
        let added: Vec<&str> = models
            .iter()
            .filter(|m| !rec.models.contains(m))
            .map(String::as_str)
            .collect();
        let what = if added.is_empty() {
            String::new()
        } else {
            format!(" (new: {})", added.join(", "))
        };
        return Some(format!(
            "llama-swap's models changed since the kept server (pid {}) started{what}; \
             `boocoder server start --restart` updates it",
            rec.pid
        ));
    }
    None
}
