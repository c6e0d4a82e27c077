//! `boocoder config show`: the effective configuration.

use anyhow::Result;
use boocoder::Exit;
use boocoder::config::{NonInteractive, Policy};
use clap::Args;
use serde_json::Value;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Values come from flags, then environment variables, then the config \
file, then defaults; text output names the source of each. Passwords in URLs are masked. \
[permissions] shows the default policy (preset workspace, then the config file's rules) \
with the source of each rule; json: \"permissions\": {\"name\",\"rules\":[{\"tool\",\"pattern\",\"action\",\"source\"}],\"non_interactive\",\"non_interactive_source\"}."
)]
pub struct ShowArgs {}

pub fn run(ctx: &Context, _args: &ShowArgs) -> Result<Exit> {
    let cfg = &ctx.config;
    let doc = cfg.masked_json();
    if !ctx.out.is_text() {
        ctx.out.record("config", &doc)?;
        return Ok(Exit::Ok);
    }
    let mut text = String::new();
    let state = if cfg.config_file_loaded {
        "loaded"
    } else {
        "not found, defaults used"
    };
    text.push_str(&format!(
        "# config file: {} ({state})\n",
        cfg.config_file.display()
    ));
    let obj = doc.as_object().expect("config is an object");
    let comment = |key: &str| ctx.out.style(&format!("# {}", cfg.source(key)), "2");
    for (key, value) in obj {
        match key.as_str() {
            "sources" | "config_file" | "config_file_loaded" | "server" | "providers"
            | "permissions" => {}
            "config_dir" | "data_dir" | "state_dir" => {
                text.push_str(&format!("{key} = {}\n", render(value)));
            }
            _ => text.push_str(&format!("{key} = {}  {}\n", render(value), comment(key))),
        }
    }
    text.push_str("\n[server]\n");
    if let Some(server) = obj.get("server").and_then(Value::as_object) {
        for (key, value) in server {
            let full = match key.as_str() {
                "health_timeout" | "stream_timeout" => format!("server.{key}_seconds"),
                _ => format!("server.{key}"),
            };
            let shown = full.trim_start_matches("server.");
            text.push_str(&format!(
                "{shown} = {}  {}\n",
                render(value),
                comment(&full)
            ));
        }
    }
    if let Ok(policy) = Policy::resolve(cfg, None, "--permissions") {
        text.push_str(&format!(
            "\n[permissions]  {}\n",
            ctx.out.style(
                "# the default policy: preset workspace, then the config file's rules; the last matching rule wins",
                "2"
            )
        ));
        for r in &policy.rules {
            let rule = if r.pattern == "*" {
                format!("{} = \"{}\"", toml_key(&r.tool), r.action)
            } else {
                format!(
                    "{} = {{ {} = \"{}\" }}",
                    toml_key(&r.tool),
                    toml_key(&r.pattern),
                    r.action
                )
            };
            text.push_str(&format!(
                "{rule}  {}\n",
                ctx.out.style(&format!("# {}", r.source), "2")
            ));
        }
        text.push_str(&format!(
            "non_interactive = \"{}\"  {}\n",
            match policy.non_interactive {
                NonInteractive::Deny => "deny",
                NonInteractive::Fail => "fail",
            },
            ctx.out
                .style(&format!("# {}", policy.non_interactive_source), "2")
        ));
    }
    if let Some(providers) = obj.get("providers").and_then(Value::as_object) {
        for (name, p) in providers {
            text.push_str(&format!("\n[providers.{name}]\n"));
            for (key, value) in p.as_object().into_iter().flatten() {
                text.push_str(&format!("{key} = {}\n", render(value)));
            }
        }
    }
    ctx.out.stdout(&text)?;
    Ok(Exit::Ok)
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        Value::from(k).to_string()
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::Null => "(unset)".into(),
        other => other.to_string(),
    }
}
