//! `boocoder session log`

use anyhow::Result;
use boocoder::session::SessionError;
use boocoder::store::TurnLogRow;
use boocoder::util::format_utc;
use boocoder::{Exit, SessionKey};
use clap::Args;
use serde_json::{Value, json};

use crate::cmd::{Context, Format};

#[derive(Debug, Args)]
#[command(
    after_help = "The session's turns, oldest first: time, agent, model, status, duration, \
tokens, prompt, reply, tool calls (name, title, status) and what the turn changed \
(turn_changes: the worktree before the turn against after it). json: {\"session\",\"agent\",\
\"turns\":[{\"id\",\"started_at\",\"agent\",\"model\",\"status\",\"duration_ms\",\"tokens\",\
\"prompt\",\"reply\",\"tools\":[{\"name\",\"title\",\"status\"}],\"turn_changes\":{\"files\",\
\"insertions\",\"deletions\"},\"error\"}]}; ndjson: one {\"type\":\"turn\",\"session\",...} \
per line. Turns recorded before this was stored have no prompt, reply or tools. Exit 1 when \
there is no such session."
)]
pub struct LogArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// Only the last N turns
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
}

fn turn_json(agent: &str, t: &TurnLogRow) -> Value {
    json!({
        "id": t.id,
        "started_at": format_utc(t.started_at),
        "agent": agent,
        "agent_session_id": t.agent_session_id,
        "model": t.model,
        "status": t.status,
        "duration_ms": t.ended_at.map(|e| e - t.started_at),
        "tokens": t.tokens,
        "prompt": t.prompt,
        "reply": t.reply,
        "tools": t.tools,
        "turn_changes": t.turn_changes,
        "error": t.error,
    })
}

pub async fn run(ctx: &Context, args: &LogArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let session = store
        .get_session(args.name.as_str())
        .await?
        .ok_or_else(|| boocoder::Error::from(SessionError::NotFound(args.name.to_string())))?;
    let mut turns = store.turn_log(args.name.as_str()).await?;
    if let Some(n) = args.last {
        let skip = turns.len().saturating_sub(n);
        turns.drain(..skip);
    }
    match ctx.out.format {
        Format::Json => {
            let turns: Vec<_> = turns.iter().map(|t| turn_json(&session.agent, t)).collect();
            ctx.out.record(
                "log",
                &json!({"session": session.name, "agent": session.agent, "turns": turns}),
            )?;
        }
        Format::Ndjson => {
            for t in &turns {
                let mut v = json!({"type": "turn", "session": session.name});
                v.as_object_mut()
                    .unwrap()
                    .extend(turn_json(&session.agent, t).as_object().unwrap().clone());
                ctx.out.record("turn", &v)?;
            }
        }
        Format::Text => {
            if turns.is_empty() {
                ctx.out
                    .info(&format!("session {} has no turns yet", session.name));
            }
            let mut s = String::new();
            for (i, t) in turns.iter().enumerate() {
                if i > 0 {
                    s.push('\n');
                }
                s.push_str(&turn_text(&session.agent, t));
            }
            ctx.out.stdout(&s)?;
        }
    }
    Ok(Exit::Ok)
}

fn turn_text(agent: &str, t: &TurnLogRow) -> String {
    let duration = t
        .ended_at
        .map(|e| format!("{:.1}s", (e - t.started_at) as f64 / 1000.0))
        .unwrap_or_else(|| "-".into());
    let tok = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
    let mut s = format!(
        "turn {} {} {agent} {} {} {duration} tokens in {} out {}\n",
        t.id,
        format_utc(t.started_at),
        t.model.as_deref().unwrap_or("-"),
        t.status,
        tok(t.tokens.input),
        tok(t.tokens.output),
    );
    let indent = |label: &str, text: &str| {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let head = if i == 0 { label } else { "" };
            out.push_str(&format!("  {head:<8}{line}\n"));
        }
        out
    };
    if let Some(p) = &t.prompt {
        s.push_str(&indent("prompt:", p));
    }
    if let Some(r) = &t.reply
        && !r.trim().is_empty()
    {
        s.push_str(&indent("reply:", r.trim_end()));
    }
    for tool in &t.tools {
        s.push_str(&format!(
            "  tool:   {} {} ({})\n",
            tool.name,
            tool.title.as_deref().unwrap_or(""),
            tool.status
        ));
    }
    if let Some(c) = &t.turn_changes {
        s.push_str(&format!(
            "  changed: {} files, +{} -{}\n",
            c.files, c.insertions, c.deletions
        ));
    }
    if let Some(e) = &t.error {
        s.push_str(&indent("error:", e));
    }
    s
}
