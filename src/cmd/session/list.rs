//! `boocoder session list`

use anyhow::Result;
use boocoder::Exit;
use boocoder::session::Sessions;
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(after_help = "json: an array of sessions (see `session show`); ndjson: one per line.")]
pub struct ListArgs {}

pub async fn run(ctx: &Context, _args: &ListArgs) -> Result<Exit> {
    // No database yet: no sessions (and nothing is created to say so).
    let sessions = match ctx.existing_store().await {
        Ok(store) => Sessions::new(store, &ctx.config).list().await?,
        Err(e) if super::no_database(&e).is_some() => Vec::new(),
        Err(e) => return Err(e),
    };
    match ctx.out.format {
        crate::cmd::Format::Json => {
            let all: Vec<_> = sessions.iter().map(super::session_json).collect();
            ctx.out.record("sessions", &all)?;
        }
        crate::cmd::Format::Ndjson => {
            for s in &sessions {
                ctx.out.record("session", &super::session_json(s))?;
            }
        }
        crate::cmd::Format::Text => {
            if sessions.is_empty() {
                ctx.out
                    .info("no sessions (`boocoder session new NAME --repo DIR` makes one)");
                return Ok(Exit::Ok);
            }
            let mut text = format!(
                "{:<24} {:<9} {:<24} {:<12} WORKS IN\n",
                "NAME", "AGENT", "MODEL", "LAST TURN"
            );
            for s in &sessions {
                let dir = match &s.worktree {
                    // Removed (`merge --remove`): the next turn makes one.
                    None if s.session.use_worktree => "(a new worktree on its next turn)".into(),
                    w => boocoder::session::work_dir(&s.session, w.as_ref())
                        .display()
                        .to_string(),
                };
                text.push_str(&format!(
                    "{:<24} {:<9} {:<24} {:<12} {}\n",
                    s.session.name,
                    s.session.agent,
                    s.session.model.as_deref().unwrap_or("(default)"),
                    s.last_turn.as_ref().map_or("-", |t| t.status.as_str()),
                    dir
                ));
            }
            ctx.out.stdout(&text)?;
        }
    }
    Ok(Exit::Ok)
}
