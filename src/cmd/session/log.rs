//! `boocoder session log`

use anyhow::Result;
use boocoder::session::SessionError;
use boocoder::store::TurnLogRow;
use boocoder::timestamp::format_utc;
use boocoder::timestamp::rfc3339;
use boocoder::{Exit, SessionKey};
use clap::Args;
use serde::Serialize;

use crate::cmd::{Context, Format};

#[derive(Debug, Args)]
#[command(
    after_help = "The session's turns, oldest first: time, agent, model, status, duration, \
tokens, prompt, reply, tool calls (name, title, status) and what the turn changed \
(turn_changes: the worktree before the turn against after it). json: {\"session\",\"agent\",\
\"turns\":[{\"id\",\"started_at\",\"agent\",\"model\",\"status\",\"duration_ms\",\"tokens\",\
\"prompt\",\"reply\",\"tools\":[{\"name\",\"title\",\"status\"}],\"turn_changes\":{\"files\",\
\"insertions\",\"deletions\"},\"error\",\"stop_reason\",\"permissions\":{\"allowed\",\"denied\",\
\"decisions\":[{\"tool\",\"patterns\",\"decision\",\"by\",\"rule\"}]}}]}; ndjson: one {\"type\":\"turn\",\"session\",...} \
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

fn turn_json<'a>(session: Option<&'a str>, agent: &'a str, row: &'a TurnLogRow) -> TurnRecord<'a> {
    let t = &row.turn;
    TurnRecord {
        session,
        id: t.id,
        started_at: rfc3339(t.started_at),
        agent,
        agent_session_id: t.agent_session_id.as_deref(),
        model: t.model.as_deref(),
        status: t.status.as_str(),
        duration_ms: t.ended_at.map(|e| e - t.started_at),
        tokens: &t.tokens,
        prompt: row.prompt.as_deref(),
        reply: row.reply.as_deref(),
        tools: &row.tools,
        turn_changes: row.turn_changes.as_ref(),
        error: t.error.as_deref(),
        stop_reason: row.stop_reason.as_deref(),
        permissions: row.permissions.as_ref(),
    }
}

/// One turn of `session log` (ndjson lines also name the session).
#[derive(Serialize)]
struct TurnRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
    id: i64,
    started_at: String,
    agent: &'a str,
    agent_session_id: Option<&'a str>,
    model: Option<&'a str>,
    status: &'a str,
    duration_ms: Option<i64>,
    tokens: &'a boocoder::store::Tokens,
    prompt: Option<&'a str>,
    reply: Option<&'a str>,
    tools: &'a [boocoder::store::ToolCall],
    turn_changes: Option<&'a boocoder::store::ChangeCounts>,
    error: Option<&'a str>,
    /// Why an ACP agent ended the turn (null for opencode's server).
    stop_reason: Option<&'a str>,
    /// The permission decisions (null for turns recorded before them).
    permissions: Option<&'a boocoder::store::PermissionLog>,
}

/// The `log` document (json).
#[derive(Serialize)]
struct LogRecord<'a> {
    session: &'a str,
    agent: &'a str,
    turns: Vec<TurnRecord<'a>>,
}

pub async fn run(ctx: &Context, args: &LogArgs) -> Result<Exit> {
    let store = super::store_with_session(ctx, args.name.as_str()).await?;
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
            let turns = turns
                .iter()
                .map(|t| turn_json(None, &session.agent, t))
                .collect();
            ctx.out.record(
                "log",
                &LogRecord {
                    session: &session.name,
                    agent: &session.agent,
                    turns,
                },
            )?;
        }
        Format::Ndjson => {
            for t in &turns {
                ctx.out
                    .record("turn", &turn_json(Some(&session.name), &session.agent, t))?;
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

fn turn_text(agent: &str, row: &TurnLogRow) -> String {
    let t = &row.turn;
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
        match &row.stop_reason {
            // An ACP turn that did not end normally says why.
            Some(r) if r != "end_turn" => format!("{} ({r})", t.status),
            _ => t.status.to_string(),
        },
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
    if let Some(p) = &row.prompt {
        s.push_str(&indent("prompt:", p));
    }
    if let Some(r) = &row.reply
        && !r.trim().is_empty()
    {
        s.push_str(&indent("reply:", r.trim_end()));
    }
    for tool in &row.tools {
        s.push_str(&format!(
            "  tool:   {} {} ({})\n",
            tool.name,
            tool.title.as_deref().unwrap_or(""),
            tool.status
        ));
    }
    for p in row.permissions.iter().flat_map(|p| &p.decisions) {
        s.push_str(&format!(
            "  permission: {} {} {} ({}{})\n",
            p.decision,
            p.tool,
            p.patterns.join(", "),
            p.by,
            p.rule
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ));
    }
    if let Some(c) = &row.turn_changes {
        s.push_str(&format!(
            "  changed: {}, +{} -{}\n",
            boocoder::util::plural(c.files as usize, "file"),
            c.insertions,
            c.deletions
        ));
    }
    if let Some(e) = &t.error {
        s.push_str(&indent("error:", e));
    }
    s
}
